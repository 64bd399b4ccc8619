package roommembership.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The redrive runbook: its bash blocks whose first line is {@code # runbook: <step>}, by step, as written. */
public final class Runbook {
    /** The page that holds the runbook, from the project's root. */
    public static final Path PAGE = Path.of("docs", "operate.md");

    private static final Pattern STEP = Pattern.compile("^# runbook: (\\S+)$");

    private Runbook() {
    }

    public static Map<String, String> steps(Path page) throws IOException {
        Map<String, String> steps = new LinkedHashMap<>();
        List<String> block = null;
        int indent = 0;
        for (String line : Files.readAllLines(page)) {
            if (block == null && line.strip().equals("```bash")) {
                block = new ArrayList<>();
                indent = line.indexOf('`');
            } else if (block != null && line.strip().equals("```")) {
                Matcher step = block.isEmpty() ? null : STEP.matcher(block.get(0));
                if (step != null && step.matches()) {
                    steps.put(step.group(1), String.join("\n", block));
                }
                block = null;
            } else if (block != null) {
                block.add(line.length() >= indent ? line.substring(indent) : line.strip());
            }
        }
        return steps;
    }
}

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

/** The README's runbook: its bash blocks whose first line is {@code # runbook: <step>}, by step, as written. */
public final class Runbook {
    private static final Pattern STEP = Pattern.compile("^# runbook: (\\S+)$");

    private Runbook() {
    }

    public static Map<String, String> steps(Path readme) throws IOException {
        Map<String, String> steps = new LinkedHashMap<>();
        List<String> block = null;
        int indent = 0;
        for (String line : Files.readAllLines(readme)) {
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

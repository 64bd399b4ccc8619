package roommembership.events;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample events, read as a new user reads them: one Region throughout, the Chime API's and the local stack's. */
class SampleEventsTest {
    private static final Pattern ARN_REGION = Pattern.compile("arn:aws:[a-z0-9-]+:([a-z0-9-]*):");
    private static final Pattern AWS_REGION = Pattern.compile("\"awsRegion\"\\s*:\\s*\"([^\"]*)\"");

    @Test
    void everySampleNamesOneRegionUsEast1() throws IOException {
        List<String> regions = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("events"))) {
            for (Path file : files.filter(path -> path.toString().endsWith(".json")
                    || path.toString().endsWith(".jsonl")).sorted().toList()) {
                String text = Files.readString(file);
                for (Pattern pattern : List.of(ARN_REGION, AWS_REGION)) {
                    Matcher region = pattern.matcher(text);
                    while (region.find()) {
                        if (!region.group(1).isEmpty()) {
                            regions.add(file.getFileName() + ": " + region.group(1));
                        }
                    }
                }
            }
        }

        assertThat(regions).isNotEmpty().allSatisfy(named -> assertThat(named).endsWith(": us-east-1"));
    }
}

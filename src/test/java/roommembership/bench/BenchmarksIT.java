package roommembership.bench;

import org.junit.jupiter.api.Test;
import roommembership.emulator.ChimeEmulator;
import roommembership.testing.EmbeddedSqs;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark harness starts and each benchmark does its whole job once, at a tiny size; no figure is judged. */
class BenchmarksIT {
    @Test
    void everyBenchmarkRunsOnceAtATinySize() throws Exception {
        Path basedir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        String report;
        try (ChimeEmulator chime = ChimeEmulator.start(); EmbeddedSqs sqs = EmbeddedSqs.start()) {
            report = Benchmarks.smoke(chime, sqs, basedir, Files.createTempDirectory("benchmarks-smoke"));
        }

        assertThat(report).contains("### end to end", "| Chime calls (Σ⌈n/50⌉) | 4 (expected 4) |",
                "### end to end, channels", "| Chime calls (Σ⌈n/100⌉) | 2 (expected 2) |",
                "### artifact and heap", "### planning", "### cold start", "| function, JVM defaults |",
                "### classes loaded");
        // The step-by-step breakdown has each step, the first call of each service cut by the SDK's own phases.
        assertThat(report).contains("### cold start, step by step", "| " + ColdStartBreakdown.FIRST_STEP + " |",
                "| Chime client built |", "| SQS client built |", "| event JSON read |",
                "| first Chime BatchCreateRoomMembership: marshal |",
                "| first Sqs SendMessageBatch: HTTP: connect, send, server, receive |",
                "| " + ColdStartBreakdown.LAST_STEP + " |", "| **process start → response** |");
        // The onboarding wave's harness drains the queue; whatever the throttles, no member may go missing.
        // A roster of 3 channels applied as deployed: no letter, and every member as the roster says.
        assertThat(report).contains("### rosters at scale")
                .containsPattern("\\| 3 channels × 20 members \\|.*\\| [0-9,]+ \\| 0 \\| 0 \\|\\n");
        assertThat(report).contains("### onboarding wave", "| Standard, batch 100, window 1 s, 2 containers |")
                .containsPattern("\\| Standard, batch 100, window 1 s, 2 containers \\|( [^|]+ \\|){7} 0 \\|");
        // Without a bearer, the packaged function loads no class of the messaging client.
        assertThat(report).containsPattern("\\| function, JVM defaults, CHIME_BEARER_ARN unset \\| [0-9,]+ \\| 0 \\|");
    }
}

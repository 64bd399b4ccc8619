package roommembership.reliability;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long run through the local event-source mapping with every kind of fault, over chat rooms and messaging channels,
 * with adds, removals and role changes, and batches that now and then hold a record twice:
 * 5,000 requests by default, 100,000 with {@code mvn -Psoak test}. Two deployments in turn: one with rooms and
 * channels side by side (four fifths of the requests), then one routing legacy requests to channels (the rest).
 * Writes its figures to {@code target/soak-report.md}.
 */
class SoakTest {
    private static final int REQUESTS = Integer.getInteger("soak.requests", 5_000);
    private static final long SEED = Long.getLong("soak.seed", 20261126L);
    /** The share of messages in a channel form: about half the requests go to rooms, half to channels. */
    private static final double DIRECT_CHANNEL_SHARE = 0.4;
    private static final double ROUTED_CHANNEL_SHARE = 0.5;

    @Test
    void nothingIsLostUnderEveryKindOfFault() throws IOException {
        Random random = new Random(SEED);
        int routedRequests = REQUESTS / 5;
        Scenario direct = Scenario.generate(random,
                Scenario.Shape.soak(REQUESTS - routedRequests, DIRECT_CHANNEL_SHARE, false));
        Scenario routed = Scenario.generate(random, Scenario.Shape.soak(routedRequests, ROUTED_CHANNEL_SHARE, true));
        QueueRig.Result result;
        try (QueueRig rig = new QueueRig()) {
            QueueRig.RunSettings settings = new QueueRig.RunSettings(rig.template().batchSize(), 8, 0.2);
            result = rig.run(direct, FaultPlan.soak(), random, settings)
                    .plus(rig.run(routed, FaultPlan.soak(), random, settings));
        }

        String report = SoakReport.markdown(SEED, result);
        System.out.println(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "soak-report.md"), report);

        assertThat(result.requestCount()).isGreaterThanOrEqualTo(REQUESTS);
        assertThat(result.violations()).as("seed %d", SEED).isEmpty();
        assertThat(result.lost()).isZero();
        assertThat(result.wrongFinalState()).isZero();
    }
}

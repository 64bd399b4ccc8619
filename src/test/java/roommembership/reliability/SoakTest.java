package roommembership.reliability;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long run through the local event-source mapping with every kind of fault: 5,000 requests by default, 100,000
 * with {@code mvn -Psoak test}. Writes its figures to {@code target/soak-report.md}.
 */
class SoakTest {
    private static final int REQUESTS = Integer.getInteger("soak.requests", 5_000);
    private static final long SEED = Long.getLong("soak.seed", 20261126L);

    @Test
    void nothingIsLostUnderEveryKindOfFault() throws IOException {
        Random random = new Random(SEED);
        Scenario scenario = Scenario.generate(random, Scenario.Shape.soak(REQUESTS));
        QueueRig.Result result;
        try (QueueRig rig = new QueueRig()) {
            result = rig.run(scenario, FaultPlan.soak(), random,
                    new QueueRig.RunSettings(rig.template().batchSize(), 8));
        }

        String report = SoakReport.markdown(SEED, result);
        System.out.println(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "soak-report.md"), report);

        assertThat(result.requests()).isGreaterThanOrEqualTo(REQUESTS);
        assertThat(result.violations()).as("seed %d", SEED).isEmpty();
        assertThat(result.lost()).isZero();
    }
}

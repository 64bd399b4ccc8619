package roommembership.reliability;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import roommembership.testing.SeededTrials;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conservation property, over random organisations, random batches of adds, removals and role changes and random
 * fault schedules, for chat rooms and messaging channels alike (mixed in one queue, and in some trials legacy requests
 * routed to channels): every requested (target, member) ends as the last request the function was handed for it
 * wants (present with the role asked, or absent), or with a dead-letter record of that request whose ErrorCode says
 * why, or with its message in the redrive queue; never dead-lettered while its goal held. Each trial prints its seed;
 * rerun one with {@code -Dconservation.seed=N}, or more with {@code -Dconservation.trials=N}.
 */
class ConservationTest {
    private static final int TRIALS = 40;
    private static final int[] BATCH_SIZES = {1, 3, 10, 25, 100};
    private static QueueRig rig;

    @BeforeAll
    static void start() {
        rig = new QueueRig();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    @TestFactory
    Stream<DynamicTest> everyTargetEndsAsItsLastRequestWantsOrIsDeadLetteredOrRedrivenAndNeverBoth() {
        return SeededTrials.of("conservation", TRIALS, ConservationTest::trial);
    }

    private static void trial(long seed) {
        Random random = new Random(seed);
        Scenario scenario = Scenario.generate(random, Scenario.Shape.small(random));
        // A quarter of the trials run fault-free, where the number of calls is exact.
        FaultPlan faults = random.nextInt(4) == 0 ? FaultPlan.none() : FaultPlan.random(random);
        int batchSize = Math.min(rig.template().batchSize(), BATCH_SIZES[random.nextInt(BATCH_SIZES.length)]);
        // In some trials a batch now and then holds one of its records twice, as an at-least-once delivery can.
        QueueRig.RunSettings settings = new QueueRig.RunSettings(batchSize, 1 + random.nextInt(8),
                random.nextBoolean() ? 0.3 : 0);

        QueueRig.Result result = rig.run(scenario, faults, random, settings);
        Map<String, Integer> faultedCalls = new TreeMap<>(result.faultedCalls());
        faultedCalls.values().removeIf(count -> count == 0);
        System.out.printf("seed %d: %d requests %s %s in %d messages%s%s, batch %d, %d invocations (%d with a record"
                        + " twice), faults %s on %s, %d stale records, %d ms%n", seed, result.requestCount(),
                result.requests(), result.requestsByKind(), result.messages(), scenario.fifo() ? " (FIFO)" : "",
                scenario.routed() ? " (routed)" : "", batchSize, result.invocations(), result.repeatedRecords(),
                result.faultsInjected(), faultedCalls, result.staleDeadLetters(), result.wallTime().toMillis());

        assertThat(result.violations())
                .as("seed %d (rerun with -Dconservation.seed=%d): %s, %s, %s", seed, seed, settings, faults, result)
                .isEmpty();
        assertThat(result.lost()).isZero();
        assertThat(result.wrongFinalState()).isZero();
    }
}

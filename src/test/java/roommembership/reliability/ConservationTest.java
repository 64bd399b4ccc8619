package roommembership.reliability;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conservation property, over random organisations, random batches and random fault schedules, for chat rooms
 * and messaging channels alike (mixed in one queue, and in some trials legacy requests routed to channels): every
 * requested membership ends as a member of its room or channel (an administrator of a channel as its moderator), or a
 * dead-letter record whose ErrorCode says why, or its message in the redrive queue; never dead-lettered once it held. Each trial prints its seed; rerun one
 * with {@code -Dconservation.seed=N}, or more with {@code -Dconservation.trials=N}.
 */
class ConservationTest {
    private static final int TRIALS = Integer.getInteger("conservation.trials", 40);
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
    Stream<DynamicTest> everyRequestIsAddedDeadLetteredOrRedrivenAndNeverBoth() {
        Long replay = Long.getLong("conservation.seed");
        long base = replay != null ? replay : new Random().nextLong();
        LongStream seeds = replay != null ? LongStream.of(replay) : new Random(base).longs(TRIALS);
        int[] trial = {0};
        return seeds.boxed().map(seed -> DynamicTest.dynamicTest("trial " + (++trial[0]) + ", seed " + seed,
                () -> trial(seed)));
    }

    private static void trial(long seed) {
        Random random = new Random(seed);
        Scenario scenario = Scenario.generate(random, Scenario.Shape.small(random));
        // A quarter of the trials run fault-free, where the number of calls is exact.
        FaultPlan faults = random.nextInt(4) == 0 ? FaultPlan.none() : FaultPlan.random(random);
        int batchSize = Math.min(rig.template().batchSize(), BATCH_SIZES[random.nextInt(BATCH_SIZES.length)]);
        QueueRig.RunSettings settings = new QueueRig.RunSettings(batchSize, 1 + random.nextInt(8));

        QueueRig.Result result = rig.run(scenario, faults, random, settings);
        Map<String, Integer> faultedCalls = new TreeMap<>(result.faultedCalls());
        faultedCalls.values().removeIf(count -> count == 0);
        System.out.printf("seed %d: %d requests %s in %d messages%s%s, batch %d, %d invocations, faults %s on %s,"
                        + " %d ms%n", seed, result.requestCount(), result.requests(), result.messages(),
                scenario.fifo() ? " (FIFO)" : "", scenario.routed() ? " (routed)" : "", batchSize,
                result.invocations(), result.faultsInjected(), faultedCalls, result.wallTime().toMillis());

        assertThat(result.violations())
                .as("seed %d (rerun with -Dconservation.seed=%d): %s, %s, %s", seed, seed, settings, faults, result)
                .isEmpty();
        assertThat(result.lost()).isZero();
    }
}

package roommembership.testing;

import org.junit.jupiter.api.DynamicTest;

import java.util.Random;
import java.util.function.LongConsumer;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The trials of a property test, one dynamic test per random seed, each named by its seed: {@code -D<name>.seed=N}
 * replays one, {@code -D<name>.trials=N} runs that many.
 */
public final class SeededTrials {
    private SeededTrials() {
    }

    public static Stream<DynamicTest> of(String name, int defaultTrials, LongConsumer trial) {
        Long replay = Long.getLong(name + ".seed");
        int trials = Integer.getInteger(name + ".trials", defaultTrials);
        LongStream seeds = replay != null ? LongStream.of(replay) : new Random().longs(trials);
        int[] count = {0};
        return seeds.boxed().map(seed -> DynamicTest.dynamicTest("trial " + (++count[0]) + ", seed " + seed,
                () -> trial.accept(seed)));
    }
}

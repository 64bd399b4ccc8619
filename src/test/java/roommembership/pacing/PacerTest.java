package roommembership.pacing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PacerTest {
    private static final String BEARER = "arn:aws:chime:us-east-1:111122223333:app-instance/hr/user/hr-sync";
    private static final String SALES = "arn:aws:chime:us-east-1:111122223333:app-instance/hr/channel/sales";
    private static final String OPS = "arn:aws:chime:us-east-1:111122223333:app-instance/hr/channel/ops";
    private static final Quotas PUBLISHED = Quotas.published("us-east-1", 20);
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(5 * SECOND);

    private static List<Scope> batchAdd(String channel) {
        return List.of(Scope.bearer(BEARER), Scope.channel(Scope.Kind.CHANNEL_BATCH_ADD, channel));
    }

    private static List<Scope> read(String channel) {
        return List.of(Scope.bearer(BEARER), Scope.channel(Scope.Kind.CHANNEL_READ, channel));
    }

    @Test
    void thePublishedRatesAreTenABearerInUsEast1AndOneBatchAddAChannel() {
        assertThat(Quotas.published("us-east-1", 20)).isEqualTo(new Quotas(10, 1, 15, 15, 20));
        assertThat(Quotas.published("eu-central-1", 0)).isEqualTo(new Quotas(5, 1, 15, 15, 0));
    }

    @Test
    void eachContainerKeepsToItsShareOfTheBearerAndOfChannelsItDoesNotHoldWhole() {
        Pacer shared = Pacer.of(PUBLISHED, new Share(5, false), now::get);
        assertThat(shared.ratePerSecond(Scope.bearer(BEARER))).isEqualTo(2);
        assertThat(shared.ratePerSecond(Scope.channel(Scope.Kind.CHANNEL_BATCH_ADD, SALES)))
                .isCloseTo(0.2, within(1e-9));
        assertThat(shared.ratePerSecond(Scope.channel(Scope.Kind.CHANNEL_WRITE, SALES))).isEqualTo(3);
        assertThat(shared.ratePerSecond(Scope.rooms())).isEqualTo(20);

        Pacer held = Pacer.of(PUBLISHED, new Share(5, true), now::get);
        assertThat(held.ratePerSecond(Scope.bearer(BEARER))).isEqualTo(2);
        assertThat(held.ratePerSecond(Scope.channel(Scope.Kind.CHANNEL_BATCH_ADD, SALES)))
                .isCloseTo(1, within(1e-9));
        assertThat(held.ratePerSecond(Scope.channel(Scope.Kind.CHANNEL_READ, SALES))).isEqualTo(15);
    }

    @Test
    void bearerCallsGoATenthOfASecondApart() {
        Pacer pacer = Pacer.of(PUBLISHED, Share.ONE_CONTAINER, now::get);
        assertThat(pacer.tryTake(read(SALES))).isZero();
        assertThat(pacer.tryTake(read(OPS))).isEqualTo(SECOND / 10);
        now.addAndGet(SECOND / 20);
        assertThat(pacer.tryTake(read(OPS))).isEqualTo(SECOND / 20);
        now.addAndGet(SECOND / 20);
        assertThat(pacer.tryTake(read(OPS))).isZero();
        // Unused time does not pile up: one call at most goes at once after a pause.
        now.addAndGet(5 * SECOND);
        assertThat(pacer.tryTake(read(SALES))).isZero();
        assertThat(pacer.tryTake(read(OPS))).isEqualTo(SECOND / 10);
    }

    @Test
    void aChannelTakesOneBatchAddASecondAndAWaitingCallTakesNothingFromTheBearer() {
        Pacer pacer = Pacer.of(PUBLISHED, Share.ONE_CONTAINER, now::get);
        assertThat(pacer.tryTake(batchAdd(SALES))).isZero();
        now.addAndGet(SECOND / 10);
        long wait = pacer.tryTake(batchAdd(SALES));
        assertThat(wait).isEqualTo(SECOND - SECOND / 10);
        // The bearer still has its call: the waiting batch add did not take it.
        assertThat(pacer.tryTake(batchAdd(OPS))).isZero();
        now.addAndGet(wait);
        assertThat(pacer.tryTake(batchAdd(SALES))).isZero();
    }

    @Test
    void aBatchAddWaitsASecondFromTheAnswerToTheLastOneForItMayHaveArrivedJustBefore() {
        Pacer pacer = Pacer.of(PUBLISHED, Share.ONE_CONTAINER, now::get);
        assertThat(pacer.tryTake(batchAdd(SALES))).isZero();
        // A cold first call: answered 400 ms after it was let go.
        now.addAndGet(400_000_000L);
        pacer.answered(batchAdd(SALES));
        now.addAndGet(SECOND - 400_000_000L);
        assertThat(pacer.tryTake(batchAdd(SALES))).isEqualTo(400_000_000L);
        // The bearer's bucket holds its second's calls at Chime: its calls are not held by answers.
        pacer.answered(read(OPS));
        assertThat(pacer.tryTake(read(OPS))).isZero();
    }

    @Test
    void aThrottledScopeHalvesItsRateAndGrowsBackToItInTenSeconds() {
        Pacer pacer = Pacer.of(PUBLISHED, Share.ONE_CONTAINER, now::get);
        pacer.throttled(read(SALES));
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).isEqualTo(5);
        assertThat(pacer.ratePerSecond(Scope.channel(Scope.Kind.CHANNEL_READ, SALES))).isEqualTo(7.5);
        assertThat(pacer.tryTake(read(SALES))).as("a throttled bucket is emptied").isEqualTo(SECOND / 5);
        now.addAndGet(SECOND / 5);
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).isCloseTo(5.2, within(1e-9));
        assertThat(pacer.tryTake(read(SALES))).isZero();
        pacer.throttled(read(SALES));
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).isCloseTo(2.6, within(1e-9));
        now.addAndGet(2 * SECOND);
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).isCloseTo(2.6 + 2, within(1e-9));
        now.addAndGet(10 * SECOND);
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).isEqualTo(10);
        assertThat(pacer.throttledAnswers()).isEqualTo(2);
    }

    @Test
    void aContainerWhoseLongReadsWaitOnTheBearerBorrowsTheRestOfItsRateAndGivesItBackWhenTheyStop() {
        Pacer pacer = Pacer.of(PUBLISHED, new Share(5, true), now::get);

        int[] callsPerSecond = callAsFastAsLetFor(pacer, read(SALES), 30);

        assertThat(callsPerSecond[0]).as("the first second, about its share").isBetween(2, 3);
        assertThat(IntStream.of(callsPerSecond).max().orElseThrow()).as("never more than the deployment's rate")
                .isLessThanOrEqualTo(10);
        assertThat(callsPerSecond[25] + callsPerSecond[26] + callsPerSecond[27] + callsPerSecond[28] + callsPerSecond[29])
                .as("the bearer's whole rate, borrowed")
                .isBetween(49, 50);
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).isEqualTo(10);

        now.addAndGet(8 * SECOND);
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).as("half given back").isCloseTo(6, within(1e-9));
        now.addAndGet(10 * SECOND);
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).as("back at its share").isEqualTo(2);
    }

    @Test
    void aThrottledBorrowerFallsBackToItsShareAndBorrowsNothingForHalfAMinute() {
        Pacer pacer = Pacer.of(PUBLISHED, new Share(5, true), now::get);
        callAsFastAsLetFor(pacer, read(SALES), 20);
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).isEqualTo(10);

        pacer.throttled(read(SALES));

        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).as("its share").isEqualTo(2);
        pacer.throttled(read(SALES));
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).as("below its share, halved").isEqualTo(1);

        int[] heldOff = callAsFastAsLetFor(pacer, read(SALES), 29);
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).as("grown back to its share, no more")
                .isEqualTo(2);
        assertThat(heldOff[28]).isEqualTo(2);

        callAsFastAsLetFor(pacer, read(SALES), 21);
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).as("borrowing again").isEqualTo(10);
    }

    @Test
    void writesAndFirstPagesBorrowNothingHoweverTheyWaitOnTheBearer() {
        Pacer pacer = Pacer.of(PUBLISHED, new Share(5, true), now::get);
        List<List<Scope>> channels = IntStream.range(0, 20)
                .mapToObj(channel -> channel % 2 == 0 ? batchAdd(SALES + "-" + channel) : read(SALES + "-" + channel))
                .toList();

        int[] calls = new int[20];
        long start = now.get();
        for (int next = 0; now.get() < start + 20 * SECOND; ) {
            long wait = pacer.tryTake(channels.get(next));
            if (wait == 0) {
                calls[(int) ((now.get() - start) / SECOND)]++;
                next = (next + 1) % channels.size();
            } else {
                now.addAndGet(wait);
            }
        }

        assertThat(calls[19]).as("the bearer's share, not more").isEqualTo(2);
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).isEqualTo(2);
    }

    @Test
    void callsThatWaitOnAChannelOrCallSeldomBorrowNothing() {
        Pacer pacer = Pacer.of(PUBLISHED, new Share(5, true), now::get);

        int[] batchAdds = callAsFastAsLetFor(pacer, batchAdd(SALES), 20);

        assertThat(batchAdds).as("one a second, the channel's rate").containsOnly(1);
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).isEqualTo(2);

        for (int i = 0; i < 20; i++) {
            assertThat(pacer.tryTake(read(OPS), true)).isZero();
            now.addAndGet(SECOND);
        }
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).isEqualTo(2);
    }

    /**
     * Calls that may borrow (a listing's pages after its first) on the scopes, as soon as the pacer lets them go, for
     * some seconds; the calls made in each second.
     */
    private int[] callAsFastAsLetFor(Pacer pacer, List<Scope> scopes, int seconds) {
        long start = now.get();
        int[] calls = new int[seconds];
        while (now.get() < start + seconds * SECOND) {
            long wait = pacer.tryTake(scopes, true);
            if (wait == 0) {
                calls[(int) ((now.get() - start) / SECOND)]++;
                pacer.answered(scopes);
            } else {
                now.addAndGet(wait);
            }
        }
        return calls;
    }

    @Test
    void throttlingNeverTakesARateBelowAFloor() {
        Pacer pacer = Pacer.of(PUBLISHED, Share.ONE_CONTAINER, now::get);
        for (int i = 0; i < 20; i++) {
            pacer.throttled(read(SALES));
        }
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).isCloseTo(10 * Pacer.FLOOR, within(1e-9));
    }

    @Test
    void aHandOverMakesEachChannelsFirstBatchAddWaitOneIntervalWhenChannelsAreHeldWhole() {
        Pacer held = Pacer.of(PUBLISHED, new Share(2, true), now::get);
        assertThat(held.tryTake(batchAdd(SALES))).isZero();
        now.addAndGet(5 * SECOND);
        held.handOver();
        long interval = SECOND;
        assertThat(held.tryTake(batchAdd(SALES))).as("a channel used before").isEqualTo(interval);
        assertThat(held.tryTake(batchAdd(OPS))).as("a channel new to the container").isEqualTo(interval);
        assertThat(held.tryTake(read(OPS))).as("reads are not held back").isZero();
        now.addAndGet(interval);
        assertThat(held.tryTake(batchAdd(OPS))).isZero();

        Pacer shared = Pacer.of(PUBLISHED, new Share(2, false), now::get);
        shared.handOver();
        assertThat(shared.tryTake(batchAdd(SALES))).isZero();
    }

    @Test
    void aCallThatCannotGoWithinItsWaitTakesNothing() {
        Pacer pacer = Pacer.of(PUBLISHED, Share.ONE_CONTAINER, System::nanoTime);
        assertThat(pacer.acquire(batchAdd(SALES), Duration.ZERO)).isTrue();
        long started = System.nanoTime();
        assertThat(pacer.acquire(batchAdd(SALES), Duration.ofMillis(500))).isFalse();
        assertThat(System.nanoTime() - started).isLessThan(SECOND / 2);
        assertThat(pacer.acquire(read(SALES), Duration.ofMillis(200))).as("the bearer's next call is still free")
                .isTrue();
    }

    @Test
    void aCallWaitsForItsTurnWithinItsWait() {
        Pacer pacer = Pacer.of(new Quotas(10, 1, 15, 15, 0), Share.ONE_CONTAINER, System::nanoTime);
        long started = System.nanoTime();
        for (int call = 0; call < 4; call++) {
            assertThat(pacer.acquire(read(SALES), Duration.ofSeconds(1))).isTrue();
        }
        // One at once, then three more a tenth of a second apart.
        assertThat(System.nanoTime() - started).isBetween(3 * SECOND / 10, SECOND / 2);
    }

    @Test
    void roomsKeepToTheirOwnRateWithABurstOfASecondsCallsAndZeroIsNoLimit() {
        Pacer limited = Pacer.of(new Quotas(10, 1, 15, 15, 4), Share.ONE_CONTAINER, now::get);
        for (int call = 0; call < 4; call++) {
            assertThat(limited.tryTake(List.of(Scope.rooms()))).isZero();
        }
        assertThat(limited.tryTake(List.of(Scope.rooms()))).isEqualTo(SECOND / 4);
        assertThat(limited.tryTake(read(SALES))).as("rooms and channels do not share a rate").isZero();

        Pacer unlimited = Pacer.of(new Quotas(10, 1, 15, 15, 0), Share.ONE_CONTAINER, now::get);
        for (int call = 0; call < 1000; call++) {
            assertThat(unlimited.tryTake(List.of(Scope.rooms()))).isZero();
        }
    }
}

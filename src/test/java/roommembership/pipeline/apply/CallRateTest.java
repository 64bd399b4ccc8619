package roommembership.pipeline.apply;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The rate limit on a clock the test moves. */
class CallRateTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aBurstGoesAtOnceThenCallsAreSpacedEvenly() {
        CallRate rate = CallRate.perSecond(10, 3, now::get);

        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waits.add(rate.reserveMillis());
        }

        assertThat(waits).containsExactly(0L, 0L, 0L, 100L, 200L, 300L);
    }

    @Test
    void aPauseRefillsTheBurstButNoMore() {
        CallRate rate = CallRate.perSecond(10, 2, now::get);
        rate.reserveMillis();
        rate.reserveMillis();

        now.addAndGet(5_000_000_000L);

        assertThat(List.of(rate.reserveMillis(), rate.reserveMillis(), rate.reserveMillis()))
                .containsExactly(0L, 0L, 100L);
    }

    @Test
    void slotsAreSharedByEveryCaller() {
        CallRate rate = CallRate.perSecond(4, 1, now::get);

        assertThat(List.of(rate.reserveMillis(), rate.reserveMillis(), rate.reserveMillis()))
                .containsExactly(0L, 250L, 500L);
        now.addAndGet(250_000_000L);
        assertThat(rate.reserveMillis()).isEqualTo(500L);
    }

    @Test
    void unlimitedNeverWaits() {
        CallRate rate = CallRate.unlimited();

        assertThat(List.of(rate.reserveMillis(), rate.reserveMillis())).containsOnly(0L);
    }
}

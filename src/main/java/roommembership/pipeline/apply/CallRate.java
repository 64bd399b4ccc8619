package roommembership.pipeline.apply;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A client-side limit on Chime calls per second, shared by every call of one container: calls are spaced evenly,
 * after a burst of up to {@code burst} calls, so a big batch does not set off a storm of throttling.
 */
public final class CallRate {
    private final long intervalNanos;
    private final long burstNanos;
    private final LongSupplier nanoTime;
    private long nextFree;

    private CallRate(long intervalNanos, int burst, LongSupplier nanoTime) {
        this.intervalNanos = intervalNanos;
        this.burstNanos = intervalNanos * Math.max(0, burst - 1);
        this.nanoTime = nanoTime;
        this.nextFree = nanoTime.getAsLong() - burstNanos;
    }

    /** At most {@code callsPerSecond} calls a second, with a burst of {@code burst} at start or after a pause. */
    public static CallRate perSecond(double callsPerSecond, int burst) {
        return perSecond(callsPerSecond, burst, System::nanoTime);
    }

    static CallRate perSecond(double callsPerSecond, int burst, LongSupplier nanoTime) {
        if (!(callsPerSecond > 0)) {
            throw new IllegalArgumentException("calls per second must be positive: " + callsPerSecond);
        }
        return new CallRate((long) (TimeUnit.SECONDS.toNanos(1) / callsPerSecond), burst, nanoTime);
    }

    public static CallRate unlimited() {
        return new CallRate(0, 1, System::nanoTime);
    }

    /** Takes the next free slot; the caller waits this many milliseconds before it calls (0: call now). */
    public synchronized long reserveMillis() {
        if (intervalNanos == 0) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        // Unused slots older than the burst do not pile up.
        long slot = Math.max(nextFree, now - burstNanos);
        nextFree = slot + intervalNanos;
        return slot <= now ? 0 : TimeUnit.NANOSECONDS.toMillis(slot - now + 999_999);
    }
}

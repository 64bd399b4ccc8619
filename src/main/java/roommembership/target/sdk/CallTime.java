package roommembership.target.sdk;

import roommembership.model.ErrorCodes;
import roommembership.target.CallResult;
import roommembership.target.Roster;

import java.time.Duration;
import java.util.Optional;

/**
 * How long one Chime call, with the SDK's retries, may take: the invocation's share, never more than the cap, and
 * never nothing. The SDK takes no zero or negative call timeout (it refuses one with an IllegalArgumentException; older
 * ones read zero as no timeout at all), so a call with no time left is not made: a change then failed transiently,
 * and a read is unknown.
 */
public final class CallTime {
    /** Three attempts of at most 10 s each, with backoff. */
    public static final Duration MAX = Duration.ofSeconds(30);
    /** What a change comes to when no time is left to make its call. */
    public static final CallResult NO_CALL = new CallResult.Failed(ErrorCodes.SERVICE_UNAVAILABLE,
            "no time was left for the call: it was not made");
    /** What a read comes to when no time is left to make it, or to read its next page. */
    public static final Roster NO_READ = new Roster.Unknown(ErrorCodes.SERVICE_UNAVAILABLE,
            "no time was left for the read: it was not made");

    private CallTime() {
    }

    /** The time limit, capped; empty when it is zero or less. */
    public static Optional<Duration> bounded(Duration timeLimit) {
        if (timeLimit.isZero() || timeLimit.isNegative()) {
            return Optional.empty();
        }
        return Optional.of(timeLimit.compareTo(MAX) < 0 ? timeLimit : MAX);
    }

    /** What is left until a deadline on {@link System#nanoTime()}'s clock, capped; empty when nothing is. */
    public static Optional<Duration> left(long deadlineNanos) {
        return bounded(Duration.ofNanos(deadlineNanos - System.nanoTime()));
    }
}

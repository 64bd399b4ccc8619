package roommembership.pipeline.apply;

import java.time.Duration;
import java.util.Objects;

/**
 * How the apply stage spends the invocation's time on calls.
 *
 * @param retry retries of members that got a transient code
 * @param safetyMargin no call starts when the invocation has less time left than this
 * @param maxCallsPerSecond calls of every kind, to rooms and channels, per second from this container; 0: no limit
 */
public record CallLimits(RetryPolicy retry, Duration safetyMargin, int maxCallsPerSecond) {
    public CallLimits {
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(safetyMargin, "safetyMargin");
        if (maxCallsPerSecond < 0) {
            throw new IllegalArgumentException("maxCallsPerSecond must be 0 (no limit) or more");
        }
    }
}

package roommembership.pipeline.apply;

import java.time.Duration;
import java.util.Objects;

/**
 * How the apply stage spends the invocation's time on calls.
 *
 * @param retry retries of members that got a transient code
 * @param safetyMargin no call starts when the invocation has less time left than this
 */
public record CallLimits(RetryPolicy retry, Duration safetyMargin) {
    public CallLimits {
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(safetyMargin, "safetyMargin");
    }
}

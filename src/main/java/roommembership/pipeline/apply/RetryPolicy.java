package roommembership.pipeline.apply;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Retries of members that got a transient per-member ErrorCode, within one invocation. */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    public static RetryPolicy standard() {
        return new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(2));
    }

    /** Exponential backoff with equal jitter after the given (1-based) failed attempt. */
    public long delayMillisAfter(int attempt) {
        long exponential = baseDelay.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(exponential, maxDelay.toMillis());
        long half = capped / 2;
        return half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0);
    }
}

package roommembership.target.sdk;

import java.time.Duration;

/** How long one Chime call, with the SDK's retries, may take: the invocation's share, never more than the cap. */
public final class CallTime {
    /** Three attempts of at most 10 s each, with backoff. */
    public static final Duration MAX = Duration.ofSeconds(30);

    private CallTime() {
    }

    /** The time limit, capped. */
    public static Duration bounded(Duration timeLimit) {
        return timeLimit.compareTo(MAX) < 0 ? timeLimit : MAX;
    }

    /** What is left until a deadline on {@link System#nanoTime()}'s clock, capped: for each page of a listing. */
    public static Duration left(long deadlineNanos) {
        return bounded(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    }
}

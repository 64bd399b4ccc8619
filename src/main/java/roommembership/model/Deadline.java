package roommembership.model;

/** How long the current invocation has left to run. */
@FunctionalInterface
public interface Deadline {
    long remainingMillis();

    static Deadline none() {
        return () -> Long.MAX_VALUE;
    }
}

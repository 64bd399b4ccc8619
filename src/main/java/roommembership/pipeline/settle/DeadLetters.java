package roommembership.pipeline.settle;

import roommembership.model.Deadline;

import java.util.List;

/** Port: the failed-member queue. */
public interface DeadLetters {
    /**
     * Sends every letter once, within the invocation's time, and returns those not confirmed sent: after retries,
     * or for want of time.
     */
    List<Letter> send(List<Letter> letters, Deadline deadline);
}

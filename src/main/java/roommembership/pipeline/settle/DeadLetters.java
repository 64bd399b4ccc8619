package roommembership.pipeline.settle;

import roommembership.model.Deadline;
import roommembership.model.Sent;

import java.util.List;

/** Port: the failed-member queue. */
public interface DeadLetters {
    /**
     * Sends every letter once, within the invocation's time: a retry sends again only what was not confirmed sent.
     */
    Sent<Letter> send(List<Letter> letters, Deadline deadline);
}

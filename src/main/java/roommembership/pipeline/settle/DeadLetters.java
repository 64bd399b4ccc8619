package roommembership.pipeline.settle;

import roommembership.model.Deadline;
import roommembership.model.SendFailure;

import java.util.List;

/** Port: the failed-member queue. */
public interface DeadLetters {
    /**
     * Sends every letter once, within the invocation's time: a retry sends again only what was not confirmed sent.
     */
    Outcome send(List<Letter> letters, Deadline deadline);

    /**
     * What a send came to.
     *
     * @param unsent the letters not confirmed sent: after retries, or for want of time
     * @param failures every failure it met on the way, in the order met, those a retry made good included
     */
    record Outcome(List<Letter> unsent, List<SendFailure> failures) {
        public Outcome {
            unsent = List.copyOf(unsent);
            failures = List.copyOf(failures);
        }

        public static Outcome allSent() {
            return new Outcome(List.of(), List.of());
        }
    }
}

package roommembership.pipeline.dispatch;

import roommembership.model.Deadline;
import roommembership.model.SendFailure;

import java.util.List;

/**
 * Port: the target queue, a FIFO queue whose message groups are targets. SQS gives one group's messages to one
 * batch at a time, so the invocation that takes a target's messages is the only one calling Chime for that target,
 * and can use the target's whole rate.
 */
public interface TargetQueue {

    /** Sends each dispatch within the invocation's time: a retry sends again only what was not confirmed sent. */
    Outcome send(List<Dispatch> dispatches, Deadline deadline);

    /**
     * Whether a batch from this event source came from this queue: its requests are then carried out, never
     * dispatched again.
     */
    boolean feeds(String eventSourceArn);

    /**
     * What a send came to.
     *
     * @param unsent the dispatches not all of whose messages were confirmed sent
     * @param failures every failure met on the way, in the order met, those a retry made good included
     */
    record Outcome(List<Dispatch> unsent, List<SendFailure> failures) {
        public Outcome {
            unsent = List.copyOf(unsent);
            failures = List.copyOf(failures);
        }

        public static Outcome allSent() {
            return new Outcome(List.of(), List.of());
        }
    }
}

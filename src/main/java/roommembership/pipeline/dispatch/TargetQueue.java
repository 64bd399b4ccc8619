package roommembership.pipeline.dispatch;

import roommembership.model.Deadline;
import roommembership.model.Sent;

import java.util.List;

/**
 * Port: the target queue, a FIFO queue whose message groups are targets. SQS gives one group's messages to one
 * batch at a time, so the invocation that takes a target's messages is the only one calling Chime for that target,
 * and can use the target's whole rate.
 */
public interface TargetQueue {

    /**
     * Sends each dispatch within the invocation's time: a retry sends again only what was not confirmed sent. A
     * dispatch of several messages is unsent once, however many of them failed.
     */
    Sent<Dispatch> send(List<Dispatch> dispatches, Deadline deadline);

    /**
     * Whether a batch from this event source came from this queue: its requests are then carried out, never
     * dispatched again.
     */
    boolean feeds(String eventSourceArn);
}

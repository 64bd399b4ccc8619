package roommembership.sqs;

import roommembership.model.Deadline;
import roommembership.model.Sent;
import roommembership.pipeline.dispatch.Dispatch;
import roommembership.pipeline.dispatch.TargetQueue;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The target queue, written with SendMessageBatch: each dispatch as requests of the message contract
 * ({@link DispatchJson}), in the message group of its target. The deduplication id is the hash of the body and of
 * the records it came from, so a send repeated after a lost answer is dropped by SQS while the same request sent
 * again later (an add, a removal, then the add once more) is not.
 */
public final class SqsTargetQueue implements TargetQueue {
    private final QueueSends queue;
    private final String queueName;

    public SqsTargetQueue(SqsClient sqs, String queueUrl, int maxAttempts, Duration retryDelay,
                          Duration answerReserve) {
        this.queue = new QueueSends(sqs, queueUrl, maxAttempts, retryDelay, answerReserve);
        if (!queue.fifo()) {
            throw new IllegalArgumentException("the target queue must be a FIFO queue, not " + queueUrl);
        }
        this.queueName = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    @Override
    public Sent<Dispatch> send(List<Dispatch> dispatches, Deadline deadline) {
        List<QueueSends.Entry<Dispatch>> entries = new ArrayList<>();
        for (Dispatch dispatch : dispatches) {
            String group = groupId(dispatch);
            String sources = String.join(",", dispatch.sourceMessageIds().stream().sorted().toList());
            for (String body : DispatchJson.bodies(dispatch)) {
                entries.add(new QueueSends.Entry<>(dispatch, body, Map.of(), group,
                        FifoLetterIds.sha256(body + "\n" + sources)));
            }
        }
        Sent<Dispatch> sent = queue.send(entries, deadline);
        // A dispatch of several messages is unsent once, however many of them failed.
        Set<Dispatch> unsent = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Dispatch> unsentInOrder = new ArrayList<>();
        for (Dispatch dispatch : sent.unsent()) {
            if (unsent.add(dispatch)) {
                unsentInOrder.add(dispatch);
            }
        }
        return new Sent<>(unsentInOrder, sent.failures());
    }

    /** An event source ARN ends in its queue's name, as the queue's URL does. */
    @Override
    public boolean feeds(String eventSourceArn) {
        return eventSourceArn != null
                && eventSourceArn.substring(eventSourceArn.lastIndexOf(':') + 1).equals(queueName);
    }

    /**
     * The SHA-256 of the target's ids, in hex: a channel ARN can be longer than a group id's 128 characters. A target
     * is one group, whichever form its requests came in.
     */
    static String groupId(Dispatch dispatch) {
        List<String> parts = new ArrayList<>();
        dispatch.target().idFields().forEach(id -> parts.add(id.getKey() + "=" + id.getValue()));
        return FifoLetterIds.sha256(String.join("\n", parts));
    }
}

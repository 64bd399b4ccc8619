package roommembership.sqs;

import roommembership.model.Deadline;
import roommembership.model.Sent;
import roommembership.pipeline.settle.DeadLetters;
import roommembership.pipeline.settle.Letter;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The failed-member queue, written with SendMessageBatch: each letter's body in the published form ({@link LetterJson})
 * and its ErrorCode as a message attribute. A FIFO queue (its URL ends in {@code .fifo}) gets each letter with its
 * member as message group and its body's hash as deduplication id ({@link FifoLetterIds}).
 */
public final class SqsDeadLetters implements DeadLetters {
    static final String ERROR_CODE_ATTRIBUTE = "ErrorCode";
    /** The longest one call may take, the client's retries included; the client is built with the same. */
    public static final Duration MAX_CALL_TIME = QueueSends.MAX_CALL_TIME;

    private final QueueSends queue;

    /**
     * @param maxAttempts attempts per entry that SQS rejected on its side (the client retries whole calls itself)
     * @param answerReserve the invocation time a send leaves unused, for the invocation to log and answer in
     */
    public SqsDeadLetters(SqsClient sqs, String queueUrl, int maxAttempts, Duration retryDelay,
                          Duration answerReserve) {
        this.queue = new QueueSends(sqs, queueUrl, maxAttempts, retryDelay, answerReserve);
    }

    @Override
    public Sent<Letter> send(List<Letter> letters, Deadline deadline) {
        return queue.send(letters.stream().map(this::entry).toList(), deadline);
    }

    /** A letter's message: its body, its ErrorCode attribute, and on a FIFO queue its group and deduplication id. */
    QueueSends.Entry<Letter> entry(Letter letter) {
        String body = LetterJson.body(letter);
        Map<String, MessageAttributeValue> attributes = Map.of(ERROR_CODE_ATTRIBUTE, MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(letter.errorCode())
                .build());
        return queue.fifo()
                ? new QueueSends.Entry<>(letter, body, attributes, FifoLetterIds.groupId(letter),
                        FifoLetterIds.deduplicationId(body))
                : new QueueSends.Entry<>(letter, body, attributes, null, null);
    }
}

package roommembership.sqs;

import roommembership.pipeline.settle.DeadLetter;
import roommembership.pipeline.settle.DeadLetters;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The failed-member queue, written with SendMessageBatch. A FIFO queue (its URL ends in {@code .fifo}) gets each
 * letter with its member as message group and its body's hash as deduplication id ({@link FifoLetterIds}).
 */
public final class SqsDeadLetters implements DeadLetters {
    static final int MAX_ENTRIES = 10;
    static final int MAX_BATCH_BYTES = 256 * 1024;
    static final String ERROR_CODE_ATTRIBUTE = "ErrorCode";

    private final SqsClient sqs;
    private final String queueUrl;
    private final boolean fifo;
    private final int maxAttempts;
    private final Duration retryDelay;

    /**
     * @param maxAttempts attempts per entry that SQS rejected on its side (the client retries whole calls itself)
     */
    public SqsDeadLetters(SqsClient sqs, String queueUrl, int maxAttempts, Duration retryDelay) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        // A FIFO queue's name, and so its URL, ends in .fifo; SQS refuses a send to it without a group id.
        this.fifo = queueUrl.endsWith(".fifo");
        this.maxAttempts = maxAttempts;
        this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
    }

    @Override
    public List<DeadLetter> send(List<DeadLetter> letters) {
        List<DeadLetter> unsent = new ArrayList<>();
        for (List<DeadLetter> batch : batches(letters)) {
            unsent.addAll(sendBatch(batch));
        }
        return unsent;
    }

    private List<DeadLetter> sendBatch(List<DeadLetter> batch) {
        List<DeadLetter> pending = batch;
        List<DeadLetter> rejected = new ArrayList<>();
        for (int attempt = 1; attempt <= maxAttempts && !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                pause(retryDelay.multipliedBy(attempt - 1));
            }
            Map<String, DeadLetter> byId = new HashMap<>();
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(pending.size());
            for (DeadLetter letter : pending) {
                String id = "m" + byId.size();
                byId.put(id, letter);
                entries.add(entry(id, letter));
            }
            SendMessageBatchResponse response;
            try {
                response = sqs.sendMessageBatch(request -> request.queueUrl(queueUrl).entries(entries));
            } catch (SdkException e) {
                continue;
            }
            Set<String> sent = new HashSet<>();
            response.successful().forEach(entry -> sent.add(entry.id()));
            Set<String> senderFaults = new HashSet<>();
            response.failed().stream().filter(failed -> Boolean.TRUE.equals(failed.senderFault()))
                    .forEach(failed -> senderFaults.add(failed.id()));
            List<DeadLetter> retry = new ArrayList<>();
            for (SendMessageBatchRequestEntry entry : entries) {
                if (senderFaults.contains(entry.id())) {
                    // A sender fault will not pass on a retry; its source record goes back to SQS instead.
                    rejected.add(byId.get(entry.id()));
                } else if (!sent.contains(entry.id())) {
                    // Failed on SQS's side, or not mentioned in the answer at all: send it again.
                    retry.add(byId.get(entry.id()));
                }
            }
            pending = retry;
        }
        rejected.addAll(pending);
        return rejected;
    }

    private SendMessageBatchRequestEntry entry(String id, DeadLetter letter) {
        SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                .id(id)
                .messageBody(letter.body())
                .messageAttributes(Map.of(ERROR_CODE_ATTRIBUTE, MessageAttributeValue.builder()
                        .dataType("String")
                        .stringValue(letter.errorCode())
                        .build()));
        if (fifo) {
            entry.messageGroupId(FifoLetterIds.groupId(letter))
                    .messageDeduplicationId(FifoLetterIds.deduplicationId(letter));
        }
        return entry.build();
    }

    /** Splits into SendMessageBatch calls: at most 10 entries and 256 KiB of payload each. */
    static List<List<DeadLetter>> batches(List<DeadLetter> letters) {
        List<List<DeadLetter>> batches = new ArrayList<>();
        List<DeadLetter> current = new ArrayList<>();
        int bytes = 0;
        for (DeadLetter letter : letters) {
            int size = sizeOf(letter);
            if (!current.isEmpty() && (current.size() == MAX_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(letter);
            bytes += size;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    private static int sizeOf(DeadLetter letter) {
        return letter.body().getBytes(StandardCharsets.UTF_8).length
                + ERROR_CODE_ATTRIBUTE.length() + "String".length()
                + letter.errorCode().getBytes(StandardCharsets.UTF_8).length;
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

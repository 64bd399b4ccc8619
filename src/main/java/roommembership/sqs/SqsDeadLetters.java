package roommembership.sqs;

import roommembership.pipeline.settle.DeadLetters;
import roommembership.pipeline.settle.Letter;
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
 * The failed-member queue, written with SendMessageBatch: each letter's body in the published form ({@link LetterJson})
 * and its ErrorCode as a message attribute. A FIFO queue (its URL ends in {@code .fifo}) gets each letter with its
 * member as message group and its body's hash as deduplication id ({@link FifoLetterIds}).
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
    public List<Letter> send(List<Letter> letters) {
        List<Letter> unsent = new ArrayList<>();
        for (List<Written> batch : batches(letters.stream().map(Written::of).toList())) {
            unsent.addAll(sendBatch(batch));
        }
        return unsent;
    }

    /** A letter with its body, written once: its size decides its batch, and a retry sends the same bytes. */
    record Written(Letter letter, String body) {
        static Written of(Letter letter) {
            return new Written(letter, LetterJson.body(letter));
        }

        int bytes() {
            return body.getBytes(StandardCharsets.UTF_8).length
                    + ERROR_CODE_ATTRIBUTE.length() + "String".length()
                    + letter.errorCode().getBytes(StandardCharsets.UTF_8).length;
        }
    }

    private List<Letter> sendBatch(List<Written> batch) {
        List<Written> pending = batch;
        List<Letter> rejected = new ArrayList<>();
        for (int attempt = 1; attempt <= maxAttempts && !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                pause(retryDelay.multipliedBy(attempt - 1));
            }
            Map<String, Written> byId = new HashMap<>();
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(pending.size());
            for (Written letter : pending) {
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
            List<Written> retry = new ArrayList<>();
            for (SendMessageBatchRequestEntry entry : entries) {
                if (senderFaults.contains(entry.id())) {
                    // A sender fault will not pass on a retry; its source record goes back to SQS instead.
                    rejected.add(byId.get(entry.id()).letter());
                } else if (!sent.contains(entry.id())) {
                    // Failed on SQS's side, or not mentioned in the answer at all: send it again.
                    retry.add(byId.get(entry.id()));
                }
            }
            pending = retry;
        }
        pending.forEach(letter -> rejected.add(letter.letter()));
        return rejected;
    }

    private SendMessageBatchRequestEntry entry(String id, Written letter) {
        SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                .id(id)
                .messageBody(letter.body())
                .messageAttributes(Map.of(ERROR_CODE_ATTRIBUTE, MessageAttributeValue.builder()
                        .dataType("String")
                        .stringValue(letter.letter().errorCode())
                        .build()));
        if (fifo) {
            entry.messageGroupId(FifoLetterIds.groupId(letter.letter()))
                    .messageDeduplicationId(FifoLetterIds.deduplicationId(letter.body()));
        }
        return entry.build();
    }

    /** Splits into SendMessageBatch calls: at most 10 entries and 256 KiB of payload each. */
    static List<List<Written>> batches(List<Written> letters) {
        List<List<Written>> batches = new ArrayList<>();
        List<Written> current = new ArrayList<>();
        int bytes = 0;
        for (Written letter : letters) {
            int size = letter.bytes();
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

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

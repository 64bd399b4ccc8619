package roommembership.sqs;

import roommembership.model.Deadline;
import roommembership.model.Sent;
import roommembership.model.SendFailure;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One queue written with SendMessageBatch within the invocation's time: batches of at most 10 entries and 256 KiB,
 * every call limited to the time left, and a retry sending again only the entries SQS failed on its side or did not
 * mention. What was not confirmed sent comes back to the caller, with every failure met.
 */
final class QueueSends {
    static final int MAX_ENTRIES = 10;
    static final int MAX_BATCH_BYTES = 256 * 1024;
    /** The longest one call may take, the client's retries included; the client is built with the same. */
    static final Duration MAX_CALL_TIME = Duration.ofSeconds(20);
    /** Less than a round trip to SQS: a call given less could only time out, so none is started. */
    static final Duration MIN_CALL_TIME = Duration.ofMillis(20);
    /** The cause given for messages no call had time left for. */
    static final String NO_TIME_LEFT = "NoTimeLeft";
    /** The cause given for messages whose retry was interrupted while it waited. */
    static final String INTERRUPTED = "Interrupted";
    /** The cause given for entries an answer neither sent nor failed. */
    private static final Cause UNANSWERED =
            new Cause("Unanswered", "SendMessageBatch's answer did not mention the entry");

    private final SqsClient sqs;
    private final String queueUrl;
    private final int maxAttempts;
    private final Duration retryDelay;
    private final Duration answerReserve;

    /**
     * @param maxAttempts attempts per entry that SQS rejected on its side (the client retries whole calls itself)
     * @param answerReserve the invocation time a send leaves unused, for the invocation to log and answer in
     */
    QueueSends(SqsClient sqs, String queueUrl, int maxAttempts, Duration retryDelay, Duration answerReserve) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.maxAttempts = maxAttempts;
        this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
        this.answerReserve = Objects.requireNonNull(answerReserve, "answerReserve");
    }

    /** A FIFO queue's name, and so its URL, ends in .fifo; SQS refuses a send to it without a group id. */
    boolean fifo() {
        return queueUrl.endsWith(".fifo");
    }

    /**
     * One message, written once: its size decides its batch, and a retry sends the same bytes.
     *
     * @param item what the message stands for, given back when it was not sent
     * @param group the message group on a FIFO queue, null on a standard one
     * @param deduplicationId the deduplication id on a FIFO queue, null on a standard one
     */
    record Entry<T>(T item, String body, Map<String, MessageAttributeValue> attributes, String group,
                    String deduplicationId) {
        Entry {
            Objects.requireNonNull(body, "body");
            attributes = Map.copyOf(attributes);
        }

        int bytes() {
            int bytes = body.getBytes(StandardCharsets.UTF_8).length;
            for (Map.Entry<String, MessageAttributeValue> attribute : attributes.entrySet()) {
                bytes += attribute.getKey().length() + attribute.getValue().dataType().length()
                        + attribute.getValue().stringValue().getBytes(StandardCharsets.UTF_8).length;
            }
            return bytes;
        }
    }

    /** Sends every entry once, batch after batch, within the invocation's time: unsent are the entries' items. */
    <T> Sent<T> send(List<Entry<T>> entries, Deadline deadline) {
        List<T> unsent = new ArrayList<>();
        List<SendFailure> failures = new ArrayList<>();
        for (List<Entry<T>> batch : batches(entries)) {
            unsent.addAll(sendBatch(batch, deadline, failures));
        }
        return new Sent<>(unsent, failures);
    }

    /**
     * Sends one batch, then again its entries SQS failed or did not mention, while attempts and time remain; each
     * call may take only the time left. What was not confirmed sent comes back; every failure met is added to
     * {@code failures}.
     */
    private <T> List<T> sendBatch(List<Entry<T>> batch, Deadline deadline, List<SendFailure> failures) {
        List<Entry<T>> pending = batch;
        List<T> rejected = new ArrayList<>();
        for (int attempt = 1; attempt <= maxAttempts && !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                Duration delay = retryDelay.multipliedBy(attempt - 1);
                if (timeLeft(deadline).minus(delay).compareTo(MIN_CALL_TIME) < 0) {
                    failures.add(noTimeLeft(pending.size(), attempt));
                    break;
                }
                if (!pause(delay)) {
                    failures.add(new SendFailure(pending.size(), attempt, INTERRUPTED,
                            "the pause before a retry was interrupted"));
                    break;
                }
            }
            Duration timeLimit = timeLeft(deadline);
            if (timeLimit.compareTo(MIN_CALL_TIME) < 0) {
                failures.add(noTimeLeft(pending.size(), attempt));
                break;
            }
            Map<String, Entry<T>> byId = new HashMap<>();
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(pending.size());
            for (Entry<T> entry : pending) {
                String id = "m" + byId.size();
                byId.put(id, entry);
                entries.add(requestEntry(id, entry));
            }
            SendMessageBatchResponse response;
            try {
                response = sqs.sendMessageBatch(request -> request.queueUrl(queueUrl).entries(entries)
                        .overrideConfiguration(call -> call.apiCallTimeout(timeLimit)));
            } catch (SdkException e) {
                failures.add(failure(e, entries.size(), attempt));
                continue;
            }
            Set<String> sent = new HashSet<>();
            response.successful().forEach(entry -> sent.add(entry.id()));
            Map<String, BatchResultErrorEntry> failed = new HashMap<>();
            response.failed().forEach(entry -> failed.put(entry.id(), entry));
            Map<Cause, Integer> causes = new LinkedHashMap<>();
            List<Entry<T>> retry = new ArrayList<>();
            for (SendMessageBatchRequestEntry entry : entries) {
                if (sent.contains(entry.id())) {
                    continue;
                }
                BatchResultErrorEntry error = failed.get(entry.id());
                causes.merge(error == null ? UNANSWERED : new Cause(
                        Objects.requireNonNullElse(error.code(), "Failed"), error.message()), 1, Integer::sum);
                if (error != null && Boolean.TRUE.equals(error.senderFault())) {
                    // A sender fault will not pass on a retry; its source record goes back to SQS instead.
                    rejected.add(byId.get(entry.id()).item());
                } else {
                    // Failed on SQS's side, or not mentioned in the answer at all: send it again.
                    retry.add(byId.get(entry.id()));
                }
            }
            int thisAttempt = attempt;
            causes.forEach((cause, count) -> failures.add(
                    new SendFailure(count, thisAttempt, cause.code(), cause.message())));
            pending = retry;
        }
        pending.forEach(entry -> rejected.add(entry.item()));
        return rejected;
    }

    /** Why entries of one answer were not sent: SQS's code and message for them. */
    private record Cause(String code, String message) {
    }

    /** A call that failed as a whole: the queue's error code when it answered with one, else the client's exception. */
    private static SendFailure failure(SdkException e, int messages, int attempt) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null) {
            return new SendFailure(messages, attempt, service.awsErrorDetails().errorCode(),
                    service.awsErrorDetails().errorMessage());
        }
        return new SendFailure(messages, attempt, e.getClass().getSimpleName(), e.getMessage());
    }

    private static SendFailure noTimeLeft(int messages, int attempt) {
        return new SendFailure(messages, attempt, NO_TIME_LEFT,
                "less than " + MIN_CALL_TIME.toMillis() + " ms of the invocation's time left for a call");
    }

    private static SendMessageBatchRequestEntry requestEntry(String id, Entry<?> entry) {
        SendMessageBatchRequestEntry.Builder request = SendMessageBatchRequestEntry.builder()
                .id(id)
                .messageBody(entry.body());
        if (!entry.attributes().isEmpty()) {
            request.messageAttributes(entry.attributes());
        }
        if (entry.group() != null) {
            request.messageGroupId(entry.group()).messageDeduplicationId(entry.deduplicationId());
        }
        return request.build();
    }

    /** Splits into SendMessageBatch calls: at most 10 entries and 256 KiB of payload each. */
    static <T> List<List<Entry<T>>> batches(List<Entry<T>> entries) {
        List<List<Entry<T>>> batches = new ArrayList<>();
        List<Entry<T>> current = new ArrayList<>();
        int bytes = 0;
        for (Entry<T> entry : entries) {
            int size = entry.bytes();
            if (!current.isEmpty() && (current.size() == MAX_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(entry);
            bytes += size;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** The time a call may take: what the invocation has left but its reserve, at most a call's own limit. */
    private Duration timeLeft(Deadline deadline) {
        long left = deadline.remainingMillis() - answerReserve.toMillis();
        return Duration.ofMillis(Math.max(0, Math.min(left, MAX_CALL_TIME.toMillis())));
    }

    /** Sleeps before a retry; false when interrupted. */
    private static boolean pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

package roommembership.sqs;

import roommembership.model.Deadline;
import roommembership.pipeline.settle.DeadLetters;
import roommembership.pipeline.settle.Letter;
import roommembership.pipeline.settle.SendFailure;
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
 * The failed-member queue, written with SendMessageBatch: each letter's body in the published form ({@link LetterJson})
 * and its ErrorCode as a message attribute. A FIFO queue (its URL ends in {@code .fifo}) gets each letter with its
 * member as message group and its body's hash as deduplication id ({@link FifoLetterIds}).
 */
public final class SqsDeadLetters implements DeadLetters {
    static final int MAX_ENTRIES = 10;
    static final int MAX_BATCH_BYTES = 256 * 1024;
    static final String ERROR_CODE_ATTRIBUTE = "ErrorCode";
    /** The longest one call may take, the client's retries included; the client is built with the same. */
    public static final Duration MAX_CALL_TIME = Duration.ofSeconds(20);
    /** Less than a round trip to SQS: a call given less could only time out, so none is started. */
    static final Duration MIN_CALL_TIME = Duration.ofMillis(20);
    /** The cause given for letters no call had time left for. */
    static final String NO_TIME_LEFT = "NoTimeLeft";
    /** The cause given for letters whose retry was interrupted while it waited. */
    static final String INTERRUPTED = "Interrupted";
    /** The cause given for entries an answer neither sent nor failed. */
    private static final Cause UNANSWERED =
            new Cause("Unanswered", "SendMessageBatch's answer did not mention the entry");

    private final SqsClient sqs;
    private final String queueUrl;
    private final boolean fifo;
    private final int maxAttempts;
    private final Duration retryDelay;
    private final Duration answerReserve;

    /**
     * @param maxAttempts attempts per entry that SQS rejected on its side (the client retries whole calls itself)
     * @param answerReserve the invocation time a send leaves unused, for the invocation to log and answer in
     */
    public SqsDeadLetters(SqsClient sqs, String queueUrl, int maxAttempts, Duration retryDelay,
                          Duration answerReserve) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        // A FIFO queue's name, and so its URL, ends in .fifo; SQS refuses a send to it without a group id.
        this.fifo = queueUrl.endsWith(".fifo");
        this.maxAttempts = maxAttempts;
        this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
        this.answerReserve = Objects.requireNonNull(answerReserve, "answerReserve");
    }

    @Override
    public Outcome send(List<Letter> letters, Deadline deadline) {
        List<Letter> unsent = new ArrayList<>();
        List<SendFailure> failures = new ArrayList<>();
        for (List<Written> batch : batches(letters.stream().map(Written::of).toList())) {
            unsent.addAll(sendBatch(batch, deadline, failures));
        }
        return new Outcome(unsent, failures);
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

    /**
     * Sends one batch, then again its entries SQS failed or did not mention, while attempts and time remain; each
     * call may take only the time left. What was not confirmed sent comes back; every failure met is added to
     * {@code failures}.
     */
    private List<Letter> sendBatch(List<Written> batch, Deadline deadline, List<SendFailure> failures) {
        List<Written> pending = batch;
        List<Letter> rejected = new ArrayList<>();
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
            Map<String, Written> byId = new HashMap<>();
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(pending.size());
            for (Written letter : pending) {
                String id = "m" + byId.size();
                byId.put(id, letter);
                entries.add(entry(id, letter));
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
            List<Written> retry = new ArrayList<>();
            for (SendMessageBatchRequestEntry entry : entries) {
                if (sent.contains(entry.id())) {
                    continue;
                }
                BatchResultErrorEntry error = failed.get(entry.id());
                causes.merge(error == null ? UNANSWERED : new Cause(
                        Objects.requireNonNullElse(error.code(), "Failed"), error.message()), 1, Integer::sum);
                if (error != null && Boolean.TRUE.equals(error.senderFault())) {
                    // A sender fault will not pass on a retry; its source record goes back to SQS instead.
                    rejected.add(byId.get(entry.id()).letter());
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
        pending.forEach(letter -> rejected.add(letter.letter()));
        return rejected;
    }

    /** Why entries of one answer were not sent: SQS's code and message for them. */
    private record Cause(String code, String message) {
    }

    /** A call that failed as a whole: the queue's error code when it answered with one, else the client's exception. */
    private static SendFailure failure(SdkException e, int letters, int attempt) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null) {
            return new SendFailure(letters, attempt, service.awsErrorDetails().errorCode(),
                    service.awsErrorDetails().errorMessage());
        }
        return new SendFailure(letters, attempt, e.getClass().getSimpleName(), e.getMessage());
    }

    private static SendFailure noTimeLeft(int letters, int attempt) {
        return new SendFailure(letters, attempt, NO_TIME_LEFT,
                "less than " + MIN_CALL_TIME.toMillis() + " ms of the invocation's time left for a call");
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

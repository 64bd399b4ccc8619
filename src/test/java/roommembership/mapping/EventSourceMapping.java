package roommembership.mapping;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import roommembership.testing.TestContext;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * What Lambda's SQS poller does, on real queues: receive up to BatchSize messages, build the SQSEvent as Lambda
 * does, invoke, delete the records not reported in {@code batchItemFailures}, and leave the others to reappear
 * after the visibility timeout. A record the function throws on or times out on reappears whole; SQS's own redrive
 * policy moves a message received too often to the redrive queue.
 */
public final class EventSourceMapping implements AutoCloseable {
    /** The system attributes Lambda puts on every record; FIFO records also get the group, id and sequence. */
    private static final List<String> STANDARD_ATTRIBUTES = List.of(
            "ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp");
    private static final List<String> FIFO_ATTRIBUTES = List.of(
            "SequenceNumber", "MessageGroupId", "MessageDeduplicationId");
    /** Lambda's largest batch for a FIFO queue. */
    private static final int FIFO_MAX_BATCH = 10;

    /** The function as the mapping sees it: an event and a context in, a response out, or anything thrown. */
    @FunctionalInterface
    public interface Function {
        SQSBatchResponse invoke(SQSEvent event, Context context) throws Exception;
    }

    /**
     * How the mapping runs.
     *
     * @param batchSize at most this many records per invocation
     * @param functionTimeout every invocation's deadline; one still running then counts as timed out
     * @param expireVisibilityAtOnce when true, records that must reappear are made visible at once instead of waiting
     *     out the visibility timeout: the same receives in the same order, without the wall time
     * @param maxInvocations a bound, so a function that never settles anything fails the test instead of hanging it
     */
    public record Settings(int batchSize, Duration functionTimeout, boolean expireVisibilityAtOnce, int maxInvocations) {
    }

    public enum Ending { RETURNED, THREW, TIMED_OUT, INVALID_RESPONSE }

    /** One invocation: its records (id → receive count), how it ended, and the ids it reported as failed. */
    public record Invocation(Map<String, Integer> receiveCounts, Ending ending, List<String> reportedFailures) {
    }

    /** A whole run: every invocation, and the messages SQS moved to the redrive queue. */
    public record Run(List<Invocation> invocations, List<Message> redriven) {
    }

    private final SqsClient sqs;
    private final SourceQueues queues;
    private final Settings settings;
    private final String region;
    private final ExecutorService invoker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "lambda-invoke");
        thread.setDaemon(true);
        return thread;
    });

    public EventSourceMapping(SqsClient sqs, SourceQueues queues, Settings settings, String region) {
        this.sqs = sqs;
        this.queues = queues;
        this.settings = settings;
        this.region = region;
    }

    /**
     * Polls until the source queue is empty (nothing visible, in flight or delayed), then drains the redrive queue.
     *
     * @param contexts the context of the n-th invocation (1-based); its remaining time is the function's deadline
     */
    public Run drain(Function function, IntFunction<Context> contexts) {
        List<Invocation> invocations = new ArrayList<>();
        while (true) {
            List<Message> batch = receiveBatch();
            if (batch.isEmpty()) {
                if (sourceIsEmpty()) {
                    return new Run(List.copyOf(invocations), drainRedrive());
                }
                pause();
                continue;
            }
            if (invocations.size() >= settings.maxInvocations()) {
                throw new IllegalStateException("still not drained after " + invocations.size() + " invocations");
            }
            invocations.add(invoke(function, batch, contexts.apply(invocations.size() + 1)));
        }
    }

    /** A context whose deadline is the function timeout from now. */
    public IntFunction<Context> timeoutContexts() {
        return n -> TestContext.withDeadlineIn(settings.functionTimeout().toMillis());
    }

    private Invocation invoke(Function function, List<Message> batch, Context context) {
        Map<String, Integer> receiveCounts = new LinkedHashMap<>();
        batch.forEach(message -> receiveCounts.put(message.messageId(),
                Integer.parseInt(message.attributesAsStrings().get("ApproximateReceiveCount"))));
        SQSEvent event = event(batch);
        Future<SQSBatchResponse> running = invoker.submit(() -> function.invoke(event, context));
        Ending ending;
        List<String> reported = List.of();
        Set<String> failed;
        try {
            SQSBatchResponse response = running.get(settings.functionTimeout().toMillis(), TimeUnit.MILLISECONDS);
            reported = response == null || response.getBatchItemFailures() == null ? List.of()
                    : response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                    .toList();
            if (receiveCounts.keySet().containsAll(reported)) {
                ending = Ending.RETURNED;
                failed = new HashSet<>(reported);
            } else {
                // Lambda treats an identifier that is not in the batch (or blank) as a failure of the whole batch.
                ending = Ending.INVALID_RESPONSE;
                failed = receiveCounts.keySet();
            }
        } catch (TimeoutException e) {
            // Lambda would stop the sandbox; here the function runs to its end first, so nothing overlaps the next
            // invocation, and its response is discarded.
            waitOut(running);
            ending = Ending.TIMED_OUT;
            failed = receiveCounts.keySet();
        } catch (ExecutionException e) {
            ending = Ending.THREW;
            failed = receiveCounts.keySet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        Set<String> reappearing = failed;
        List<Message> done = batch.stream().filter(message -> !reappearing.contains(message.messageId())).toList();
        List<Message> again = batch.stream().filter(message -> reappearing.contains(message.messageId())).toList();
        delete(done);
        if (settings.expireVisibilityAtOnce()) {
            makeVisible(again);
        }
        return new Invocation(receiveCounts, ending, reported);
    }

    private List<Message> receiveBatch() {
        int limit = queues.fifo() ? Math.min(settings.batchSize(), FIFO_MAX_BATCH) : settings.batchSize();
        List<Message> batch = new ArrayList<>();
        while (batch.size() < limit) {
            int want = Math.min(10, limit - batch.size());
            List<Message> received = sqs.receiveMessage(request -> request
                    .queueUrl(queues.sourceUrl())
                    .maxNumberOfMessages(want)
                    .waitTimeSeconds(0)
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            batch.addAll(received);
            if (received.size() < want) {
                break;
            }
        }
        return batch;
    }

    private SQSEvent event(List<Message> batch) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>(batch.size());
        for (Message message : batch) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            record.setMd5OfBody(message.md5OfBody());
            record.setMd5OfMessageAttributes(message.md5OfMessageAttributes());
            Map<String, String> attributes = new LinkedHashMap<>();
            Map<String, String> system = message.attributesAsStrings();
            STANDARD_ATTRIBUTES.forEach(name -> putIfPresent(attributes, name, system.get(name)));
            if (queues.fifo()) {
                FIFO_ATTRIBUTES.forEach(name -> putIfPresent(attributes, name, system.get(name)));
            }
            record.setAttributes(attributes);
            Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
            message.messageAttributes().forEach((name, value) -> messageAttributes.put(name, attribute(value)));
            record.setMessageAttributes(messageAttributes);
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(queues.sourceArn());
            record.setAwsRegion(region);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static SQSEvent.MessageAttribute attribute(MessageAttributeValue value) {
        SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
        attribute.setDataType(value.dataType());
        attribute.setStringValue(value.stringValue());
        if (value.binaryValue() != null) {
            attribute.setBinaryValue(value.binaryValue().asByteBuffer());
        }
        attribute.setStringListValues(List.of());
        attribute.setBinaryListValues(List.of());
        return attribute;
    }

    private static void putIfPresent(Map<String, String> map, String name, String value) {
        if (value != null) {
            map.put(name, value);
        }
    }

    private void delete(List<Message> messages) {
        delete(queues.sourceUrl(), messages);
    }

    private void delete(String url, List<Message> messages) {
        for (int from = 0; from < messages.size(); from += 10) {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (Message message : messages.subList(from, Math.min(from + 10, messages.size()))) {
                entries.add(DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(entries.size())).receiptHandle(message.receiptHandle()).build());
            }
            var result = sqs.deleteMessageBatch(request -> request.queueUrl(url).entries(entries));
            if (!result.failed().isEmpty()) {
                throw new IllegalStateException("SQS refused to delete: " + result.failed());
            }
        }
    }

    private void makeVisible(List<Message> messages) {
        for (int from = 0; from < messages.size(); from += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (Message message : messages.subList(from, Math.min(from + 10, messages.size()))) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(entries.size())).receiptHandle(message.receiptHandle())
                        .visibilityTimeout(0).build());
            }
            sqs.changeMessageVisibilityBatch(request -> request.queueUrl(queues.sourceUrl()).entries(entries));
        }
    }

    private boolean sourceIsEmpty() {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(request -> request
                .queueUrl(queues.sourceUrl())
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().allMatch("0"::equals);
    }

    private List<Message> drainRedrive() {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(request -> request
                    .queueUrl(queues.redriveUrl())
                    .maxNumberOfMessages(10)
                    .waitTimeSeconds(0)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
            delete(queues.redriveUrl(), batch);
        }
    }

    private static void waitOut(Future<?> running) {
        try {
            running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException ignored) {
            // the invocation already counts as timed out
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        invoker.shutdownNow();
    }
}

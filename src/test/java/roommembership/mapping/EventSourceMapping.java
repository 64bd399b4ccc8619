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
import java.util.Comparator;
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
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * What Lambda's SQS poller does, on real queues: receive up to BatchSize messages, build the SQSEvent as Lambda
 * does, invoke, delete the records not reported in {@code batchItemFailures}, and leave the others to reappear
 * after the visibility timeout. A record the function throws on or times out on reappears whole; SQS's own redrive
 * policy moves a message received too often to the redrive queue.
 *
 * <p>Up to {@link Settings#maxConcurrency()} invocations run at once (the event source's MaximumConcurrency), each
 * in its own container: container {@code i} has its own function, given by the caller, and its own poller, which
 * only receives while its container is idle, so no more than that many batches are ever in flight. A poller gathers
 * a batch until it is full or, on a standard queue, until the batching window has passed since its first message;
 * Lambda gives a FIFO queue at most 10 records a batch and no window. With a concurrency of 1 and no window, this
 * is the single poller the other tests use: the same receives, the same invocations, in the same order.
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
     * @param maxConcurrency invocations at once, each in a container of its own
     * @param batchingWindow how long a poller goes on gathering a batch that is not full, from its first message;
     *     zero: it invokes as soon as a receive brings fewer messages than it asked for. Not used on a FIFO queue
     */
    public record Settings(int batchSize, Duration functionTimeout, boolean expireVisibilityAtOnce, int maxInvocations,
                           int maxConcurrency, Duration batchingWindow) {
        public Settings {
            if (batchSize < 1 || maxConcurrency < 1 || maxInvocations < 0) {
                throw new IllegalArgumentException("batchSize and maxConcurrency must be at least 1, maxInvocations "
                        + "not negative: " + batchSize + ", " + maxConcurrency + ", " + maxInvocations);
            }
            if (batchingWindow.isNegative()) {
                throw new IllegalArgumentException("the batching window must not be negative: " + batchingWindow);
            }
        }

        /** One invocation at a time, no batching window. */
        public Settings(int batchSize, Duration functionTimeout, boolean expireVisibilityAtOnce, int maxInvocations) {
            this(batchSize, functionTimeout, expireVisibilityAtOnce, maxInvocations, 1, Duration.ZERO);
        }

        public Settings withMaxConcurrency(int containers) {
            return new Settings(batchSize, functionTimeout, expireVisibilityAtOnce, maxInvocations, containers,
                    batchingWindow);
        }

        public Settings withBatchingWindow(Duration window) {
            return new Settings(batchSize, functionTimeout, expireVisibilityAtOnce, maxInvocations, maxConcurrency,
                    window);
        }
    }

    public enum Ending { RETURNED, THREW, TIMED_OUT, INVALID_RESPONSE }

    /**
     * One invocation: its records (id → receive count), how it ended, and the ids it reported as failed; the container
     * it ran in (0-based), when it started, from the start of the drain, and how long the function ran.
     */
    public record Invocation(Map<String, Integer> receiveCounts, Ending ending, List<String> reportedFailures,
                             int container, Duration startedAt, Duration duration) {
        public Duration endedAt() {
            return startedAt.plus(duration);
        }
    }

    /**
     * A whole run: every invocation in the order they started, the messages SQS moved to the redrive queue, and when
     * the last invocation's records were settled (deleted or made to reappear), from the start of the drain.
     *
     * @param originNanos when the drain started, on {@link System#nanoTime()}: runs of two mappings at once share it
     */
    public record Run(List<Invocation> invocations, List<Message> redriven, Duration settledAt, long originNanos) {
        /** From the first invocation's start until the last one's records were settled; zero without invocations. */
        public Duration wall() {
            return invocations.isEmpty() ? Duration.ZERO : settledAt.minus(invocations.get(0).startedAt());
        }

        /** The functions' time, added up over every invocation: what Lambda bills, in function-seconds. */
        public Duration functionTime() {
            return invocations.stream().map(Invocation::duration).reduce(Duration.ZERO, Duration::plus);
        }
    }

    private static final long POLL_PAUSE_MILLIS = 50;
    /** How often a poller gathering a batch within its window asks again after SQS had no more. */
    private static final long GATHER_PAUSE_MILLIS = 20;

    private final SqsClient sqs;
    private final SourceQueues queues;
    private final Settings settings;
    private final String region;
    /** One thread a container: its function runs there, so a container runs one invocation at a time. */
    private final List<ExecutorService> containers;
    /** One poller a container. */
    private final ExecutorService pollers;

    public EventSourceMapping(SqsClient sqs, SourceQueues queues, Settings settings, String region) {
        this.sqs = sqs;
        this.queues = queues;
        this.settings = settings;
        this.region = region;
        List<ExecutorService> threads = new ArrayList<>();
        for (int container = 0; container < settings.maxConcurrency(); container++) {
            threads.add(Executors.newSingleThreadExecutor(daemon(settings.maxConcurrency() == 1 ? "lambda-invoke"
                    : "lambda-invoke-" + container)));
        }
        this.containers = List.copyOf(threads);
        AtomicInteger pollerIds = new AtomicInteger();
        this.pollers = Executors.newFixedThreadPool(settings.maxConcurrency(),
                runnable -> daemon("lambda-poller-" + pollerIds.getAndIncrement()).newThread(runnable));
    }

    /**
     * Polls until the source queue is empty (nothing visible, in flight or delayed), then drains the redrive queue.
     * Every container runs {@code function}.
     *
     * @param contexts the context of the n-th invocation (1-based, in the order they start); its remaining time is
     *     the function's deadline
     */
    public Run drain(Function function, IntFunction<Context> contexts) {
        return drain(container -> function, contexts);
    }

    /**
     * As {@link #drain(Function, IntFunction)}, container {@code i} (0-based) running {@code functions.apply(i)}:
     * each asked for once, before the first receive.
     */
    public Run drain(IntFunction<? extends Function> functions, IntFunction<Context> contexts) {
        return drain(functions, contexts, () -> true);
    }

    /**
     * As {@link #drain(IntFunction, IntFunction)}, for a queue another function fills: a poller that finds the queue
     * empty stops only once {@code upstreamDone} says nothing more will be sent to it.
     */
    public Run drain(IntFunction<? extends Function> functions, IntFunction<Context> contexts,
                     BooleanSupplier upstreamDone) {
        List<Function> perContainer = new ArrayList<>();
        for (int container = 0; container < settings.maxConcurrency(); container++) {
            perContainer.add(functions.apply(container));
        }
        Drain drain = new Drain(contexts, upstreamDone);
        List<Future<?>> polling = new ArrayList<>();
        for (int container = 0; container < perContainer.size(); container++) {
            int index = container;
            polling.add(pollers.submit(() -> drain.poll(index, perContainer.get(index))));
        }
        try {
            for (Future<?> poller : polling) {
                poller.get();
            }
        } catch (ExecutionException e) {
            drain.stop();
            polling.forEach(poller -> poller.cancel(true));
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("a poller failed", e.getCause());
        } catch (InterruptedException e) {
            drain.stop();
            polling.forEach(poller -> poller.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return new Run(drain.invocations(), drainRedrive(), drain.settledAt(), drain.origin);
    }

    /** The state the pollers of one drain share. */
    private final class Drain {
        private final IntFunction<Context> contexts;
        private final BooleanSupplier upstreamDone;
        private final long origin = System.nanoTime();
        private final AtomicInteger started = new AtomicInteger();
        private final List<Invocation> invocations = new ArrayList<>();
        private long settledAtNanos;
        private volatile boolean stopped;

        Drain(IntFunction<Context> contexts, BooleanSupplier upstreamDone) {
            this.contexts = contexts;
            this.upstreamDone = upstreamDone;
        }

        /** One container's poller: gather a batch while it is idle, invoke, settle, until the source queue is empty. */
        void poll(int container, Function function) {
            while (!stopped) {
                List<Message> batch = receiveBatch();
                if (batch.isEmpty()) {
                    // Read before the queue: once upstream is done, an empty queue stays empty.
                    boolean lastSendsDone = upstreamDone.getAsBoolean();
                    if (lastSendsDone && sourceIsEmpty()) {
                        return;
                    }
                    pause(POLL_PAUSE_MILLIS);
                    continue;
                }
                int number = started.incrementAndGet();
                if (number > settings.maxInvocations()) {
                    stopped = true;
                    throw new IllegalStateException("still not drained after " + settings.maxInvocations()
                            + " invocations");
                }
                Invocation invocation = invoke(container, function, batch, contexts.apply(number), origin);
                synchronized (this) {
                    invocations.add(invocation);
                    settledAtNanos = Math.max(settledAtNanos, System.nanoTime() - origin);
                }
            }
        }

        void stop() {
            stopped = true;
        }

        synchronized List<Invocation> invocations() {
            List<Invocation> inOrder = new ArrayList<>(invocations);
            inOrder.sort(Comparator.comparing(Invocation::startedAt));
            return List.copyOf(inOrder);
        }

        synchronized Duration settledAt() {
            return Duration.ofNanos(settledAtNanos);
        }
    }

    /** A context whose deadline is the function timeout from now. */
    public IntFunction<Context> timeoutContexts() {
        return n -> TestContext.withDeadlineIn(settings.functionTimeout().toMillis());
    }

    private Invocation invoke(int container, Function function, List<Message> batch, Context context, long origin) {
        Map<String, Integer> receiveCounts = new LinkedHashMap<>();
        batch.forEach(message -> receiveCounts.put(message.messageId(),
                Integer.parseInt(message.attributesAsStrings().get("ApproximateReceiveCount"))));
        SQSEvent event = event(batch);
        long startedAt = System.nanoTime();
        Future<SQSBatchResponse> running = containers.get(container).submit(() -> function.invoke(event, context));
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
        Duration duration = Duration.ofNanos(System.nanoTime() - startedAt);
        Set<String> reappearing = failed;
        List<Message> done = batch.stream().filter(message -> !reappearing.contains(message.messageId())).toList();
        List<Message> again = batch.stream().filter(message -> reappearing.contains(message.messageId())).toList();
        delete(done);
        if (settings.expireVisibilityAtOnce()) {
            makeVisible(again);
        }
        return new Invocation(receiveCounts, ending, reported, container,
                Duration.ofNanos(startedAt - origin), duration);
    }

    /**
     * A batch: receives until it is full; until a receive brings fewer than asked for, without a window; else until
     * the window has passed since the first message. Empty when the first receive brings nothing.
     */
    private List<Message> receiveBatch() {
        int limit = queues.fifo() ? Math.min(settings.batchSize(), FIFO_MAX_BATCH) : settings.batchSize();
        Duration window = queues.fifo() ? Duration.ZERO : settings.batchingWindow();
        List<Message> batch = new ArrayList<>();
        long closesAt = 0;
        while (batch.size() < limit) {
            int want = Math.min(10, limit - batch.size());
            List<Message> received = sqs.receiveMessage(request -> request
                    .queueUrl(queues.sourceUrl())
                    .maxNumberOfMessages(want)
                    .waitTimeSeconds(0)
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (batch.isEmpty()) {
                if (received.isEmpty()) {
                    break;
                }
                closesAt = System.nanoTime() + window.toNanos();
            }
            batch.addAll(received);
            long left = closesAt - System.nanoTime();
            if (received.size() < want) {
                if (left <= 0) {
                    break;
                }
                pause(Math.min(GATHER_PAUSE_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1));
            } else if (!window.isZero() && left <= 0) {
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

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        pollers.shutdownNow();
        containers.forEach(ExecutorService::shutdownNow);
    }
}

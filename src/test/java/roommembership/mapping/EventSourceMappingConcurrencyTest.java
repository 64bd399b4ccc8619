package roommembership.mapping;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.TestClients;
import roommembership.testing.TestContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The local event-source mapping with a maximum concurrency and a batching window, on ElasticMQ queues. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EventSourceMappingConcurrencyTest {
    private static final int MANY_RECEIVES = 1_000;
    private static EmbeddedSqs sqs;

    @BeforeAll
    static void start() {
        sqs = EmbeddedSqs.start();
    }

    @AfterAll
    static void stop() {
        sqs.close();
    }

    @Test
    void twoContainersRunTwoInvocationsAtOnceAndNeverMore() {
        SourceQueues queues = standardQueue(30);
        send(queues, "a", "b", "c", "d", "e", "f");
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch firstTwo = new CountDownLatch(2);
        List<Boolean> metTheOther = new ArrayList<>();
        Map<Integer, Integer> containerOfFunction = new ConcurrentHashMap<>();

        EventSourceMapping.Run run;
        try (var mapping = mapping(queues, settings(1, 2))) {
            run = mapping.drain(container -> (event, context) -> {
                containerOfFunction.merge(container, 1, Integer::sum);
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    firstTwo.countDown();
                    // The first two wait for each other: they only both get here if they run at once.
                    boolean met = firstTwo.await(5, TimeUnit.SECONDS);
                    synchronized (metTheOther) {
                        metTheOther.add(met);
                    }
                    Thread.sleep(50);
                    return new SQSBatchResponse(List.of());
                } finally {
                    running.decrementAndGet();
                }
            }, n -> TestContext.withMinutesLeft(1));
        }

        assertThat(metTheOther).hasSize(6).containsOnly(true);
        assertThat(mostAtOnce).hasValue(2);
        assertThat(run.invocations()).hasSize(6)
                .allSatisfy(invocation -> assertThat(invocation.receiveCounts()).hasSize(1).containsValue(1));
        assertThat(run.invocations()).extracting(EventSourceMapping.Invocation::container).containsOnly(0, 1);
        // Each container ran its own function, and one invocation at a time.
        assertThat(containerOfFunction).containsOnlyKeys(0, 1);
        for (int container = 0; container < 2; container++) {
            int own = container;
            List<EventSourceMapping.Invocation> ofContainer = run.invocations().stream()
                    .filter(invocation -> invocation.container() == own).toList();
            assertThat(ofContainer).hasSize(containerOfFunction.get(container));
            for (int i = 1; i < ofContainer.size(); i++) {
                assertThat(ofContainer.get(i).startedAt()).isGreaterThanOrEqualTo(ofContainer.get(i - 1).endedAt());
            }
        }
        assertThat(run.invocations().get(0).endedAt()).isGreaterThan(run.invocations().get(1).startedAt());
        assertThat(run.functionTime()).isEqualTo(run.invocations().stream()
                .map(EventSourceMapping.Invocation::duration).reduce(Duration.ZERO, Duration::plus));
        assertThat(run.wall()).isLessThan(run.functionTime());
    }

    @Test
    void aPollerGathersWhatArrivesWithinTheBatchingWindowIntoOneBatch() throws Exception {
        assertThat(batchSizes(Duration.ofSeconds(1))).containsExactly(5);
        assertThat(batchSizes(Duration.ZERO)).containsExactly(3, 2);
    }

    @Test
    void aFullBatchDoesNotWaitForTheWindow() {
        SourceQueues queues = standardQueue(30);
        send(queues, "a", "b", "c", "d");
        List<Integer> sizes = new ArrayList<>();

        EventSourceMapping.Run run;
        try (var mapping = mapping(queues, settings(2, 1).withBatchingWindow(Duration.ofSeconds(20)))) {
            run = mapping.drain((event, context) -> {
                sizes.add(event.getRecords().size());
                return new SQSBatchResponse(List.of());
            }, n -> TestContext.withMinutesLeft(1));
        }

        assertThat(sizes).containsExactly(2, 2);
        assertThat(run.invocations().get(1).startedAt()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aFifoQueueGetsAtMostTenRecordsABatchAndNoWindow() {
        SourceQueues queues = SourceQueues.create(sqs.client(), true, MANY_RECEIVES, 30);
        for (int i = 1; i <= 12; i++) {
            String body = "m" + i;
            sqs.client().sendMessage(request -> request.queueUrl(queues.sourceUrl()).messageBody(body)
                    .messageGroupId("group-" + body).messageDeduplicationId(body));
        }
        List<Integer> sizes = new ArrayList<>();

        EventSourceMapping.Run run;
        try (var mapping = mapping(queues, settings(100, 1).withBatchingWindow(Duration.ofSeconds(20)))) {
            run = mapping.drain((event, context) -> {
                sizes.add(event.getRecords().size());
                return new SQSBatchResponse(List.of());
            }, n -> TestContext.withMinutesLeft(1));
        }

        assertThat(sizes).containsExactly(10, 2);
        assertThat(run.wall()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void reportedFailuresReappearAtOnceOrAfterTheVisibilityTimeout() {
        for (boolean atOnce : new boolean[] {true, false}) {
            SourceQueues queues = standardQueue(1);
            send(queues, "keep", "retry-once");
            List<String> seen = new ArrayList<>();

            EventSourceMapping.Run run;
            try (var mapping = new EventSourceMapping(sqs.client(), queues, new EventSourceMapping.Settings(10,
                    Duration.ofSeconds(30), atOnce, 10).withMaxConcurrency(2), TestClients.REGION.id())) {
                run = mapping.drain((event, context) -> {
                    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
                    for (SQSEvent.SQSMessage record : event.getRecords()) {
                        synchronized (seen) {
                            seen.add(record.getBody() + "#" + record.getAttributes().get("ApproximateReceiveCount"));
                        }
                        if (record.getBody().equals("retry-once")
                                && record.getAttributes().get("ApproximateReceiveCount").equals("1")) {
                            failures.add(new SQSBatchResponse.BatchItemFailure(record.getMessageId()));
                        }
                    }
                    return new SQSBatchResponse(failures);
                }, n -> TestContext.withMinutesLeft(1));
            }

            assertThat(seen).containsExactlyInAnyOrder("keep#1", "retry-once#1", "retry-once#2");
            EventSourceMapping.Invocation again = run.invocations().stream()
                    .filter(invocation -> invocation.receiveCounts().containsValue(2)).findFirst().orElseThrow();
            assertThat(again.receiveCounts()).hasSize(1);
            String id = again.receiveCounts().keySet().iterator().next();
            EventSourceMapping.Invocation first = run.invocations().stream()
                    .filter(invocation -> Integer.valueOf(1).equals(invocation.receiveCounts().get(id)))
                    .findFirst().orElseThrow();
            Duration hidden = again.startedAt().minus(first.endedAt());
            if (atOnce) {
                assertThat(hidden).isLessThan(Duration.ofMillis(900));
            } else {
                assertThat(hidden).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            }
            assertThat(run.redriven()).isEmpty();
        }
    }

    @Test
    void theInvocationBoundHoldsOverEveryContainer() {
        SourceQueues queues = standardQueue(30);
        send(queues, "a", "b", "c");
        AtomicInteger invocations = new AtomicInteger();

        try (var mapping = mapping(queues, new EventSourceMapping.Settings(1, Duration.ofSeconds(30), true, 7)
                .withMaxConcurrency(3))) {
            assertThatThrownBy(() -> mapping.drain((event, context) -> {
                invocations.incrementAndGet();
                throw new IllegalStateException("the function failed");
            }, n -> TestContext.withMinutesLeft(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessage("still not drained after 7 invocations");
        }

        assertThat(invocations).hasValue(7);
    }

    /**
     * Three messages before the drain, two more 300 ms into it, while a first invocation would still be running: the
     * batch sizes the function saw.
     */
    private List<Integer> batchSizes(Duration window) throws Exception {
        SourceQueues queues = standardQueue(30);
        send(queues, "a", "b", "c");
        List<Integer> sizes = new ArrayList<>();
        CompletableFuture<EventSourceMapping.Run> run;
        try (var mapping = mapping(queues, settings(10, 1).withBatchingWindow(window))) {
            run = CompletableFuture.supplyAsync(() -> mapping.drain((event, context) -> {
                synchronized (sizes) {
                    sizes.add(event.getRecords().size());
                }
                Thread.sleep(500);
                return new SQSBatchResponse(List.of());
            }, n -> TestContext.withMinutesLeft(1)));
            Thread.sleep(300);
            send(queues, "d", "e");
            run.get(10, TimeUnit.SECONDS);
        }
        synchronized (sizes) {
            return List.copyOf(sizes);
        }
    }

    private static EventSourceMapping.Settings settings(int batchSize, int containers) {
        return new EventSourceMapping.Settings(batchSize, Duration.ofSeconds(30), true, 50)
                .withMaxConcurrency(containers);
    }

    private static EventSourceMapping mapping(SourceQueues queues, EventSourceMapping.Settings settings) {
        return new EventSourceMapping(sqs.client(), queues, settings, TestClients.REGION.id());
    }

    private static SourceQueues standardQueue(int visibilityTimeoutSeconds) {
        return SourceQueues.create(sqs.client(), false, MANY_RECEIVES, visibilityTimeoutSeconds);
    }

    private static void send(SourceQueues queues, String... bodies) {
        for (String body : bodies) {
            sqs.client().sendMessage(request -> request.queueUrl(queues.sourceUrl()).messageBody(body));
        }
    }
}

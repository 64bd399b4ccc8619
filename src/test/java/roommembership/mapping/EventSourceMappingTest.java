package roommembership.mapping;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.TestClients;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The local event-source mapping behaves as Lambda's SQS poller does, on ElasticMQ queues. */
class EventSourceMappingTest {
    private static final TemplateSettings TEMPLATE = TemplateSettings.read();
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
    void readsTheQueueSettingsFromTheTemplate() {
        assertThat(TEMPLATE.batchSize()).isEqualTo(100);
        assertThat(TEMPLATE.maxReceiveCount()).isGreaterThan(TEMPLATE.functionMaxReceiveCount());
        assertThat(TEMPLATE.visibilityTimeoutSeconds()).isGreaterThanOrEqualTo(6 * TEMPLATE.functionTimeoutSeconds());
    }

    @Test
    void deletesWhatTheFunctionSettledAndRedeliversWhatItReportedAfterTheVisibilityTimeout() {
        SourceQueues queues = SourceQueues.create(sqs.client(), false, TEMPLATE.maxReceiveCount(), 1);
        send(queues, "keep", "retry-once");
        List<SQSEvent> seen = new ArrayList<>();

        EventSourceMapping.Run run;
        try (var mapping = mapping(queues, false)) {
            run = mapping.drain((event, context) -> {
                seen.add(event);
                return failures(event, record -> record.getBody().equals("retry-once")
                        && record.getAttributes().get("ApproximateReceiveCount").equals("1"));
            }, n -> roommembership.testing.TestContext.withMinutesLeft(1));
        }

        assertThat(run.invocations()).extracting(i -> i.receiveCounts().size(), EventSourceMapping.Invocation::ending)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, EventSourceMapping.Ending.RETURNED),
                        org.assertj.core.groups.Tuple.tuple(1, EventSourceMapping.Ending.RETURNED));
        SQSEvent.SQSMessage again = seen.get(1).getRecords().get(0);
        assertThat(again.getBody()).isEqualTo("retry-once");
        assertThat(again.getAttributes()).containsEntry("ApproximateReceiveCount", "2")
                .containsKeys("SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp");
        assertThat(again.getEventSource()).isEqualTo("aws:sqs");
        assertThat(again.getEventSourceArn()).isEqualTo(queues.sourceArn());
        assertThat(run.redriven()).isEmpty();
    }

    @Test
    void aRecordTheFunctionThrowsOnReappearsWholeUntilSqsMovesItToTheRedriveQueue() {
        SourceQueues queues = SourceQueues.create(sqs.client(), false, TEMPLATE.maxReceiveCount(), 30);
        send(queues, "poison", "also-in-the-batch");

        EventSourceMapping.Run run;
        try (var mapping = mapping(queues, true)) {
            run = mapping.drain((event, context) -> {
                throw new IllegalStateException("the function failed");
            }, n -> roommembership.testing.TestContext.withMinutesLeft(1));
        }

        assertThat(run.invocations()).hasSize(TEMPLATE.maxReceiveCount())
                .allSatisfy(invocation -> assertThat(invocation.ending()).isEqualTo(EventSourceMapping.Ending.THREW));
        assertThat(run.invocations().get(TEMPLATE.maxReceiveCount() - 1).receiveCounts())
                .containsValues(TEMPLATE.maxReceiveCount());
        assertThat(run.redriven()).extracting(Message::body).containsExactlyInAnyOrder("poison", "also-in-the-batch");
    }

    @Test
    void aFunctionThatOutlivesItsTimeoutHasItsResponseDiscarded() {
        SourceQueues queues = SourceQueues.create(sqs.client(), false, TEMPLATE.maxReceiveCount(), 30);
        send(queues, "slow");
        int[] calls = {0};

        EventSourceMapping.Run run;
        try (var mapping = new EventSourceMapping(sqs.client(), queues,
                new EventSourceMapping.Settings(10, Duration.ofMillis(200), true, 50), TestClients.REGION.id())) {
            run = mapping.drain((event, context) -> {
                if (++calls[0] == 1) {
                    Thread.sleep(600);
                }
                return new SQSBatchResponse(List.of());
            }, mapping.timeoutContexts());
        }

        assertThat(run.invocations()).extracting(EventSourceMapping.Invocation::ending)
                .containsExactly(EventSourceMapping.Ending.TIMED_OUT, EventSourceMapping.Ending.RETURNED);
    }

    @Test
    void anIdentifierThatIsNotInTheBatchFailsTheWholeBatch() {
        SourceQueues queues = SourceQueues.create(sqs.client(), false, TEMPLATE.maxReceiveCount(), 30);
        send(queues, "a", "b");
        int[] calls = {0};

        EventSourceMapping.Run run;
        try (var mapping = mapping(queues, true)) {
            run = mapping.drain((event, context) -> ++calls[0] == 1
                    ? new SQSBatchResponse(List.of(new SQSBatchResponse.BatchItemFailure("not-a-record")))
                    : new SQSBatchResponse(List.of()), n -> roommembership.testing.TestContext.withMinutesLeft(1));
        }

        assertThat(run.invocations()).extracting(i -> i.receiveCounts().size(), EventSourceMapping.Invocation::ending)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, EventSourceMapping.Ending.INVALID_RESPONSE),
                        org.assertj.core.groups.Tuple.tuple(2, EventSourceMapping.Ending.RETURNED));
    }

    @Test
    void fifoRecordsCarryTheirGroupAndComeInGroupOrder() {
        SourceQueues queues = SourceQueues.create(sqs.client(), true, TEMPLATE.maxReceiveCount(), 30);
        for (int i = 1; i <= 3; i++) {
            String body = "g1-" + i;
            sqs.client().sendMessage(request -> request.queueUrl(queues.sourceUrl()).messageBody(body)
                    .messageGroupId("g1").messageDeduplicationId(body));
        }
        List<String> bodies = new ArrayList<>();
        List<Map<String, String>> attributes = new ArrayList<>();

        try (var mapping = mapping(queues, true)) {
            mapping.drain((event, context) -> {
                event.getRecords().forEach(record -> {
                    bodies.add(record.getBody());
                    attributes.add(record.getAttributes());
                });
                return new SQSBatchResponse(List.of());
            }, n -> roommembership.testing.TestContext.withMinutesLeft(1));
        }

        assertThat(bodies).containsExactly("g1-1", "g1-2", "g1-3");
        assertThat(attributes).allSatisfy(a -> assertThat(a)
                .containsEntry("MessageGroupId", "g1").containsKeys("SequenceNumber", "MessageDeduplicationId"));
    }

    private static EventSourceMapping mapping(SourceQueues queues, boolean expireAtOnce) {
        return new EventSourceMapping(sqs.client(), queues,
                new EventSourceMapping.Settings(TEMPLATE.batchSize(), Duration.ofSeconds(30), expireAtOnce, 50),
                TestClients.REGION.id());
    }

    private static void send(SourceQueues queues, String... bodies) {
        for (String body : bodies) {
            sqs.client().sendMessage(request -> request.queueUrl(queues.sourceUrl()).messageBody(body));
        }
    }

    private static SQSBatchResponse failures(SQSEvent event, java.util.function.Predicate<SQSEvent.SQSMessage> failed) {
        return new SQSBatchResponse(event.getRecords().stream().filter(failed)
                .map(record -> new SQSBatchResponse.BatchItemFailure(record.getMessageId())).toList());
    }
}

package roommembership.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import roommembership.testing.EmbeddedS3;
import roommembership.testing.TestQuotas;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChimeEmulator;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.testing.DeadLetterQueue;
import roommembership.testing.TestContext;
import roommembership.wiring.Configuration;
import software.amazon.awssdk.services.chime.ChimeClient;

import roommembership.testing.SqsEvents;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static roommembership.testing.Directory.BEARER;

/**
 * The function deployed as in production (real SDK clients over HTTP) against the Chime emulator and ElasticMQ, as a
 * test class registers it:
 * <pre>{@code @RegisterExtension
 * static final FunctionUnderTest function =
 *         FunctionUnderTest.forRoomsAndChannels().with("MAX_RECEIVE_COUNT", "3");}</pre>
 * The services start once per class. Each test starts from the sample organisation, a new failed-member queue, a
 * handler deployed with the class's settings, a context with a minute left and no metrics yet.
 */
final class FunctionUnderTest implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    /** Production attempt count, short delays. */
    static final RetryPolicy FAST_RETRY = new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20));
    /** The time the log lines and metrics carry, so that a test can compare them whole. */
    static final Instant NOW = Instant.parse("2026-11-26T10:52:12.114Z");
    /** A one-second margin keeps the tests that run out of time short. */
    private static final Map<String, String> TEST_DEFAULTS = Map.of(Configuration.DEADLINE_SAFETY_MARGIN_MS, "1000");

    private final Map<String, String> settings;
    private final RetryPolicy retry;

    private EmulatedServices services;
    private DeadLetterQueue deadLetters;
    private RoomMembershipHandler handler;
    private TestContext context;
    private final List<String> metrics = new CopyOnWriteArrayList<>();

    private FunctionUnderTest(Map<String, String> settings, RetryPolicy retry) {
        this.settings = Map.copyOf(settings);
        this.retry = retry;
    }

    /** No bearer: channel requests are refused without a call. */
    static FunctionUnderTest forRooms() {
        return new FunctionUnderTest(Map.of(), FAST_RETRY);
    }

    /** Channel calls made as the sample organisation's bearer, from its AppInstance's region. */
    static FunctionUnderTest forRoomsAndChannels() {
        return new FunctionUnderTest(Map.of(Configuration.CHIME_BEARER_ARN, BEARER, "AWS_REGION", "us-east-1"),
                FAST_RETRY);
    }

    /** The same deployment with one more environment variable, or another value for one. */
    FunctionUnderTest with(String setting, String value) {
        return with(Map.of(setting, value));
    }

    FunctionUnderTest with(Map<String, String> more) {
        Map<String, String> merged = new HashMap<>(settings);
        merged.putAll(more);
        return new FunctionUnderTest(merged, retry);
    }

    /** The same deployment retrying failed members by this policy. */
    FunctionUnderTest retrying(RetryPolicy policy) {
        return new FunctionUnderTest(settings, policy);
    }

    @Override
    public void beforeAll(ExtensionContext extension) {
        services = new EmulatedServices();
    }

    @Override
    public void afterAll(ExtensionContext extension) {
        services.close();
    }

    @Override
    public void beforeEach(ExtensionContext extension) {
        reset();
    }

    /** The sample organisation again, a new failed-member queue, the class's deployment, a fresh context. */
    void reset() {
        services.resetToSampleOrganisation();
        deadLetters = services.newDeadLetterQueue();
        metrics.clear();
        handler = handlerWith(Map.of());
        context = TestContext.withMinutesLeft(1);
    }

    // ------------------------------------------------------------------ when

    /** The batch, handled by this test's deployment with a minute left. */
    SQSBatchResponse handle(SQSEvent event) {
        return handler.handleRequest(event, context);
    }

    SQSBatchResponse handle(SQSEvent event, Context invocation) {
        return handler.handleRequest(event, invocation);
    }

    // ------------------------------------------------------------------ given

    /** From now on in this test, the function is deployed with these settings on top of the class's. */
    void redeployWith(Map<String, String> more) {
        handler = handlerWith(more);
    }

    /** From now on in this test, the function is deployed with these settings and sends its letters through this client. */
    void redeployWith(Map<String, String> more, SqsClient deadLetterClient) {
        Configuration config = Configuration.fromEnvironment(environment(more));
        handler = Handlers.around(services.service(config, retry, deadLetterClient), config,
                Clock.fixed(NOW, ZoneOffset.UTC), metrics::add);
    }

    /** A new, empty FIFO queue on the SQS the failed-member queue is on: a target queue to dispatch to. */
    String newTargetQueue() {
        String name = "targets-" + java.util.UUID.randomUUID().toString().substring(0, 8) + ".fifo";
        return services.sqs.client().createQueue(request -> request.queueName(name)
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
    }

    /**
     * Everything now on a target queue, received and deleted, as the event source mapping would give it to the
     * function: batches of at most 10 records, each with its message group, from the queue's ARN.
     */
    List<SQSEvent> takeBatches(String targetQueueUrl) {
        String arn = SqsEvents.arnOf(targetQueueUrl);
        List<SQSEvent> events = new ArrayList<>();
        List<Message> messages = services.sqs.drain(targetQueueUrl);
        for (int from = 0; from < messages.size(); from += 10) {
            List<SQSEvent.SQSMessage> records = new ArrayList<>();
            for (Message message : messages.subList(from, Math.min(messages.size(), from + 10))) {
                records.add(SqsEvents.received(message, arn));
            }
            SQSEvent event = new SQSEvent();
            event.setRecords(records);
            events.add(event);
        }
        return events;
    }

    /** The SQS the failed-member queue is on, for a proxy in front of it. */
    URI sqsEndpoint() {
        return services.sqs.endpoint();
    }

    /** From now on in this test, the function is deployed without these settings of the class's. */
    void redeployWithout(String... names) {
        Map<String, String> env = environment(Map.of());
        Set.of(names).forEach(env::remove);
        handler = handler(env);
    }

    /**
     * A second deployment with these settings on top of the class's, writing to the same failed-member queue; its
     * construction fails as the function's start does.
     */
    RoomMembershipHandler handlerWith(Map<String, String> more) {
        return handler(environment(more));
    }

    private Map<String, String> environment(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(TEST_DEFAULTS);
        env.putAll(TestQuotas.functionSettings());
        env.put(Configuration.DEAD_LETTER_QUEUE_URL, deadLetters.url());
        env.putAll(settings);
        env.putAll(more);
        return env;
    }

    private RoomMembershipHandler handler(Map<String, String> env) {
        Configuration config = Configuration.fromEnvironment(env);
        return Handlers.around(services.service(config, retry), config, Clock.fixed(NOW, ZoneOffset.UTC), metrics::add);
    }

    // ------------------------------------------------------------------ then

    ChimeEmulator chime() {
        return services.chime;
    }

    ChannelsApi channels() {
        return services.chime.channels();
    }

    /** The S3 the function reads rosters from, started on first use. */
    EmbeddedS3 s3() {
        return services.s3();
    }

    /** A client of the rooms API, for what someone else does to a room between two invocations. */
    ChimeClient chimeClient() {
        return services.chimeClient;
    }

    DeadLetterQueue deadLetters() {
        return deadLetters;
    }

    RoomMembershipHandler handler() {
        return handler;
    }

    /** The context {@link #handle(SQSEvent)} passes: its log lines are this test's. */
    TestContext context() {
        return context;
    }

    /** The metrics documents the function wrote to stdout in this test, in order. */
    List<String> metrics() {
        return List.copyOf(metrics);
    }

    static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }
}

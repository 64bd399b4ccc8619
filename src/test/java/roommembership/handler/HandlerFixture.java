package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import roommembership.wiring.Configuration;
import roommembership.wiring.FunctionWiring;
import roommembership.pipeline.report.InvocationLog;
import roommembership.pipeline.report.InvocationMetrics;
import roommembership.pipeline.MembershipService;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.emulator.ChimeEmulator;
import roommembership.testing.DeadLetterQueue;
import roommembership.testing.Directory;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.TestClients;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The function wired as in production (real SDK clients over HTTP) against the Chime emulator and ElasticMQ, with
 * a fresh failed-member queue and the sample organisation in the emulator.
 */
final class HandlerFixture implements AutoCloseable {
    /** Production attempt count, short delays. */
    static final RetryPolicy FAST_RETRY = new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20));
    /** The time the log lines and metrics carry, so that a test can compare them whole. */
    static final Instant NOW = Instant.parse("2026-11-26T10:52:12.114Z");

    final ChimeEmulator chime;
    final EmbeddedSqs sqs;
    final ChimeClient chimeClient;
    private final Map<Region, ChimeSdkMessagingClient> messagingClients = new ConcurrentHashMap<>();

    HandlerFixture() {
        chime = ChimeEmulator.start();
        sqs = EmbeddedSqs.start();
        chimeClient = TestClients.chime(chime.endpoint());
    }

    /** A clean emulator holding the sample organisation. */
    void resetChime() {
        chime.reset();
        Directory.seed(chime);
    }

    DeadLetterQueue newDeadLetterQueue() {
        return new DeadLetterQueue(sqs, sqs.createQueue("failed-members"));
    }

    RoomMembershipHandler handler(String deadLetterQueueUrl, Map<String, String> settings) {
        return handler(deadLetterQueueUrl, settings, line -> {
        });
    }

    /** @param stdout receives the metrics documents the function writes to stdout */
    RoomMembershipHandler handler(String deadLetterQueueUrl, Map<String, String> settings, Consumer<String> stdout) {
        return handler(deadLetterQueueUrl, settings, stdout, sqs.client());
    }

    /** @param deadLetterClient sends the dead letters: one pointed at a proxy in front of this fixture's SQS */
    RoomMembershipHandler handler(String deadLetterQueueUrl, Map<String, String> settings, SqsClient deadLetterClient) {
        return handler(deadLetterQueueUrl, settings, line -> {
        }, deadLetterClient);
    }

    RoomMembershipHandler handler(String deadLetterQueueUrl, Map<String, String> settings, Consumer<String> stdout,
                                  SqsClient deadLetterClient) {
        Map<String, String> env = new HashMap<>(settings);
        env.put(Configuration.DEAD_LETTER_QUEUE_URL, deadLetterQueueUrl);
        env.putIfAbsent(Configuration.DEADLINE_SAFETY_MARGIN_MS, "1000");
        Configuration config = Configuration.fromEnvironment(env);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return new RoomMembershipHandler(
                FunctionWiring.service(config, chimeClient, this::messagingClient, deadLetterClient, FAST_RETRY),
                new InvocationLog(clock), new InvocationMetrics(config.metricsNamespace(), clock, stdout));
    }

    /** The production service's wiring, on this fixture's clients. */
    MembershipService service(Configuration config, RetryPolicy retry) {
        return FunctionWiring.service(config, chimeClient, this::messagingClient, sqs.client(), retry);
    }

    /** One client per region, as the function keeps them, all pointed at the emulator; closed with the fixture. */
    ChimeSdkMessagingClient messagingClient(Region region) {
        return messagingClients.computeIfAbsent(region, r -> TestClients.messaging(chime.endpoint(), r));
    }

    static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }

    @Override
    public void close() {
        chimeClient.close();
        messagingClients.values().forEach(ChimeSdkMessagingClient::close);
        sqs.close();
        chime.close();
    }
}

package roommembership.bench;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import roommembership.wiring.Configuration;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.emulator.ChimeEmulator;
import roommembership.handler.Handlers;
import roommembership.handler.RoomMembershipHandler;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.TestClients;
import roommembership.testing.TestContext;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One invocation end to end, through the real SDK clients, against the emulator answering every call after a fixed
 * latency: calls made, wall time, and the ideal ⌈calls/concurrency⌉ × latency.
 */
final class EndToEndBenchmark {
    record Result(String conversationKind, int requests, int conversations, int membersPerCall, int calls,
                  int expectedCalls, int concurrency, int latencyMillis, double coldMillis, Stats warmMillis,
                  double idealMillis) {
    }

    private EndToEndBenchmark() {
    }

    /** @param maxTps the handler's CHIME_MAX_TPS; 0 for no limit */
    static Result run(ChimeEmulator chime, EmbeddedSqs sqs, Workload workload, int latencyMillis,
                      int concurrency, int maxTps, int warmRuns) {
        return run(chime, sqs, workload, latencyMillis, concurrency, maxTps, warmRuns, Map.of());
    }

    /** @param more further settings of the handler's, over the others */
    static Result run(ChimeEmulator chime, EmbeddedSqs sqs, Workload workload, int latencyMillis,
                      int concurrency, int maxTps, int warmRuns, Map<String, String> more) {
        String deadLetters = sqs.createQueue("bench-failed-members");
        Map<Region, ChimeSdkMessagingClient> messaging = new ConcurrentHashMap<>();
        try (ChimeClient client = TestClients.chime(chime.endpoint())) {
            Map<String, String> env = new HashMap<>(workload.settings());
            env.put(Configuration.DEAD_LETTER_QUEUE_URL, deadLetters);
            env.put(Configuration.CHIME_MAX_CONCURRENCY, Integer.toString(concurrency));
            env.put(Configuration.CHIME_MAX_TPS, Integer.toString(maxTps));
            env.put("AWS_REGION", TestClients.REGION.id());
            env.putAll(more);
            RoomMembershipHandler handler = Handlers.wired(Configuration.fromEnvironment(env), client,
                    region -> messaging.computeIfAbsent(region, r -> TestClients.messaging(chime.endpoint(), r)),
                    sqs.client(), RetryPolicy.standard());
            SQSEvent event = workload.event();

            int calls = 0;
            double cold = 0;
            List<Double> warm = new ArrayList<>();
            for (int run = 0; run <= warmRuns; run++) {
                workload.seed(chime);
                chime.latency(Duration.ofMillis(latencyMillis));
                long started = System.nanoTime();
                SQSBatchResponse response = handler.handleRequest(event, TestContext.withMinutesLeft(15));
                double millis = (System.nanoTime() - started) / 1e6;
                calls = workload.callsMade(chime);
                check(response, calls, workload, sqs, deadLetters);
                if (run == 0) {
                    cold = millis;
                } else {
                    warm.add(millis);
                }
            }
            chime.latency(Duration.ZERO);
            double ideal = Math.ceil((double) calls / concurrency) * latencyMillis;
            return new Result(workload.conversationKind(), workload.requests(), workload.conversations(),
                    workload.membersPerCall(), calls, workload.expectedCalls(), concurrency, latencyMillis, cold,
                    Stats.of(warm), ideal);
        } finally {
            messaging.values().forEach(ChimeSdkMessagingClient::close);
        }
    }

    /** A run only counts if it did the whole job: every call, nothing retried, nothing dead-lettered. */
    private static void check(SQSBatchResponse response, int calls, Workload workload, EmbeddedSqs sqs,
                              String deadLetters) {
        if (!response.getBatchItemFailures().isEmpty() || calls != workload.expectedCalls()
                || !sqs.drain(deadLetters).isEmpty()) {
            throw new IllegalStateException("the invocation did not do the whole job: " + calls + " calls, "
                    + response.getBatchItemFailures().size() + " records retried");
        }
    }
}

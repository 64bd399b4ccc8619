package roommembership.bench;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import roommembership.wiring.Configuration;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.emulator.ChimeEmulator;
import roommembership.handler.Handlers;
import roommembership.handler.RoomMembershipHandler;
import roommembership.runtime.LambdaLaunch;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.TestClients;
import roommembership.testing.TestContext;
import software.amazon.awssdk.services.chime.ChimeClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/** The artifact's size, and the heap one big invocation needs. */
final class Footprint {
    record Result(long jarBytes, int records, int requests, long heapBeforeBytes, long peakHeapBytes) {
    }

    private Footprint() {
    }

    static Result measure(ChimeEmulator chime, EmbeddedSqs sqs, Organisation organisation) {
        long jarBytes;
        try {
            jarBytes = Files.size(LambdaLaunch.functionJar());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String deadLetters = sqs.createQueue("footprint-failed-members");
        try (ChimeClient client = TestClients.chime(chime.endpoint())) {
            RoomMembershipHandler handler = Handlers.wired(Configuration.fromEnvironment(Map.of(
                            Configuration.DEAD_LETTER_QUEUE_URL, deadLetters,
                            Configuration.CHIME_MAX_TPS, "0",
                            "AWS_REGION", TestClients.REGION.id())),
                    client, sqs.client(), RetryPolicy.standard());
            organisation.seed(chime);
            var event = organisation.event();
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
            System.gc();
            long before = heap.stream().mapToLong(pool -> pool.getUsage().getUsed()).sum();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);

            SQSBatchResponse response = handler.handleRequest(event, TestContext.withMinutesLeft(15));

            long peak = heap.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
            if (!response.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("the invocation handed records back");
            }
            return new Result(jarBytes, event.getRecords().size(), organisation.requests(), before, peak);
        }
    }
}

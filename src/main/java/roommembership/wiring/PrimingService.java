package roommembership.wiring;

import roommembership.pipeline.MembershipService;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The service priming runs its batch through, with what it holds: its call pool and its clients. Closed once the
 * batch is done, so that none of their threads stays idle for the container's life or in a SnapStart snapshot.
 *
 * @param clients the clients built for priming alone, each with its own timer threads
 */
public record PrimingService(MembershipService service, ExecutorService calls, List<SdkAutoCloseable> clients)
        implements AutoCloseable {
    /** Every call has ended with the batch; this only waits for the pool's threads to stop. */
    private static final Duration POOL_END = Duration.ofSeconds(5);

    public PrimingService {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(calls, "calls");
        clients = List.copyOf(clients);
    }

    @Override
    public void close() {
        calls.shutdownNow();
        try {
            calls.awaitTermination(POOL_END.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clients.forEach(SdkAutoCloseable::close);
    }
}

package roommembership.mapping;

import roommembership.handler.Handlers;
import roommembership.handler.RoomMembershipHandler;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.testing.TestClients;
import roommembership.wiring.AwsClients;
import roommembership.wiring.Configuration;
import roommembership.wiring.FunctionWiring;
import roommembership.wiring.SdkLookups;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** One Lambda container: the handler as production wires it, around SDK clients of its own. */
public record FunctionContainer(RoomMembershipHandler handler, List<SdkClient> clients) {

    /**
     * @param chime where the Chime emulators (rooms and messaging) listen
     * @param sqs where SQS listens: the function sends letters and dispatches there
     * @param s3 the client rosters are read with, built when the first one arrives
     */
    public static FunctionContainer start(URI chime, URI sqs, Configuration config, Supplier<S3Client> s3) {
        ChimeClient rooms = TestClients.chime(chime);
        SqsClient queues = TestClients.sqs(sqs);
        Map<Region, ChimeSdkMessagingClient> messaging = new ConcurrentHashMap<>();
        List<SdkClient> clients = Collections.synchronizedList(new ArrayList<>(List.of(rooms, queues)));
        RoomMembershipHandler handler = Handlers.wired(config, rooms, region -> messaging.computeIfAbsent(region,
                r -> {
                    // The function's own backoff: the test clients' 5 ms would answer a throttle far faster than
                    // the deployed function does, and meet many more.
                    ChimeSdkMessagingClient client = AwsClients.messaging(r, FunctionWiring.SDK_RETRY_BASE_DELAY,
                                    SdkLookups.SDK_DEFAULTS).endpointOverride(chime)
                            .credentialsProvider(TestClients.CREDENTIALS).build();
                    clients.add(client);
                    return client;
                }), queues, RetryPolicy.standard(), s3);
        return new FunctionContainer(handler, clients);
    }

    public void close() {
        synchronized (clients) {
            clients.forEach(SdkClient::close);
        }
    }
}

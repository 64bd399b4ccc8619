package roommembership.handler;

import roommembership.emulator.ChimeEmulator;
import roommembership.pipeline.MembershipService;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.testing.DeadLetterQueue;
import roommembership.testing.Directory;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.TestClients;
import roommembership.testing.TestQuotas;
import roommembership.wiring.Configuration;
import roommembership.wiring.FunctionWiring;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The services the function calls, run in this JVM: the Chime emulator (chat rooms and Chime SDK messaging) and
 * ElasticMQ, with the function's own SDK clients pointed at them.
 */
final class EmulatedServices implements AutoCloseable {
    final ChimeEmulator chime;
    final EmbeddedSqs sqs;
    final ChimeClient chimeClient;
    private final Map<Region, ChimeSdkMessagingClient> messagingClients = new ConcurrentHashMap<>();

    EmulatedServices() {
        chime = ChimeEmulator.start();
        chime.channels().enforceQuotas(TestQuotas.EMULATED);
        sqs = EmbeddedSqs.start();
        chimeClient = TestClients.chime(chime.endpoint());
    }

    /** A clean emulator holding the sample organisation; gives room id, and channel ARN, to its name. */
    Map<String, String> resetToSampleOrganisation() {
        chime.reset();
        return Directory.seed(chime);
    }

    DeadLetterQueue newDeadLetterQueue() {
        return new DeadLetterQueue(sqs, sqs.createQueue("failed-members"));
    }

    /** The production service's wiring, on these clients. */
    MembershipService service(Configuration config, RetryPolicy retry) {
        return service(config, retry, sqs.client());
    }

    /** @param deadLetterClient sends the dead letters: one pointed at a proxy in front of this SQS */
    MembershipService service(Configuration config, RetryPolicy retry, SqsClient deadLetterClient) {
        return FunctionWiring.service(config, chimeClient, this::messagingClient, deadLetterClient, retry);
    }

    /** One client per region, as the function keeps them, all pointed at the emulator; closed with the services. */
    ChimeSdkMessagingClient messagingClient(Region region) {
        return messagingClients.computeIfAbsent(region, r -> TestClients.messaging(chime.endpoint(), r));
    }

    @Override
    public void close() {
        chimeClient.close();
        messagingClients.values().forEach(ChimeSdkMessagingClient::close);
        sqs.close();
        chime.close();
    }
}

package roommembership.handler;

import roommembership.emulator.ChimeEmulator;
import roommembership.pipeline.MembershipService;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.testing.DeadLetterQueue;
import roommembership.testing.Directory;
import roommembership.testing.EmbeddedS3;
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
    private EmbeddedS3 s3;

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

    /**
     * @param deadLetterClient sends the dead letters: one pointed at a proxy in front of this SQS. Rosters are read
     *                         from the embedded S3, started when the first one is read.
     */
    MembershipService service(Configuration config, RetryPolicy retry, SqsClient deadLetterClient) {
        return FunctionWiring.service(config, chimeClient, this::messagingClient, deadLetterClient, retry,
                () -> TestClients.s3(s3().endpoint()));
    }

    /** The S3 rosters are read from: started on first use, so the suites without rosters never start it. */
    synchronized EmbeddedS3 s3() {
        if (s3 == null) {
            s3 = EmbeddedS3.start();
        }
        return s3;
    }

    /** One client per region, as the function keeps them, all pointed at the emulator; closed with the services. */
    ChimeSdkMessagingClient messagingClient(Region region) {
        return messagingClients.computeIfAbsent(region, r -> TestClients.messaging(chime.endpoint(), r));
    }

    @Override
    public void close() {
        synchronized (this) {
            if (s3 != null) {
                s3.close();
            }
        }
        chimeClient.close();
        messagingClients.values().forEach(ChimeSdkMessagingClient::close);
        sqs.close();
        chime.close();
    }
}

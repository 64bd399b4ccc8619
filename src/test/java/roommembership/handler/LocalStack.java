package roommembership.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import roommembership.emulator.ChimeEmulator;
import roommembership.testing.Directory;
import roommembership.testing.EmbeddedS3;
import roommembership.testing.EmbeddedSqs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Chime emulators (chat rooms and Chime SDK messaging, one port), an embedded SQS and an S3-compatible store as a
 * standalone local stack for {@code sam local invoke --env-vars events/env.json}: {@code mvn -q test-compile
 * exec:exec@stack}. Fixed ports, seeded with the sample organisation, a failed-member queue, and a roster bucket
 * holding the sample roster; it prints the URLs and runs until Ctrl-C or SIGTERM.
 *
 * <p>Settings (system properties): {@code chime.port} (4510), {@code sqs.port} (9324), {@code s3.port} (4572),
 * {@code stack.bind} (the
 * address listened on, 0.0.0.0), {@code stack.host} (the name a container reaches this machine by,
 * host.docker.internal), {@code stack.seed} (events/local-stack.json).
 */
public final class LocalStack {
    public static final int DEFAULT_CHIME_PORT = 4510;
    public static final int DEFAULT_SQS_PORT = 9324;
    public static final int DEFAULT_S3_PORT = 4572;
    /** The bucket events/roster-s3-event.json announces a roster in. */
    public static final String ROSTER_BUCKET = "acme-rosters";
    /** The sample roster, put in the bucket at once as roster.jsonl and dry-run/roster.jsonl. */
    static final Path SAMPLE_ROSTER = Path.of("events", "roster.jsonl");
    public static final String DEFAULT_BIND = "0.0.0.0";
    public static final String DEFAULT_CONTAINER_HOST = "host.docker.internal";
    public static final String FAILED_MEMBER_QUEUE = "failed-members";
    /** The region rooms are signed for, and the sample channels'; the example commands name it. */
    private static final String REGION = "us-east-1";

    private LocalStack() {
    }

    public static void main(String[] args) throws Exception {
        int chimePort = Integer.getInteger("chime.port", DEFAULT_CHIME_PORT);
        int sqsPort = Integer.getInteger("sqs.port", DEFAULT_SQS_PORT);
        int s3Port = Integer.getInteger("s3.port", DEFAULT_S3_PORT);
        String bind = System.getProperty("stack.bind", DEFAULT_BIND);
        String containerHost = System.getProperty("stack.host", DEFAULT_CONTAINER_HOST);
        Path seed = Path.of(System.getProperty("stack.seed", Directory.FILE.toString()));
        if (!Files.isReadable(seed)) {
            System.err.println("No organisation file at " + seed + " (give one with -Dstack.seed=...)");
            System.exit(2);
        }

        ChimeEmulator chime;
        EmbeddedSqs sqs;
        try {
            chime = ChimeEmulator.start(new InetSocketAddress(InetAddress.getByName(bind), chimePort));
        } catch (UncheckedIOException e) {
            System.err.println("Cannot listen on " + bind + ":" + chimePort + " for Chime (" + e.getCause()
                    + "): choose another port with -Dchime.port=...");
            System.exit(1);
            return;
        }
        try {
            // "*": each queue URL names the host it was asked through, so a container and this machine both get theirs
            sqs = EmbeddedSqs.start(bind, sqsPort, "*");
        } catch (RuntimeException e) {
            chime.close();
            System.err.println("Cannot listen on " + bind + ":" + sqsPort + " for SQS (" + e
                    + "): choose another port with -Dsqs.port=...");
            System.exit(1);
            return;
        }
        EmbeddedS3 s3;
        try {
            s3 = EmbeddedS3.start(new InetSocketAddress(InetAddress.getByName(bind), s3Port));
        } catch (RuntimeException e) {
            chime.close();
            sqs.close();
            System.err.println("Cannot listen on " + bind + ":" + s3Port + " for S3 (" + e
                    + "): choose another port with -Ds3.port=...");
            System.exit(1);
            return;
        }
        Directory.seed(chime, seed);
        String queueUrl = sqs.client().createQueue(request -> request.queueName(FAILED_MEMBER_QUEUE)).queueUrl();
        s3.createBucket(ROSTER_BUCKET);
        if (Files.isReadable(SAMPLE_ROSTER)) {
            String roster = Files.readString(SAMPLE_ROSTER);
            s3.put(ROSTER_BUCKET, "roster.jsonl", roster);
            s3.put(ROSTER_BUCKET, "dry-run/roster.jsonl", roster);
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            chime.close();
            s3.close();
            Thread sqsStop = new Thread(sqs::close);
            sqsStop.start();
            try {
                sqsStop.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.println("Local stack stopped.");
            System.out.flush();
            stopped.countDown();
            // Ctrl-C and SIGTERM are how this is meant to end: a clean stop, not a failure.
            Runtime.getRuntime().halt(0);
        }, "local-stack-stop"));

        System.out.print(banner(bind, chime.endpoint(), sqs.endpoint(), s3.endpoint(), URI.create(queueUrl),
                containerHost, chimePort, sqsPort, s3Port, seed));
        System.out.flush();
        stopped.await();
    }

    private static String banner(String bind, URI chime, URI sqs, URI s3, URI queueUrl, String containerHost,
                                 int chimePort, int sqsPort, int s3Port, Path seed) throws IOException {
        JsonNode organisation = new ObjectMapper().readTree(seed.toFile());
        JsonNode account = organisation.path("accounts").path(0);
        String accountId = account.path("accountId").asText();
        String roomId = account.path("rooms").path(0).path("roomId").asText();
        String bearer = organisation.path("messaging").path("bearer").asText();
        String channel = organisation.path("messaging").path("channels").path(0).path("channelArn").asText();
        String containerChime = "http://" + containerHost + ":" + chimePort;
        String containerSqs = "http://" + containerHost + ":" + sqsPort;
        String containerS3 = "http://" + containerHost + ":" + s3Port;
        String queuePath = queueUrl.getPath();
        StringBuilder out = new StringBuilder();
        out.append("Room membership local stack: Chime emulators, ElasticMQ and S3Proxy, seeded from ").append(seed)
                .append('\n');
        out.append("Listening on ").append(bind).append(DEFAULT_BIND.equals(bind)
                ? " (every interface, so your LAN can reach it too: -Dstack.bind=127.0.0.1, or the Docker bridge"
                + " 172.17.0.1, narrows it)" : "").append("\n\n");
        out.append("From this machine\n");
        out.append("  Chime endpoint:           ").append(chime).append('\n');
        out.append("  Messaging endpoint:       ").append(chime).append('\n');
        out.append("  SQS endpoint:             ").append(sqs).append('\n');
        out.append("  Failed-member queue URL:  ").append(sqs).append(queuePath).append('\n');
        out.append("  S3 endpoint:              ").append(s3).append('\n');
        out.append("  Roster bucket:            s3://").append(ROSTER_BUCKET).append(" (").append(SAMPLE_ROSTER)
                .append(" as roster.jsonl and dry-run/roster.jsonl)\n");
        out.append("From a container, as events/env.json names them\n");
        out.append("  AWS_ENDPOINT_URL_CHIME=").append(containerChime).append('\n');
        out.append("  AWS_ENDPOINT_URL_CHIME_SDK_MESSAGING=").append(containerChime).append('\n');
        out.append("  AWS_ENDPOINT_URL_SQS=").append(containerSqs).append('\n');
        out.append("  AWS_ENDPOINT_URL_S3=").append(containerS3).append('\n');
        out.append("  DEAD_LETTER_QUEUE_URL=").append(containerSqs).append(queuePath).append('\n');
        out.append("  CHIME_BEARER_ARN=").append(bearer).append("\n\n");
        out.append("Try\n");
        out.append("  sam build && sam local invoke --env-vars events/env.json -e events/hr-batch.json")
                .append("   # Linux: add --add-host host.docker.internal:host-gateway\n");
        out.append("  aws chime list-room-memberships --endpoint-url ").append(chime).append(" --region ")
                .append(REGION).append(" --account-id ").append(accountId).append(" --room-id ").append(roomId)
                .append('\n');
        out.append("  aws chime-sdk-messaging list-channel-memberships --endpoint-url ").append(chime)
                .append(" --region ").append(REGION).append(" --channel-arn ").append(channel)
                .append(" --chime-bearer ").append(bearer).append('\n');
        out.append("  sam local invoke --env-vars events/env.json -e events/roster-s3-event.json")
                .append("   # plans the sample roster: aws s3 cp s3://").append(ROSTER_BUCKET)
                .append("/dry-run/roster.jsonl.plan.json - --endpoint-url ").append(s3).append('\n');
        out.append("  aws sqs receive-message --endpoint-url ").append(sqs).append(" --region ").append(REGION)
                .append(" --max-number-of-messages 10 --queue-url ").append(sqs).append(queuePath).append('\n');
        out.append("(any credentials: the emulators check only what a signature is scoped to)\n\n");
        out.append("Ready. Ctrl-C stops it.\n");
        return out.toString();
    }
}

package roommembership.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import roommembership.emulator.ChimeEmulator;
import roommembership.testing.Directory;
import roommembership.testing.EmbeddedS3;
import roommembership.mapping.TemplateSettings;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.StackEndpoint;
import roommembership.testing.TestClients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The function deployed as the template deploys it, without Docker or AWS: {@code mvn test-compile exec:exec@stack}.
 * The Chime emulators (chat rooms and Chime SDK messaging, one port), an embedded SQS and an S3-compatible store,
 * seeded with the sample organisation and a roster bucket holding the sample roster; the stack's queues with the
 * template's settings, and the function running on the source and target queues as their event sources run it
 * ({@link StackFunction}); one endpoint for all of them that also answers CloudFormation's DescribeStacks with the
 * stack's outputs, so that {@code AWS_ENDPOINT_URL} alone points the AWS CLI at the stack. It prints the URLs and
 * a line per invocation, and runs until Ctrl-C or SIGTERM. {@code sam local invoke --env-vars events/env.json} runs
 * the function in a container against the same services.
 *
 * <p>Settings (system properties): {@code stack.port} (4580, the one endpoint), {@code chime.port} (4510),
 * {@code sqs.port} (9324), {@code s3.port} (4572), {@code stack.bind} (the address listened on, 0.0.0.0),
 * {@code stack.host} (the name a container reaches this machine by, host.docker.internal), {@code stack.seed}
 * (events/local-stack.json), {@code stack.name} (room-membership).
 */
public final class LocalStack {
    public static final int DEFAULT_CHIME_PORT = 4510;
    public static final int DEFAULT_SQS_PORT = 9324;
    public static final int DEFAULT_S3_PORT = 4572;
    public static final int DEFAULT_STACK_PORT = 4580;
    public static final String DEFAULT_STACK_NAME = "room-membership";
    /** A request that adds two members and names one who does not exist, for a first send-message. */
    static final Path SAMPLE_REQUEST = Path.of("events", "request.json");
    /** The bucket events/roster-s3-event.json announces a roster in. */
    public static final String ROSTER_BUCKET = "acme-rosters";
    /** The sample roster, put in the bucket at once as roster.jsonl and dry-run/roster.jsonl. */
    static final Path SAMPLE_ROSTER = Path.of("events", "roster.jsonl");
    public static final String DEFAULT_BIND = "0.0.0.0";
    public static final String DEFAULT_CONTAINER_HOST = "host.docker.internal";

    private LocalStack() {
    }

    public static void main(String[] args) throws Exception {
        // The one endpoint passes each request's Host on, so that SQS names queue URLs by it.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        int stackPort = Integer.getInteger("stack.port", DEFAULT_STACK_PORT);
        String stackName = System.getProperty("stack.name", DEFAULT_STACK_NAME);
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
            progress("Starting the Chime emulators (chat rooms and Chime SDK messaging) on port " + chimePort);
            chime = ChimeEmulator.start(new InetSocketAddress(InetAddress.getByName(bind), chimePort));
        } catch (UncheckedIOException e) {
            System.err.println("Cannot listen on " + bind + ":" + chimePort + " for Chime (" + e.getCause()
                    + "): choose another port with -Dchime.port=...");
            System.exit(1);
            return;
        }
        try {
            // "*": each queue URL names the host it was asked through, so a container and this machine both get theirs
            progress("Starting SQS (ElasticMQ) on port " + sqsPort);
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
            progress("Starting S3 (S3Proxy) on port " + s3Port);
            s3 = EmbeddedS3.start(new InetSocketAddress(InetAddress.getByName(bind), s3Port));
        } catch (RuntimeException e) {
            chime.close();
            sqs.close();
            System.err.println("Cannot listen on " + bind + ":" + s3Port + " for S3 (" + e
                    + "): choose another port with -Ds3.port=...");
            System.exit(1);
            return;
        }
        progress("Seeding the sample organisation from " + seed + " and the roster bucket");
        Directory.seed(chime, seed);
        s3.createBucket(ROSTER_BUCKET);
        if (Files.isReadable(SAMPLE_ROSTER)) {
            String roster = Files.readString(SAMPLE_ROSTER);
            s3.put(ROSTER_BUCKET, "roster.jsonl", roster);
            s3.put(ROSTER_BUCKET, "dry-run/roster.jsonl", roster);
        }
        JsonNode organisation = new ObjectMapper().readTree(seed.toFile());
        String bearer = organisation.path("messaging").path("bearer").asText();
        progress("Deploying the function as stack '" + stackName + "': its queues and both event sources");
        StackFunction function = StackFunction.start(stackName, sqs.client(), chime.endpoint(), sqs.endpoint(),
                () -> TestClients.s3(s3.endpoint()), bearer, line -> {
                    System.out.println(line);
                    System.out.flush();
                });
        InetSocketAddress endpointAddress = new InetSocketAddress(InetAddress.getByName(bind), stackPort);
        StackEndpoint endpoint;
        try {
            endpoint = StackEndpoint.start(endpointAddress, Map.of("sqs", sqs.endpoint(), "s3", s3.endpoint(),
                    "chime", chime.endpoint()), stackName, outputs(function, stackName, endpointAddress));
        } catch (UncheckedIOException e) {
            function.close();
            chime.close();
            s3.close();
            sqs.close();
            System.err.println("Cannot listen on " + bind + ":" + stackPort + " for the stack's endpoint ("
                    + e.getCause() + "): choose another port with -Dstack.port=...");
            System.exit(1);
            return;
        }
        String queueUrl = function.url("FailedMemberQueue");

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            endpoint.close();
            function.close();
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
                containerHost, chimePort, sqsPort, s3Port, seed, organisation, endpoint.endpoint(), stackName, function));
        System.out.flush();
        stopped.await();
    }

    /** One step of starting up, so that a first start that takes a while says what it is doing. */
    private static void progress(String step) {
        System.out.println("... " + step);
        System.out.flush();
    }

    /** The deployed stack's outputs (template.yaml, Outputs) as the local stack has them, queue URLs by its endpoint. */
    static Map<String, String> outputs(StackFunction function, String stackName, InetSocketAddress endpoint) {
        String host = endpoint.getAddress().isAnyLocalAddress() ? "127.0.0.1" : endpoint.getAddress().getHostAddress();
        URI base = URI.create("http://" + host + ":" + endpoint.getPort());
        Map<String, String> outputs = new LinkedHashMap<>();
        for (String queue : List.of("SourceQueue", "FailedMemberQueue", "RedriveQueue", "TargetQueue",
                "TargetRedriveQueue")) {
            outputs.put(queue + "Url", base.resolve(URI.create(function.url(queue)).getPath()).toString());
            outputs.put(queue + "Arn", function.arn(queue));
        }
        outputs.remove("TargetQueueArn");
        outputs.put("RosterBucketName", ROSTER_BUCKET);
        outputs.put("FunctionName", stackName + "-function");
        return outputs;
    }

    private static String banner(String bind, URI chime, URI sqs, URI s3, URI queueUrl, String containerHost,
                                 int chimePort, int sqsPort, int s3Port, Path seed, JsonNode organisation, URI endpoint, String stackName,
                                 StackFunction function) throws IOException {
        JsonNode account = organisation.path("accounts").path(0);
        String accountId = account.path("accountId").asText();
        String roomId = account.path("rooms").path(0).path("roomId").asText();
        String bearer = organisation.path("messaging").path("bearer").asText();
        String channel = organisation.path("messaging").path("channels").path(0).path("channelArn").asText();
        TemplateSettings source = TemplateSettings.read(false);
        TemplateSettings.Target target = TemplateSettings.Target.read();
        String containerChime = "http://" + containerHost + ":" + chimePort;
        String containerSqs = "http://" + containerHost + ":" + sqsPort;
        String containerS3 = "http://" + containerHost + ":" + s3Port;
        String queuePath = queueUrl.getPath();
        String sourceUrl = endpoint.resolve(URI.create(function.url("SourceQueue")).getPath()).toString();
        String failedUrl = endpoint.resolve(queuePath).toString();
        StringBuilder out = new StringBuilder();
        out.append("Room membership local stack '").append(stackName)
                .append("': the function as deployed, Chime emulators, ElasticMQ and S3Proxy, seeded from ")
                .append(seed).append('\n');
        out.append("Listening on ").append(bind).append(DEFAULT_BIND.equals(bind)
                ? " (every interface, so your LAN can reach it too: -Dstack.bind=127.0.0.1, or the Docker bridge"
                + " 172.17.0.1, narrows it)" : "").append("\n\n");
        out.append("One endpoint for SQS, S3, Chime and the stack's outputs; in another terminal:\n");
        out.append("  export AWS_ENDPOINT_URL=").append(endpoint).append('\n');
        out.append("  export AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local")
                .append("   # any credentials; the CLI needs some\n");
        out.append("  aws() { command aws ${AWS_ENDPOINT_URL:+--endpoint-url \"$AWS_ENDPOINT_URL\"} \"$@\"; }")
                .append("   # AWS CLI v1 only: its sqs commands ignore AWS_ENDPOINT_URL\n\n");
        out.append("The function, on the template's queues and settings\n");
        out.append("  Source queue URL:         ").append(sourceUrl).append("  (batch ").append(source.batchSize())
                .append(", window ").append(source.batchingWindowSeconds()).append(" s, ")
                .append(source.maxConcurrency()).append(" at once, redrive after ").append(source.maxReceiveCount())
                .append(" receives)\n");
        out.append("  Target queue URL:         ")
                .append(endpoint.resolve(URI.create(function.url("TargetQueue")).getPath())).append("  (batch ")
                .append(target.batchSize()).append(", ").append(target.maxConcurrency()).append(" at once)\n");
        out.append("  Failed members, by it:    ").append(failedUrl).append('\n');
        out.append("  function timeout ").append(source.functionTimeoutSeconds()).append(" s; a record handed back")
                .append(" is received again after the visibility timeout, ").append(source.visibilityTimeoutSeconds())
                .append(" s\n\n");
        out.append("Try\n");
        out.append("  aws sqs send-message --queue-url ").append(sourceUrl).append(" --message-body file://")
                .append(SAMPLE_REQUEST).append('\n');
        out.append("  aws chime list-room-memberships --account-id ").append(accountId).append(" --room-id ")
                .append(roomId).append('\n');
        out.append("  aws chime-sdk-messaging list-channel-memberships --channel-arn ").append(channel)
                .append(" --chime-bearer ").append(bearer).append('\n');
        out.append("  aws sqs receive-message --max-number-of-messages 10 --queue-url ").append(failedUrl)
                .append('\n');
        out.append("  aws s3 cp ").append(SAMPLE_ROSTER).append(" s3://").append(ROSTER_BUCKET)
                .append("/dry-run/acme.jsonl && aws sqs send-message --queue-url ").append(sourceUrl)
                .append(" --message-body '{\"Roster\": \"s3://").append(ROSTER_BUCKET)
                .append("/dry-run/acme.jsonl\"}'   # plans a roster: s3://").append(ROSTER_BUCKET)
                .append("/dry-run/acme.jsonl.plan.json\n");
        out.append("  The runbook (docs/operate.md) runs as written with STACK=").append(stackName).append("\n\n");
        out.append("Each service's own endpoint, from this machine\n");
        out.append("  Chime endpoint:           ").append(chime).append('\n');
        out.append("  Messaging endpoint:       ").append(chime).append('\n');
        out.append("  SQS endpoint:             ").append(sqs).append('\n');
        out.append("  Failed-member queue URL:  ").append(sqs).append(queuePath).append('\n');
        out.append("  S3 endpoint:              ").append(s3).append('\n');
        out.append("  Roster bucket:            s3://").append(ROSTER_BUCKET).append(" (").append(SAMPLE_ROSTER)
                .append(" as roster.jsonl and dry-run/roster.jsonl)\n");
        out.append("From a container, as events/env.json names them (sam local invoke --env-vars events/env.json")
                .append(" -e events/hr-batch.json; on Linux add --add-host host.docker.internal:host-gateway)\n");
        out.append("  AWS_ENDPOINT_URL_CHIME=").append(containerChime).append('\n');
        out.append("  AWS_ENDPOINT_URL_CHIME_SDK_MESSAGING=").append(containerChime).append('\n');
        out.append("  AWS_ENDPOINT_URL_SQS=").append(containerSqs).append('\n');
        out.append("  AWS_ENDPOINT_URL_S3=").append(containerS3).append('\n');
        out.append("  DEAD_LETTER_QUEUE_URL=").append(containerSqs).append(queuePath).append('\n');
        out.append("  CHIME_BEARER_ARN=").append(bearer).append("\n\n");
        out.append("Ready. Ctrl-C stops it.\n");
        return out.toString();
    }
}

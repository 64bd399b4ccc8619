package roommembership.mapping;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roommembership.wiring.Configuration;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.emulator.ChimeEmulator;
import roommembership.handler.Handlers;
import roommembership.handler.RoomMembershipHandler;
import roommembership.testing.Directory;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.Runbook;
import roommembership.testing.TestClients;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;
import static roommembership.testing.Directory.ACME;
import static roommembership.testing.Directory.ENGINEERING;
import static roommembership.testing.Directory.SALES;

/**
 * The redrive runbook of docs/operate.md, step by step, on ElasticMQ queues shaped as template.yaml shapes them: letters are
 * read grouped by ErrorCode, those that must not be retried are set aside, the cause is fixed, and SQS's own
 * message-move task takes the rest back to the source queue, where the local event-source mapping runs the function
 * over them as requests. Once through the SDK, and once with the runbook's own commands (AWS CLI and jq).
 *
 * <p>ElasticMQ moves from any queue, where SQS only moves from a dead-letter queue; the queues here are shaped as
 * the template's anyway, the failed-member queue being the dead-letter queue of a holding queue.
 */
class RedriveRunbookTest {
    private static final TemplateSettings TEMPLATE = TemplateSettings.read();
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20));
    /** Codes whose letters would fail the same way again: the runbook sets them aside before a move. */
    private static final Set<String> NOT_RETRIED = Set.of("BadRequest", "Forbidden");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ChimeEmulator chime;
    private static EmbeddedSqs sqs;
    private static ChimeClient chimeClient;

    private SourceQueues queues;
    private FailedMemberQueue failed;
    private RoomMembershipHandler handler;

    @BeforeAll
    static void start() {
        chime = ChimeEmulator.start();
        sqs = EmbeddedSqs.start();
        chimeClient = TestClients.chime(chime.endpoint());
    }

    @AfterAll
    static void stop() {
        chimeClient.close();
        sqs.close();
        chime.close();
    }

    @BeforeEach
    void freshQueues() {
        chime.reset();
        Directory.seed(chime);
        queues = SourceQueues.create(sqs.client(), false, TEMPLATE.maxReceiveCount(), 30);
        failed = FailedMemberQueue.create(sqs.client());
        handler = Handlers.wired(Configuration.fromEnvironment(Map.of(
                Configuration.DEAD_LETTER_QUEUE_URL, failed.url(),
                Configuration.MAX_RECEIVE_COUNT, Integer.toString(TEMPLATE.functionMaxReceiveCount()),
                Configuration.DEADLINE_SAFETY_MARGIN_MS, "1000",
                "AWS_REGION", TestClients.REGION.id())), chimeClient, sqs.client(), FAST_RETRY);
    }

    @Test
    void lettersMovedBackAfterTheCauseIsFixedAreProcessedAsRequestsAndLeaveNoNewLetters() {
        SQSEvent hrBatch = EventLoader.loadSQSEvent("events/hr-batch.json");
        SQSEvent malformed = EventLoader.loadSQSEvent("events/malformed-records.json");
        send(hrBatch);
        send(malformed);
        EventSourceMapping.Run first = drainSourceQueue();
        assertThat(first.redriven()).isEmpty();

        // Step 1: read every letter, grouped by ErrorCode.
        List<Message> letters = receiveAll(failed.url());
        Map<String, List<String>> byCode = new TreeMap<>();
        letters.forEach(letter -> byCode.computeIfAbsent(errorCode(letter), code -> new ArrayList<>())
                .add(read(letter.body()).path("MembershipItemList").path(0).path("MemberId").asText("(message)")));
        assertThat(byCode).containsOnlyKeys("BadRequest", "NotFound");
        assertThat(byCode.get("NotFound")).containsExactlyInAnyOrder("contractor-901", "contractor-902");

        // Step 2: set aside the letters that would fail the same way again; release the others at once.
        List<Message> setAside = letters.stream().filter(letter -> NOT_RETRIED.contains(errorCode(letter))).toList();
        setAside.forEach(letter -> sqs.client().deleteMessage(request -> request
                .queueUrl(failed.url()).receiptHandle(letter.receiptHandle())));
        release(letters.stream().filter(letter -> !setAside.contains(letter)).toList());

        // Step 3: fix the cause; here, the two people now have Chime users.
        chime.user(ACME, "contractor-901").user(ACME, "contractor-902");

        // Step 4: SQS's own message-move task, from the failed-member queue to the source queue.
        String task = sqs.client().startMessageMoveTask(request -> request
                .sourceArn(failed.arn()).destinationArn(queues.sourceArn())).taskHandle();
        ListMessageMoveTasksResultEntry done = awaitMoveTask(task);
        assertThat(done.approximateNumberOfMessagesMoved()).isEqualTo(2);
        assertThat(visibleMessages(failed.url())).isZero();

        // Step 5: the event-source mapping runs the function over them.
        EventSourceMapping.Run redrive = drainSourceQueue();

        assertThat(redrive.invocations()).singleElement().satisfies(invocation -> {
            assertThat(invocation.receiveCounts()).hasSize(2);
            assertThat(invocation.reportedFailures()).isEmpty();
        });
        assertThat(chime.members(ACME, ENGINEERING)).containsEntry("contractor-901", "Member");
        assertThat(chime.members(ACME, SALES)).containsEntry("contractor-902", "Member");
        assertThat(receiveAll(failed.url())).isEmpty();
        assertThat(redrive.redriven()).isEmpty();
    }

    @Test
    void aLetterMovedBackBeforeItsCauseIsFixedComesBackWithTheSameCodeAndNothingIsLost() {
        send(EventLoader.loadSQSEvent("events/hr-batch.json"));
        drainSourceQueue();

        sqs.client().startMessageMoveTask(request -> request
                .sourceArn(failed.arn()).destinationArn(queues.sourceArn()));
        awaitMoveTask(null);
        drainSourceQueue();

        assertThat(receiveAll(failed.url())).extracting(RedriveRunbookTest::errorCode,
                        letter -> read(letter.body()).path("MembershipItemList").path(0).path("MemberId").asText())
                .containsExactlyInAnyOrder(tuple("NotFound", "contractor-901"), tuple("NotFound", "contractor-902"));
    }

    @Test
    void theReadmesCommandsRedriveTheLettersWhoseCauseIsFixedAndSetAsideTheRest(@TempDir Path workDir)
            throws Exception {
        Path aws = onPath("aws");
        Path jq = onPath("jq");
        Assumptions.assumeTrue(aws != null && jq != null, "the runbook's commands need `aws` and `jq` on PATH");
        Map<String, String> steps = Runbook.steps(Path.of(System.getProperty("basedir", ".")).resolve(Runbook.PAGE));
        localAws(aws, workDir);
        assertThat(steps).containsOnlyKeys("outputs", "read", "set-aside", "move", "watch");
        send(EventLoader.loadSQSEvent("events/hr-batch.json"));
        send(EventLoader.loadSQSEvent("events/malformed-records.json"));
        drainSourceQueue();

        JsonNode groups = read(run(steps.get("read"), workDir));

        assertThat(groups).extracting(group -> group.path("ErrorCode").asText(), group -> group.path("letters").asInt())
                .containsExactly(tuple("BadRequest", 6), tuple("NotFound", 2));
        assertThat(groups.path(1).path("members").toString()).isIn(
                "[\"contractor-901\",\"contractor-902\"]", "[\"contractor-902\",\"contractor-901\"]");

        run(steps.get("set-aside"), workDir);

        assertThat(Files.readAllLines(workDir.resolve("set-aside.jsonl"))).hasSize(6)
                .allSatisfy(line -> assertThat(read(line).path("MessageAttributes").path("ErrorCode")
                        .path("StringValue").asText()).isEqualTo("BadRequest"));
        assertThat(visibleMessages(failed.url())).isEqualTo(2);

        chime.user(ACME, "contractor-901").user(ACME, "contractor-902");

        run(steps.get("move"), workDir);
        String status = run(steps.get("watch"), workDir);
        for (long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
             !status.startsWith("COMPLETED") && System.nanoTime() < deadline; pause()) {
            status = run(steps.get("watch"), workDir);
        }
        assertThat(status.split("\\s+")).startsWith("COMPLETED", "2");

        EventSourceMapping.Run redrive = drainSourceQueue();

        assertThat(redrive.invocations()).flatExtracting(EventSourceMapping.Invocation::reportedFailures).isEmpty();
        assertThat(chime.members(ACME, ENGINEERING)).containsKey("contractor-901");
        assertThat(chime.members(ACME, SALES)).containsKey("contractor-902");
        assertThat(receiveAll(failed.url())).isEmpty();
    }

    @Test
    void theReadmesCommandsRedriveChannelLettersAndRoutedLegacyLettersAlike(@TempDir Path workDir) throws Exception {
        Path aws = onPath("aws");
        Path jq = onPath("jq");
        Assumptions.assumeTrue(aws != null && jq != null, "the runbook's commands need `aws` and `jq` on PATH");
        Map<String, String> steps = Runbook.steps(Path.of(System.getProperty("basedir", ".")).resolve(Runbook.PAGE));
        localAws(aws, workDir);
        Map<String, String> env = new java.util.HashMap<>(Directory.routedToChannels());
        env.put(Configuration.DEAD_LETTER_QUEUE_URL, failed.url());
        env.put(Configuration.MAX_RECEIVE_COUNT, Integer.toString(TEMPLATE.functionMaxReceiveCount()));
        env.put(Configuration.DEADLINE_SAFETY_MARGIN_MS, "1000");
        env.put("AWS_REGION", "us-east-1");
        try (var messaging = TestClients.messaging(chime.endpoint(), software.amazon.awssdk.regions.Region.US_EAST_1)) {
            handler = Handlers.wired(Configuration.fromEnvironment(env), chimeClient, region -> messaging,
                    sqs.client(), FAST_RETRY);
            send(EventLoader.loadSQSEvent("events/channel-batch.json"));
            send(EventLoader.loadSQSEvent("events/legacy-routed-batch.json"));
            drainSourceQueue();

            JsonNode groups = read(run(steps.get("read"), workDir));

            // Channel letters name their member by ARN; a routed legacy letter by the MemberId its producer wrote.
            assertThat(groups).singleElement().satisfies(group -> {
                assertThat(group.path("ErrorCode").asText()).isEqualTo("NotFound");
                List<String> members = new ArrayList<>();
                group.path("members").forEach(member -> members.add(member.asText()));
                assertThat(members).containsExactlyInAnyOrder(Directory.user("new-151"), Directory.user("new-152"),
                        Directory.user("contractor-903"), "contractor-904");
            });
            run(steps.get("set-aside"), workDir);
            chime.channels().user(Directory.user("new-151")).user(Directory.user("new-152"))
                    .user(Directory.user("contractor-903")).user(Directory.user("contractor-904"));

            run(steps.get("move"), workDir);
            String status = run(steps.get("watch"), workDir);
            for (long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                 !status.startsWith("COMPLETED") && System.nanoTime() < deadline; pause()) {
                status = run(steps.get("watch"), workDir);
            }
            assertThat(status.split("\\s+")).startsWith("COMPLETED", "4");

            EventSourceMapping.Run redrive = drainSourceQueue();

            assertThat(redrive.invocations()).flatExtracting(EventSourceMapping.Invocation::reportedFailures).isEmpty();
            assertThat(chime.channels().members(Directory.NEW_JOINERS))
                    .containsKeys(Directory.user("new-151"), Directory.user("new-152"));
            assertThat(chime.channels().members(Directory.GENERAL)).containsKey(Directory.user("contractor-903"));
            assertThat(chime.channels().members(Directory.channel(SALES))).containsKey(Directory.user("contractor-904"));
            assertThat(chime.calls()).isEmpty();
            assertThat(receiveAll(failed.url())).isEmpty();
        }
    }

    /**
     * An {@code aws} first on the step's PATH that adds {@code --endpoint-url} for the local SQS: the CLI does not
     * read {@code AWS_ENDPOINT_URL_SQS} in every version, and no command of a test may leave 127.0.0.1.
     */
    private static void localAws(Path aws, Path workDir) throws IOException {
        Path bin = Files.createDirectories(workDir.resolve("bin"));
        Path wrapper = bin.resolve("aws");
        Files.writeString(wrapper, "#!/bin/sh\nexec '" + aws + "' --endpoint-url '" + sqs.endpoint() + "' \"$@\"\n");
        assertThat(wrapper.toFile().setExecutable(true)).isTrue();
    }

    /** Runs one step in bash, as an operator would, with the stack's outputs and the local SQS in the environment. */
    private String run(String step, Path workDir) throws IOException, InterruptedException {
        ProcessBuilder bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", step)
                .directory(workDir.toFile()).redirectErrorStream(false);
        Map<String, String> env = bash.environment();
        env.keySet().removeIf(key -> key.startsWith("AWS_"));
        env.put("FAILED_URL", failed.url());
        env.put("FAILED_ARN", failed.arn());
        env.put("SOURCE_ARN", queues.sourceArn());
        env.put("PATH", workDir.resolve("bin") + File.pathSeparator + env.get("PATH"));
        env.put("AWS_DEFAULT_REGION", TestClients.REGION.id());
        env.put("AWS_ACCESS_KEY_ID", "AKIDLOCALTEST");
        env.put("AWS_SECRET_ACCESS_KEY", "local-test-secret");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_CONFIG_FILE", workDir.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", workDir.resolve("no-aws-credentials").toString());
        Process process = bash.start();
        process.getOutputStream().close();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail("step still running after 60 s: %s", step);
        }
        assertThat(process.exitValue()).as("step failed: %s%n%s", step, stderr.join()).isZero();
        return stdout.join().strip();
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private void send(SQSEvent event) {
        SqsClient client = sqs.client();
        event.getRecords().forEach(record -> client.sendMessage(request -> request
                .queueUrl(queues.sourceUrl()).messageBody(record.getBody())));
    }

    private EventSourceMapping.Run drainSourceQueue() {
        try (EventSourceMapping mapping = new EventSourceMapping(sqs.client(), queues,
                new EventSourceMapping.Settings(TEMPLATE.batchSize(), Duration.ofSeconds(60), true, 50),
                TestClients.REGION.id())) {
            return mapping.drain(handler::handleRequest, mapping.timeoutContexts());
        }
    }

    /** Every message on the queue, each hidden for five minutes once read, as the runbook's read loop does. */
    private static List<Message> receiveAll(String url) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.client().receiveMessage(request -> request.queueUrl(url)
                    .maxNumberOfMessages(10).visibilityTimeout(300).waitTimeSeconds(0)
                    .messageAttributeNames("ErrorCode")).messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
        }
    }

    private void release(List<Message> letters) {
        for (int from = 0; from < letters.size(); from += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (Message letter : letters.subList(from, Math.min(from + 10, letters.size()))) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id("e" + entries.size())
                        .receiptHandle(letter.receiptHandle()).visibilityTimeout(0).build());
            }
            sqs.client().changeMessageVisibilityBatch(request -> request.queueUrl(failed.url()).entries(entries));
        }
    }

    /** Polls ListMessageMoveTasks, as the runbook does, until the task (the newest if null) has completed. */
    private ListMessageMoveTasksResultEntry awaitMoveTask(String taskHandle) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<ListMessageMoveTasksResultEntry> tasks = sqs.client().listMessageMoveTasks(request -> request
                    .sourceArn(failed.arn()).maxResults(10)).results();
            ListMessageMoveTasksResultEntry task = tasks.stream()
                    .filter(entry -> taskHandle == null || taskHandle.equals(entry.taskHandle()))
                    .findFirst().orElseThrow();
            if ("COMPLETED".equals(task.status())) {
                return task;
            }
            assertThat(task.status()).as("move task %s", task).isIn("RUNNING", "CANCELLING");
            assertThat(System.nanoTime()).as("move task still %s", task.status()).isLessThan(deadline);
            pause();
        }
    }

    private static int visibleMessages(String url) {
        return Integer.parseInt(sqs.client().getQueueAttributes(request -> request.queueUrl(url)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    private static String errorCode(Message letter) {
        return letter.messageAttributes().get("ErrorCode").stringValue();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

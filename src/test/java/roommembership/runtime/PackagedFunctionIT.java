package roommembership.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChannelsApi.ChannelCall;
import roommembership.emulator.ChimeEmulator;
import roommembership.runtime.LambdaRuntimeApi.InitError;
import roommembership.runtime.LambdaRuntimeApi.Result;
import roommembership.testing.DeadLetterQueue;
import roommembership.testing.DeadLetterQueue.Letter;
import roommembership.testing.Directory;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.EmbeddedS3;
import roommembership.testing.SqsEvents;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;
import static roommembership.emulator.ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP;
import static roommembership.emulator.ChannelsApi.CREATE_CHANNEL_MODERATOR;
import static roommembership.emulator.ChannelsApi.LIST_CHANNEL_MODERATORS;
import static roommembership.testing.Directory.ACME;
import static roommembership.testing.Directory.ANNOUNCEMENTS;
import static roommembership.testing.Directory.APP_INSTANCE;
import static roommembership.testing.Directory.BEARER;
import static roommembership.testing.Directory.BOT;
import static roommembership.testing.Directory.CHANNEL_ARN_TEMPLATE;
import static roommembership.testing.Directory.ENGINEERING;
import static roommembership.testing.Directory.GENERAL;
import static roommembership.testing.Directory.LEADERSHIP;
import static roommembership.testing.Directory.MEMBER_ARN_TEMPLATE;
import static roommembership.testing.Directory.NEW_JOINERS;
import static roommembership.testing.Directory.SALES;
import static roommembership.testing.Directory.channel;
import static roommembership.testing.Directory.user;

/**
 * The packaged artifact ({@code target/room-membership.jar}) run the way Lambda runs it: a separate JVM whose
 * class path is only that jar and the Lambda Java runtime interface client, started with the handler string of
 * {@code template.yaml}, fed events through a Runtime API on 127.0.0.1, talking to the Chime emulator and ElasticMQ.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackagedFunctionIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The function timeout of template.yaml: every invocation's deadline is this far ahead. */
    private static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Stands for a letter's FailedAt once it is checked to be a time. */
    private static final String TIME = "<time>";
    /** The channels of the sample organisation, whose whole state a channel test compares. */
    private static final List<String> SEEDED_CHANNELS = List.of(channel(ENGINEERING), channel(SALES),
            channel(LEADERSHIP), GENERAL, ANNOUNCEMENTS, NEW_JOINERS);

    private final Path basedir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    private final List<FunctionProcess> processesOfThisTest = new ArrayList<>();
    private final List<FunctionProcess> oneOffProcesses = new ArrayList<>();

    private Path scratch;
    private String handler;
    private List<Path> classPath;
    private ChimeEmulator chime;
    private EmbeddedSqs sqs;
    private DeadLetterQueue deadLetters;
    /** The process that serves the ordinary invocations, cold for the first and warm after. */
    private FunctionProcess function;

    @RegisterExtension
    final TestWatcher childOutputOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            for (FunctionProcess process : processesOfThisTest) {
                System.out.println("---- output of the " + process.name + " function process ----");
                System.out.println(process.output());
                System.out.println("---- end of output ----");
            }
        }
    };

    @BeforeAll
    void startEverything() throws IOException {
        scratch = Files.createTempDirectory("packaged-function-it");
        handler = LambdaLaunch.handlerFromTemplate(basedir.resolve("template.yaml"));
        classPath = LambdaLaunch.childClassPath();
        chime = ChimeEmulator.start();
        sqs = EmbeddedSqs.start();
        deadLetters = new DeadLetterQueue(sqs, sqs.createQueue("failed-members"));
        function = FunctionProcess.launch("warm", this, env -> {
        });
    }

    @BeforeEach
    void forgetLastTestsProcesses() {
        processesOfThisTest.clear();
    }

    @AfterEach
    void stopOneOffProcesses() {
        oneOffProcesses.forEach(FunctionProcess::close);
        oneOffProcesses.clear();
    }

    @AfterAll
    void stopEverything() throws IOException {
        if (function != null) {
            function.close();
        }
        oneOffProcesses.forEach(FunctionProcess::close);
        if (sqs != null) {
            sqs.close();
        }
        if (chime != null) {
            chime.close();
        }
        if (scratch != null) {
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    @Order(1)
    void hrBatchIsAnsweredAsLambdaWould() throws Exception {
        processesOfThisTest.add(function);
        resetServices();

        Result result = function.invoke(Files.readString(basedir.resolve("events/hr-batch.json")));

        assertThat(result.isError()).as("error posted by the runtime: %s", result.body()).isFalse();
        JsonNode response = JSON.readTree(result.body());
        assertThat(fieldNames(response)).containsExactly("batchItemFailures");
        assertThat(response.get("batchItemFailures").isArray()).isTrue();
        assertThat(response.get("batchItemFailures")).isEmpty();

        Map<String, String> engineering = chime.members(ACME, ENGINEERING);
        assertThat(engineering).hasSize(120).containsKeys(SqsEvents.ids("eng", 1, 120).toArray(String[]::new));
        assertThat(engineering).containsEntry("eng-010", "Administrator").containsEntry("eng-011", "Member")
                .containsEntry("eng-001", "Administrator");
        assertThat(chime.members(ACME, SALES)).hasSize(10).containsEntry("sales-003", "Administrator");
        assertThat(chime.members(ACME, LEADERSHIP)).hasSize(5).containsEntry("lead-001", "Administrator");

        assertThat(deadLetters.drain())
                .extracting(Letter::memberId, Letter::errorCode, Letter::errorCodeAttribute)
                .containsExactlyInAnyOrder(
                        tuple("contractor-901", "NotFound", "NotFound"),
                        tuple("contractor-902", "NotFound", "NotFound"));

        // The runtime passes the function's JSON lines on as they are, not wrapped into its own "message" string,
        // so their fields stay fields in CloudWatch Logs, and the metrics documents stay documents.
        assertThat(function.awaitOutputLine(line -> line.contains("\"invocation summary\"")))
                .as("summary line in the function's output")
                .hasValueSatisfying(line -> {
                    JsonNode summary = readJson(line);
                    assertThat(summary.path("level").asText()).isEqualTo("INFO");
                    assertThat(summary.path("message").asText()).isEqualTo("invocation summary");
                    assertThat(summary.path("AWSRequestId").asText()).isEqualTo(result.requestId());
                    assertThat(List.of("records", "rooms", "calls", "added", "deadLettered").stream()
                            .map(name -> summary.path(name).asInt(-1)).toList()).containsExactly(8, 3, 5, 133, 2);
                });
        assertThat(function.awaitOutputLine(line -> line.startsWith("{\"_aws\"")
                        && line.contains("\"MembersAdded\"")))
                .as("metrics document in the function's output")
                .hasValueSatisfying(line -> {
                    JsonNode metrics = readJson(line);
                    assertThat(metrics.path("_aws").path("CloudWatchMetrics").path(0).path("Namespace").asText())
                            .isEqualTo("RoomMembership");
                    assertThat(metrics.path("FunctionName").asText()).isEqualTo(LambdaLaunch.FUNCTION_NAME);
                    assertThat(metrics.path("MembersAdded").asInt()).isEqualTo(133);
                });
    }

    @Test
    @Order(2)
    void warmInvocationHandsAThrottledRecordBackToSqs() throws Exception {
        processesOfThisTest.add(function);
        if (function.api.deliveredInvocations() == 0) {
            // Run alone: one invocation first, so that this one is served by a warm process.
            assertThat(function.invoke("{\"Records\":[]}").isError()).isFalse();
        }
        long pid = function.process.pid();
        int delivered = function.api.deliveredInvocations();
        resetServices();
        chime.failNextCalls(3, ChimeEmulator.Fault.THROTTLED);
        String messageId = UUID.randomUUID().toString();
        String event = oneRecordEvent(messageId, SqsEvents.member(ACME, SALES, "sales-020", "Member"), 1);

        Result result = function.invoke(event);

        assertThat(function.process.isAlive()).isTrue();
        assertThat(function.process.pid()).isEqualTo(pid);
        assertThat(function.api.deliveredInvocations()).isEqualTo(delivered + 1);
        assertThat(result.isError()).as("error posted by the runtime: %s", result.body()).isFalse();
        assertThat(JSON.readTree(result.body())).isEqualTo(JSON.readTree(
                "{\"batchItemFailures\":[{\"itemIdentifier\":\"" + messageId + "\"}]}"));
        assertThat(chime.calls()).isNotEmpty().allSatisfy(call -> {
            assertThat(call.roomId()).isEqualTo(SALES);
            assertThat(call.status()).isEqualTo(429);
        });
        assertThat(chime.members(ACME, SALES)).doesNotContainKey("sales-020");
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(function.awaitOutputLine(line -> line.contains("\"Chime call failed\"")
                        && line.contains(result.requestId())))
                .as("whole-call failure line in the function's output")
                .hasValueSatisfying(line -> {
                    assertThat(line).doesNotContain("sales-020");
                    JsonNode failure = readJson(line);
                    assertThat(List.of(failure.path("level").asText(), failure.path("roomId").asText(),
                            failure.path("errorCode").asText(), failure.path("members").asText()))
                            .containsExactly("WARN", SALES, "Throttled", "1");
                });
    }

    @Test
    @Order(3)
    void missingDeadLetterQueueUrlFailsTheInitialisation() throws Exception {
        FunctionProcess broken = FunctionProcess.launch("misconfigured", this,
                env -> env.remove("DEAD_LETTER_QUEUE_URL"));
        oneOffProcesses.add(broken);
        processesOfThisTest.add(broken);

        CompletableFuture<Result> invocation = broken.api.invoke("{\"Records\":[]}");
        CompletableFuture.anyOf(broken.api.initError(), invocation).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        Optional<InitError> initError = broken.api.initErrorNow();
        String reported = initError.map(InitError::body).orElseGet(() -> invocation.join().body());
        assertThat(reported).contains("DEAD_LETTER_QUEUE_URL is not set");
        if (initError.isPresent()) {
            System.out.println("init error reported (" + initError.get().errorType() + "): " + reported);
            assertThat(broken.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("the runtime ends after reporting an init error").isTrue();
            assertThat(broken.process.exitValue()).isNotZero();
            assertThat(broken.api.deliveredInvocations()).isZero();
        } else {
            System.out.println("invocation error reported (" + invocation.join().errorType() + "): " + reported);
            assertThat(invocation.join().isError()).isTrue();
        }
    }

    @Test
    @Order(4)
    void artifactCarriesOnlyTheUrlConnectionHttpClient() throws IOException {
        try (ZipFile jar = new ZipFile(LambdaLaunch.functionJar().toFile())) {
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            assertThat(names).noneMatch(name -> name.startsWith("io/netty/"))
                    .noneMatch(name -> name.startsWith("org/apache/http/"))
                    .noneMatch(name -> name.startsWith("software/amazon/awssdk/http/apache/"))
                    .noneMatch(name -> name.startsWith("software/amazon/awssdk/http/nio/netty/"))
                    .anyMatch(name -> name.startsWith("software/amazon/awssdk/http/urlconnection/"));
        }
    }

    @Test
    @Order(4)
    void artifactCarriesNoneOfTheSchemaValidatorTheTestsUse() throws IOException {
        try (ZipFile jar = new ZipFile(LambdaLaunch.functionJar().toFile())) {
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            assertThat(names).noneMatch(name -> name.startsWith("com/networknt/"))
                    .noneMatch(name -> name.startsWith("com/ethlo/"))
                    .noneMatch(name -> name.startsWith("draft/2020-12/"));
        }
    }

    @Test
    @Order(5)
    void channelBatchIsAnsweredThroughTheSdksOwnMessagingEndpointSetting() throws Exception {
        resetServices();
        ChannelsApi channels = chime.channels();
        Map<String, Map<String, String>> membersBefore = channelMembers(channels);
        Map<String, List<String>> moderatorsBefore = channelModerators(channels);
        try (ChimeEmulator roomsEndpoint = ChimeEmulator.start()) {
            FunctionProcess deployed = launchForChannels("channels", roomsEndpoint, Map.of());

            Result result = deployed.invoke(Files.readString(basedir.resolve("events/channel-batch.json")));

            assertThat(result.isError()).as("error posted by the runtime: %s", result.body()).isFalse();
            assertThat(JSON.readTree(result.body())).isEqualTo(JSON.readTree("{\"batchItemFailures\":[]}"));

            // Members added per channel and type, nothing else changed; the later record decides eng-002's type.
            Map<String, Map<String, String>> expected = new LinkedHashMap<>(membersBefore);
            expected.put(NEW_JOINERS, plus(membersBefore.get(NEW_JOINERS), "DEFAULT",
                    arns(SqsEvents.ids("new", 1, 150))));
            expected.put(ANNOUNCEMENTS, plus(plus(membersBefore.get(ANNOUNCEMENTS), "DEFAULT",
                    arns(List.of("eng-002", "eng-003", "eng-004", "eng-005", "sales-002", "sales-003", "lead-001"))),
                    "HIDDEN", List.of(BOT)));
            expected.put(GENERAL, plus(membersBefore.get(GENERAL), "DEFAULT", arns(List.of("sales-004", "sales-005"))));
            expected.put(channel(ENGINEERING), plus(membersBefore.get(channel(ENGINEERING)), "DEFAULT",
                    arns(SqsEvents.ids("eng", 121, 125))));
            assertThat(channelMembers(channels)).isEqualTo(expected);
            Map<String, List<String>> expectedModerators = new LinkedHashMap<>(moderatorsBefore);
            expectedModerators.put(ANNOUNCEMENTS, List.of(user("lead-002"), user("lead-001")));
            assertThat(channelModerators(channels)).isEqualTo(expectedModerators);

            // ⌈152/100⌉ calls for new-joiners, one per type for announcements, one grant for the one administrator;
            // one read of the moderators of each channel with new members asked as a plain Member.
            assertThat(channels.calls()).extracting(ChannelCall::operation, ChannelCall::channelArn, ChannelCall::type,
                            call -> call.memberArns().size(), ChannelCall::status)
                    .containsExactlyInAnyOrder(
                            tuple(LIST_CHANNEL_MODERATORS, NEW_JOINERS, null, 0, 200),
                            tuple(LIST_CHANNEL_MODERATORS, ANNOUNCEMENTS, null, 0, 200),
                            tuple(LIST_CHANNEL_MODERATORS, GENERAL, null, 0, 200),
                            tuple(BATCH_CREATE_CHANNEL_MEMBERSHIP, NEW_JOINERS, "DEFAULT", 100, 200),
                            tuple(BATCH_CREATE_CHANNEL_MEMBERSHIP, NEW_JOINERS, "DEFAULT", 52, 200),
                            tuple(BATCH_CREATE_CHANNEL_MEMBERSHIP, ANNOUNCEMENTS, "DEFAULT", 7, 200),
                            tuple(BATCH_CREATE_CHANNEL_MEMBERSHIP, ANNOUNCEMENTS, "HIDDEN", 1, 200),
                            tuple(BATCH_CREATE_CHANNEL_MEMBERSHIP, GENERAL, "DEFAULT", 3, 200),
                            tuple(BATCH_CREATE_CHANNEL_MEMBERSHIP, channel(ENGINEERING), "DEFAULT", 6, 200),
                            tuple(CREATE_CHANNEL_MODERATOR, ANNOUNCEMENTS, null, 1, 201));
            assertCallsReachedTheMessagingEndpointOnly(channels, roomsEndpoint);

            String notFound = "The member %s is not a user or bot of " + APP_INSTANCE + ".";
            assertThat(lettersWithTimesChecked()).containsExactlyInAnyOrder(
                    channelLetter(NEW_JOINERS, user("new-151"), null, "NotFound", notFound,
                            "7a3e133a-13f5-5b29-8041-4ab9a92d0d2c"),
                    channelLetter(NEW_JOINERS, user("new-152"), null, "NotFound", notFound,
                            "7a3e133a-13f5-5b29-8041-4ab9a92d0d2c"),
                    channelLetter(GENERAL, user("contractor-903"), "Member", "NotFound", notFound,
                            "ab51da5f-e1f3-59d0-873a-f7fa1c55d7ed"));

            assertThat(summaryFigures(deployed, result)).containsExactly(10, 0, 4, 7, 165, 1, 3);
        }
    }

    @Test
    @Order(6)
    void legacyBatchIsRoutedToChannelsWhenTheTemplatesAreSet() throws Exception {
        resetServices();
        ChannelsApi channels = chime.channels();
        Map<String, Map<String, String>> membersBefore = channelMembers(channels);
        Map<String, List<String>> moderatorsBefore = channelModerators(channels);
        Map<String, Map<String, String>> roomsBefore = roomMembers();
        try (ChimeEmulator roomsEndpoint = ChimeEmulator.start()) {
            FunctionProcess deployed = launchForChannels("routed", roomsEndpoint, Map.of(
                    "CHANNEL_ARN_TEMPLATE", CHANNEL_ARN_TEMPLATE, "MEMBER_ARN_TEMPLATE", MEMBER_ARN_TEMPLATE));

            Result result = deployed.invoke(Files.readString(basedir.resolve("events/legacy-routed-batch.json")));

            assertThat(result.isError()).as("error posted by the runtime: %s", result.body()).isFalse();
            assertThat(JSON.readTree(result.body())).isEqualTo(JSON.readTree("{\"batchItemFailures\":[]}"));

            Map<String, Map<String, String>> expected = new LinkedHashMap<>(membersBefore);
            expected.put(channel(ENGINEERING), plus(membersBefore.get(channel(ENGINEERING)), "DEFAULT",
                    arns(SqsEvents.ids("eng", 126, 130))));
            expected.put(channel(SALES), plus(membersBefore.get(channel(SALES)), "DEFAULT",
                    arns(List.of("sales-010", "sales-011", "sales-012"))));
            expected.put(channel(LEADERSHIP), plus(membersBefore.get(channel(LEADERSHIP)), "DEFAULT",
                    arns(List.of("lead-002"))));
            assertThat(channelMembers(channels)).isEqualTo(expected);
            Map<String, List<String>> expectedModerators = new LinkedHashMap<>(moderatorsBefore);
            expectedModerators.put(channel(SALES), List.of(user("sales-001"), user("sales-010")));
            assertThat(channelModerators(channels)).isEqualTo(expectedModerators);
            // The rooms the requests name are left as they were.
            assertThat(roomMembers()).isEqualTo(roomsBefore);

            assertThat(channels.calls()).extracting(ChannelCall::operation, ChannelCall::channelArn,
                            ChannelCall::memberArns, ChannelCall::status)
                    .containsExactlyInAnyOrder(
                            // Each channel has new members asked as a plain Member: its moderators are read once.
                            tuple(LIST_CHANNEL_MODERATORS, channel(ENGINEERING), List.of(), 200),
                            tuple(LIST_CHANNEL_MODERATORS, channel(SALES), List.of(), 200),
                            tuple(LIST_CHANNEL_MODERATORS, channel(LEADERSHIP), List.of(), 200),
                            tuple(BATCH_CREATE_CHANNEL_MEMBERSHIP, channel(ENGINEERING),
                                    arns(SqsEvents.ids("eng", 126, 130)), 200),
                            tuple(BATCH_CREATE_CHANNEL_MEMBERSHIP, channel(SALES),
                                    arns(List.of("sales-010", "sales-011", "sales-012", "contractor-904")), 200),
                            tuple(BATCH_CREATE_CHANNEL_MEMBERSHIP, channel(LEADERSHIP), arns(List.of("lead-002")), 200),
                            tuple(CREATE_CHANNEL_MODERATOR, channel(SALES), List.of(user("sales-010")), 201));
            assertCallsReachedTheMessagingEndpointOnly(channels, roomsEndpoint);

            // The letter keeps the producer's legacy form and names the channel and member it went to.
            ObjectNode letter = JSON.createObjectNode();
            letter.put("AccountId", ACME).put("RoomId", SALES);
            letter.putArray("MembershipItemList").addObject().put("MemberId", "contractor-904").put("Role", "Member");
            letter.put("ChannelArn", channel(SALES)).put("MemberArn", user("contractor-904"))
                    .put("ErrorCode", "NotFound")
                    .put("ErrorMessage", "The member " + user("contractor-904") + " is not a user or bot of "
                            + APP_INSTANCE + ".")
                    .put("SourceMessageId", "48f019be-cfb7-5354-b8be-b0e2c81bd210")
                    .put("FailedAt", TIME);
            assertThat(lettersWithTimesChecked()).containsExactly(tuple("NotFound", JSON.writeValueAsString(letter)));

            assertThat(summaryFigures(deployed, result)).containsExactly(4, 0, 3, 4, 9, 0, 1);
        }
    }

    @Test
    @Order(7)
    void functionCodeLeavesEveryEndpointToTheSdksSettings() throws IOException {
        try (ZipFile jar = new ZipFile(LambdaLaunch.functionJar().toFile())) {
            List<ZipEntry> ours = jar.stream()
                    .filter(entry -> entry.getName().startsWith("roommembership/") && entry.getName().endsWith(".class"))
                    .map(ZipEntry.class::cast)
                    .toList();
            assertThat(ours).isNotEmpty();
            for (ZipEntry entry : ours) {
                // A method name or string a class refers to is in its constant pool as plain ASCII.
                String constants = new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.ISO_8859_1);
                if (entry.getName().equals("roommembership/wiring/FunctionWiring.class")) {
                    // The one reading of such a setting: whether S3's is set, to address buckets by path as an
                    // S3-compatible store needs. The endpoint itself is still the SDK's to read.
                    constants = constants.replace("AWS_ENDPOINT_URL_S3", "");
                }
                assertThat(constants).as(entry.getName())
                        .doesNotContain("endpointOverride")
                        .doesNotContain("endpointProvider")
                        .doesNotContain("AWS_ENDPOINT_URL");
            }
        }
    }

    @Test
    @Order(8)
    void leaversAndRoleChangesAreCarriedOutByThePackagedFunctionOnRoomsAndChannels() throws Exception {
        resetServices();
        ChannelsApi channels = chime.channels();
        // Both APIs on the one emulator: the deployed artifact's delete and update calls for both, in one process.
        FunctionProcess deployed = launchForChannels("desired-state", chime, Map.of());
        for (String event : List.of("events/hr-batch.json", "events/channel-batch.json")) {
            Result added = deployed.invoke(Files.readString(basedir.resolve(event)));
            assertThat(added.isError()).as("error posted by the runtime: %s", added.body()).isFalse();
        }
        deadLetters.drain();

        for (String event : List.of("events/leavers.json", "events/role-changes.json")) {
            Result result = deployed.invoke(Files.readString(basedir.resolve(event)));
            assertThat(result.isError()).as("error posted by the runtime: %s", result.body()).isFalse();
            assertThat(JSON.readTree(result.body())).as(event).isEqualTo(JSON.readTree("{\"batchItemFailures\":[]}"));
        }

        assertThat(deadLetters.drain()).isEmpty();
        assertThat(chime.members(ACME, ENGINEERING)).doesNotContainKeys("eng-118", "eng-119", "eng-120")
                .containsEntry("eng-010", "Member");
        assertThat(chime.members(ACME, SALES)).doesNotContainKey("sales-008").containsEntry("sales-004", "Administrator");
        assertThat(channels.members(GENERAL)).doesNotContainKey(user("sales-005"));
        assertThat(channels.members(NEW_JOINERS)).doesNotContainKeys(user("new-149"), user("new-150"));
        assertThat(channels.moderators(GENERAL)).contains(user("sales-001")).doesNotContain(user("lead-001"));
        assertThat(chime.calls(ChimeEmulator.DELETE_ROOM_MEMBERSHIP)).hasSize(5);
        assertThat(chime.calls(ChimeEmulator.UPDATE_ROOM_MEMBERSHIP)).hasSize(2);
        assertThat(channels.calls(ChannelsApi.DELETE_CHANNEL_MEMBERSHIP)).hasSize(3);
        assertThat(channels.calls(ChannelsApi.DELETE_CHANNEL_MODERATOR)).extracting(ChannelCall::memberArns)
                .containsExactly(List.of(user("lead-001")));
    }

    @Test
    @Order(9)
    void theCutS3ClientOfThePackagedFunctionReadsARosterAndWritesItsDryRunPlan() throws Exception {
        resetServices();
        try (EmbeddedS3 s3 = EmbeddedS3.start()) {
            s3.createBucket("hr-rosters");
            s3.put("hr-rosters", "dry-run/acme.jsonl", "{\"ChannelArn\": \"" + GENERAL + "\", \"MemberArn\": \""
                    + user("sales-001") + "\", \"Role\": \"Administrator\"}\n");
            // S3Proxy implements no session token (x-amz-security-token): this process signs with the key pair alone.
            FunctionProcess deployed = FunctionProcess.launch("roster-dry-run", this, env -> {
                env.put("CHIME_BEARER_ARN", BEARER);
                env.put("ALLOWED_APP_INSTANCE_ARNS", APP_INSTANCE);
                env.put("CHIME_MESSAGING_REGION", "us-east-1");
                env.put("AWS_ENDPOINT_URL_CHIME", chime.endpoint().toString());
                env.put("AWS_ENDPOINT_URL_CHIME_SDK_MESSAGING", chime.endpoint().toString());
                env.put("AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
                env.remove("AWS_SESSION_TOKEN");
            });
            oneOffProcesses.add(deployed);
            processesOfThisTest.add(deployed);

            Result result = deployed.invoke(oneRecordEvent(UUID.randomUUID().toString(),
                    "{\"Roster\": \"s3://hr-rosters/dry-run/acme.jsonl\"}", 1));

            assertThat(result.isError()).as("error posted by the runtime: %s", result.body()).isFalse();
            assertThat(JSON.readTree(result.body())).isEqualTo(JSON.readTree("{\"batchItemFailures\":[]}"));
            JsonNode plan = JSON.readTree(s3.get("hr-rosters", "dry-run/acme.jsonl.plan.json"));
            assertThat(plan.path("Targets").get(0).path("ChannelArn").asText()).isEqualTo(GENERAL);
            assertThat(plan.path("Targets").get(0).path("Counts").path("Removals").asInt())
                    .isEqualTo(channelMembers(chime.channels()).get(GENERAL).size() - 1);
            assertThat(deadLetters.drain()).isEmpty();
            assertThat(chime.channels().calls()).extracting(ChannelCall::operation)
                    .containsOnly(ChannelsApi.LIST_CHANNEL_MEMBERSHIPS, ChannelsApi.LIST_CHANNEL_MODERATORS);
        }
    }

    // ---------------------------------------------------------------- helpers
    /**
     * A process configured as a deployment with a bearer is: the template's channel variables, and each client's
     * endpoint from the SDK's own variable, the chat-room client's pointed at a server of its own.
     */
    private FunctionProcess launchForChannels(String name, ChimeEmulator roomsEndpoint, Map<String, String> settings)
            throws IOException {
        FunctionProcess process = FunctionProcess.launch(name, this, env -> {
            env.put("CHIME_BEARER_ARN", BEARER);
            env.put("ALLOWED_APP_INSTANCE_ARNS", APP_INSTANCE);
            env.put("CHIME_MESSAGING_REGION", "us-east-1");
            env.put("AWS_ENDPOINT_URL_CHIME", roomsEndpoint.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_CHIME_SDK_MESSAGING", chime.endpoint().toString());
            env.putAll(settings);
            assertThat(env.keySet()).filteredOn(key -> key.startsWith("AWS_ENDPOINT_URL"))
                    .containsExactlyInAnyOrder("AWS_ENDPOINT_URL_CHIME", "AWS_ENDPOINT_URL_SQS",
                            "AWS_ENDPOINT_URL_CHIME_SDK_MESSAGING");
            assertThat(env).containsEntry("AWS_EC2_METADATA_DISABLED", "true")
                    .containsKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION");
        });
        oneOffProcesses.add(process);
        processesOfThisTest.add(process);
        return process;
    }

    /**
     * Every channel call reached the server AWS_ENDPOINT_URL_CHIME_SDK_MESSAGING names, signed with the process's
     * credentials for the channels' region, as the bearer; none went to the chat-room API or its endpoint.
     */
    private void assertCallsReachedTheMessagingEndpointOnly(ChannelsApi channels, ChimeEmulator roomsEndpoint) {
        assertThat(channels.calls()).isNotEmpty().allSatisfy(call -> {
            assertThat(call.bearer()).isEqualTo(BEARER);
            assertThat(call.authorization()).startsWith("AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST/")
                    .contains("/us-east-1/chime/aws4_request");
        });
        assertThat(chime.calls()).isEmpty();
        assertThat(roomsEndpoint.calls()).isEmpty();
        assertThat(roomsEndpoint.channels().calls()).isEmpty();
    }

    /** Every letter on the failed-member queue as (ErrorCode attribute, body as SQS holds it, FailedAt as TIME). */
    private List<Tuple> lettersWithTimesChecked() {
        return deadLetters.drain().stream().map(letter -> {
            String failedAt = letter.body().path("FailedAt").asText();
            assertThat(Instant.parse(failedAt)).isBetween(Instant.now().minus(WAIT), Instant.now());
            return tuple(letter.errorCodeAttribute(),
                    letter.rawBody().replace("\"FailedAt\":\"" + failedAt + "\"", "\"FailedAt\":\"" + TIME + "\""));
        }).toList();
    }

    /**
     * A form-4 letter as the function writes it: the member's Type and the Role its request named (none when it named
     * none), the error, where it came from.
     */
    private static Tuple channelLetter(String channelArn, String memberArn, String role, String errorCode,
                                       String messageFormat, String sourceMessageId) throws IOException {
        ObjectNode letter = JSON.createObjectNode()
                .put("ChannelArn", channelArn).put("MemberArn", memberArn).put("Type", "DEFAULT");
        if (role != null) {
            letter.put("Role", role);
        }
        letter.put("ErrorCode", errorCode).put("ErrorMessage", String.format(messageFormat, memberArn))
                .put("SourceMessageId", sourceMessageId).put("FailedAt", TIME);
        return tuple(errorCode, JSON.writeValueAsString(letter));
    }

    /** records, rooms, channels, calls, added, alreadyMembers and deadLettered of the invocation's summary line. */
    private static List<Integer> summaryFigures(FunctionProcess process, Result result) throws InterruptedException {
        String line = process.awaitOutputLine(text -> text.contains("\"invocation summary\"")
                && text.contains(result.requestId())).orElseThrow(() -> new AssertionError("no summary line"));
        JsonNode summary = readJson(line);
        return Stream.of("records", "rooms", "channels", "calls", "added", "alreadyMembers", "deadLettered")
                .map(name -> summary.path(name).asInt(-1)).toList();
    }

    /** Members (ARN to type) of every channel of the sample organisation. */
    private static Map<String, Map<String, String>> channelMembers(ChannelsApi channels) {
        Map<String, Map<String, String>> members = new LinkedHashMap<>();
        SEEDED_CHANNELS.forEach(arn -> members.put(arn, Map.copyOf(channels.members(arn))));
        return members;
    }

    /** Moderators of every channel of the sample organisation, in the order they were made. */
    private static Map<String, List<String>> channelModerators(ChannelsApi channels) {
        Map<String, List<String>> moderators = new LinkedHashMap<>();
        SEEDED_CHANNELS.forEach(arn -> moderators.put(arn, List.copyOf(channels.moderators(arn))));
        return moderators;
    }

    /** Members (id to role) of the sample organisation's three rooms. */
    private Map<String, Map<String, String>> roomMembers() {
        Map<String, Map<String, String>> members = new LinkedHashMap<>();
        List.of(ENGINEERING, SALES, LEADERSHIP).forEach(room -> members.put(room, Map.copyOf(chime.members(ACME, room))));
        return members;
    }

    private static Map<String, String> plus(Map<String, String> members, String type, List<String> added) {
        Map<String, String> all = new LinkedHashMap<>(members);
        added.forEach(arn -> all.put(arn, type));
        return Map.copyOf(all);
    }

    private static List<String> arns(List<String> userIds) {
        return userIds.stream().map(Directory::user).toList();
    }


    private void resetServices() {
        chime.reset();
        Directory.seed(chime);
        deadLetters.drain();
    }

    /** One SQS record shaped as Lambda's poller delivers it, the first record of the sample batch as template. */
    private String oneRecordEvent(String messageId, String body, int receiveCount) throws IOException {
        JsonNode sample = JSON.readTree(Files.readString(basedir.resolve("events/hr-batch.json")));
        ObjectNode record = ((ObjectNode) sample.path("Records").path(0)).deepCopy();
        record.put("messageId", messageId);
        record.put("receiptHandle", "AQEB" + UUID.randomUUID());
        record.put("body", body);
        record.put("md5OfBody", md5Hex(body));
        ((ObjectNode) record.path("attributes")).put("ApproximateReceiveCount", Integer.toString(receiveCount));
        ObjectNode event = JSON.createObjectNode();
        event.putArray("Records").add(record);
        return JSON.writeValueAsString(event);
    }

    private static String md5Hex(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode readJson(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not one JSON object: " + line, e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** One runtime process with its own Runtime API, as one Lambda execution environment. */
    private static final class FunctionProcess implements AutoCloseable {
        final String name;
        final LambdaRuntimeApi api;
        final Process process;
        final Path log;

        private FunctionProcess(String name, LambdaRuntimeApi api, Process process, Path log) {
            this.name = name;
            this.api = api;
            this.process = process;
            this.log = log;
        }

        static FunctionProcess launch(String name, PackagedFunctionIT it, Consumer<Map<String, String>> adjustEnv)
                throws IOException {
            LambdaRuntimeApi api = new LambdaRuntimeApi(LambdaLaunch.FUNCTION_ARN, FUNCTION_TIMEOUT).start();
            Path taskRoot = Files.createDirectories(it.scratch.resolve(name + "-task"));
            Path log = it.scratch.resolve(name + ".log");
            List<String> command = LambdaLaunch.command(List.of(), it.handler);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(taskRoot.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            LambdaLaunch.clearInherited(env);
            env.putAll(LambdaLaunch.environment(api.hostAndPort(), it.handler, taskRoot, it.scratch,
                    it.chime.endpoint(), it.sqs.endpoint()));
            // The function's own variables, as template.yaml sets them.
            env.put("DEAD_LETTER_QUEUE_URL", it.deadLetters.url());
            env.put("MAX_RECEIVE_COUNT", "5");
            env.put("CHIME_MAX_CONCURRENCY", "8");
            adjustEnv.accept(env);

            long started = System.nanoTime();
            Process process = builder.start();
            FunctionProcess function = new FunctionProcess(name, api, process, log);
            api.firstPoll().thenRun(() -> System.out.println(
                    "function process '" + name + "' ready for invocations after "
                            + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms"));
            return function;
        }

        /** Sends one event and waits, at most {@link #WAIT}, for the runtime to settle it. */
        Result invoke(String eventJson) throws InterruptedException {
            long started = System.nanoTime();
            CompletableFuture<Result> result = api.invoke(eventJson);
            try {
                CompletableFuture.anyOf(result, process.onExit(), api.initError())
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail("no answer from the function process within " + WAIT);
            } catch (ExecutionException e) {
                fail("waiting for the function process failed", e.getCause());
            }
            if (!result.isDone()) {
                api.initErrorNow().ifPresent(error -> fail("the runtime reported an init error: " + error.body()));
                fail("the function process ended (exit code " + process.exitValue() + ") without answering");
            }
            System.out.println("invocation on '" + name + "' settled in "
                    + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
            return result.join();
        }

        /** The first output line (stripped) that matches, waiting a little for the output to reach the file. */
        Optional<String> awaitOutputLine(java.util.function.Predicate<String> matches) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                Optional<String> line = output().lines().map(String::strip).filter(matches).findFirst();
                if (line.isPresent() || System.nanoTime() > deadline) {
                    return line;
                }
                Thread.sleep(100);
            }
        }

        String output() {
            try {
                return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } finally {
                api.close();
            }
        }
    }
}

package roommembership.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The function's permissions as CloudFormation receives them: {@code template.yaml} transformed by the SAM translator
 * installed beside cfn-lint ({@code src/test/python/transformed_template.py}), for both queue types, with and without
 * a bearer. The function has one role, the template's own, whose every statement is stated here: SAM attaches no
 * managed policy (its SQS event would attach {@code AWSLambdaSQSQueueExecutionRole}, receive and delete on every
 * queue), no action is a wildcard and only the chat-room actions, which have no resource type, name {@code "*"}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransformedTemplateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARNS = "arn:aws:sqs:eu-west-1:123456789012:room-membership-";
    private static final String LOG_GROUP =
            "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/room-membership-room-membership:*";
    private static final String APP_INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0001";
    private static final String BEARER = APP_INSTANCE + "/user/hr-sync";
    private static final String BOT_BEARER = APP_INSTANCE + "/bot/onboarding-assistant";
    /** The Service Authorization Reference lists no resource type for these: only "*" can allow them. */
    private static final List<String> ROOM_ACTIONS = List.of("chime:BatchCreateRoomMembership",
            "chime:ListRoomMemberships", "chime:UpdateRoomMembership", "chime:DeleteRoomMembership");
    private static final List<String> CHANNEL_ACTIONS = List.of("chime:BatchCreateChannelMembership",
            "chime:ListChannelMemberships", "chime:DeleteChannelMembership", "chime:CreateChannelModerator",
            "chime:DeleteChannelModerator", "chime:ListChannelModerators");
    private static final String ROLE = "RoomMembershipFunctionRole";

    private final Path basedir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    private JsonNode standard;
    private JsonNode fifo;
    private JsonNode standardWithBearer;
    private JsonNode fifoWithBotBearer;
    private JsonNode withRosterBucket;
    private JsonNode creatingRosterBucket;
    private JsonNode fifoCreatingRosterBucket;
    private JsonNode withRosterSchedule;

    /** One permission statement, its Action and Resource as lists whether the template wrote one or several. */
    record Statement(String sid, String effect, List<String> actions, List<String> resources) {
        static Statement of(JsonNode node) {
            assertThat(fieldNames(node)).as("fields of %s", node).containsExactlyInAnyOrder("Sid", "Effect", "Action",
                    "Resource");
            return new Statement(node.path("Sid").asText(), node.path("Effect").asText(), texts(node.path("Action")),
                    texts(node.path("Resource")));
        }
    }

    @BeforeAll
    void transformTheTemplate() throws IOException, InterruptedException {
        List<JsonNode> variants = transform(
                Map.of("QueueType", "Standard"),
                Map.of("QueueType", "Fifo"),
                Map.of("QueueType", "Standard", "ChimeBearerArn", BEARER),
                Map.of("QueueType", "Fifo", "ChimeBearerArn", BOT_BEARER),
                Map.of("QueueType", "Standard", "RosterBucketName", "hr-rosters"),
                Map.of("QueueType", "Standard", "CreateRosterBucket", "true"),
                Map.of("QueueType", "Fifo", "CreateRosterBucket", "true"),
                Map.of("QueueType", "Standard", "RosterSchedule", "cron(0 3 * * ? *)",
                        "RosterScheduleUri", "s3://hr-rosters/dry-run/acme.jsonl"));
        standard = variants.get(0);
        fifo = variants.get(1);
        standardWithBearer = variants.get(2);
        fifoWithBotBearer = variants.get(3);
        withRosterBucket = variants.get(4);
        creatingRosterBucket = variants.get(5);
        fifoCreatingRosterBucket = variants.get(6);
        withRosterSchedule = variants.get(7);
    }

    @Test
    void aRosterScheduleAsksForTheRosterOnTheSourceQueueAsAProducerWould() {
        JsonNode schedule = withRosterSchedule.path("schedules").path("RosterScheduleRequest");
        assertThat(schedule.path("ScheduleExpression").asText()).isEqualTo("cron(0 3 * * ? *)");
        assertThat(schedule.path("Target").path("Arn").asText()).isEqualTo(ARNS + "requests");
        assertThat(schedule.path("Target").path("Input").asText())
                .isEqualTo("{\"Roster\": \"s3://hr-rosters/dry-run/acme.jsonl\"}");
        // Its role may send to the source queue and nothing else; without a schedule there is neither.
        JsonNode role = withRosterSchedule.path("roles").path("RosterScheduleRole");
        assertThat(role.path("policies").path(0).path("statements").toString()).isEqualTo("[{\"Sid\":"
                + "\"SendToSourceQueue\",\"Effect\":\"Allow\",\"Action\":\"sqs:SendMessage\",\"Resource\":\""
                + ARNS + "requests\"}]");
        assertThat(role.path("trust").path(0).path("Principal").path("Service").asText())
                .isEqualTo("scheduler.amazonaws.com");
        assertThat(standard.path("schedules").size()).isZero();
        assertThat(fieldNames(standard.path("roles"))).containsExactly(ROLE);
    }

    @Test
    void aCreatedRosterBucketIsPrivateVersionedEncryptedAndNotifiesTheSourceQueueOfRostersButNotTheirPlans() {
        String bucket = "rosters-1c3e5a70-b2d4-11ef-8f10-0a1b2c3d4e5f";
        JsonNode properties = creatingRosterBucket.path("buckets").path("RosterBucket");
        assertThat(properties.path("BucketName").asText()).isEqualTo(bucket);
        assertThat(properties.path("VersioningConfiguration").path("Status").asText()).isEqualTo("Enabled");
        assertThat(properties.path("PublicAccessBlockConfiguration").toString()).isEqualTo(
                "{\"BlockPublicAcls\":true,\"BlockPublicPolicy\":true,\"IgnorePublicAcls\":true,"
                        + "\"RestrictPublicBuckets\":true}");
        assertThat(properties.path("BucketEncryption").toString()).contains("AES256");
        JsonNode notification = properties.path("NotificationConfiguration").path("QueueConfigurations").get(0);
        assertThat(notification.path("Queue").asText()).isEqualTo(ARNS + "requests");
        assertThat(notification.path("Filter").path("S3Key").path("Rules").toString()).isEqualTo(
                "[{\"Name\":\"suffix\",\"Value\":\".jsonl\"}]");
        // Only this bucket of this account may send to the source queue.
        JsonNode statement = creatingRosterBucket.path("queuePolicies").path("RosterNotificationQueuePolicy")
                .path("PolicyDocument").path("Statement").get(0);
        assertThat(statement.path("Condition").toString()).isEqualTo("{\"ArnLike\":{\"aws:SourceArn\":"
                + "\"arn:aws:s3:::" + bucket + "\"},\"StringEquals\":{\"aws:SourceAccount\":\"123456789012\"}}");
        assertThat(statements(creatingRosterBucket)).filteredOn(s -> s.sid().equals("ReadRosters")
                        || s.sid().equals("WriteDryRunPlans")).extracting(Statement::resources)
                .containsExactly(List.of("arn:aws:s3:::" + bucket + "/*"),
                        List.of("arn:aws:s3:::" + bucket + "/dry-run/*.plan.json"));
        // S3 notifies no FIFO queue: with one, the bucket is made without a notification.
        assertThat(fifoCreatingRosterBucket.path("buckets").path("RosterBucket").has("NotificationConfiguration"))
                .isFalse();
        assertThat(standard.path("buckets").size()).isZero();
    }

    @Test
    void aRosterBucketLetsTheRoleReadItsObjectsAndWriteOnlyADryRunsPlan() {
        assertThat(statements(withRosterBucket)).filteredOn(statement -> statement.sid().contains("Roster")
                        || statement.sid().contains("Plan"))
                .containsExactly(
                        new Statement("ReadRosters", "Allow", List.of("s3:GetObject"),
                                List.of("arn:aws:s3:::hr-rosters/*")),
                        new Statement("WriteDryRunPlans", "Allow", List.of("s3:PutObject"),
                                List.of("arn:aws:s3:::hr-rosters/dry-run/*.plan.json")));
        assertThat(statements(standard)).noneMatch(statement -> statement.actions().stream()
                .anyMatch(action -> action.startsWith("s3:")));
    }

    @Test
    void theFunctionRunsAsTheTemplatesOwnRoleAndSamAddsNoOtherPermission() {
        for (JsonNode variant : List.of(standard, fifo, standardWithBearer, fifoWithBotBearer)) {
            assertThat(fieldNames(variant.path("roles"))).as("roles of %s", variant.path("parameters"))
                    .containsExactly(ROLE);
            assertThat(variant.path("functions").path("RoomMembershipFunction").path("role").asText())
                    .isEqualTo("${" + ROLE + ".Arn}");
            JsonNode role = variant.path("roles").path(ROLE);
            assertThat(role.path("managedPolicyArns")).as("managed policies, e.g. SAM's for the SQS event").isEmpty();
            assertThat(variant.path("policyResources")).as("separate policy resources").isEmpty();
            assertThat(role.path("policies")).hasSize(1);
            assertThat(JSON.convertValue(role.path("trust"), List.class)).isEqualTo(List.of(Map.of("Effect", "Allow",
                    "Principal", Map.of("Service", "lambda.amazonaws.com"), "Action", "sts:AssumeRole")));
        }
    }

    @Test
    void standardQueueRoleWithoutBearer() {
        // A standard source queue's batches are dispatched to the target queue, which the function reads too.
        assertThat(statements(standard)).containsExactly(
                readSourceQueue(ARNS + "requests", ARNS + "targets.fifo"),
                writeOwnLogGroup(),
                chimeRoomMemberships(),
                sendToOwnQueues("${FailedMemberQueue.Arn}", ARNS + "targets.fifo"));
    }

    @Test
    void fifoQueueRoleWithoutBearer() {
        assertThat(statements(fifo)).containsExactly(
                readSourceQueue(ARNS + "requests.fifo"),
                writeOwnLogGroup(),
                chimeRoomMemberships(),
                sendToOwnQueues(ARNS + "failed-members.fifo"));
    }

    @Test
    void aBearerAddsTheChannelStatementOnItselfAndItsAppInstancesChannels() {
        assertThat(statements(standardWithBearer)).containsExactly(
                readSourceQueue(ARNS + "requests", ARNS + "targets.fifo"),
                writeOwnLogGroup(),
                chimeRoomMemberships(),
                new Statement("ChimeChannelMemberships", "Allow", CHANNEL_ACTIONS,
                        List.of(BEARER, APP_INSTANCE + "/channel/*")),
                sendToOwnQueues("${FailedMemberQueue.Arn}", ARNS + "targets.fifo"));
        assertThat(statements(fifoWithBotBearer)).containsExactly(
                readSourceQueue(ARNS + "requests.fifo"),
                writeOwnLogGroup(),
                chimeRoomMemberships(),
                new Statement("ChimeChannelMemberships", "Allow", CHANNEL_ACTIONS,
                        List.of(BOT_BEARER, APP_INSTANCE + "/channel/*")),
                sendToOwnQueues(ARNS + "failed-members.fifo"));
    }

    @Test
    void theRoleReadsTheQueueTheEventSourcePollsAndNoOther() {
        for (JsonNode variant : List.of(standard, fifo, standardWithBearer, fifoWithBotBearer)) {
            List<String> sources = StreamSupport.stream(variant.path("eventSourceMappings").spliterator(), false)
                    .map(mapping -> mapping.path("eventSourceArn").asText()).toList();
            List<String> read = statements(variant).stream()
                    .filter(statement -> statement.actions().contains("sqs:ReceiveMessage"))
                    .flatMap(statement -> statement.resources().stream()).toList();
            // The source queue, and with a standard one the target queue its batches are dispatched to.
            assertThat(read).as("queues the role may receive from").containsExactlyInAnyOrderElementsOf(sources)
                    .hasSize(variant == standard || variant == standardWithBearer ? 2 : 1);
        }
    }

    @Test
    void noWildcardActionAndStarOnlyWhereIamHasNoResourceType() {
        for (JsonNode variant : List.of(standard, fifo, standardWithBearer, fifoWithBotBearer)) {
            List<Statement> statements = statements(variant);
            assertThat(statements).allSatisfy(statement -> {
                assertThat(statement.effect()).isEqualTo("Allow");
                assertThat(statement.actions()).noneMatch(action -> action.contains("*"));
                if (statement.resources().contains("*")) {
                    assertThat(statement.resources()).containsExactly("*");
                    assertThat(statement.actions()).isSubsetOf(ROOM_ACTIONS);
                }
            });
            assertThat(statements.stream().flatMap(statement -> statement.actions().stream()))
                    .filteredOn(action -> action.startsWith("sqs:"))
                    .containsExactlyInAnyOrder("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                            "sqs:SendMessage");
        }
    }

    private static Statement readSourceQueue(String... queueArns) {
        return new Statement("ReadSourceQueue", "Allow",
                List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"), List.of(queueArns));
    }

    private static Statement writeOwnLogGroup() {
        return new Statement("WriteOwnLogGroup", "Allow", List.of("logs:CreateLogStream", "logs:PutLogEvents"),
                List.of(LOG_GROUP));
    }

    private static Statement chimeRoomMemberships() {
        return new Statement("ChimeRoomMemberships", "Allow", ROOM_ACTIONS, List.of("*"));
    }

    private static Statement sendToOwnQueues(String... queueArns) {
        return new Statement("SendToOwnQueues", "Allow", List.of("sqs:SendMessage"), List.of(queueArns));
    }

    private static List<Statement> statements(JsonNode variant) {
        JsonNode policy = variant.path("roles").path(ROLE).path("policies").path(0);
        return StreamSupport.stream(policy.path("statements").spliterator(), false).map(Statement::of).toList();
    }

    /** The translator's output for each parameter set, or the test skipped if python3 or the translator is missing. */
    @SafeVarargs
    private List<JsonNode> transform(Map<String, String>... parameterSets) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3",
                basedir.resolve("src/test/python/transformed_template.py").toString(),
                basedir.resolve("template.yaml").toString()));
        for (Map<String, String> parameters : parameterSets) {
            command.add(JSON.writeValueAsString(parameters));
        }
        Path stderr = Files.createTempFile("transformed-template", ".err");
        try {
            Process process;
            try {
                process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            } catch (IOException e) {
                assumeTrue(false, "python3 cannot be started (" + e.getMessage()
                        + "): the transformed template is not checked");
                throw e;
            }
            byte[] stdout = process.getInputStream().readAllBytes();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the translator ended within a minute").isTrue();
            String errors = Files.readString(stderr, StandardCharsets.UTF_8);
            assumeTrue(process.exitValue() != 3, errors.strip() + ": the transformed template is not checked");
            assertThat(process.exitValue()).as("exit code of the translator; its errors:%n%s", errors).isZero();
            List<JsonNode> variants = new ArrayList<>();
            JSON.readTree(stdout).forEach(variants::add);
            assertThat(variants).hasSize(parameterSets.length);
            return variants;
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    private static List<String> texts(JsonNode node) {
        return node.isArray() ? StreamSupport.stream(node.spliterator(), false).map(JsonNode::asText).toList()
                : List.of(node.asText());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

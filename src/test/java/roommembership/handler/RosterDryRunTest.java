package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChimeEmulator;
import roommembership.testing.ContractSchemas;
import roommembership.testing.SqsEvents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static roommembership.handler.FunctionUnderTest.failedIds;
import static roommembership.testing.Directory.ACME;
import static roommembership.testing.Directory.APP_INSTANCE;
import static roommembership.testing.Directory.BEARER;

/**
 * A roster under {@code dry-run/} is planned and not applied: the plan that would leave each target holding exactly
 * the roster is written beside it as {@code <key>.plan.json} and logged per target, with no write call and no letter.
 */
class RosterDryRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "hr-rosters";
    private static final String ROOM = "9f3c2a10-4444-4c1e-8a6b-000000000401";
    private static final String CHANNEL = APP_INSTANCE + "/channel/roster-test";

    @RegisterExtension
    static final FunctionUnderTest function = FunctionUnderTest.forRoomsAndChannels();

    @BeforeEach
    void organisation() {
        function.s3().createBucket(BUCKET);
        function.chime().room(ACME, ROOM).member(ACME, ROOM, "ann", "Administrator").member(ACME, ROOM, "bob", "Member")
                .member(ACME, ROOM, "cat", "Member");
        ChannelsApi channels = function.channels();
        for (String user : List.of("u1", "u2", "u3", "u4")) {
            channels.user(user(user));
        }
        channels.channel(CHANNEL).member(CHANNEL, user("u1"), "DEFAULT").member(CHANNEL, user("u2"), "HIDDEN")
                .member(CHANNEL, user("u3"), "DEFAULT").moderator(CHANNEL, user("u3"))
                .member(CHANNEL, BEARER, "DEFAULT");
    }

    @Test
    void aDryRunWritesThePlanThatWouldLeaveEachTargetHoldingExactlyItsRosterAndChangesNothing() throws IOException {
        String key = "dry-run/acme 2026-12.jsonl";
        function.s3().put(BUCKET, key, String.join("\n",
                room("ann", null), room("bob", "Administrator"), room("dan", null),
                "{\"ChannelArn\": \"" + CHANNEL + "\", \"MemberArns\": [\"" + user("u1") + "\"], \"Role\": \"Administrator\"}",
                "{\"ChannelArn\": \"" + CHANNEL + "\", \"MemberArn\": \"" + user("u2") + "\", \"Type\": \"HIDDEN\"}",
                "{\"ChannelArn\": \"" + CHANNEL + "\", \"MemberArn\": \"" + user("u4") + "\"}") + "\n");
        SqsEvents batch = SqsEvents.batch().record("{\"Roster\": \"s3://" + BUCKET + "/" + key + "\"}");

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        // Reads only: the room's listing, the channel's of each type and its moderators.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(ChimeEmulator.LIST_ROOM_MEMBERSHIPS, 1,
                ChannelsApi.LIST_CHANNEL_MEMBERSHIPS, 2, ChannelsApi.LIST_CHANNEL_MODERATORS, 1));
        assertThat(function.chime().members(ACME, ROOM)).containsOnlyKeys("ann", "bob", "cat");

        String written = function.s3().get(BUCKET, key + ".plan.json");
        assertThat(ContractSchemas.rosterPlanProblems(written)).isEmpty();
        JsonNode plan = JSON.readTree(written);
        assertThat(plan.path("Roster").asText()).isEqualTo("s3://" + BUCKET + "/" + key);
        assertThat(plan.path("DryRun").asBoolean()).isTrue();
        assertThat(plan.path("Targets")).hasSize(2);
        JsonNode room = plan.path("Targets").get(0);
        assertThat(room.path("RoomId").asText()).isEqualTo(ROOM);
        assertThat(texts(room.path("Adds"), "MemberId")).containsExactly("dan");
        assertThat(texts(room.path("Removals"), null)).containsExactly("cat");
        assertThat(texts(room.path("Promotions"), null)).containsExactly("bob");
        assertThat(texts(room.path("Demotions"), null)).containsExactly("ann");
        JsonNode channel = plan.path("Targets").get(1);
        assertThat(channel.path("ChannelArn").asText()).isEqualTo(CHANNEL);
        assertThat(texts(channel.path("Adds"), "MemberArn")).containsExactly(user("u4"));
        // The bearer is never removed, whatever the roster says; u3 leaves, and its moderation with it.
        assertThat(texts(channel.path("Removals"), null)).containsExactly(user("u3"));
        assertThat(texts(channel.path("Promotions"), null)).containsExactly(user("u1"));
        assertThat(texts(channel.path("TypeMismatches"), null)).isEmpty();

        List<JsonNode> planLines = function.context().logged("roster plan");
        assertThat(planLines).hasSize(2).allSatisfy(line -> {
            assertThat(line.path("level").asText()).isEqualTo("INFO");
            assertThat(line.path("roster").path("Roster").asText()).isEqualTo("s3://" + BUCKET + "/" + key);
        });
        assertThat(summary().path("records").asInt()).isEqualTo(1);
        assertThat(summary().path("recordsRetried").asInt()).isZero();
    }

    @Test
    void theBucketsNotificationOfADryRunRosterPlansTheObjectItNamesWithItsKeyDecoded() throws IOException {
        String key = "dry-run/acme 2026.jsonl";
        function.s3().put(BUCKET, key, room("ann", "Administrator") + "\n" + room("bob", null) + "\n"
                + room("cat", null) + "\n");

        SQSBatchResponse response = function.handle(SqsEvents.batch().record("""
                {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
                  "eventTime": "2026-12-06T10:00:00.000Z", "eventName": "ObjectCreated:Put",
                  "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": "hr-rosters",
                         "arn": "arn:aws:s3:::hr-rosters"},
                         "object": {"key": "dry-run/acme+2026.jsonl", "size": 300}}}]}
                """).build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        JsonNode plan = JSON.readTree(function.s3().get(BUCKET, key + ".plan.json"));
        // The roster is the room exactly as it is: nothing to do.
        assertThat(plan.path("Targets").get(0).path("Counts").toString())
                .isEqualTo("{\"Adds\":0,\"Removals\":0,\"Promotions\":0,\"Demotions\":0,\"HeldRemovals\":0,"
                        + "\"TypeMismatches\":0}");
    }

    @Test
    void aRosterThatCannotBeReadIsRefusedInItsPlanAndNothingElseHappens() throws IOException {
        String key = "dry-run/missing.jsonl";

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record("{\"Roster\": \"s3://" + BUCKET + "/" + key + "\"}").build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().callCounts()).isEmpty();
        String written = function.s3().get(BUCKET, key + ".plan.json");
        assertThat(ContractSchemas.rosterPlanProblems(written)).isEmpty();
        JsonNode plan = JSON.readTree(written);
        assertThat(plan.path("Refused").asText()).isEqualTo("NoSuchKey");
        assertThat(function.context().logged("roster refused")).singleElement()
                .satisfies(line -> assertThat(line.path("level").asText()).isEqualTo("WARN"));
    }

    @Test
    void aRosterWithABadLineIsRefusedWholeNamingTheLine() throws IOException {
        String key = "dry-run/bad.jsonl";
        function.s3().put(BUCKET, key, room("ann", null) + "\n" + room("bob", "Owner") + "\n");

        function.handle(SqsEvents.batch().record("{\"Roster\": \"s3://" + BUCKET + "/" + key + "\"}").build());

        JsonNode plan = JSON.readTree(function.s3().get(BUCKET, key + ".plan.json"));
        assertThat(plan.path("Refused").asText()).isEqualTo("BadRequest");
        assertThat(plan.path("ErrorMessage").asText()).contains("1 of its 2 lines is not a valid add request")
                .contains("line 2");
        assertThat(function.chime().callCounts()).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
    }

    @Test
    void s3sTestEventIsSettledWithNoLetterAndNoCall() {
        SQSBatchResponse response = function.handle(SqsEvents.batch().record("""
                {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2026-12-06T10:00:00.000Z",
                 "Bucket": "hr-rosters", "RequestId": "5582815E1AEA5ADF", "HostId": "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"}
                """).build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().callCounts()).isEmpty();
        assertThat(function.context().logged("roster plan")).isEmpty();
    }

    @Test
    void requestsBesideADryRunAreCarriedOutAsEverAndTheSummaryCountsEveryRecord() {
        String key = "dry-run/room.jsonl";
        function.s3().put(BUCKET, key, room("ann", "Administrator") + "\n");
        SqsEvents batch = SqsEvents.batch()
                .record("{\"AccountId\": \"" + ACME + "\", \"RoomId\": \"" + ROOM + "\", \"MemberId\": \"eng-001\"}")
                .record("{\"Roster\": \"s3://" + BUCKET + "/" + key + "\"}");

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.chime().members(ACME, ROOM)).containsKey("eng-001");
        assertThat(summary().path("records").asInt()).isEqualTo(2);
        assertThat(summary().path("added").asInt()).isEqualTo(1);
        assertThat(function.context().logged("roster plan")).hasSize(1);
    }

    private static String room(String memberId, String role) {
        return "{\"AccountId\": \"" + ACME + "\", \"RoomId\": \"" + ROOM + "\", \"MemberId\": \"" + memberId + "\""
                + (role == null ? "" : ", \"Role\": \"" + role + "\"") + "}";
    }

    private static String user(String id) {
        return APP_INSTANCE + "/user/" + id;
    }

    /** The ids of a plan's list: its entries' field, or the entries themselves. */
    private static List<String> texts(JsonNode list, String field) {
        List<String> texts = new ArrayList<>();
        list.forEach(entry -> texts.add(field == null ? entry.asText() : entry.path(field).asText()));
        return texts;
    }


    private static JsonNode summary() {
        List<JsonNode> summaries = function.context().logged("invocation summary");
        return summaries.get(summaries.size() - 1);
    }

}

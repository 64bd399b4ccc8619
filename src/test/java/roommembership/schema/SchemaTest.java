package roommembership.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import roommembership.pipeline.read.RosterTrigger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import roommembership.target.ChannelKey;
import roommembership.pipeline.settle.Letter;
import roommembership.sqs.LetterJson;
import roommembership.pipeline.read.MessageParser;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.target.RoomKey;
import roommembership.testing.ContractSchemas;
import roommembership.testing.SchemaAgreement;
import roommembership.testing.SchemaAgreement.Difference;
import roommembership.testing.SchemaAgreement.Verdict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schemas of {@code schema/} against what the function does: every sample event is taken, the malformed ones are
 * refused exactly where the parser refuses them, each difference docs/message-contract.md lists is what it says, and a record
 * that breaks the dead-letter contract is caught. The hostile-input tests hold the schema to the parser on their
 * whole corpus; the queue reader of the tests holds every dead letter to its schema.
 */
class SchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "a1b2c3d4-5e6f-4a0b-9c8d-7e6f5a4b3c2d";
    private static final String ROOM = "9f3c2a10-2222-4c1e-8a6b-000000000501";
    private static final String APP_INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0001";
    private static final String CHANNEL = APP_INSTANCE + "/channel/general";

    @ParameterizedTest
    @ValueSource(strings = {"request.schema.json", "dead-letter.schema.json", "roster-line.schema.json",
            "roster-plan.schema.json"})
    void eachSchemaIsADraft202012SchemaNamedByItsId(String file) throws IOException {
        JsonNode schema = JSON.readTree(Files.readString(Path.of("schema", file)));
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));

        assertThat(registry.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"))
                .validate(schema)).isEmpty();
        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("$id").asText()).isEqualTo(ContractSchemas.BASE + file);
    }

    static Stream<Arguments> sampleBodies() throws IOException {
        List<Arguments> bodies = new ArrayList<>();
        try (Stream<Path> events = Files.list(Path.of("events"))) {
            for (Path event : events.sorted().toList()) {
                for (JsonNode record : JSON.readTree(Files.readString(event)).path("Records")) {
                    String body = record.path("body").asText();
                    // A roster trigger (an S3 notification, say) names a roster; it is no request.
                    if (RosterTrigger.of(body).isEmpty()) {
                        bodies.add(Arguments.of(event.getFileName().toString(), body));
                    }
                }
            }
        }
        return bodies.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("sampleBodies")
    void everySampleBodyIsAnsweredByTheSchemaAsByTheParser(String event, String body) {
        Verdict verdict = SchemaAgreement.verdict(body);

        assertThat(verdict.schemaRefuses()).as("%s", verdict).isEqualTo(verdict.parserRefuses());
        assertThat(verdict.parserRefuses()).isEqualTo(event.equals("malformed-records.json") && !body.contains("HR-4711"));
    }

    @Test
    void anSnsNotificationIsJudgedByItsMessage() {
        String valid = "{\"AccountId\":\"" + ACCOUNT + "\",\"RoomId\":\"" + ROOM + "\",\"MemberId\":\"sales-021\"}";
        String badRole = valid.replace("}", ",\"Role\":\"Owner\"}");

        assertThat(ContractSchemas.requestProblems(notification(valid))).isEmpty();
        assertThat(ContractSchemas.requestProblems(notification(badRole))).isNotEmpty();
        assertThat(ContractSchemas.requestProblems(notification("add sales-021 please")))
                .containsExactly("the SNS Message is not JSON");
        // The notification's own fields count for nothing, as the parser reads it.
        assertThat(ContractSchemas.requestProblems(notification(valid).replace("{\"Type\"",
                "{\"ChimeBearer\":\"x\",\"Type\""))).isEmpty();
    }

    static Stream<Arguments> bodiesOnEitherSideOfALimit() {
        String room = "{\"AccountId\":\"" + ACCOUNT + "\",\"RoomId\":\"" + ROOM + "\",";
        String channel = "{\"ChannelArn\":\"" + CHANNEL + "\",";
        return Stream.of(
                Arguments.of(room + "\"MemberId\":\"" + "m".repeat(256) + "\"}", false),
                Arguments.of(room + "\"MemberId\":\"" + "m".repeat(257) + "\"}", true),
                Arguments.of(room + "\"MemberId\":\"\uD83D\uDE00" + "m".repeat(255) + "\"}", false),
                Arguments.of(room + "\"MemberId\":\"\u00a0\"}", false),
                Arguments.of(room + "\"MemberId\":\"\u2003\u3000 \"}", true),
                Arguments.of(room + "\"MemberId\":\"eng-001\\u2028\"}", false),
                Arguments.of(room + "\"MemberId\":\"eng-001\\u0085\"}", true),
                Arguments.of(room + "\"MemberId\":\"eng-001\",\"Role\":null,\"Action\":null}", false),
                Arguments.of(room + "\"MemberId\":\"eng-001\",\"Action\":\"remove\"}", true),
                Arguments.of(room + "\"MembershipItemList\":[{\"MemberId\":\"eng-001\"}],\"Role\":\"Owner\"}", false),
                Arguments.of(room + "\"MembershipItemList\":[{\"MemberId\":\"eng-001\"}],\"MemberId\":\"eng-002\","
                        + "\"Role\":\"Owner\"}", true),
                Arguments.of(room + "\"MembershipItemList\":null,\"MemberId\":\"eng-002\"}", false),
                Arguments.of(room + "\"MembershipItemList\":[],\"MemberId\":\"eng-002\"}", false),
                Arguments.of(room + "\"MembershipItemList\":" + items(1_000) + "}", false),
                Arguments.of(room + "\"MembershipItemList\":" + items(1_000) + ",\"MemberId\":\"eng-002\"}", true),
                Arguments.of(room.replace(ROOM, "r".repeat(64)) + "\"MemberId\":\"eng-001\"}", false),
                Arguments.of(room.replace(ROOM, "r".repeat(65)) + "\"MemberId\":\"eng-001\"}", true),
                Arguments.of(room.replace(ROOM, "eng\\n") + "\"MemberId\":\"eng-001\"}", true),
                Arguments.of(room.replace(ROOM, "eng\\u2028") + "\"MemberId\":\"eng-001\"}", true),
                Arguments.of(room + "\"MemberId\":\"eng-001\",\"ChannelArn\":42,\"MemberArn\":[]}", false),
                Arguments.of("{\"MemberId\":\"eng-001\",\"ChannelArn\":\"" + CHANNEL + "\"}", true),
                Arguments.of("{\"Type\":\"Notification\",\"Message\":42,\"ChannelArn\":\"" + CHANNEL
                        + "\",\"MemberArn\":\"" + APP_INSTANCE + "/user/eng-001\"}", true),
                Arguments.of(channel + "\"MemberArn\":\"" + APP_INSTANCE + "/user/eng-001\",\"Type\":null}", false),
                Arguments.of(channel + "\"MemberArn\":\"" + APP_INSTANCE + "/user/eng-001\\n\"}", true),
                Arguments.of(channel + "\"MemberArn\":null}", true),
                Arguments.of(channel + "\"MemberArns\":null,\"MemberArn\":\"" + APP_INSTANCE + "/bot/b-1\"}", false),
                Arguments.of(channel + "\"MemberArns\":" + arns(1_000) + "}", false),
                Arguments.of(channel + "\"MemberArns\":" + arns(999) + ",\"MemberArn\":\"" + APP_INSTANCE
                        + "/bot/b-1\"}", false),
                Arguments.of(channel + "\"MemberArns\":" + arns(1_000) + ",\"MemberArn\":\"" + APP_INSTANCE
                        + "/bot/b-1\"}", true),
                Arguments.of("{\"ChannelArn\":\"" + CHANNEL.replace("us-east-1", "eu-central-2") + "\",\"MemberArn\":\""
                        + APP_INSTANCE.replace("us-east-1", "eu-central-2") + "/user/a.b@c:d_e-f\"}", false),
                Arguments.of("{\"ChannelArn\":\"" + CHANNEL + "\\n\",\"MemberArn\":\"" + APP_INSTANCE
                        + "/user/eng-001\"}", true),
                Arguments.of("{}", true),
                Arguments.of("{\"AccountId\":\"" + ACCOUNT + "\"} {}", true));
    }

    @ParameterizedTest
    @MethodSource("bodiesOnEitherSideOfALimit")
    void theSchemaDrawsEachLimitWhereTheParserDoes(String body, boolean refused) {
        Verdict verdict = SchemaAgreement.verdict(body);

        assertThat(verdict.parserRefuses()).as("parser: %s", verdict.parserRefusals()).isEqualTo(refused);
        assertThat(verdict.schemaRefuses()).as("schema: %s", verdict.schemaProblems()).isEqualTo(refused);
    }

    static Stream<Arguments> listedDifferences() {
        String room = "{\"AccountId\":\"" + ACCOUNT + "\",\"RoomId\":\"" + ROOM + "\",\"MemberId\":\"eng-001\"";
        return Stream.of(
                Arguments.of(Difference.DUPLICATE_KEY, room + ",\"RoomId\":\"" + ROOM + "\"}"),
                Arguments.of(Difference.READER_LIMIT, room + ",\"Ticket\":" + "[".repeat(65) + "]".repeat(65) + "}"),
                Arguments.of(Difference.READER_LIMIT, room + ",\"" + "n".repeat(101) + "\":1}"),
                Arguments.of(Difference.READER_LIMIT, room + ",\"Ticket\":" + "9".repeat(101) + "}"),
                Arguments.of(Difference.READER_LIMIT, room + ",\"Padding\":\""
                        + "p".repeat(MessageParser.MAX_BODY_CHARS) + "\"}"),
                Arguments.of(Difference.UNPAIRED_SURROGATE, room.replace("eng-001", "eng-\\ud800") + "}"),
                Arguments.of(Difference.OTHER_APP_INSTANCE, "{\"ChannelArn\":\"" + CHANNEL + "\",\"MemberArn\":\""
                        + APP_INSTANCE.replace("acme-hr-0001", "acme-hr-0002") + "/user/eng-001\"}"));
    }

    @ParameterizedTest
    @MethodSource("listedDifferences")
    void eachListedDifferenceIsABodyTheSchemaTakesAndTheParserRefuses(Difference difference, String body) {
        Verdict verdict = SchemaAgreement.verdict(body);

        assertThat(verdict.schemaProblems()).isEmpty();
        assertThat(verdict.difference()).as("%s", verdict.parserRefusals()).contains(difference);
    }

    @Test
    void aRecordWhoseMemberWasSentIsAValidRequestAndOneRefusedKeepsTheValuesAsGiven() {
        RoomKey room = new RoomKey(ACCOUNT, ROOM);
        ParsedMessage.Request request = new ParsedMessage.Request(room, List.of(), List.of());
        String refused = LetterJson.body(Letter.ForMember.of(request, "   ", "Owner", null, "BadRequest", "bad", "m1",
                Instant.EPOCH));
        String notFound = LetterJson.body(Letter.ForMember.of(request, "eng-001", "Member", null, "NotFound", "gone",
                "m2", Instant.parse("2026-11-26T10:52:12.114Z")));

        assertThat(ContractSchemas.deadLetterProblems(refused)).isEmpty();
        assertThat(ContractSchemas.deadLetterProblems(notFound)).isEmpty();
        assertThat(ContractSchemas.deadLetterProblems(refused.replace("BadRequest", "NotFound"))).isNotEmpty();
        assertThat(ContractSchemas.deadLetterProblems(notFound.replace("\"FailedAt\"", "\"FailedOn\""))).isNotEmpty();
        assertThat(ContractSchemas.deadLetterProblems(notFound.replace("2026-11-26T10:52:12.114Z", "yesterday")))
                .isNotEmpty();
        assertThat(ContractSchemas.deadLetterProblems(notFound.replace("{\"AccountId\"", "{\"Extra\":1,\"AccountId\"")))
                .isNotEmpty();
    }

    @Test
    void aChannelRecordAndAnUnreadableMessagesRecordMatchTheirShapes() {
        ChannelKey channel = ChannelKey.of(CHANNEL).orElseThrow();
        ParsedMessage.Request request = new ParsedMessage.Request(channel, List.of(), List.of());
        String member = LetterJson.body(Letter.ForMember.of(request, APP_INSTANCE + "/user/eng-001", null, "HIDDEN",
                "Throttled", "slow", "m1", Instant.EPOCH));
        String unreadable = LetterJson.body(new Letter.ForUnreadableMessage("body is not a JSON object", "m2", "[]",
                Instant.EPOCH));

        assertThat(ContractSchemas.deadLetterProblems(member)).isEmpty();
        assertThat(ContractSchemas.deadLetterProblems(unreadable)).isEmpty();
        assertThat(ContractSchemas.deadLetterProblems(member.replace("HIDDEN", "hidden"))).isNotEmpty();
        assertThat(ContractSchemas.deadLetterProblems(unreadable.replace("\"Body\"", "\"Raw\""))).isNotEmpty();
    }

    private static String notification(String message) {
        try {
            return "{\"Type\":\"Notification\",\"MessageId\":\"6b1e2f0c\",\"Message\":"
                    + JSON.writeValueAsString(message) + "}";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String items(int count) {
        StringBuilder items = new StringBuilder("[");
        for (int i = 1; i <= count; i++) {
            items.append(i == 1 ? "" : ",").append("{\"MemberId\":\"m-").append(i).append("\"}");
        }
        return items.append("]").toString();
    }

    private static String arns(int count) {
        StringBuilder arns = new StringBuilder("[");
        for (int i = 1; i <= count; i++) {
            arns.append(i == 1 ? "" : ",").append("\"").append(APP_INSTANCE).append("/user/u-").append(i).append("\"");
        }
        return arns.append("]").toString();
    }
}

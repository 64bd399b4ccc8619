package roommembership.sqs;

import roommembership.model.Action;
import roommembership.model.ErrorCodes;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.pipeline.read.LegacyRouting;
import roommembership.pipeline.read.MessageParser;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.read.RejectedItem;
import roommembership.pipeline.settle.Letter;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;
import roommembership.testing.WrittenLetter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A channel member's dead letter, and a routed legacy member's: each is a request an operator can redrive. */
class ChannelLetterJsonTest {
    private static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** SQS's limit for one message, body and attributes together. */
    private static final int SQS_MESSAGE_LIMIT = 262_144;
    private static final String APP = "arn:aws:chime:us-east-1:111122223333:app-instance/hr";
    private static final String CHANNEL_ARN = APP + "/channel/sales";
    private static final ChannelKey CHANNEL = ChannelKey.of(CHANNEL_ARN).orElseThrow();
    private static final String ALICE = APP + "/user/alice";
    private static final RoomKey ROOM = new RoomKey("acct-1", "sales");
    private static final LegacyRouting ROUTING =
            new LegacyRouting(APP + "/channel/{RoomId}", APP + "/user/{MemberId}");

    @Test
    void aChannelMembersLetterIsForm4WithTheErrorAndReadsBackAsTheSameRequest() {
        ParsedMessage.Request request = channelRequest(
                "{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":\"" + ALICE + "\",\"Type\":\"HIDDEN\","
                        + "\"Role\":\"Administrator\"}");

        WrittenLetter letter = written(request, ALICE, "Administrator", "HIDDEN", "NotFound",
                "no such user", "msg-1", AT);

        assertThat(letter).isEqualTo(new WrittenLetter("msg-1", "NotFound", "{\"ChannelArn\":\"" + CHANNEL_ARN + "\","
                + "\"MemberArn\":\"" + ALICE + "\",\"Type\":\"HIDDEN\",\"Role\":\"Administrator\","
                + "\"ErrorCode\":\"NotFound\",\"ErrorMessage\":\"no such user\",\"SourceMessageId\":\"msg-1\","
                + "\"FailedAt\":\"2026-11-26T10:00:00Z\"}", Optional.of(ALICE)));
        assertThat(MessageParser.parse(letter.body())).isEqualTo(request);
    }

    @Test
    void eachMemberOfAForm3RequestGetsAForm4LetterThatReadsBackAsItself() {
        String bot = APP + "/bot/helper";
        ParsedMessage.Request request = channelRequest("{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArns\":[\""
                + ALICE + "\",\"" + bot + "\"],\"Role\":\"Administrator\"}");

        List<ParsedMessage> readBack = request.members().stream()
                .map(member -> written(request, member.memberId(), member.role().wireName(),
                        member.type().wireName(), "ServiceUnavailable", "try later", "msg-2", AT))
                .map(letter -> MessageParser.parse(letter.body()))
                .toList();

        assertThat(readBack).containsExactly(
                new ParsedMessage.Request(CHANNEL, List.of(new Membership(ALICE, Role.ADMINISTRATOR)), List.of()),
                new ParsedMessage.Request(CHANNEL, List.of(new Membership(bot, Role.ADMINISTRATOR)), List.of()));
    }

    @Test
    void aChannelRemovalsLetterCarriesItsActionAndReadsBackAsTheSameRemoval() {
        ParsedMessage.Request request = channelRequest("{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":\""
                + ALICE + "\",\"Action\":\"Remove\"}");
        Membership member = request.members().get(0);

        WrittenLetter letter = written(request, member.memberId(), member.namedRole(),
                member.type().wireName(), "Forbidden", "not allowed", "msg-1", AT);

        assertThat(letter).isEqualTo(new WrittenLetter("msg-1", "Forbidden", "{\"ChannelArn\":\"" + CHANNEL_ARN + "\","
                + "\"MemberArn\":\"" + ALICE + "\",\"Type\":\"DEFAULT\",\"Action\":\"Remove\","
                + "\"ErrorCode\":\"Forbidden\",\"ErrorMessage\":\"not allowed\",\"SourceMessageId\":\"msg-1\","
                + "\"FailedAt\":\"2026-11-26T10:00:00Z\"}", Optional.of(ALICE)));
        assertThat(MessageParser.parse(letter.body())).isEqualTo(request).isEqualTo(new ParsedMessage.Request(
                CHANNEL, List.of(Membership.withoutRole(ALICE, MembershipType.DEFAULT)), List.of(), Action.REMOVE));
    }

    @Test
    void eachMemberOfAForm3RemovalGetsAForm4LetterThatReadsBackAsItsOwnRemoval() {
        String bot = APP + "/bot/helper";
        ParsedMessage.Request request = channelRequest("{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArns\":[\""
                + ALICE + "\",\"" + bot + "\"],\"Action\":\"Remove\"}");

        List<ParsedMessage> readBack = request.members().stream()
                .map(member -> written(request, member.memberId(), member.namedRole(),
                        member.type().wireName(), "ServiceUnavailable", "try later", "msg-2", AT))
                .map(letter -> MessageParser.parse(letter.body()))
                .toList();

        assertThat(readBack).containsExactly(
                new ParsedMessage.Request(CHANNEL, List.of(Membership.withoutRole(ALICE)), List.of(), Action.REMOVE),
                new ParsedMessage.Request(CHANNEL, List.of(Membership.withoutRole(bot)), List.of(), Action.REMOVE));
    }

    @Test
    void aChannelMemberWhoseRequestNamedNoRoleGetsALetterWithoutOneThatReadsBackRoleless() {
        ParsedMessage.Request request = channelRequest("{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":\""
                + ALICE + "\",\"Type\":\"HIDDEN\"}");
        Membership member = request.members().get(0);

        WrittenLetter letter = written(request, member.memberId(), member.namedRole(),
                member.type().wireName(), "NotFound", "no such user", "msg-3", AT);

        assertThat(letter).isEqualTo(new WrittenLetter("msg-3", "NotFound", "{\"ChannelArn\":\"" + CHANNEL_ARN + "\","
                + "\"MemberArn\":\"" + ALICE + "\",\"Type\":\"HIDDEN\",\"ErrorCode\":\"NotFound\","
                + "\"ErrorMessage\":\"no such user\",\"SourceMessageId\":\"msg-3\","
                + "\"FailedAt\":\"2026-11-26T10:00:00Z\"}", Optional.of(ALICE)));
        assertThat(MessageParser.parse(letter.body())).isEqualTo(request).isEqualTo(new ParsedMessage.Request(
                CHANNEL, List.of(Membership.withoutRole(ALICE, MembershipType.HIDDEN)), List.of()));
    }

    @Test
    void aRoutedRolelessRemovalsLetterIsTheProducersFormWithTheActionAndRoutesBackAsTheSameRemoval() {
        ParsedMessage.Request routed = (ParsedMessage.Request) ROUTING.route(MessageParser.parse(
                "{\"AccountId\":\"acct-1\",\"RoomId\":\"sales\",\"MemberId\":\"alice\",\"Action\":\"Remove\"}"));
        Membership member = routed.members().get(0);

        WrittenLetter letter = written(routed, member.memberId(), member.namedRole(),
                member.type().wireName(), "Forbidden", "not allowed", "msg-4", AT);

        assertThat(letter).isEqualTo(new WrittenLetter("msg-4", "Forbidden", "{\"AccountId\":\"acct-1\",\"RoomId\":"
                + "\"sales\",\"MembershipItemList\":[{\"MemberId\":\"alice\"}],"
                + "\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":\"" + ALICE + "\",\"Action\":\"Remove\","
                + "\"ErrorCode\":\"Forbidden\",\"ErrorMessage\":\"not allowed\",\"SourceMessageId\":\"msg-4\","
                + "\"FailedAt\":\"2026-11-26T10:00:00Z\"}", Optional.of("alice")));
        assertThat(MessageParser.parse(letter.body())).isEqualTo(new ParsedMessage.Request(ROOM,
                List.of(Membership.withoutRole("alice")), List.of(), Action.REMOVE));
        assertThat(ROUTING.route(MessageParser.parse(letter.body()))).isEqualTo(routed);
    }

    @Test
    void aRejectedChannelItemsLetterKeepsItsValuesAsGivenAndIsRejectedAgainWhenRead() {
        ParsedMessage.Request request = channelRequest("{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArns\":[\""
                + ALICE + "\",7],\"Type\":\"hidden\"}");

        List<WrittenLetter> letters = request.rejected().stream()
                .map(item -> written(request, item.memberId(), item.role(), item.type(),
                        item.errorCode(), item.reason(), "msg-3", AT))
                .toList();

        String end = ",\"SourceMessageId\":\"msg-3\",\"FailedAt\":\"2026-11-26T10:00:00Z\"}";
        assertThat(letters).containsExactly(
                new WrittenLetter("msg-3", "BadRequest", "{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":\""
                        + ALICE + "\",\"Type\":\"hidden\",\"ErrorCode\":\"BadRequest\","
                        + "\"ErrorMessage\":\"Type must be DEFAULT or HIDDEN, not 'hidden'\"" + end, Optional.of(ALICE)),
                new WrittenLetter("msg-3", "BadRequest", "{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":null,"
                        + "\"Type\":\"hidden\",\"ErrorCode\":\"BadRequest\","
                        + "\"ErrorMessage\":\"MemberArns item 2 is not a string\"" + end, Optional.empty()));
        assertThat(letters).extracting(letter -> MessageParser.parse(letter.body())).containsExactly(
                new ParsedMessage.Request(CHANNEL, List.of(), List.of(new RejectedItem(ALICE, null, "hidden",
                        ErrorCodes.BAD_REQUEST, "Type must be DEFAULT or HIDDEN, not 'hidden'"))),
                new ParsedMessage.Request(CHANNEL, List.of(), List.of(new RejectedItem(null, null, "hidden",
                        ErrorCodes.BAD_REQUEST, "MemberArn must be a string"))));
    }

    @Test
    void aRoutedMembersLetterIsTheProducersLegacyFormPlusTheChannelAndMemberArnAndReadsBackAsTheLegacyRequest() {
        ParsedMessage legacy = MessageParser.parse("{\"AccountId\":\"acct-1\",\"RoomId\":\"sales\","
                + "\"MembershipItemList\":[{\"MemberId\":\"alice\",\"Role\":\"Administrator\"},{\"MemberId\":\"bob\"}]}");
        ParsedMessage.Request routed = (ParsedMessage.Request) ROUTING.route(legacy);

        WrittenLetter letter = written(routed, ALICE, "Administrator", "DEFAULT", "NotFound",
                "no such user", "msg-4", AT);

        assertThat(letter).isEqualTo(new WrittenLetter("msg-4", "NotFound", "{\"AccountId\":\"acct-1\",\"RoomId\":"
                + "\"sales\",\"MembershipItemList\":[{\"MemberId\":\"alice\",\"Role\":\"Administrator\"}],"
                + "\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":\"" + ALICE + "\",\"ErrorCode\":\"NotFound\","
                + "\"ErrorMessage\":\"no such user\",\"SourceMessageId\":\"msg-4\",\"FailedAt\":\"2026-11-26T10:00:00Z\"}",
                Optional.of("alice")));
        assertThat(MessageParser.parse(letter.body())).isEqualTo(new ParsedMessage.Request(ROOM,
                List.of(new Membership("alice", Role.ADMINISTRATOR)), List.of()));
        assertThat(ROUTING.route(MessageParser.parse(letter.body()))).isEqualTo(new ParsedMessage.Request(CHANNEL,
                List.of(new Membership(ALICE, Role.ADMINISTRATOR)), List.of(),
                Optional.of(new ParsedMessage.Routed(ROOM, Map.of(ALICE, "alice")))));
    }

    @Test
    void aRoutedItemThatNeverHadAnArnKeepsItsLegacyMemberIdAndNamesTheChannelOnly() {
        ParsedMessage.Request routed = (ParsedMessage.Request) ROUTING.route(MessageParser.parse(
                "{\"AccountId\":\"acct-1\",\"RoomId\":\"sales\",\"MemberId\":\"a/b\",\"Role\":\"Administrator\"}"));
        RejectedItem item = routed.rejected().get(0);

        WrittenLetter letter = written(routed, item.memberId(), item.role(), item.type(),
                item.errorCode(), "bad MemberArn", "msg-5", AT);

        assertThat(letter).isEqualTo(new WrittenLetter("msg-5", "BadRequest", "{\"AccountId\":\"acct-1\",\"RoomId\":"
                + "\"sales\",\"MembershipItemList\":[{\"MemberId\":\"a/b\",\"Role\":\"Administrator\"}],"
                + "\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"ErrorCode\":\"BadRequest\",\"ErrorMessage\":"
                + "\"bad MemberArn\",\"SourceMessageId\":\"msg-5\",\"FailedAt\":\"2026-11-26T10:00:00Z\"}",
                Optional.of("a/b")));
        assertThat(MessageParser.parse(letter.body())).isEqualTo(new ParsedMessage.Request(ROOM,
                List.of(new Membership("a/b", Role.ADMINISTRATOR)), List.of()));
    }

    @ParameterizedTest
    @CsvSource({"Member, DEFAULT", "Administrator, DEFAULT", "Member, HIDDEN", "Administrator, HIDDEN"})
    void everyRoleAndTypeReadsBackFromAChannelLetter(String role, String type) {
        ParsedMessage.Request request = channelRequest("{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":\""
                + ALICE + "\",\"Type\":\"" + type + "\",\"Role\":\"" + role + "\"}");

        WrittenLetter letter = written(request, ALICE, role, type, "Forbidden", "no", "msg-6", AT);

        assertThat(MessageParser.parse(letter.body())).isEqualTo(request);
    }

    @Test
    void aChannelLetterWithAHugeMemberArnIsCutToFitOneSqsMessageAndSaysSo() throws Exception {
        // 200 KiB in UTF-8, and six times that once escaped.
        String memberArn = APP + "/user/" + "\u00e9".repeat(100 * 1024);
        ParsedMessage.Request request = channelRequest("{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":\""
                + memberArn + "\"}");
        RejectedItem item = request.rejected().get(0);

        WrittenLetter letter = written(request, item.memberId(), item.role(), item.type(),
                item.errorCode(), item.reason(), "msg-7", AT);

        assertThat(recordBytes(letter)).isLessThanOrEqualTo(SQS_MESSAGE_LIMIT);
        JsonNode body = JSON.readTree(letter.body());
        assertThat(body.path("MemberArn").asText()).startsWith(APP + "/user/\u00e9")
                .endsWith("...[truncated: the original MemberArn had " + memberArn.length() + " characters]");
        assertThat(body.path("ChannelArn").asText()).isEqualTo(CHANNEL_ARN);
        assertThat(body.path("ErrorMessage").asText()).isEqualTo(item.reason());
    }

    @Test
    void everyValueOfARoutedLetterIsCutWhenNoSingleOneMakesItTooLarge() throws Exception {
        ParsedMessage.Request routed = (ParsedMessage.Request) ROUTING.route(MessageParser.parse(
                "{\"AccountId\":\"acct-1\",\"RoomId\":\"sales\",\"MemberId\":\"alice\"}"));
        String large = "v".repeat(90_000);

        WrittenLetter letter = written(routed, ALICE, large, null, "NotFound", large, large, AT);

        assertThat(recordBytes(letter)).isLessThanOrEqualTo(SQS_MESSAGE_LIMIT);
        JsonNode body = JSON.readTree(letter.body());
        assertThat(List.of(body.path("MembershipItemList").path(0).path("Role").asText(),
                body.path("ErrorMessage").asText(), body.path("SourceMessageId").asText()))
                .allSatisfy(value -> assertThat(value).endsWith("had 90000 characters]"));
        assertThat(List.of(body.path("MembershipItemList").path(0).path("MemberId").asText(),
                body.path("ChannelArn").asText(), body.path("MemberArn").asText()))
                .containsExactly("alice", CHANNEL_ARN, ALICE);
    }

    @Test
    void aHugeErrorMessageInAChannelLetterIsCutAndTheLetterStillReadsBackAsTheRequest() throws Exception {
        ParsedMessage.Request request = channelRequest("{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":\""
                + ALICE + "\",\"Type\":\"HIDDEN\"}");
        String message = "\u0001".repeat(256 * 1024);

        WrittenLetter letter = written(request, ALICE, null, "HIDDEN", "ServiceFailure", message,
                "msg-8", AT);

        assertThat(recordBytes(letter)).isLessThanOrEqualTo(SQS_MESSAGE_LIMIT);
        assertThat(JSON.readTree(letter.body()).path("ErrorMessage").asText())
                .endsWith("...[truncated: the original ErrorMessage had 262144 characters]");
        assertThat(MessageParser.parse(letter.body())).isEqualTo(request);
    }

    private static ParsedMessage.Request channelRequest(String body) {
        return (ParsedMessage.Request) MessageParser.parse(body);
    }

    /** A member's letter as the queue gets it. */
    private static WrittenLetter written(ParsedMessage.Request request, String memberId, String role, String type,
                                         String errorCode, String message, String sourceMessageId, Instant failedAt) {
        return WrittenLetter.of(Letter.ForMember.of(request, memberId, role, type, errorCode, message, sourceMessageId,
                failedAt));
    }

    /** What SQS counts against its limit: the body, and the attribute's name, type and value. */
    private static int recordBytes(WrittenLetter letter) {
        return letter.body().getBytes(StandardCharsets.UTF_8).length + "ErrorCode".length() + "String".length()
                + letter.errorCode().getBytes(StandardCharsets.UTF_8).length;
    }
}

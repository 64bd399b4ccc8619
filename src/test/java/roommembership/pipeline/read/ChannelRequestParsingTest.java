package roommembership.pipeline.read;

import roommembership.model.Text;

import roommembership.model.Action;
import roommembership.model.ErrorCodes;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Forms 3 and 4: a channel request, its strict ARNs, and what makes a body a legacy request instead. */
class ChannelRequestParsingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP = "arn:aws:chime:us-east-1:111122223333:app-instance/hr";
    private static final String CHANNEL_ARN = APP + "/channel/sales";
    private static final ChannelKey CHANNEL = new ChannelKey(CHANNEL_ARN, "us-east-1", APP);
    private static final String ALICE = APP + "/user/alice";
    private static final String BOB = APP + "/user/bob";
    private static final String BOT = APP + "/bot/onboarding";
    private static final String CHANNEL_RULE = "arn:aws:chime:<region>:<12-digit account>:app-instance/<id>/channel/"
            + "<id>, each id 1 to 64 letters, digits or : - _ . @, starting and ending with a letter or digit";
    private static final String MEMBER_RULE = "arn:aws:chime:<region>:<12-digit account>:app-instance/<id>/user/<id> "
            + "or .../bot/<id>, each id 1 to 64 letters, digits or : - _ . @, starting and ending with a letter or digit";
    /** Longer than any reason that quotes its values cut, far shorter than the unbounded values of these tests. */
    private static final int MAX_REASON_CHARS = 700;

    @Test
    void readsForm3WithItsTypeAndRoleForEveryMember() {
        ParsedMessage parsed = MessageParser.parse(json(Map.of("ChannelArn", CHANNEL_ARN,
                "MemberArns", List.of(ALICE, BOT), "Type", "HIDDEN", "Role", "Administrator")));

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(CHANNEL, List.of(
                new Membership(ALICE, Role.ADMINISTRATOR, MembershipType.HIDDEN),
                new Membership(BOT, Role.ADMINISTRATOR, MembershipType.HIDDEN)), List.of()));
    }

    @Test
    void readsForm4AndIgnoresUnknownFields() {
        ParsedMessage parsed = MessageParser.parse("""
                {"Ticket":{"id":[1,{"x":null}]},"ChannelArn":"%s","MemberArn":"%s","Type":"DEFAULT",
                 "Role":"Member","RequestedBy":"hr"}""".formatted(CHANNEL_ARN, ALICE));

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(
                CHANNEL, List.of(new Membership(ALICE, Role.MEMBER, MembershipType.DEFAULT)), List.of()));
    }

    @Test
    void typeDefaultsToDefaultAndRoleToMember() {
        assertThat(MessageParser.parse(json(Map.of("ChannelArn", CHANNEL_ARN, "MemberArns", List.of(ALICE, BOB)))))
                .isEqualTo(new ParsedMessage.Request(CHANNEL, List.of(
                        Membership.withoutRole(ALICE, MembershipType.DEFAULT),
                        Membership.withoutRole(BOB, MembershipType.DEFAULT)), List.of()));
        assertThat(MessageParser.parse("{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":\"" + BOT
                + "\",\"Type\":null,\"Role\":null}")).isEqualTo(new ParsedMessage.Request(
                CHANNEL, List.of(Membership.withoutRole(BOT, MembershipType.DEFAULT)), List.of()));
    }

    @Test
    void theChannelsRegionAndAppInstanceAreReadFromItsArn() {
        String app = "arn:aws:chime:eu-central-1:444455556666:app-instance/a1b2c3d4-5e6f-4a0b-9c8d-7e6f5a4b3c2d";
        String channel = app + "/channel/c:9_x.y@z-1";

        ParsedMessage parsed = MessageParser.parse(json(Map.of("ChannelArn", channel, "MemberArn", app + "/user/u1")));

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(new ChannelKey(channel, "eu-central-1", app),
                List.of(Membership.withoutRole(app + "/user/u1")), List.of()));
    }

    @Test
    void unwrapsBothChannelFormsFromAnSnsNotification() {
        String form3 = json(Map.of("ChannelArn", CHANNEL_ARN, "MemberArns", List.of(ALICE), "Type", "HIDDEN"));
        String form4 = json(Map.of("ChannelArn", CHANNEL_ARN, "MemberArn", BOB, "Role", "Administrator"));

        assertThat(List.of(form3, form4).stream().map(ChannelRequestParsingTest::snsNotification)
                .map(MessageParser::parse).toList()).containsExactly(
                new ParsedMessage.Request(CHANNEL,
                        List.of(Membership.withoutRole(ALICE, MembershipType.HIDDEN)), List.of()),
                new ParsedMessage.Request(CHANNEL,
                        List.of(new Membership(BOB, Role.ADMINISTRATOR, MembershipType.DEFAULT)), List.of()));
    }

    static Stream<Arguments> actionFields() {
        return Stream.of(
                Arguments.of(Map.of(), Action.ADD),
                Arguments.of(Map.of("Action", "Add"), Action.ADD),
                Arguments.of(Map.of("Action", "Remove"), Action.REMOVE));
    }

    @ParameterizedTest
    @MethodSource("actionFields")
    void form3AsksForItsActionAndAnAddWhenItNamesNone(Map<String, String> action, Action expected) {
        Map<String, Object> fields = new LinkedHashMap<>(Map.of("ChannelArn", CHANNEL_ARN,
                "MemberArns", List.of(ALICE, BOT)));
        fields.putAll(action);

        assertThat(MessageParser.parse(json(fields))).isEqualTo(new ParsedMessage.Request(CHANNEL,
                List.of(Membership.withoutRole(ALICE), Membership.withoutRole(BOT)), List.of(), expected));
    }

    @ParameterizedTest
    @MethodSource("actionFields")
    void form4AsksForItsActionAndAnAddWhenItNamesNone(Map<String, String> action, Action expected) {
        Map<String, Object> fields = new LinkedHashMap<>(Map.of("ChannelArn", CHANNEL_ARN, "MemberArn", BOB,
                "Type", "HIDDEN"));
        fields.putAll(action);

        assertThat(MessageParser.parse(json(fields))).isEqualTo(new ParsedMessage.Request(CHANNEL,
                List.of(Membership.withoutRole(BOB, MembershipType.HIDDEN)), List.of(), expected));
    }

    @Test
    void aRemovalInsideAnSnsNotificationIsARemovalInBothChannelForms() {
        String form3 = json(Map.of("ChannelArn", CHANNEL_ARN, "MemberArns", List.of(ALICE), "Action", "Remove"));
        String form4 = json(Map.of("ChannelArn", CHANNEL_ARN, "MemberArn", BOB, "Action", "Remove"));

        assertThat(Stream.of(form3, form4).map(ChannelRequestParsingTest::snsNotification)
                .map(MessageParser::parse).toList()).containsExactly(
                new ParsedMessage.Request(CHANNEL, List.of(Membership.withoutRole(ALICE)), List.of(), Action.REMOVE),
                new ParsedMessage.Request(CHANNEL, List.of(Membership.withoutRole(BOB)), List.of(), Action.REMOVE));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "\"remove\"             | remove",
            "\"REMOVE\"             | REMOVE",
            "\"\"                   | ``",
            "7                      | 7",
            "{\"Do\":\"Remove\"}      | {...}",
    })
    void anActionOtherThanAddOrRemoveMakesAChannelMessageInvalidInBothForms(String actionJson, String quoted) {
        String form3 = "{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArns\":[\"" + ALICE + "\"],\"Action\":"
                + actionJson + "}";
        String form4 = "{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":\"" + ALICE + "\",\"Action\":"
                + actionJson + "}";
        ParsedMessage.Invalid expected = new ParsedMessage.Invalid(
                "Action must be Add or Remove, not '" + quoted + "'");

        assertThat(Stream.of(form3, form4, snsNotification(form4)).map(MessageParser::parse).toList())
                .containsExactly(expected, expected, expected);
    }

    @Test
    void aMemberNamedTwiceInOneMessageIsKeptOnce() {
        ParsedMessage parsed = MessageParser.parse(json(Map.of("ChannelArn", CHANNEL_ARN,
                "MemberArns", List.of(ALICE, BOB, ALICE))));

        assertThat(((ParsedMessage.Request) parsed).members())
                .containsExactly(Membership.withoutRole(BOB), Membership.withoutRole(ALICE));
    }

    @Test
    void memberArnsAndMemberArnTogetherAreOneRequest() {
        ParsedMessage parsed = MessageParser.parse(json(Map.of("ChannelArn", CHANNEL_ARN,
                "MemberArns", List.of(ALICE), "MemberArn", BOT)));

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(CHANNEL,
                List.of(Membership.withoutRole(ALICE), Membership.withoutRole(BOT)), List.of()));
    }

    static Stream<Arguments> channelBodiesNamingALegacyField() {
        String channel = "\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":\"" + ALICE + "\"";
        return Stream.of(
                Arguments.of("{" + channel + ",\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MemberId\":\"u1\"}",
                        new ParsedMessage.Request(new RoomKey("acct", "room"),
                                List.of(Membership.withoutRole("u1")), List.of())),
                Arguments.of("{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MembershipItemList\":[{\"MemberId\":"
                                + "\"u1\",\"Role\":\"Administrator\"}]," + channel + ",\"Type\":\"HIDDEN\"}",
                        new ParsedMessage.Request(new RoomKey("acct", "room"),
                                List.of(new Membership("u1", Role.ADMINISTRATOR)), List.of())),
                Arguments.of("{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MemberId\":\"u1\",\"ChannelArn\":7,"
                                + "\"MemberArns\":{\"Ticket\":1},\"MemberArn\":[]}",
                        new ParsedMessage.Request(new RoomKey("acct", "room"),
                                List.of(Membership.withoutRole("u1")), List.of())),
                Arguments.of("{" + channel + ",\"AccountId\":\"acct\"}", new ParsedMessage.Invalid(
                        "RoomId is missing or blank")),
                Arguments.of("{" + channel + ",\"RoomId\":\"room\"}", new ParsedMessage.Invalid(
                        "AccountId is missing or blank")),
                Arguments.of("{" + channel + ",\"MemberId\":\"u1\"}", new ParsedMessage.Invalid(
                        "AccountId is missing or blank")),
                Arguments.of("{" + channel + ",\"MembershipItemList\":[]}", new ParsedMessage.Invalid(
                        "AccountId is missing or blank")),
                Arguments.of("{" + channel + ",\"MembershipItemList\":null}", new ParsedMessage.Invalid(
                        "AccountId is missing or blank")),
                Arguments.of("{" + channel + ",\"MemberId\":null}", new ParsedMessage.Invalid(
                        "AccountId is missing or blank")),
                Arguments.of("{" + channel + ",\"AccountId\":null}", new ParsedMessage.Invalid(
                        "AccountId is missing or blank")),
                Arguments.of("{" + channel + ",\"RoomId\":null}", new ParsedMessage.Invalid(
                        "AccountId is missing or blank")),
                Arguments.of("{" + channel + ",\"AccountId\":\"acct\",\"RoomId\":null}", new ParsedMessage.Invalid(
                        "RoomId is missing or blank")),
                Arguments.of("{" + channel + ",\"AccountId\":\"acct\",\"RoomId\":null,\"MemberId\":\"u1\"}",
                        new ParsedMessage.Invalid("RoomId is missing or blank")));
    }

    @ParameterizedTest
    @MethodSource("channelBodiesNamingALegacyField")
    void aBodyNamingAnyLegacyFieldIsALegacyRequestWhateverElseItHolds(String body, ParsedMessage expected) {
        assertThat(MessageParser.parse(body)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"ChannelArn\":\"" + CHANNEL_ARN + "\"}                      | no members: give a non-empty MemberArns or a MemberArn",
            "{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArns\":[]}    | no members: give a non-empty MemberArns or a MemberArn",
            "{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArns\":null}  | no members: give a non-empty MemberArns or a MemberArn",
            "{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArns\":\"" + ALICE + "\"} | MemberArns must be an array",
            "{\"MemberArn\":\"" + ALICE + "\"}                             | ChannelArn is missing or blank",
            "{\"MemberArns\":[\"" + ALICE + "\"]}                          | ChannelArn is missing or blank",
            "{\"ChannelArn\":null,\"MemberArn\":\"" + ALICE + "\"}         | ChannelArn is missing or blank",
            "{\"ChannelArn\":\" \",\"MemberArn\":\"" + ALICE + "\"}        | ChannelArn is missing or blank",
            "{\"ChannelArn\":[\"" + CHANNEL_ARN + "\"],\"MemberArn\":\"" + ALICE + "\"} | ChannelArn must be a string",
            "{\"ChannelArn\":7,\"MemberArn\":\"" + ALICE + "\"}            | ChannelArn must be a string",
    })
    void aChannelBodyWithoutAChannelOrMembersIsInvalidAndSaysWhy(String body, String reason) {
        assertThat(MessageParser.parse(body)).isEqualTo(new ParsedMessage.Invalid(reason));
    }

    @Test
    void aSecondChannelArnInOneBodyIsInvalidSoItCanNeverRedirectARequest() {
        String body = "{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"ChannelArn\":\"" + APP + "/channel/leadership\","
                + "\"MemberArn\":\"" + ALICE + "\"}";

        assertThat(MessageParser.parse(body)).isInstanceOfSatisfying(ParsedMessage.Invalid.class, invalid ->
                assertThat(invalid.reason()).startsWith("body is not valid JSON: Duplicate field 'ChannelArn'"));
    }

    static Stream<Arguments> bodiesWithACallerField() {
        String chimeBearer = "ChimeBearer is not a request field: the function calls Chime only as the "
                + "AppInstanceUser or AppInstanceBot its CHIME_BEARER_ARN names";
        String subChannel = "SubChannelId is not a request field: the function manages whole channels, not the "
                + "sub-channels of elastic channels";
        String form4 = "\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":\"" + ALICE + "\"";
        return Stream.of(
                Arguments.of("{" + form4 + ",\"ChimeBearer\":\"" + BOT + "\"}", chimeBearer),
                Arguments.of("{" + form4 + ",\"ChimeBearer\":null}", chimeBearer),
                Arguments.of("{\"ChimeBearer\":{\"Arn\":\"" + BOT + "\"}," + form4 + "}", chimeBearer),
                Arguments.of("{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArns\":[\"" + ALICE + "\"],"
                        + "\"ChimeBearer\":\"" + BOT + "\"}", chimeBearer),
                Arguments.of("{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MemberId\":\"u1\",\"ChimeBearer\":\""
                        + BOT + "\"}", chimeBearer),
                Arguments.of(snsNotification("{" + form4 + ",\"ChimeBearer\":\"" + BOT + "\"}"), chimeBearer),
                Arguments.of("{" + form4 + ",\"SubChannelId\":\"sub-1\"}", subChannel),
                Arguments.of("{" + form4 + ",\"SubChannelId\":7}", subChannel),
                Arguments.of(snsNotification("{" + form4 + ",\"SubChannelId\":\"sub-1\"}"), subChannel));
    }

    @ParameterizedTest
    @MethodSource("bodiesWithACallerField")
    void aBodyThatNamesTheCallerOrASubChannelIsInvalidWhateverItsForm(String body, String reason) {
        assertThat(MessageParser.parse(body)).isEqualTo(new ParsedMessage.Invalid(reason));
    }

    @ParameterizedTest
    @ValueSource(ints = {1_000, 1_001, 3_000})
    void acceptsAtMostOneThousandMemberArns(int count) {
        List<String> arns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            arns.add(APP + "/user/u" + i);
        }

        ParsedMessage parsed = MessageParser.parse(json(Map.of("ChannelArn", CHANNEL_ARN, "MemberArns", arns)));

        if (count <= MessageParser.MAX_ITEMS) {
            assertThat(((ParsedMessage.Request) parsed).members()).hasSize(count);
        } else {
            assertThat(parsed).isInstanceOfSatisfying(ParsedMessage.Invalid.class,
                    invalid -> assertThat(invalid.reason()).startsWith("too many members:")
                            .endsWith(" per message").contains("1000"));
        }
    }

    @Test
    void aLegacyRequestIsReadWhateverMemberArnsItHolds() {
        List<String> arns = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            arns.add("u" + i);
        }

        ParsedMessage parsed = MessageParser.parse(json(Map.of("AccountId", "acct", "RoomId", "room",
                "MemberId", "u1", "MemberArns", arns)));

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(new RoomKey("acct", "room"),
                List.of(Membership.withoutRole("u1")), List.of()));
    }

    @Test
    void aThousandMemberArnsAndOneMemberArnAreTooMany() {
        List<String> arns = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            arns.add(APP + "/user/u" + i);
        }

        assertThat(MessageParser.parse(json(Map.of("ChannelArn", CHANNEL_ARN, "MemberArns", arns, "MemberArn", BOT))))
                .isEqualTo(new ParsedMessage.Invalid("too many members: 1001 items, at most 1000 per message"));
    }

    static Stream<String> channelArnsOfTheDocumentedShape() {
        return Stream.of(CHANNEL_ARN,
                "arn:aws:chime:us-east-1:000000000000:app-instance/a/channel/b",
                "arn:aws:chime:eu-central-1:111122223333:app-instance/hr/channel/" + "c".repeat(64),
                "arn:aws:chime:ap-southeast-2:111122223333:app-instance/" + "a".repeat(64) + "/channel/x",
                "arn:aws:chime:us-east-1:111122223333:app-instance/a:b-c_d.e@f9/channel/A:B-C_D.E@F9",
                "arn:aws:chime:us-east-1:111122223333:app-instance/a1b2c3d4-5e6f-4a0b-9c8d-7e6f5a4b3c2d/channel/"
                        + "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0");
    }

    @ParameterizedTest
    @MethodSource("channelArnsOfTheDocumentedShape")
    void aChannelArnOfTheDocumentedShapeNamesTheChannel(String arn) {
        assertThat(MessageParser.parse(json(Map.of("ChannelArn", arn, "MemberArn",
                arn.substring(0, arn.indexOf("/channel/")) + "/user/u1"))))
                .isInstanceOfSatisfying(ParsedMessage.Request.class, request -> assertThat(request.target())
                        .isEqualTo(ChannelKey.of(arn).orElseThrow()).extracting(c -> ((ChannelKey) c).arn())
                        .isEqualTo(arn));
    }

    static Stream<Arguments> channelArnsThatAreNotOne() {
        String shape = "ChannelArn must be " + CHANNEL_RULE + ", not ";
        String longArn = APP + "/channel/" + "c".repeat(1_600 - APP.length() - 9 + 1);
        String longBadShape = APP + "/channel/" + "c".repeat(1_600 - APP.length() - 9);
        return Stream.of(
                Arguments.of("arn:aws:sqs:us-east-1:111122223333:new-hires", shape + "'arn:aws:sqs:us-east-1:"
                        + "111122223333:new-hires'"),
                Arguments.of("arn:aws:chime:us-east-1:111122223333:app-instance/hr", shape + "'" + APP + "'"),
                Arguments.of(ALICE, shape + "'" + ALICE + "'"),
                Arguments.of(APP + "/channel/sales/extra", shape + "'" + APP + "/channel/sales/extra'"),
                Arguments.of(APP + "/channel/", shape + "'" + APP + "/channel/'"),
                Arguments.of(APP + "/channel/-sales", shape + "'" + APP + "/channel/-sales'"),
                Arguments.of(APP + "/channel/sales.", shape + "'" + APP + "/channel/sales.'"),
                Arguments.of(APP + "/channel/s a", shape + "'" + APP + "/channel/s a'"),
                Arguments.of(APP + "/channel/sales ", shape + "'" + APP + "/channel/sales '"),
                Arguments.of(" " + CHANNEL_ARN, shape + "' " + CHANNEL_ARN + "'"),
                Arguments.of(APP + "/channel/räume", shape + "'" + APP + "/channel/räume'"),
                Arguments.of(APP + "/channel/" + "c".repeat(65), shape + Text.quoted(
                        APP + "/channel/" + "c".repeat(65))),
                Arguments.of("arn:aws:chime:us-east-1:11112222333:app-instance/hr/channel/sales",
                        shape + "'arn:aws:chime:us-east-1:11112222333:app-instance/hr/channel/sales'"),
                Arguments.of("arn:aws:chime:us-east-1:1111222233334:app-instance/hr/channel/sales",
                        shape + "'arn:aws:chime:us-east-1:1111222233334:app-instance/hr/channel/sales'"),
                Arguments.of("arn:aws:chime:US-EAST-1:111122223333:app-instance/hr/channel/sales",
                        shape + "'arn:aws:chime:US-EAST-1:111122223333:app-instance/hr/channel/sales'"),
                Arguments.of("arn:aws:chime::111122223333:app-instance/hr/channel/sales",
                        shape + "'arn:aws:chime::111122223333:app-instance/hr/channel/sales'"),
                Arguments.of("arn:aws-cn:chime:cn-north-1:111122223333:app-instance/hr/channel/sales",
                        shape + "'arn:aws-cn:chime:cn-north-1:111122223333:app-instance/hr/channel/sales'"),
                Arguments.of("ARN:AWS:CHIME:us-east-1:111122223333:app-instance/hr/channel/sales",
                        shape + "'ARN:AWS:CHIME:us-east-1:111122223333:app-instance/hr/channel/sales'"),
                Arguments.of(APP + "/channel/a..b", "ChannelArn contains '..', which no Chime id has: '" + APP
                        + "/channel/a..b'"),
                Arguments.of(APP + "/channel/../channel/leadership", "ChannelArn contains '..', which no Chime id "
                        + "has: '" + APP + "/channel/../channel/leadership'"),
                Arguments.of(APP + "/channel/sales%2F..%2Fleadership", "ChannelArn contains '%': an ARN is sent as "
                        + "it is, never percent-encoded, so no encoded '/' can change the path: '" + APP
                        + "/channel/sales%2F..%2Fleadership'"),
                Arguments.of(APP + "/channel/sales%", "ChannelArn contains '%': an ARN is sent as it is, never "
                        + "percent-encoded, so no encoded '/' can change the path: '" + APP + "/channel/sales%'"),
                Arguments.of(CHANNEL_ARN + "\u0000", "ChannelArn contains the control character U+0000"),
                Arguments.of(CHANNEL_ARN + "\r\n", "ChannelArn contains the control character U+000D"),
                Arguments.of(CHANNEL_ARN + "\u007f", "ChannelArn contains the control character U+007F"),
                Arguments.of(CHANNEL_ARN + "\u009b", "ChannelArn contains the control character U+009B"),
                Arguments.of(longArn, "ChannelArn has 1601 characters, more than 1600"),
                Arguments.of("x".repeat(200 * 1024), "ChannelArn has 204800 characters, more than 1600"),
                Arguments.of(longBadShape, shape + "'" + longBadShape.substring(0, 100) + "...' (1600 characters)"));
    }

    @ParameterizedTest
    @MethodSource("channelArnsThatAreNotOne")
    void aChannelArnThatIsNotOneMakesTheWholeMessageInvalidAndSaysWhatIsWrong(String arn, String reason) {
        ParsedMessage parsed = MessageParser.parse(json(Map.of("ChannelArn", arn, "MemberArn", ALICE)));

        assertThat(parsed).isEqualTo(new ParsedMessage.Invalid(reason));
        assertThat(reason).hasSizeLessThan(MAX_REASON_CHARS);
    }

    @Test
    void aChannelArnInsideAnSnsMessageIsHeldToTheSameRule() {
        String inner = json(Map.of("ChannelArn", "arn:aws:sqs:us-east-1:111122223333:new-hires", "MemberArn", ALICE));

        assertThat(MessageParser.parse(snsNotification(inner))).isEqualTo(new ParsedMessage.Invalid(
                "ChannelArn must be " + CHANNEL_RULE + ", not 'arn:aws:sqs:us-east-1:111122223333:new-hires'"));
    }

    @Test
    void userAndBotArnsOfTheChannelsAppInstanceAreMembers() {
        String edgeIds = APP + "/user/" + "u".repeat(64);
        String punctuated = APP + "/bot/b:1-2_3.4@5";
        String single = APP + "/user/x";

        ParsedMessage parsed = MessageParser.parse(json(Map.of("ChannelArn", CHANNEL_ARN,
                "MemberArns", List.of(edgeIds, punctuated, single))));

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(CHANNEL, List.of(Membership.withoutRole(edgeIds),
                Membership.withoutRole(punctuated), Membership.withoutRole(single)), List.of()));
    }

    static Stream<Arguments> memberArnsThatAreNotOne() {
        String shape = "MemberArn must be an AppInstanceUser or AppInstanceBot ARN, " + MEMBER_RULE + ", not ";
        String other = "arn:aws:chime:us-east-1:111122223333:app-instance/finance";
        String otherAccount = "arn:aws:chime:us-east-1:999988887777:app-instance/hr";
        String otherRegion = "arn:aws:chime:eu-west-1:111122223333:app-instance/hr";
        String tooLong = APP + "/user/" + "u".repeat(1_600);
        return Stream.of(
                Arguments.of("arn:aws:sqs:us-east-1:111122223333:new-hires",
                        shape + "'arn:aws:sqs:us-east-1:111122223333:new-hires'"),
                Arguments.of("arn:aws:iam::111122223333:user/alice", shape + "'arn:aws:iam::111122223333:user/alice'"),
                Arguments.of(APP, shape + "'" + APP + "'"),
                Arguments.of(CHANNEL_ARN, shape + "'" + CHANNEL_ARN + "'"),
                Arguments.of(APP + "/users/alice", shape + "'" + APP + "/users/alice'"),
                Arguments.of(APP + "/user/alice/bot/b", shape + "'" + APP + "/user/alice/bot/b'"),
                Arguments.of(APP + "/user/", shape + "'" + APP + "/user/'"),
                Arguments.of(APP + "/user/alice ", shape + "'" + APP + "/user/alice '"),
                Arguments.of(APP + "/user/_alice", shape + "'" + APP + "/user/_alice'"),
                Arguments.of("alice", shape + "'alice'"),
                Arguments.of(other + "/user/alice", "MemberArn '" + other + "/user/alice' belongs to the "
                        + "AppInstance '" + other + "', not to the channel's '" + APP + "'"),
                Arguments.of(otherAccount + "/user/alice", "MemberArn '" + otherAccount + "/user/alice' belongs to "
                        + "the AppInstance '" + otherAccount + "', not to the channel's '" + APP + "'"),
                Arguments.of(otherRegion + "/bot/onboarding", "MemberArn '" + otherRegion + "/bot/onboarding' "
                        + "belongs to the AppInstance '" + otherRegion + "', not to the channel's '" + APP + "'"),
                Arguments.of(APP + "/user/a..b", "MemberArn contains '..', which no Chime id has: '" + APP
                        + "/user/a..b'"),
                Arguments.of(APP + "/user/alice%2F..%2F..%2Ffinance", "MemberArn contains '%': an ARN is sent as it "
                        + "is, never percent-encoded, so no encoded '/' can change the path: '" + APP
                        + "/user/alice%2F..%2F..%2Ffinance'"),
                Arguments.of(APP + "/user/alice\n", "MemberArn contains the control character U+000A"),
                Arguments.of(tooLong, "MemberArn has " + tooLong.length() + " characters, more than 1600"),
                Arguments.of(" ", "MemberArn is missing or blank"));
    }

    @ParameterizedTest
    @MethodSource("memberArnsThatAreNotOne")
    void aMemberArnThatIsNotAMemberOfTheChannelsAppInstanceIsRejectedOnItsOwnAndTheRestGoOn(String arn,
                                                                                          String reason) {
        ParsedMessage parsed = MessageParser.parse(json(Map.of("ChannelArn", CHANNEL_ARN,
                "MemberArns", List.of(ALICE, arn, BOT))));

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(CHANNEL,
                List.of(Membership.withoutRole(ALICE), Membership.withoutRole(BOT)),
                List.of(new RejectedItem(arn, null, null, ErrorCodes.BAD_REQUEST, reason))));
        assertThat(reason).hasSizeLessThan(MAX_REASON_CHARS);
    }

    @Test
    void theOneMemberOfForm4IsRejectedTheSameWayKeepingItsRoleAndType() {
        String other = "arn:aws:chime:us-east-1:111122223333:app-instance/finance/user/alice";

        ParsedMessage parsed = MessageParser.parse(json(Map.of("ChannelArn", CHANNEL_ARN, "MemberArn", other,
                "Type", "HIDDEN", "Role", "Administrator")));

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(CHANNEL, List.of(), List.of(new RejectedItem(other,
                "Administrator", "HIDDEN", ErrorCodes.BAD_REQUEST, "MemberArn '" + other + "' belongs to the "
                + "AppInstance 'arn:aws:chime:us-east-1:111122223333:app-instance/finance', not to the channel's '"
                + APP + "'"))));
    }

    @Test
    void aMemberArnThatIsNotAStringIsRejectedOnItsOwn() {
        ParsedMessage parsed = MessageParser.parse("{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArns\":[\""
                + ALICE + "\",7,null,{\"Arn\":\"" + BOB + "\"},[\"" + BOB + "\"]]}");
        ParsedMessage form4 = MessageParser.parse("{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArn\":[\""
                + ALICE + "\"]}");

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(CHANNEL, List.of(Membership.withoutRole(ALICE)),
                List.of(new RejectedItem(null, null, null, ErrorCodes.BAD_REQUEST, "MemberArns item 2 is not a string"),
                        new RejectedItem(null, null, null, ErrorCodes.BAD_REQUEST, "MemberArns item 3 is not a string"),
                        new RejectedItem(null, null, null, ErrorCodes.BAD_REQUEST, "MemberArns item 4 is not a string"),
                        new RejectedItem(null, null, null, ErrorCodes.BAD_REQUEST, "MemberArns item 5 is not a string"))));
        assertThat(form4).isEqualTo(new ParsedMessage.Request(CHANNEL, List.of(), List.of(
                new RejectedItem(null, null, null, ErrorCodes.BAD_REQUEST, "MemberArn must be a string"))));
    }

    static Stream<Arguments> sharedValuesThatAreWrong() {
        return Stream.of(
                Arguments.of("\"Role\":\"admin\"", "admin", null, "Role must be Administrator or Member, not 'admin'"),
                Arguments.of("\"Role\":\"ADMINISTRATOR\"", "ADMINISTRATOR", null,
                        "Role must be Administrator or Member, not 'ADMINISTRATOR'"),
                Arguments.of("\"Role\":\"Moderator\"", "Moderator", null,
                        "Role must be Administrator or Member, not 'Moderator'"),
                Arguments.of("\"Role\":3", "3", null, "Role must be Administrator or Member, not '3'"),
                Arguments.of("\"Role\":{\"Name\":\"Administrator\"}", "{...}", null,
                        "Role must be Administrator or Member, not '{...}'"),
                Arguments.of("\"Type\":\"hidden\"", null, "hidden", "Type must be DEFAULT or HIDDEN, not 'hidden'"),
                Arguments.of("\"Type\":\"\"", null, "", "Type must be DEFAULT or HIDDEN, not ''"),
                Arguments.of("\"Type\":[\"HIDDEN\"]", null, "[...]", "Type must be DEFAULT or HIDDEN, not '[...]'"),
                Arguments.of("\"Type\":true", null, "true", "Type must be DEFAULT or HIDDEN, not 'true'"),
                Arguments.of("\"Type\":\"HIDDEN\",\"Role\":\"Owner\"", "Owner", "HIDDEN",
                        "Role must be Administrator or Member, not 'Owner'"),
                Arguments.of("\"Type\":\"SECRET\",\"Role\":\"Administrator\"", "Administrator", "SECRET",
                        "Type must be DEFAULT or HIDDEN, not 'SECRET'"));
    }

    @ParameterizedTest
    @MethodSource("sharedValuesThatAreWrong")
    void aWrongRoleOrTypeRejectsEveryMemberOfTheMessageWithTheReason(String field, String role, String type,
                                                                      String reason) {
        ParsedMessage parsed = MessageParser.parse("{\"ChannelArn\":\"" + CHANNEL_ARN + "\",\"MemberArns\":[\""
                + ALICE + "\",\"" + BOT + "\"]," + field + "}");

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(CHANNEL, List.of(), List.of(
                new RejectedItem(ALICE, role, type, ErrorCodes.BAD_REQUEST, reason),
                new RejectedItem(BOT, role, type, ErrorCodes.BAD_REQUEST, reason))));
    }

    @Test
    void aLongRoleOrTypeIsQuotedByItsFirstHundredCharactersOnly() {
        String role = "r".repeat(200 * 1024);
        String type = "t".repeat(200 * 1024);

        ParsedMessage withRole = MessageParser.parse(json(Map.of("ChannelArn", CHANNEL_ARN, "MemberArn", ALICE,
                "Role", role)));
        ParsedMessage withType = MessageParser.parse(json(Map.of("ChannelArn", CHANNEL_ARN, "MemberArn", ALICE,
                "Type", type)));

        assertThat(List.of(withRole, withType)).containsExactly(
                new ParsedMessage.Request(CHANNEL, List.of(), List.of(new RejectedItem(ALICE, role, null,
                        ErrorCodes.BAD_REQUEST, "Role must be Administrator or Member, not '" + "r".repeat(100)
                        + "...' (204800 characters)"))),
                new ParsedMessage.Request(CHANNEL, List.of(), List.of(new RejectedItem(ALICE, null, type,
                        ErrorCodes.BAD_REQUEST, "Type must be DEFAULT or HIDDEN, not '" + "t".repeat(100)
                        + "...' (204800 characters)"))));
    }

    @Test
    void aLongMemberArnOfAnotherShapeIsQuotedByItsFirstHundredCharactersOnly() {
        String arn = APP + "/user/" + "u".repeat(1_500) + "/x";

        ParsedMessage parsed = MessageParser.parse(json(Map.of("ChannelArn", CHANNEL_ARN, "MemberArn", arn)));

        assertThat(((ParsedMessage.Request) parsed).rejected()).singleElement()
                .extracting(RejectedItem::reason).isEqualTo("MemberArn must be an AppInstanceUser or AppInstanceBot "
                        + "ARN, " + MEMBER_RULE + ", not '" + arn.substring(0, 100) + "...' (" + arn.length()
                        + " characters)");
    }

    @Test
    void aTypeInALegacyRequestIsIgnored() {
        ParsedMessage parsed = MessageParser.parse(
                "{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MemberId\":\"u1\",\"Type\":\"HIDDEN\"}");

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(new RoomKey("acct", "room"),
                List.of(Membership.withoutRole("u1", MembershipType.DEFAULT)), List.of()));
    }

    private static String snsNotification(String message) {
        return json(Map.of("Type", "Notification", "MessageId", "5a3e5bb1-0d5c-4f1e-9a7e-0c1f6b2d3e4f",
                "Message", message));
    }

    private static String json(Map<String, ?> fields) {
        try {
            return JSON.writeValueAsString(new LinkedHashMap<>(fields));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

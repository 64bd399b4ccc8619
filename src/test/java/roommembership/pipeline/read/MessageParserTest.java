package roommembership.pipeline.read;

import roommembership.model.Action;
import roommembership.model.Membership;
import roommembership.model.Role;
import roommembership.target.RoomKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class MessageParserTest {
    private static final RoomKey ROOM = new RoomKey("acct-1", "room-1");

    @Test
    void readsTheApiRequestShapeWithRolesAndDefaultsMissingRolesToMember() {
        ParsedMessage parsed = MessageParser.parse("""
                {"AccountId":"acct-1","RoomId":"room-1","MembershipItemList":[
                  {"MemberId":"u1","Role":"Administrator"},{"MemberId":"u2"},{"MemberId":"u3","Role":"Member"}]}""");

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(ROOM, List.of(
                new Membership("u1", Role.ADMINISTRATOR), Membership.withoutRole("u2"),
                new Membership("u3", Role.MEMBER)), List.of()));
    }

    @Test
    void readsTheOneMemberShapeAndIgnoresUnknownFields() {
        ParsedMessage parsed = MessageParser.parse("""
                {"Ticket":{"id":[1,2,{"x":null}]},"AccountId":"acct-1","RoomId":"room-1","MemberId":"u1",
                 "Role":"Administrator","RequestedBy":"hr"}""");

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(
                ROOM, List.of(new Membership("u1", Role.ADMINISTRATOR)), List.of()));
    }

    @Test
    void unwrapsAnSnsNotification() {
        String inner = "{\\\"AccountId\\\":\\\"acct-1\\\",\\\"RoomId\\\":\\\"room-1\\\",\\\"MemberId\\\":\\\"u1\\\"}";

        ParsedMessage parsed = MessageParser.parse(
                "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"Message\":\"" + inner + "\"}");

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(
                ROOM, List.of(Membership.withoutRole("u1")), List.of()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                        | ADD",
            ",\"Action\":\"Add\"       | ADD",
            ",\"Action\":\"Remove\"    | REMOVE",
    })
    void form1AsksForItsActionAndAnAddWhenItNamesNone(String action, Action expected) {
        ParsedMessage parsed = MessageParser.parse("{\"AccountId\":\"acct-1\",\"RoomId\":\"room-1\","
                + "\"MembershipItemList\":[{\"MemberId\":\"u1\"},{\"MemberId\":\"u2\"}]" + action + "}");

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(ROOM,
                List.of(Membership.withoutRole("u1"), Membership.withoutRole("u2")), List.of(), expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                        | ADD",
            ",\"Action\":\"Add\"       | ADD",
            ",\"Action\":\"Remove\"    | REMOVE",
    })
    void form2AsksForItsActionAndAnAddWhenItNamesNone(String action, Action expected) {
        ParsedMessage parsed = MessageParser.parse(
                "{\"AccountId\":\"acct-1\",\"RoomId\":\"room-1\",\"MemberId\":\"u1\"" + action + "}");

        assertThat(parsed).isEqualTo(
                new ParsedMessage.Request(ROOM, List.of(Membership.withoutRole("u1")), List.of(), expected));
    }

    @Test
    void aRemovalInsideAnSnsNotificationIsARemoval() {
        String inner = "{\\\"AccountId\\\":\\\"acct-1\\\",\\\"RoomId\\\":\\\"room-1\\\",\\\"MemberId\\\":\\\"u1\\\","
                + "\\\"Action\\\":\\\"Remove\\\"}";

        ParsedMessage parsed = MessageParser.parse(
                "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"Message\":\"" + inner + "\"}");

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(
                ROOM, List.of(Membership.withoutRole("u1")), List.of(), Action.REMOVE));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "\"remove\"             | remove",
            "\"REMOVE\"             | REMOVE",
            "\"add\"                | add",
            "\"Delete\"             | Delete",
            "\" Remove\"            | ` Remove`",
            "\"\"                   | ``",
            "7                      | 7",
            "true                   | true",
            "{\"Do\":\"Remove\"}      | {...}",
            "[\"Remove\"]           | [...]",
    })
    void anActionOtherThanAddOrRemoveMakesTheWholeMessageInvalid(String actionJson, String quoted) {
        ParsedMessage parsed = MessageParser.parse("{\"AccountId\":\"acct-1\",\"RoomId\":\"room-1\","
                + "\"MembershipItemList\":[{\"MemberId\":\"u1\"}],\"Action\":" + actionJson + "}");

        assertThat(parsed).isEqualTo(new ParsedMessage.Invalid("Action must be Add or Remove, not '" + quoted + "'"));
    }

    @Test
    void anActionInsideAnSnsMessageIsHeldToTheSameRule() {
        String inner = "{\\\"AccountId\\\":\\\"acct-1\\\",\\\"RoomId\\\":\\\"room-1\\\",\\\"MemberId\\\":\\\"u1\\\","
                + "\\\"Action\\\":\\\"remove\\\"}";

        assertThat(MessageParser.parse("{\"Type\":\"Notification\",\"Message\":\"" + inner + "\"}"))
                .isEqualTo(new ParsedMessage.Invalid("Action must be Add or Remove, not 'remove'"));
    }

    @Test
    void snsEnvelopeWhoseMessageIsNotJsonIsInvalid() {
        assertThat(MessageParser.parse("{\"Type\":\"Notification\",\"Message\":\"add u1 please\"}"))
                .isInstanceOfSatisfying(ParsedMessage.Invalid.class,
                        invalid -> assertThat(invalid.reason()).startsWith("SNS Message is not valid JSON"));
    }

    @Test
    void aMemberNamedTwiceInOneMessageIsKeptOnceWithTheLaterRole() {
        ParsedMessage parsed = MessageParser.parse("""
                {"AccountId":"acct-1","RoomId":"room-1","MembershipItemList":[
                  {"MemberId":"u1","Role":"Member"},{"MemberId":"u2"},{"MemberId":"u1","Role":"Administrator"}]}""");

        assertThat(((ParsedMessage.Request) parsed).members())
                .containsExactly(Membership.withoutRole("u2"), new Membership("u1", Role.ADMINISTRATOR));
    }

    @Test
    void aLaterItemWithoutRoleKeepsTheRoleAnEarlierItemOfTheMessageNamed() {
        ParsedMessage parsed = MessageParser.parse("""
                {"AccountId":"acct-1","RoomId":"room-1","MembershipItemList":[
                  {"MemberId":"u1","Role":"Administrator"},{"MemberId":"u2","Role":"Member"},{"MemberId":"u1"},
                  {"MemberId":"u2"}]}""");

        // As two messages of one batch would be merged: a request without Role never undoes a named one.
        assertThat(((ParsedMessage.Request) parsed).members())
                .containsExactly(new Membership("u1", Role.ADMINISTRATOR), new Membership("u2", Role.MEMBER));
    }

    @Test
    void badItemsAreRejectedOneByOneAndTheRestGoOn() {
        ParsedMessage parsed = MessageParser.parse("""
                {"AccountId":"acct-1","RoomId":"room-1","MembershipItemList":[
                  {"MemberId":"u1","Role":"admin"},{"MemberId":" "},{"Role":"Member"},{"MemberId":7},"u9",
                  {"MemberId":"u2","Role":3},{"MemberId":"u3"}]}""");

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(ROOM, List.of(Membership.withoutRole("u3")),
                List.of(RejectedItem.badRequest("u1", "admin", "Role must be Administrator or Member, not 'admin'"),
                        RejectedItem.badRequest(" ", null, "MemberId is missing or blank"),
                        RejectedItem.badRequest(null, "Member", "MemberId is missing or blank"),
                        RejectedItem.badRequest(null, null, "MemberId must be a string"),
                        RejectedItem.badRequest(null, null, "item 5 is not a JSON object"),
                        RejectedItem.badRequest("u2", "3", "Role must be Administrator or Member, not '3'"))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json                                              | body is not valid JSON",
            "[1,2]                                                 | body is not a JSON object",
            "42                                                    | body is not a JSON object",
            "null                                                  | body is not a JSON object",
            "''                                                    | body is not a JSON object",
            "{\"RoomId\":\"r\",\"MemberId\":\"u\"}                 | AccountId is missing or blank",
            "{\"AccountId\":\"  \",\"RoomId\":\"r\",\"MemberId\":\"u\"} | AccountId is missing or blank",
            "{\"AccountId\":\"a\",\"MemberId\":\"u\"}              | RoomId is missing or blank",
            "{\"AccountId\":\"a\",\"RoomId\":\"r\"}                | no members",
            "{\"AccountId\":\"a\",\"RoomId\":\"r\",\"MembershipItemList\":[]} | no members",
            "{\"AccountId\":\"a\",\"RoomId\":\"r\",\"MembershipItemList\":{}} | MembershipItemList must be an array",
            "{\"AccountId\":7,\"RoomId\":\"r\",\"MemberId\":\"u\"} | AccountId must be a string",
            "{\"AccountId\":\"a\",\"AccountId\":\"b\",\"RoomId\":\"r\",\"MemberId\":\"u\"} | body is not valid JSON: Duplicate field 'AccountId'",
            "{\"AccountId\":\"a\",\"RoomId\":\"r\",\"MemberId\":\"u\"} {} | body has content after the JSON object",
    })
    void aBodyThatIsNotARequestIsInvalidWithAReasonThatSaysWhy(String body, String reason) {
        assertThat(MessageParser.parse(body)).isInstanceOfSatisfying(ParsedMessage.Invalid.class,
                invalid -> assertThat(invalid.reason()).startsWith(reason));
    }

    @ParameterizedTest
    @ValueSource(ints = {1_000, 1_001})
    void acceptsAtMostOneThousandItems(int count) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < count; i++) {
            items.append(i == 0 ? "" : ",").append("{\"MemberId\":\"u").append(i).append("\"}");
        }

        ParsedMessage parsed = MessageParser.parse(
                "{\"AccountId\":\"a\",\"RoomId\":\"r\",\"MembershipItemList\":[" + items + "]}");

        if (count <= MessageParser.MAX_ITEMS) {
            assertThat(((ParsedMessage.Request) parsed).members()).hasSize(count);
        } else {
            assertThat(parsed).isInstanceOfSatisfying(ParsedMessage.Invalid.class,
                    invalid -> assertThat(invalid.reason()).startsWith("too many members"));
        }
    }

    @Test
    void deepNestingIsRejectedNotFollowed() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);

        ParsedMessage parsed = MessageParser.parse("{\"AccountId\":\"a\",\"RoomId\":\"r\",\"X\":" + deep + "}");

        assertThat(parsed).isInstanceOfSatisfying(ParsedMessage.Invalid.class,
                invalid -> assertThat(invalid.reason()).contains("nesting depth"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "acct-1", "a1b2c3d4-5e6f-4a0b-9c8d-7e6f5a4b3c2d", "room_2",
            "A123456789012345678901234567890123456789012345678901234567890123"})
    void aPlainIdOfAtMostSixtyFourCharactersIsAnAccountOrRoomId(String id) {
        ParsedMessage parsed = MessageParser.parse(request(id, id, "\"u1\""));

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(
                new RoomKey(id, id), List.of(Membership.withoutRole("u1")), List.of()));
    }

    static Stream<String> idsThatAreNotPlain() {
        return Stream.of("a/b", "..", "../room-1", "room-1/../room-2", "room?x=1", "room#x", "room%2F1", "room%",
                "room 1", " room", "room-1 ", "räume", "部屋", "room\u0000", "room\n", "room\u007f", "-room", "_room",
                "room.1", "", "A1234567890123456789012345678901234567890123456789012345678901234");
    }

    @ParameterizedTest
    @MethodSource("idsThatAreNotPlain")
    void anAccountIdThatIsNotAPlainIdMakesTheWholeMessageInvalid(String id) {
        assertThat(MessageParser.parse(request(id, "room-1", "\"u1\""))).isEqualTo(new ParsedMessage.Invalid(
                id.isBlank() ? "AccountId is missing or blank"
                        : "AccountId must be 1 to 64 ASCII letters, digits, '-' or '_', starting with a letter or "
                        + "digit, not '" + id + "'"));
    }

    @ParameterizedTest
    @MethodSource("idsThatAreNotPlain")
    void aRoomIdThatIsNotAPlainIdMakesTheWholeMessageInvalid(String id) {
        assertThat(MessageParser.parse(request("acct-1", id, "\"u1\""))).isEqualTo(new ParsedMessage.Invalid(
                id.isBlank() ? "RoomId is missing or blank"
                        : "RoomId must be 1 to 64 ASCII letters, digits, '-' or '_', starting with a letter or "
                        + "digit, not '" + id + "'"));
    }

    @Test
    void anIdInsideAnSnsMessageIsHeldToTheSameRule() {
        String inner = "{\\\"AccountId\\\":\\\"acct-1\\\",\\\"RoomId\\\":\\\"../x\\\",\\\"MemberId\\\":\\\"u1\\\"}";

        assertThat(MessageParser.parse("{\"Type\":\"Notification\",\"Message\":\"" + inner + "\"}"))
                .isInstanceOfSatisfying(ParsedMessage.Invalid.class,
                        invalid -> assertThat(invalid.reason()).startsWith("RoomId must be").endsWith("not '../x'"));
    }

    @Test
    void aLongIdIsQuotedByItsFirstHundredCharactersOnly() {
        String id = "x".repeat(10 * 1024);

        assertThat(MessageParser.parse(request(id, "room-1", "\"u1\""))).isEqualTo(new ParsedMessage.Invalid(
                "AccountId must be 1 to 64 ASCII letters, digits, '-' or '_', starting with a letter or digit, not '"
                        + "x".repeat(100) + "...' (10240 characters)"));
    }

    @Test
    void memberIdsThatCannotBeSentAreRejectedOneByOneAndTheRestGoOn() {
        String longest = "m".repeat(256);
        String tooLong = "m".repeat(10 * 1024);
        ParsedMessage parsed = MessageParser.parse(request("acct-1", "room-1",
                "\"" + longest + "\"", "\"" + tooLong + "\"", "\"u\\u0000\"", "\"u\\u009b\"", "\"u\\ud800\"",
                "\"\\udc00u\"", "\"u\\ud83d\\ude00\"", "\"u\\ufffd\"", "\"Jürgen\"", "\"u1\""));

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(ROOM, List.of(
                Membership.withoutRole(longest), Membership.withoutRole("u\ud83d\ude00"),
                Membership.withoutRole("u\ufffd"), Membership.withoutRole("Jürgen"),
                Membership.withoutRole("u1")), List.of(
                RejectedItem.badRequest(tooLong, null, "MemberId has 10240 characters, more than 256: '"
                        + "m".repeat(100) + "...' (10240 characters)"),
                RejectedItem.badRequest("u\u0000", null, "MemberId contains the control character U+0000"),
                RejectedItem.badRequest("u\u009b", null, "MemberId contains the control character U+009B"),
                RejectedItem.badRequest("u\ud800", null,
                        "MemberId contains the unpaired surrogate U+D800, which has no UTF-8 encoding"),
                RejectedItem.badRequest("\udc00u", null,
                        "MemberId contains the unpaired surrogate U+DC00, which has no UTF-8 encoding"))));
    }

    @Test
    void aLoneSurrogateInTheBodyTextItselfIsRejectedTheSameWay() {
        ParsedMessage parsed = MessageParser.parse(request("acct-1", "room-1", "\"u\ud800\"", "\"u1\""));

        assertThat(((ParsedMessage.Request) parsed).rejected()).containsExactly(RejectedItem.badRequest("u\ud800",
                null, "MemberId contains the unpaired surrogate U+D800, which has no UTF-8 encoding"));
    }

    @Test
    void aLongRoleIsQuotedByItsFirstHundredCharactersOnly() {
        String role = "r".repeat(200 * 1024);

        ParsedMessage parsed = MessageParser.parse(
                "{\"AccountId\":\"acct-1\",\"RoomId\":\"room-1\",\"MemberId\":\"u1\",\"Role\":\"" + role + "\"}");

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(ROOM, List.of(), List.of(RejectedItem.badRequest(
                "u1", role, "Role must be Administrator or Member, not '" + "r".repeat(100)
                        + "...' (204800 characters)"))));
    }

    @Test
    void aValidRequestPaddedToTheSqsLimitIsRead() {
        String start = "{\"AccountId\":\"acct-1\",\"RoomId\":\"room-1\",\"MemberId\":\"u1\",\"Padding\":\"";
        String body = start + "p".repeat(256 * 1024 - start.length() - 2) + "\"}";

        assertThat(body).hasSize(262_144);
        assertThat(MessageParser.parse(body)).isEqualTo(
                new ParsedMessage.Request(ROOM, List.of(Membership.withoutRole("u1")), List.of()));
    }

    @Test
    void aBodyLongerThanAnSqsMessageCanHoldIsInvalidWithoutBeingRead() {
        String body = "{\"AccountId\":\"acct-1\",\"RoomId\":\"room-1\",\"MemberId\":\"u1\",\"Padding\":\""
                + "p".repeat(256 * 1024) + "\"}";

        assertThat(MessageParser.parse(body)).isEqualTo(new ParsedMessage.Invalid("body has " + body.length()
                + " characters, more than the 262144 an SQS message can hold"));
    }

    @Test
    void aNonJsonBodyOfTheSqsLimitGetsAReasonThatQuotesAtMostAHundredCharacters() {
        String body = "x".repeat(256 * 1024);

        assertThat(MessageParser.parse(body)).isInstanceOfSatisfying(ParsedMessage.Invalid.class, invalid -> {
            assertThat(invalid.reason()).startsWith("body is not valid JSON: Unrecognized token 'xxxx");
            assertThat(invalid.reason()).hasSizeLessThan(300).doesNotContain("x".repeat(101));
        });
    }

    static Stream<Arguments> bodiesBeyondAReadLimit() {
        String start = "{\"AccountId\":\"acct-1\",\"RoomId\":\"room-1\",\"MemberId\":\"u1\",";
        return Stream.of(
                Arguments.of(start + "\"N\":1" + "0".repeat(100) + "}", "Number value length (101) exceeds"),
                Arguments.of(start + "\"" + "n".repeat(101) + "\":1}", "Name length (101) exceeds"),
                Arguments.of(start + "\"N\":" + "[".repeat(64) + "]".repeat(64) + "}", "Document nesting depth (65)"));
    }

    @ParameterizedTest
    @MethodSource("bodiesBeyondAReadLimit")
    void readLimitsMakeABodyInvalidRatherThanCostly(String body, String reason) {
        assertThat(MessageParser.parse(body)).isInstanceOfSatisfying(ParsedMessage.Invalid.class,
                invalid -> assertThat(invalid.reason()).startsWith("body is not valid JSON: " + reason));
    }

    @Test
    void readLimitsLeaveRoomForEveryLegitimateRequest() {
        String body = "{\"AccountId\":\"acct-1\",\"RoomId\":\"room-1\",\"MemberId\":\"u1\",\"" + "n".repeat(100)
                + "\":[[[[[[[[[[" + "9".repeat(99) + "]]]]]]]]]]}";

        assertThat(MessageParser.parse(body)).isEqualTo(
                new ParsedMessage.Request(ROOM, List.of(Membership.withoutRole("u1")), List.of()));
    }

    /** Form 1 with these MemberId values, each given as its JSON text. */
    private static String request(String accountId, String roomId, String... memberIdsAsJson) {
        return "{\"AccountId\":\"" + escape(accountId) + "\",\"RoomId\":\"" + escape(roomId)
                + "\",\"MembershipItemList\":[" + String.join(",", Stream.of(memberIdsAsJson)
                .map(memberId -> "{\"MemberId\":" + memberId + "}").toList()) + "]}";
    }

    /** JSON string escaping for the test's own ids, so that each reaches the parser as the id itself. */
    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c < 0x20 || c == '"' || c == '\\' ? String.format("\\u%04x", c)
                : String.valueOf((char) c)));
        return out.toString();
    }
}

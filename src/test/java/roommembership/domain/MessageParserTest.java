package roommembership.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MessageParserTest {
    private static final RoomKey ROOM = new RoomKey("acct-1", "room-1");

    @Test
    void readsTheApiRequestShapeWithRolesAndDefaultsMissingRolesToMember() {
        ParsedMessage parsed = MessageParser.parse("""
                {"AccountId":"acct-1","RoomId":"room-1","MembershipItemList":[
                  {"MemberId":"u1","Role":"Administrator"},{"MemberId":"u2"},{"MemberId":"u3","Role":"Member"}]}""");

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(ROOM, List.of(
                new Membership("u1", Role.ADMINISTRATOR), new Membership("u2", Role.MEMBER),
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
                ROOM, List.of(new Membership("u1", Role.MEMBER)), List.of()));
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
                .containsExactly(new Membership("u2", Role.MEMBER), new Membership("u1", Role.ADMINISTRATOR));
    }

    @Test
    void badItemsAreRejectedOneByOneAndTheRestGoOn() {
        ParsedMessage parsed = MessageParser.parse("""
                {"AccountId":"acct-1","RoomId":"room-1","MembershipItemList":[
                  {"MemberId":"u1","Role":"admin"},{"MemberId":" "},{"Role":"Member"},{"MemberId":7},"u9",
                  {"MemberId":"u2","Role":3},{"MemberId":"u3"}]}""");

        assertThat(parsed).isEqualTo(new ParsedMessage.Request(ROOM, List.of(new Membership("u3", Role.MEMBER)),
                List.of(new RejectedItem("u1", "admin", "Role must be Administrator or Member, not 'admin'"),
                        new RejectedItem(" ", null, "MemberId is missing or blank"),
                        new RejectedItem(null, "Member", "MemberId is missing or blank"),
                        new RejectedItem(null, null, "MemberId must be a string"),
                        new RejectedItem(null, null, "item 5 is not a JSON object"),
                        new RejectedItem("u2", "3", "Role must be Administrator or Member, not '3'"))));
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
}

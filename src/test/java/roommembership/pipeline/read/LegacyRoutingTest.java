package roommembership.pipeline.read;

import roommembership.model.Text;

import roommembership.model.ErrorCodes;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Legacy requests sent to channels through CHANNEL_ARN_TEMPLATE and MEMBER_ARN_TEMPLATE. */
class LegacyRoutingTest {
    private static final String APP = "arn:aws:chime:us-east-1:111122223333:app-instance/hr";
    private static final LegacyRouting ROUTING =
            new LegacyRouting(APP + "/channel/{RoomId}", APP + "/user/{MemberId}");
    private static final RoomKey ROOM = new RoomKey("acct-1", "sales");
    private static final ChannelKey SALES = new ChannelKey(APP + "/channel/sales", "us-east-1", APP);
    private static final String CHANNEL_RULE = "arn:aws:chime:<region>:<12-digit account>:app-instance/<id>/channel/"
            + "<id>, each id 1 to 64 letters, digits or : - _ . @, starting and ending with a letter or digit";
    private static final String MEMBER_RULE = "arn:aws:chime:<region>:<12-digit account>:app-instance/<id>/user/<id> "
            + "or .../bot/<id>, each id 1 to 64 letters, digits or : - _ . @, starting and ending with a letter or digit";

    @Test
    void aLegacyRequestBecomesAChannelRequestWithEachMemberIdAnArnAndItsRoleCarriedOver() {
        ParsedMessage legacy = MessageParser.parse("""
                {"AccountId":"acct-1","RoomId":"sales","MembershipItemList":[
                  {"MemberId":"alice","Role":"Administrator"},{"MemberId":"bob"}]}""");

        ParsedMessage routed = ROUTING.route(legacy);

        assertThat(routed).isEqualTo(new ParsedMessage.Request(SALES, List.of(
                new Membership(APP + "/user/alice", Role.ADMINISTRATOR, MembershipType.DEFAULT),
                Membership.withoutRole(APP + "/user/bob", MembershipType.DEFAULT)), List.of(),
                Optional.of(new ParsedMessage.Routed(ROOM,
                        Map.of(APP + "/user/alice", "alice", APP + "/user/bob", "bob")))));
    }

    @Test
    void theAccountIdFillsBothTemplatesWhereTheyNameIt() {
        LegacyRouting perAccount = new LegacyRouting(
                "arn:aws:chime:eu-west-1:111122223333:app-instance/{AccountId}/channel/{RoomId}",
                "arn:aws:chime:eu-west-1:111122223333:app-instance/{AccountId}/bot/{MemberId}");
        String app = "arn:aws:chime:eu-west-1:111122223333:app-instance/acct-1";

        ParsedMessage routed = perAccount.route(MessageParser.parse(
                "{\"AccountId\":\"acct-1\",\"RoomId\":\"sales\",\"MemberId\":\"helper\"}"));

        assertThat(routed).isEqualTo(new ParsedMessage.Request(
                new ChannelKey(app + "/channel/sales", "eu-west-1", app),
                List.of(Membership.withoutRole(app + "/bot/helper")), List.of(),
                Optional.of(new ParsedMessage.Routed(ROOM, Map.of(app + "/bot/helper", "helper")))));
    }

    @Test
    void itemsRejectedAlreadyStayRejectedWithTheValuesTheProducerWrote() {
        ParsedMessage legacy = MessageParser.parse("""
                {"AccountId":"acct-1","RoomId":"sales","MembershipItemList":[
                  {"MemberId":"alice","Role":"Owner"},{"MemberId":" "},{"MemberId":"bob"}]}""");

        ParsedMessage routed = ROUTING.route(legacy);

        assertThat(routed).isEqualTo(new ParsedMessage.Request(SALES,
                List.of(Membership.withoutRole(APP + "/user/bob")),
                List.of(RejectedItem.badRequest("alice", "Owner", "Role must be Administrator or Member, not 'Owner'"),
                        RejectedItem.badRequest(" ", null, "MemberId is missing or blank")),
                Optional.of(new ParsedMessage.Routed(ROOM, Map.of(APP + "/user/bob", "bob")))));
    }

    static Stream<Arguments> memberIdsThatGiveNoMemberArn() {
        return Stream.of(
                Arguments.of("a/b", "MemberArn must be an AppInstanceUser or AppInstanceBot ARN, " + MEMBER_RULE
                        + ", not '" + APP + "/user/a/b'"),
                Arguments.of("../../finance/user/eve", "MemberArn contains '..', which no Chime id has: '" + APP
                        + "/user/../../finance/user/eve'"),
                Arguments.of("eve%2F..%2Ffinance", "MemberArn contains '%': an ARN is sent as it is, never "
                        + "percent-encoded, so no encoded '/' can change the path: '" + APP
                        + "/user/eve%2F..%2Ffinance'"),
                Arguments.of("J\u00fcrgen", "MemberArn must be an AppInstanceUser or AppInstanceBot ARN, "
                        + MEMBER_RULE + ", not '" + APP + "/user/J\u00fcrgen'"),
                Arguments.of("bob ", "MemberArn must be an AppInstanceUser or AppInstanceBot ARN, " + MEMBER_RULE
                        + ", not '" + APP + "/user/bob '"),
                Arguments.of("{AccountId}", "MemberArn must be an AppInstanceUser or AppInstanceBot ARN, "
                        + MEMBER_RULE + ", not '" + APP + "/user/{AccountId}'"),
                Arguments.of("m".repeat(65), "MemberArn must be an AppInstanceUser or AppInstanceBot ARN, "
                        + MEMBER_RULE + ", not " + Text.quoted(APP + "/user/" + "m".repeat(65))));
    }

    @ParameterizedTest
    @MethodSource("memberIdsThatGiveNoMemberArn")
    void aMemberIdWhoseArnIsInvalidIsABadRequestItemThatNamesTheTemplateAndTheRestGoOn(String memberId,
                                                                                     String problem) {
        ParsedMessage legacy = MessageParser.parse("{\"AccountId\":\"acct-1\",\"RoomId\":\"sales\","
                + "\"MembershipItemList\":[{\"MemberId\":\"" + memberId + "\",\"Role\":\"Administrator\"},"
                + "{\"MemberId\":\"bob\"}]}");
        String memberArn = APP + "/user/" + memberId;

        ParsedMessage routed = ROUTING.route(legacy);

        assertThat(routed).isEqualTo(new ParsedMessage.Request(SALES,
                List.of(Membership.withoutRole(APP + "/user/bob")),
                List.of(RejectedItem.badRequest(memberId, "Administrator", "the MemberId gives the MemberArn "
                        + Text.quoted(memberArn) + " through MEMBER_ARN_TEMPLATE, which is not valid: "
                        + problem)),
                Optional.of(new ParsedMessage.Routed(ROOM, Map.of(APP + "/user/bob", "bob")))));
    }

    @Test
    void aRoomWhoseChannelArnIsInvalidRejectsEveryMemberAndStaysARoom() {
        LegacyRouting long_ = new LegacyRouting(APP + "/channel/{AccountId}-{RoomId}", APP + "/user/{MemberId}");
        String roomId = "r".repeat(64);
        ParsedMessage legacy = MessageParser.parse("{\"AccountId\":\"acct-1\",\"RoomId\":\"" + roomId + "\","
                + "\"MembershipItemList\":[{\"MemberId\":\"alice\",\"Role\":\"Administrator\"},{\"MemberId\":\"bob\"},"
                + "{\"MemberId\":\"carol\",\"Role\":\"Owner\"}]}");
        String channelArn = APP + "/channel/acct-1-" + roomId;
        String reason = "the room " + roomId + " gives the ChannelArn " + Text.quoted(channelArn)
                + " through CHANNEL_ARN_TEMPLATE, which is not valid: ChannelArn must be " + CHANNEL_RULE + ", not "
                + Text.quoted(channelArn);

        ParsedMessage routed = long_.route(legacy);

        assertThat(routed).isEqualTo(new ParsedMessage.Request(new RoomKey("acct-1", roomId), List.of(), List.of(
                RejectedItem.badRequest("alice", "Administrator", reason),
                RejectedItem.badRequest("bob", null, reason),
                RejectedItem.badRequest("carol", "Owner", reason))));
    }

    @Test
    void aRoutedRequestForAnAccountNotManagedIsForbiddenNamingTheAccountAndKeepsItsChannel() {
        ParsedMessage routed = ROUTING.route(MessageParser.parse(
                "{\"AccountId\":\"acct-1\",\"RoomId\":\"sales\",\"MemberId\":\"u1\"}"));

        ParsedMessage admitted = new AccountAllowlist(java.util.Set.of("acct-2")).admit(routed);

        assertThat(admitted).isInstanceOfSatisfying(ParsedMessage.Request.class, request -> {
            assertThat(request.target()).isEqualTo(SALES);
            assertThat(request.members()).isEmpty();
            assertThat(request.rejected()).extracting(RejectedItem::memberId, RejectedItem::errorCode,
                    RejectedItem::reason).containsExactly(org.assertj.core.groups.Tuple.tuple(APP + "/user/u1", ErrorCodes.FORBIDDEN,
                    "account acct-1 is not in ALLOWED_ACCOUNT_IDS: this deployment does not manage it"));
        });
    }

    @Test
    void messagesThatAreNoLegacyRequestPassUnchanged() {
        ParsedMessage invalid = new ParsedMessage.Invalid("body is not a JSON object");
        ParsedMessage channel = MessageParser.parse("{\"ChannelArn\":\"" + APP + "/channel/leadership\","
                + "\"MemberArn\":\"" + APP + "/user/alice\"}");

        assertThat(List.of(ROUTING.route(invalid), ROUTING.route(channel))).containsExactly(invalid, channel);
    }

    @Test
    void templatesThatGiveAChannelOfTheMembersAppInstanceHaveNoProblem() {
        assertThat(List.of(ROUTING.problem(),
                new LegacyRouting(APP + "/channel/{RoomId}", APP + "/bot/{MemberId}").problem(),
                new LegacyRouting(APP + "/channel/legacy-{AccountId}-{RoomId}", APP + "/user/{MemberId}").problem(),
                new LegacyRouting("arn:aws:chime:us-east-1:111122223333:app-instance/{AccountId}/channel/{RoomId}",
                        "arn:aws:chime:us-east-1:111122223333:app-instance/{AccountId}/user/{MemberId}").problem()))
                .containsOnly(Optional.empty());
    }

    static Stream<Arguments> templatesThatCannotRoute() {
        String sampleChannel = APP + "/channel/sample";
        return Stream.of(
                Arguments.of(APP + "/channel/sales", APP + "/user/{MemberId}",
                        "CHANNEL_ARN_TEMPLATE must contain {RoomId}, or every room would be one channel"),
                Arguments.of(APP + "/channel/{AccountId}", APP + "/user/{MemberId}",
                        "CHANNEL_ARN_TEMPLATE must contain {RoomId}, or every room would be one channel"),
                Arguments.of(APP + "/channel/{RoomId}", APP + "/user/hr-sync",
                        "MEMBER_ARN_TEMPLATE must contain {MemberId}, or every member would be one user"),
                Arguments.of(APP + "/channel/{RoomId}", APP + "/user/{AccountId}",
                        "MEMBER_ARN_TEMPLATE must contain {MemberId}, or every member would be one user"),
                Arguments.of("arn:aws:sqs:us-east-1:111122223333:{RoomId}", APP + "/user/{MemberId}",
                        "CHANNEL_ARN_TEMPLATE does not give a channel ARN: ChannelArn must be " + CHANNEL_RULE
                                + ", not 'arn:aws:sqs:us-east-1:111122223333:sample'"),
                Arguments.of("arn:aws:chime:us-east-1:{AccountId}:app-instance/hr/channel/{RoomId}",
                        APP + "/user/{MemberId}", "CHANNEL_ARN_TEMPLATE does not give a channel ARN: ChannelArn must "
                                + "be " + CHANNEL_RULE + ", not 'arn:aws:chime:us-east-1:sample:app-instance/hr/channel/"
                                + "sample'"),
                Arguments.of(APP + "/channel/{RoomId}%2F..", APP + "/user/{MemberId}",
                        "CHANNEL_ARN_TEMPLATE does not give a channel ARN: ChannelArn contains '%': an ARN is sent "
                                + "as it is, never percent-encoded, so no encoded '/' can change the path: '"
                                + sampleChannel + "%2F..'"),
                Arguments.of(APP + "/channel/{RoomId}", APP + "/user/{RoomId}-{MemberId}",
                        "MEMBER_ARN_TEMPLATE does not give a user of the channel's AppInstance: MemberArn must be an "
                                + "AppInstanceUser or AppInstanceBot ARN, " + MEMBER_RULE + ", not '" + APP
                                + "/user/{RoomId}-sample'"),
                Arguments.of(APP + "/channel/{RoomId}", APP + "/channel/{MemberId}",
                        "MEMBER_ARN_TEMPLATE does not give a user of the channel's AppInstance: MemberArn must be an "
                                + "AppInstanceUser or AppInstanceBot ARN, " + MEMBER_RULE + ", not '" + APP
                                + "/channel/sample'"),
                Arguments.of(APP + "/channel/{RoomId}",
                        "arn:aws:chime:us-east-1:111122223333:app-instance/finance/user/{MemberId}",
                        "MEMBER_ARN_TEMPLATE does not give a user of the channel's AppInstance: MemberArn "
                                + "'arn:aws:chime:us-east-1:111122223333:app-instance/finance/user/sample' belongs to "
                                + "the AppInstance 'arn:aws:chime:us-east-1:111122223333:app-instance/finance', not "
                                + "to the channel's '" + APP + "'"),
                Arguments.of(APP + "/channel/{RoomId}",
                        "arn:aws:chime:eu-west-1:111122223333:app-instance/hr/user/{MemberId}",
                        "MEMBER_ARN_TEMPLATE does not give a user of the channel's AppInstance: MemberArn "
                                + "'arn:aws:chime:eu-west-1:111122223333:app-instance/hr/user/sample' belongs to "
                                + "the AppInstance 'arn:aws:chime:eu-west-1:111122223333:app-instance/hr', not "
                                + "to the channel's '" + APP + "'"),
                Arguments.of("arn:aws:chime:us-east-1:111122223333:app-instance/{AccountId}/channel/{RoomId}",
                        APP + "/user/{MemberId}",
                        "MEMBER_ARN_TEMPLATE does not give a user of the channel's AppInstance: MemberArn '" + APP
                                + "/user/sample' belongs to the AppInstance '" + APP + "', not to the channel's "
                                + "'arn:aws:chime:us-east-1:111122223333:app-instance/sample'"));
    }

    @ParameterizedTest
    @MethodSource("templatesThatCannotRoute")
    void templatesThatLackTheirPlaceholderOrCannotGiveAValidArnAreAProblemThatSaysWhich(
            String channelTemplate, String memberTemplate, String problem) {
        assertThat(new LegacyRouting(channelTemplate, memberTemplate).problem()).contains(problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Administrator", "Member"})
    void theRoleOfTheOneMemberOfForm2CarriesOver(String role) {
        ParsedMessage routed = ROUTING.route(MessageParser.parse(
                "{\"AccountId\":\"acct-1\",\"RoomId\":\"sales\",\"MemberId\":\"alice\",\"Role\":\"" + role + "\"}"));

        assertThat(((ParsedMessage.Request) routed).members()).containsExactly(
                new Membership(APP + "/user/alice", Role.fromWireName(role).orElseThrow(), MembershipType.DEFAULT));
    }
}

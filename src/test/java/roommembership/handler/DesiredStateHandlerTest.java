package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import roommembership.model.Action;
import roommembership.pipeline.read.MessageParser;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChimeEmulator;
import roommembership.emulator.ChimeEmulator.Fault;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import roommembership.testing.Directory;
import roommembership.testing.DeadLetterQueue.Letter;
import roommembership.testing.SqsEvents;
import roommembership.testing.TestContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static roommembership.handler.FunctionUnderTest.failedIds;
import static roommembership.testing.DeadLetterQueue.letterBody;
import static roommembership.testing.Directory.channel;
import static roommembership.testing.Directory.user;

/**
 * Desired state, rule by rule, for rooms and channels alike, through the real SDK clients against the emulator and
 * ElasticMQ: a named role is applied to a member already there, a request without one never changes a role, a
 * removal removes, and within one batch the later record wins.
 */
class DesiredStateHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "acct-desired";
    private static final String ROOM = "room-desired";
    private static final String CHANNEL = channel("desired");
    private static final String ADMINISTRATOR = "Administrator";
    private static final String MEMBER = "Member";

    @RegisterExtension
    static final FunctionUnderTest function = FunctionUnderTest.forRoomsAndChannels().with("MAX_RECEIVE_COUNT", "3");

    @BeforeEach
    void aRoomAndAChannelOfTheirOwnAndTheirUsers() {
        function.chime().account(ACCOUNT).room(ACCOUNT, ROOM);
        for (String id : List.of("alice", "bob", "carol", "dave", "erin")) {
            function.chime().user(ACCOUNT, id);
            function.channels().user(user(id));
        }
        function.channels().channel(CHANNEL);
    }

    // ------------------------------------------------------------------ roles of members already there

    @Test
    void aNamedRoleIsAppliedToARoomMemberWhoHasTheOtherOneAndARequestWithoutRoleChangesNothing() {
        function.chime().member(ACCOUNT, ROOM, "alice", MEMBER).member(ACCOUNT, ROOM, "bob", ADMINISTRATOR)
                .member(ACCOUNT, ROOM, "carol", ADMINISTRATOR).member(ACCOUNT, ROOM, "dave", ADMINISTRATOR);

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(room(null, item("alice", ADMINISTRATOR), item("bob", MEMBER), item("carol", null),
                        item("dave", ADMINISTRATOR), item("erin", ADMINISTRATOR)))
                .build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().members(ACCOUNT, ROOM)).containsOnly(Map.entry("alice", ADMINISTRATOR),
                Map.entry("bob", MEMBER), Map.entry("carol", ADMINISTRATOR), Map.entry("dave", ADMINISTRATOR),
                Map.entry("erin", ADMINISTRATOR));
        // One add call; one listing for the four already there, of whom three named a role; an update only for the
        // two whose role differs. carol named none, so her role was not even looked at.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of("BatchCreateRoomMembership", 1,
                "ListRoomMemberships", 1, "UpdateRoomMembership", 2));
        assertThat(function.chime().calls("UpdateRoomMembership")).extracting(ChimeEmulator.RecordedCall::memberIds)
                .containsExactlyInAnyOrder(List.of("alice"), List.of("bob"));
        assertThat(figures("added", "alreadyMembers", "rolesChanged", "calls")).containsExactly(1, 4, 2, 3);
    }

    @Test
    void aNamedRoleIsAppliedToAChannelMemberByMakingOrUnmakingItAModerator() {
        function.channels().member(CHANNEL, user("alice"), "DEFAULT").member(CHANNEL, user("bob"), "DEFAULT")
                .moderator(CHANNEL, user("bob")).member(CHANNEL, user("carol"), "DEFAULT")
                .moderator(CHANNEL, user("carol"));

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(channelRequest(null, ADMINISTRATOR, "alice"))
                .record(channelRequest(null, MEMBER, "bob"))
                .record(channelRequest(null, null, "carol", "dave"))
                .build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.channels().members(CHANNEL)).isEqualTo(Map.of(user("alice"), "DEFAULT",
                user("bob"), "DEFAULT", user("carol"), "DEFAULT", user("dave"), "DEFAULT"));
        assertThat(function.channels().moderators(CHANNEL)).containsExactlyInAnyOrder(user("alice"), user("carol"));
        // One add of all four; one read of the moderators for the three already there who named a role.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of("BatchCreateChannelMembership", 1,
                "ListChannelModerators", 1, "CreateChannelModerator", 1, "DeleteChannelModerator", 1));
        assertThat(function.channels().calls("CreateChannelModerator")).extracting(ChannelsApi.ChannelCall::memberArns)
                .containsExactly(List.of(user("alice")));
        assertThat(function.channels().calls("DeleteChannelModerator")).extracting(ChannelsApi.ChannelCall::memberArns)
                .containsExactly(List.of(user("bob")));
        assertThat(summary().path("rolesChanged").asInt()).isEqualTo(2);
    }

    @Test
    void withNoRemovalsAndNoNamedRolesOnMembersAlreadyThereTheCallsAreExactlyTheAddCalls() {
        for (int i = 0; i < 30; i++) {
            function.chime().user(ACCOUNT, "staff-" + i);
        }
        function.chime().member(ACCOUNT, ROOM, "alice", ADMINISTRATOR).member(ACCOUNT, ROOM, "bob", MEMBER);
        function.channels().member(CHANNEL, user("alice"), "DEFAULT").moderator(CHANNEL, user("alice"));
        List<String> items = new ArrayList<>(List.of(item("alice", null), item("bob", null)));
        for (int i = 0; i < 30; i++) {
            items.add(item("staff-" + i, i % 3 == 0 ? ADMINISTRATOR : i % 3 == 1 ? MEMBER : null));
        }

        function.handle(SqsEvents.batch()
                .record(room(null, items.subList(0, 20).toArray(String[]::new)))
                .record(room(null, items.subList(20, items.size()).toArray(String[]::new)))
                .record(channelRequest(null, null, "alice", "bob"))
                .record(channelRequest(null, ADMINISTRATOR, "carol"))
                .build());

        // ⌈32/50⌉ = 1 room call; the two channel requests merged into ⌈3/100⌉ = 1 call, and one moderator call for
        // the new Administrator: nothing read, nothing updated.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of("BatchCreateRoomMembership", 1,
                "BatchCreateChannelMembership", 1, "CreateChannelModerator", 1));
        assertThat(function.channels().calls()).extracting(ChannelsApi.ChannelCall::operation)
                .containsExactly("BatchCreateChannelMembership", "CreateChannelModerator");
        Map<String, String> room = new HashMap<>(Map.of("alice", ADMINISTRATOR, "bob", MEMBER));
        for (int i = 0; i < 30; i++) {
            room.put("staff-" + i, i % 3 == 0 ? ADMINISTRATOR : MEMBER);
        }
        assertThat(function.chime().members(ACCOUNT, ROOM)).isEqualTo(room);
        assertThat(function.channels().members(CHANNEL)).isEqualTo(Map.of(user("alice"), "DEFAULT",
                user("bob"), "DEFAULT", user("carol"), "DEFAULT"));
        assertThat(function.channels().moderators(CHANNEL)).containsExactly(user("alice"), user("carol"));
        assertThat(summary().path("calls").asInt()).isEqualTo(3);
    }

    @Test
    void aRoleThatCannotBeSetIsDeadLetteredAsARequestWithThatRole() {
        function.chime().member(ACCOUNT, ROOM, "alice", MEMBER);
        function.chime().failNextCalls(1, Fault.FORBIDDEN, "UpdateRoomMembership");

        SqsEvents batch = SqsEvents.batch().record(room(null, item("alice", ADMINISTRATOR)));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.chime().members(ACCOUNT, ROOM)).isEqualTo(Map.of("alice", MEMBER));
        assertThat(function.deadLetters().drain()).extracting(Letter::bodyBesidesFailedAt, Letter::errorCodeAttribute)
                .containsExactly(tuple(letterBody("""
                        {"AccountId": "%s", "RoomId": "%s",
                         "MembershipItemList": [{"MemberId": "alice", "Role": "Administrator"}],
                         "ErrorCode": "Forbidden",
                         "ErrorMessage": "The client is permanently forbidden from making the request.",
                         "SourceMessageId": "%s"}
                        """.formatted(ACCOUNT, ROOM, batch.idOf(0))), "Forbidden"));
        assertThat(function.chime().callCounts()).isEqualTo(Map.of("BatchCreateRoomMembership", 1,
                "ListRoomMemberships", 1, "UpdateRoomMembership", 1));
    }

    @Test
    void aRoleChangeThatFailsTransientlyGoesBackToSqsAndOnItsLastReceiveIsDeadLetteredOnlyIfTheRoleStillDiffers() {
        function.chime().member(ACCOUNT, ROOM, "alice", MEMBER).member(ACCOUNT, ROOM, "bob", MEMBER);
        function.chime().failMemberCall("UpdateRoomMembership", "alice", Fault.SERVICE_UNAVAILABLE, Integer.MAX_VALUE);
        function.chime().failMemberCall("UpdateRoomMembership", "bob", Fault.SERVICE_UNAVAILABLE, Integer.MAX_VALUE);

        SqsEvents first = SqsEvents.batch()
                .record(room(null, item("alice", ADMINISTRATOR), item("bob", ADMINISTRATOR)), 1);
        SQSBatchResponse response = function.handle(first.build());

        assertThat(failedIds(response)).containsExactly(first.idOf(0));
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().members(ACCOUNT, ROOM))
                .containsOnly(Map.entry("alice", MEMBER), Map.entry("bob", MEMBER));

        // Before the last receive, someone else makes bob an administrator.
        function.chime().failMemberCall("UpdateRoomMembership", "bob", Fault.SERVICE_UNAVAILABLE, 0);
        function.chimeClient().updateRoomMembership(r -> r.accountId(ACCOUNT).roomId(ROOM).memberId("bob")
                .role(ADMINISTRATOR));
        function.chime().failMemberCall("UpdateRoomMembership", "bob", Fault.SERVICE_UNAVAILABLE, Integer.MAX_VALUE);
        SqsEvents last = SqsEvents.batch()
                .record(room(null, item("alice", ADMINISTRATOR), item("bob", ADMINISTRATOR)), 3);
        response = function.handle(last.build(), TestContext.withMinutesLeft(1));

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).extracting(Letter::bodyBesidesFailedAt, Letter::errorCodeAttribute)
                .containsExactly(tuple(letterBody("""
                        {"AccountId": "%s", "RoomId": "%s",
                         "MembershipItemList": [{"MemberId": "alice", "Role": "Administrator"}],
                         "ErrorCode": "ServiceUnavailable", "ErrorMessage": "The service is currently unavailable.",
                         "SourceMessageId": "%s"}
                        """.formatted(ACCOUNT, ROOM, last.idOf(0))), "ServiceUnavailable"));
        assertThat(function.chime().members(ACCOUNT, ROOM)).containsOnly(Map.entry("alice", MEMBER),
                Map.entry("bob", ADMINISTRATOR));
    }

    @Test
    void aChannelRoleThatCannotBeSetIsDeadLetteredAsAForm4RequestWithThatRole() {
        function.channels().member(CHANNEL, user("alice"), "HIDDEN").moderator(CHANNEL, user("alice"));
        function.chime().failMemberCall("DeleteChannelModerator", user("alice"), Fault.FORBIDDEN, Integer.MAX_VALUE);

        SqsEvents batch = SqsEvents.batch().record(channelRequest(null, MEMBER, "alice"));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.channels().members(CHANNEL)).isEqualTo(Map.of(user("alice"), "HIDDEN"));
        assertThat(function.channels().moderators(CHANNEL)).containsExactly(user("alice"));
        assertThat(function.deadLetters().drain()).extracting(Letter::bodyBesidesFailedAt, Letter::errorCodeAttribute)
                .containsExactly(tuple(letterBody("""
                        {"ChannelArn": "%s", "MemberArn": "%s", "Type": "DEFAULT", "Role": "Member",
                         "ErrorCode": "Forbidden",
                         "ErrorMessage": "The client is permanently forbidden from making the request.",
                         "SourceMessageId": "%s"}
                        """.formatted(CHANNEL, user("alice"), batch.idOf(0))), "Forbidden"));
        assertThat(function.chime().callCounts()).isEqualTo(Map.of("BatchCreateChannelMembership", 1,
                "ListChannelModerators", 1, "DeleteChannelModerator", 1));
    }

    // ------------------------------------------------------------------ removals

    @Test
    void aRemovalRemovesRoomAndChannelMembersAndOneNotThereIsAlreadyAbsent() {
        function.chime().member(ACCOUNT, ROOM, "alice", MEMBER).member(ACCOUNT, ROOM, "bob", ADMINISTRATOR);
        function.channels().member(CHANNEL, user("alice"), "DEFAULT").member(CHANNEL, user("bob"), "HIDDEN");

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(room("Remove", item("alice", null), item("bob", MEMBER), item("carol", null)))
                .record(channelRequest("Remove", null, "alice", "bob", "carol"))
                .build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().members(ACCOUNT, ROOM)).isEmpty();
        assertThat(function.channels().members(CHANNEL)).isEmpty();
        // One call per member. The room answers NotFound for carol, and one listing of the room shows she is not
        // there; the channel's delete succeeds for a member not there, so it needs no listing and counts as removed.
        // The channel's moderators are read once, for its leavers: none moderates, so nothing more.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of("DeleteRoomMembership", 3,
                "DeleteChannelMembership", 3, "ListRoomMemberships", 1, "ListChannelModerators", 1));
        assertThat(figures("removed", "alreadyAbsent", "calls")).containsExactly(5, 1, 6);
    }

    @Test
    void aChannelLeaverWhoModeratesStopsModeratingTooWhileOnlyARoomMembershipCarriesItsRole() {
        function.channels().member(CHANNEL, user("alice"), "DEFAULT").moderator(CHANNEL, user("alice"))
                .member(CHANNEL, user("bob"), "DEFAULT").moderator(CHANNEL, user("carol"));

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(channelRequest("Remove", null, "alice", "carol")).build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.channels().members(CHANNEL)).isEqualTo(Map.of(user("bob"), "DEFAULT"));
        // carol moderated without being a member: the removal ends that too.
        assertThat(function.channels().moderators(CHANNEL)).isEmpty();
        assertThat(function.chime().callCounts()).isEqualTo(Map.of("DeleteChannelMembership", 2,
                "ListChannelModerators", 1, "DeleteChannelModerator", 2));
        assertThat(function.channels().calls("DeleteChannelModerator")).extracting(ChannelsApi.ChannelCall::memberArns)
                .containsExactlyInAnyOrder(List.of(user("alice")), List.of(user("carol")));
        assertThat(figures("removed", "rolesChanged", "calls")).containsExactly(2, 0, 4);
    }

    @Test
    void aNewChannelMemberAskedForAsAPlainMemberStopsModeratingWhereAModerationOutlivedItsLastMembership() {
        // alice moderates without a membership: a leaver whose demotion failed, or a moderator made by hand.
        function.channels().moderator(CHANNEL, user("alice"));

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(channelRequest(null, "Member", "alice", "carol")).build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.channels().members(CHANNEL))
                .isEqualTo(Map.of(user("alice"), "DEFAULT", user("carol"), "DEFAULT"));
        assertThat(function.channels().moderators(CHANNEL)).isEmpty();
        // One add of both; one read of the moderators for the new members who named a role; one demotion.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of("BatchCreateChannelMembership", 1,
                "ListChannelModerators", 1, "DeleteChannelModerator", 1));
        assertThat(function.channels().calls("DeleteChannelModerator")).extracting(ChannelsApi.ChannelCall::memberArns)
                .containsExactly(List.of(user("alice")));
        // Both were added: the demotion completes alice's add, it is not a role change of a member already there.
        // The calls figure counts the two writes.
        assertThat(figures("added", "rolesChanged", "calls")).containsExactly(2, 0, 2);
    }

    @Test
    void aLeaversModerationThatCannotBeEndedIsDeadLetteredAsTheRemoval() {
        function.channels().member(CHANNEL, user("alice"), "DEFAULT").moderator(CHANNEL, user("alice"));
        function.chime().failMemberCall("DeleteChannelModerator", user("alice"), Fault.FORBIDDEN, Integer.MAX_VALUE);

        SqsEvents batch = SqsEvents.batch().record(channelRequest("Remove", null, "alice"));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.channels().members(CHANNEL)).isEmpty();
        assertThat(function.channels().moderators(CHANNEL)).containsExactly(user("alice"));
        assertThat(function.deadLetters().drain()).extracting(Letter::bodyBesidesFailedAt, Letter::errorCodeAttribute)
                .containsExactly(tuple(letterBody("""
                        {"ChannelArn": "%s", "MemberArn": "%s", "Type": "DEFAULT", "Action": "Remove",
                         "ErrorCode": "Forbidden",
                         "ErrorMessage": "The client is permanently forbidden from making the request.",
                         "SourceMessageId": "%s"}
                        """.formatted(CHANNEL, user("alice"), batch.idOf(0))), "Forbidden"));
    }

    @Test
    void aRemovalFromARoomOrChannelThatDoesNotExistIsDeadLetteredNotFoundAsARemovalThatReadsBackAsOne() {
        SqsEvents batch = SqsEvents.batch()
                .record("{\"Action\":\"Remove\",\"AccountId\":\"" + ACCOUNT + "\",\"RoomId\":\"no-such-room\","
                        + "\"MemberId\":\"alice\"}")
                .record(channelRequest("Remove", null, "alice").replace(CHANNEL, channel("no-such-channel")));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).isEmpty();
        List<Letter> letters = function.deadLetters().drain();
        assertThat(letters).extracting(Letter::bodyBesidesFailedAt, Letter::errorCodeAttribute).containsExactly(
                tuple(letterBody("""
                        {"AccountId": "%s", "RoomId": "no-such-room", "MembershipItemList": [{"MemberId": "alice"}],
                         "Action": "Remove", "ErrorCode": "NotFound",
                         "ErrorMessage": "The room no-such-room is not found in account %s.", "SourceMessageId": "%s"}
                        """.formatted(ACCOUNT, ACCOUNT, batch.idOf(0))), "NotFound"),
                tuple(letterBody("""
                        {"ChannelArn": "%s", "MemberArn": "%s", "Type": "DEFAULT", "Action": "Remove",
                         "ErrorCode": "NotFound", "ErrorMessage": "The channel %s is not found.",
                         "SourceMessageId": "%s"}
                        """.formatted(channel("no-such-channel"), user("alice"), channel("no-such-channel"),
                        batch.idOf(1))), "NotFound"));
        for (Letter letter : letters) {
            assertThat(letter.body().path("Action").asText()).isEqualTo("Remove");
            ParsedMessage again = MessageParser.parse(letter.rawBody());
            assertThat(again).isInstanceOfSatisfying(ParsedMessage.Request.class,
                    request -> assertThat(request.action()).isEqualTo(Action.REMOVE));
        }
        assertThat(figures("removed", "alreadyAbsent")).containsExactly(0, 0);
    }

    @Test
    void anUnknownActionMakesTheMessageABadRequestAndTheRestGoOn() {
        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record("{\"Action\":\"remove\",\"AccountId\":\"" + ACCOUNT + "\",\"RoomId\":\"" + ROOM
                        + "\",\"MemberId\":\"alice\"}")
                .record(room(null, item("bob", null)))
                .build());

        assertThat(failedIds(response)).isEmpty();
        List<Letter> letters = function.deadLetters().drain();
        assertThat(letters).extracting(Letter::errorCode, Letter::errorMessage)
                .containsExactly(tuple("BadRequest", "Action must be Add or Remove, not 'remove'"));
        assertThat(function.chime().members(ACCOUNT, ROOM)).isEqualTo(Map.of("bob", MEMBER));
        assertThat(function.chime().callCounts()).isEqualTo(Map.of("BatchCreateRoomMembership", 1));
    }

    @Test
    void aRemovalForAnAccountOutsideTheAllowlistIsForbiddenWithoutACall() {
        function.redeployWith(Map.of("ALLOWED_ACCOUNT_IDS", "someone-else"));
        function.chime().member(ACCOUNT, ROOM, "alice", MEMBER);

        SqsEvents batch = SqsEvents.batch().record(room("Remove", item("alice", null)));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.chime().callCounts()).isEmpty();
        assertThat(function.chime().members(ACCOUNT, ROOM)).isEqualTo(Map.of("alice", MEMBER));
        assertThat(function.deadLetters().drain()).extracting(Letter::bodyBesidesFailedAt, Letter::errorCodeAttribute)
                .containsExactly(tuple(letterBody("""
                        {"AccountId": "%s", "RoomId": "%s", "MembershipItemList": [{"MemberId": "alice"}],
                         "Action": "Remove", "ErrorCode": "Forbidden",
                         "ErrorMessage": "account %s is not in ALLOWED_ACCOUNT_IDS: this deployment does not manage it",
                         "SourceMessageId": "%s"}
                        """.formatted(ACCOUNT, ROOM, ACCOUNT, batch.idOf(0))), "Forbidden"));
    }

    @Test
    void aChannelRemovalOutsideTheAllowedAppInstancesOrWithABadMemberArnIsRefusedWithoutACallAndTheRestGoOn() {
        function.redeployWith(Map.of("ALLOWED_APP_INSTANCE_ARNS",
                "arn:aws:chime:us-east-1:111122223333:app-instance/someone-else"));
        function.channels().member(CHANNEL, user("alice"), "DEFAULT");
        RoomMembershipHandler allowed = function.handlerWith(Map.of());

        function.handle(SqsEvents.batch().record(channelRequest("Remove", null, "alice")).build());
        SQSBatchResponse response = allowed.handleRequest(SqsEvents.batch()
                .record("{\"Action\":\"Remove\",\"ChannelArn\":\"" + CHANNEL + "\",\"MemberArns\":[\""
                        + "arn:aws:chime:us-east-1:111122223333:app-instance/other/user/alice\",\"" + user("alice")
                        + "\"]}").build(), TestContext.withMinutesLeft(1));

        assertThat(failedIds(response)).isEmpty();
        List<Letter> letters = function.deadLetters().drain();
        assertThat(letters).extracting(Letter::errorCode).containsExactly("Forbidden", "BadRequest");
        assertThat(letters).allSatisfy(letter ->
                assertThat(letter.body().path("Action").asText()).isEqualTo("Remove"));
        // The first made no call; the second removed the valid member only, and read the moderators for it.
        assertThat(function.chime().callCounts())
                .isEqualTo(Map.of("DeleteChannelMembership", 1, "ListChannelModerators", 1));
        assertThat(function.channels().calls("DeleteChannelMembership")).extracting(ChannelsApi.ChannelCall::memberArns)
                .containsExactly(List.of(user("alice")));
        assertThat(function.channels().members(CHANNEL)).isEmpty();
    }

    @Test
    void aRemovalThereIsNoTimeLeftForGoesBackToSqsWithoutACall() {
        function.chime().member(ACCOUNT, ROOM, "alice", MEMBER);

        SqsEvents batch = SqsEvents.batch().record(room("Remove", item("alice", null)));
        SQSBatchResponse response = function.handle(batch.build(), TestContext.withDeadlineIn(500));

        assertThat(failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(function.chime().callCounts()).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().members(ACCOUNT, ROOM)).isEqualTo(Map.of("alice", MEMBER));
    }

    @Test
    void aRemovalThatFailsTransientlyGoesBackToSqsAndOnItsLastReceiveIsDeadLetteredOnlyIfTheMemberIsStillThere() {
        function.chime().member(ACCOUNT, ROOM, "alice", MEMBER).member(ACCOUNT, ROOM, "bob", MEMBER);
        function.chime().failMemberCall("DeleteRoomMembership", "alice", Fault.SERVICE_UNAVAILABLE, Integer.MAX_VALUE);
        function.chime().failMemberCall("DeleteRoomMembership", "bob", Fault.SERVICE_UNAVAILABLE, Integer.MAX_VALUE);

        SqsEvents first = SqsEvents.batch().record(room("Remove", item("alice", null), item("bob", null)), 1);
        SQSBatchResponse response = function.handle(first.build());

        assertThat(failedIds(response)).containsExactly(first.idOf(0));
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().members(ACCOUNT, ROOM)).isEqualTo(Map.of("alice", MEMBER, "bob", MEMBER));

        // Before the last receive, someone else removes bob.
        function.chime().failMemberCall("DeleteRoomMembership", "bob", Fault.SERVICE_UNAVAILABLE, 0);
        function.chimeClient().deleteRoomMembership(r -> r.accountId(ACCOUNT).roomId(ROOM).memberId("bob"));
        function.chime().failMemberCall("DeleteRoomMembership", "bob", Fault.SERVICE_UNAVAILABLE, Integer.MAX_VALUE);
        SqsEvents last = SqsEvents.batch().record(room("Remove", item("alice", null), item("bob", null)), 3);
        response = function.handle(last.build(), TestContext.withMinutesLeft(1));

        // The room is read before dead-lettering: bob is gone, so only alice's removal is a letter, as a removal.
        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).extracting(Letter::bodyBesidesFailedAt, Letter::errorCodeAttribute)
                .containsExactly(tuple(letterBody("""
                        {"AccountId": "%s", "RoomId": "%s", "MembershipItemList": [{"MemberId": "alice"}],
                         "Action": "Remove", "ErrorCode": "ServiceUnavailable",
                         "ErrorMessage": "The service is currently unavailable.", "SourceMessageId": "%s"}
                        """.formatted(ACCOUNT, ROOM, last.idOf(0))), "ServiceUnavailable"));
        assertThat(function.chime().members(ACCOUNT, ROOM)).isEqualTo(Map.of("alice", MEMBER));
    }

    @Test
    void aRemovalWhoseAnswerIsLostIsSettledOnceTheRetryFindsTheMemberGone() {
        function.chime().member(ACCOUNT, ROOM, "alice", MEMBER);
        // The removal takes effect, but its answer is lost; the client's retry is answered NotFound.
        function.chime().failMemberCall("DeleteRoomMembership", "alice", Fault.RESET_MID_RESPONSE, 1);

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(room("Remove", item("alice", null)), 1).build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().members(ACCOUNT, ROOM)).isEmpty();
        // The retry's NotFound is told apart by one read of the room.
        assertThat(function.chime().callCounts())
                .isEqualTo(Map.of("DeleteRoomMembership", 2, "ListRoomMemberships", 1));
        assertThat(figures("removed", "alreadyAbsent")).containsExactly(0, 1);
    }

    // ------------------------------------------------------------------ the later record of a batch wins

    @Test
    void anAddThenARemovalOfTheSameMemberInOneBatchOnlyRemovesAndTheOtherWayRoundOnlyAdds() {
        function.chime().member(ACCOUNT, ROOM, "alice", MEMBER);
        function.channels().member(CHANNEL, user("alice"), "DEFAULT");

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(room(null, item("alice", ADMINISTRATOR), item("bob", null)))
                .record(room("Remove", item("alice", null), item("bob", null)))
                .record(room(null, item("bob", null)))
                .record(channelRequest(null, null, "alice"))
                .record(channelRequest("Remove", null, "alice"))
                .build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().members(ACCOUNT, ROOM)).containsOnly(Map.entry("bob", MEMBER));
        assertThat(function.channels().members(CHANNEL)).isEmpty();
        assertThat(function.chime().callCounts()).isEqualTo(Map.of("DeleteRoomMembership", 1,
                "BatchCreateRoomMembership", 1, "DeleteChannelMembership", 1, "ListChannelModerators", 1));
        assertThat(function.chime().calls("DeleteRoomMembership")).extracting(ChimeEmulator.RecordedCall::memberIds)
                .containsExactly(List.of("alice"));
        assertThat(function.chime().calls("BatchCreateRoomMembership"))
                .extracting(ChimeEmulator.RecordedCall::memberIds).containsExactly(List.of("bob"));
    }

    @Test
    void aRequestOverriddenByALaterRecordIsSettledWithItAndWritesNoLetterOfItsOwn() {
        function.chime().failMember("bob", "NotFound", Integer.MAX_VALUE);

        SqsEvents batch = SqsEvents.batch()
                .record(room("Remove", item("bob", null)))
                .record(room(null, item("bob", ADMINISTRATOR)));
        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).isEmpty();
        // Only the add was made, and only its record carries its failure.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of("BatchCreateRoomMembership", 1));
        assertThat(function.chime().members(ACCOUNT, ROOM)).isEmpty();
        assertThat(function.deadLetters().drain()).extracting(Letter::sourceMessageId, Letter::errorCode)
                .containsExactly(tuple(batch.idOf(1), "NotFound"));
    }

    @Test
    void aRecordOnItsLastReceiveWritesNoLetterForWhatAnotherRecordGoingBackToSqsAsksToo() {
        function.chime().failMember("alice", "ServiceUnavailable", Integer.MAX_VALUE);

        SqsEvents batch = SqsEvents.batch()
                .record(room(null, item("alice", null)), 3)
                .record(room(null, item("alice", null)), 1);
        SQSBatchResponse response = function.handle(batch.build());

        // The second goes back to SQS and carries alice forward; the first is settled without a letter for her.
        assertThat(failedIds(response)).containsExactly(batch.idOf(1));
        assertThat(function.deadLetters().drain()).isEmpty();
        // The last receive reads the room first, as it would before any letter: alice is not there.
        assertThat(function.chime().callCounts())
                .isEqualTo(Map.of("BatchCreateRoomMembership", 3, "ListRoomMemberships", 1));
        assertThat(function.chime().members(ACCOUNT, ROOM)).isEmpty();
    }

    @Test
    void aMessageDeliveredTwiceInOneBatchIsSettledOnceAndWritesItsLettersOnce() {
        SqsEvents batch = SqsEvents.batch()
                .record(room(null, item("ghost", null), item("alice", null)))
                .record("not json");
        SQSEvent event = batch.build();
        List<SQSEvent.SQSMessage> records = new ArrayList<>(event.getRecords());
        records.add(records.get(0));
        records.add(records.get(1));
        event.setRecords(records);

        SQSBatchResponse response = function.handle(event);

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).extracting(Letter::sourceMessageId, Letter::errorCode)
                .containsExactlyInAnyOrder(tuple(batch.idOf(0), "NotFound"), tuple(batch.idOf(1), "BadRequest"));
        assertThat(function.chime().members(ACCOUNT, ROOM)).isEqualTo(Map.of("alice", MEMBER));
        assertThat(function.chime().callCounts()).isEqualTo(Map.of("BatchCreateRoomMembership", 1));
    }

    // ------------------------------------------------------------------ the sample events

    @Test
    void theLeaversAndRoleChangeSamplesAfterTheAddSamplesRemoveAndChangeExactlyWhatTheySay() {
        function.handle(EventLoader.loadSQSEvent("events/hr-batch.json"));
        function.handle(EventLoader.loadSQSEvent("events/channel-batch.json"), TestContext.withMinutesLeft(1));
        function.deadLetters().drain();
        String general = channel("general");
        String newJoiners = channel("new-joiners");
        Map<String, String> engineering = function.chime().members(Directory.ACME, Directory.ENGINEERING);
        Map<String, String> sales = function.chime().members(Directory.ACME, Directory.SALES);
        Map<String, String> generalMembers = function.channels().members(general);
        Map<String, String> newJoinersMembers = function.channels().members(newJoiners);
        assertThat(engineering).containsKeys("eng-118", "eng-119", "eng-120").containsEntry("eng-010", ADMINISTRATOR)
                .doesNotContainKey("sales-010");
        assertThat(sales).containsEntry("sales-004", MEMBER).containsKey("sales-008");
        assertThat(generalMembers).containsKey(user("sales-005"));
        assertThat(function.channels().moderators(general)).containsExactly(user("lead-001"));

        TestContext leaving = TestContext.withMinutesLeft(1);
        SQSBatchResponse response = function.handle(EventLoader.loadSQSEvent("events/leavers.json"), leaving);

        // Exactly the leavers are gone; sales-010 was never in engineering, so it is already absent.
        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().members(Directory.ACME, Directory.ENGINEERING))
                .isEqualTo(without(engineering, "eng-118", "eng-119", "eng-120"));
        assertThat(function.chime().members(Directory.ACME, Directory.SALES)).isEqualTo(without(sales, "sales-008"));
        assertThat(function.channels().members(general)).isEqualTo(without(generalMembers, user("sales-005")));
        assertThat(function.channels().members(newJoiners))
                .isEqualTo(without(newJoinersMembers, user("new-149"), user("new-150")));
        assertThat(function.channels().moderators(general)).containsExactly(user("lead-001"));
        assertThat(figures(leaving, "removed", "alreadyAbsent", "added", "rolesChanged")).containsExactly(7, 1, 0, 0);

        TestContext changing = TestContext.withMinutesLeft(1);
        response = function.handle(EventLoader.loadSQSEvent("events/role-changes.json"), changing);

        // Exactly the roles named change; no one joins or leaves.
        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        Map<String, String> salesNow = without(sales, "sales-008");
        salesNow.put("sales-004", ADMINISTRATOR);
        assertThat(function.chime().members(Directory.ACME, Directory.SALES)).isEqualTo(salesNow);
        Map<String, String> engineeringNow = without(engineering, "eng-118", "eng-119", "eng-120");
        engineeringNow.put("eng-010", MEMBER);
        assertThat(function.chime().members(Directory.ACME, Directory.ENGINEERING)).isEqualTo(engineeringNow);
        assertThat(function.channels().moderators(general)).containsExactly(user("sales-001"));
        assertThat(function.channels().members(general)).isEqualTo(without(generalMembers, user("sales-005")));
        assertThat(figures(changing, "rolesChanged", "added", "removed")).containsExactly(4, 0, 0);
    }

    // ------------------------------------------------------------------ helpers

    /** The members as they were, but for these. */
    private static Map<String, String> without(Map<String, String> members, String... gone) {
        Map<String, String> left = new HashMap<>(members);
        List.of(gone).forEach(left::remove);
        return left;
    }

    /** The summary line's figures of these names, in this order. */
    private static List<Integer> figures(String... names) {
        return figures(function.context(), names);
    }

    /** The figures of the invocation that logged to this context. */
    private static List<Integer> figures(TestContext invocation, String... names) {
        JsonNode summary = summary(invocation);
        List<Integer> figures = new ArrayList<>();
        for (String name : names) {
            figures.add(summary.path(name).asInt());
        }
        return figures;
    }

    private static JsonNode summary() {
        return summary(function.context());
    }

    private static JsonNode summary(TestContext invocation) {
        return invocation.logLines().stream().map(DesiredStateHandlerTest::read)
                .filter(line -> "invocation summary".equals(line.path("message").asText()))
                .findFirst().orElseThrow();
    }

    private static String room(String action, String... items) {
        return "{" + (action == null ? "" : "\"Action\":\"" + action + "\",") + "\"AccountId\":\"" + ACCOUNT
                + "\",\"RoomId\":\"" + ROOM + "\",\"MembershipItemList\":[" + String.join(",", items) + "]}";
    }

    private static String item(String memberId, String role) {
        return "{\"MemberId\":\"" + memberId + "\"" + (role == null ? "" : ",\"Role\":\"" + role + "\"") + "}";
    }

    private static String channelRequest(String action, String role, String... userIds) {
        List<String> arns = new ArrayList<>();
        for (String id : userIds) {
            arns.add("\"" + user(id) + "\"");
        }
        return "{" + (action == null ? "" : "\"Action\":\"" + action + "\",") + "\"ChannelArn\":\"" + CHANNEL
                + "\",\"MemberArns\":[" + String.join(",", arns) + "]"
                + (role == null ? "" : ",\"Role\":\"" + role + "\"") + "}";
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package roommembership.pipeline;

import roommembership.pipeline.read.Reading;

import roommembership.pipeline.apply.CallLimits;

import roommembership.model.Deadline;
import roommembership.model.Sent;
import roommembership.model.ErrorCodes;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.model.SourceRecord;
import roommembership.pipeline.apply.CallFailure;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.pipeline.read.AccountAllowlist;
import roommembership.pipeline.read.ChannelAccess;
import roommembership.pipeline.read.LegacyRouting;
import roommembership.pipeline.read.MessageParser;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.report.BatchReport;
import roommembership.pipeline.report.Summary;
import roommembership.pipeline.settle.DeadLetters;
import roommembership.pipeline.settle.Letter;
import roommembership.pipeline.settle.RequestEnds;
import roommembership.sqs.LetterJson;
import roommembership.target.CallResult;
import roommembership.target.ChannelKey;
import roommembership.target.ChimeArns;
import roommembership.target.Target;
import roommembership.target.MemberError;
import roommembership.target.Memberships;
import roommembership.target.RoomKey;
import roommembership.target.Roster;
import roommembership.testing.WrittenLetter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The settlement rules of channel requests on in-memory ports: members added, administrators made moderators once
 * their membership holds, routed legacy requests, and rooms beside channels in one batch.
 */
class ChannelSettlementTest {
    private static final String APP = "arn:aws:chime:us-east-1:111122223333:app-instance/hr";
    private static final String SALES_ARN = APP + "/channel/sales";
    private static final ChannelKey SALES = ChannelKey.of(SALES_ARN).orElseThrow();
    private static final String ALICE = APP + "/user/alice";
    private static final String BOB = APP + "/user/bob";
    private static final String CAROL = APP + "/user/carol";
    private static final String BEARER = APP + "/bot/hr-sync";
    private static final RoomKey ROOM = new RoomKey("acct", "room");
    private static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ZERO, Duration.ZERO);
    private static final int MAX_RECEIVES = 5;
    private static final LegacyRouting ROUTING =
            new LegacyRouting(APP + "/channel/{RoomId}", APP + "/user/{MemberId}");

    private final ScriptedTargets chime = new ScriptedTargets();
    private final CollectedDeadLetters deadLetters = new CollectedDeadLetters();
    private final ExecutorService calls = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopCalls() {
        calls.shutdownNow();
    }

    @Test
    void eachRequestedAdministratorWhoseMembershipHoldsGetsOneGrantAndMembersGetNone() {
        chime.answerAdds(BOB, ErrorCodes.CONFLICT);
        chime.administrators = new Roster.Known(Set.of());
        String admins = "{\"ChannelArn\":\"" + SALES_ARN + "\",\"MemberArns\":[\"" + ALICE + "\",\"" + BOB + "\"],"
                + "\"Role\":\"Administrator\"}";

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", admins, 1),
                SourceRecord.standard("m2", form4(CAROL, "DEFAULT", "Member"), 1)), Deadline.none());

        assertThat(chime.adds).containsExactly(new AddCall(SALES, List.of(
                new Membership(ALICE, Role.ADMINISTRATOR), new Membership(BOB, Role.ADMINISTRATOR),
                new Membership(CAROL, Role.MEMBER))));
        assertThat(chime.grants).containsExactlyInAnyOrder(new Grant(SALES, ALICE), new Grant(SALES, BOB));
        // Bob was there already: only the moderators tell whether his named role needs the grant.
        assertThat(chime.reads).containsExactly(new Read("administrators", SALES));
        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(report.deadLetters()).isEmpty();
        assertThat(report.summary()).extracting(Summary::rooms, Summary::channels, Summary::calls, Summary::added,
                Summary::alreadyMembers, Summary::membershipRequests).containsExactly(0, 1, 3, 2, 1, 3);
    }

    @Test
    void aRoleGrantedIsARequestCarriedOutAndARoleAlreadyHeldIsOneAlreadySo() {
        chime.answerAdds(BOB, ErrorCodes.CONFLICT);
        chime.answerAdds(CAROL, ErrorCodes.CONFLICT);
        chime.administrators = new Roster.Known(Set.of(CAROL));
        String admins = "{\"ChannelArn\":\"" + SALES_ARN + "\",\"MemberArns\":[\"" + ALICE + "\",\"" + BOB + "\",\""
                + CAROL + "\"],\"Role\":\"Administrator\"}";

        BatchReport report = service().process(List.of(SourceRecord.standard("m1", admins, 1)), Deadline.none());

        // Alice joined and Bob was made a moderator; Carol moderates already.
        assertThat(chime.grants).containsExactlyInAnyOrder(new Grant(SALES, ALICE), new Grant(SALES, BOB));
        assertThat(report.summary()).extracting(Summary::membershipRequests, Summary::requestEnds, Summary::rolesChanged)
                .containsExactly(3, new RequestEnds(2, 1, 0, 0, 0, 0), 1);
    }

    @Test
    void anAdministratorWhoseAddFailedIsDeadLetteredAsAnAdministratorAndGetsNoGrant() {
        chime.answerAdds(ALICE, ErrorCodes.NOT_FOUND);

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "HIDDEN", "Administrator"), 1)), Deadline.none());

        assertThat(chime.grants).isEmpty();
        assertThat(report.deadLetters()).map(WrittenLetter::of).containsExactly(
                letter("m1", ALICE, "HIDDEN", "Administrator", "NotFound", "scripted NotFound"));
        assertThat(report.retryMessageIds()).isEmpty();
    }

    @Test
    void aConflictAnswerToTheGrantMeansTheMemberIsAModeratorAlready() {
        chime.answerGrants(ALICE, ErrorCodes.CONFLICT);

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "DEFAULT", "Administrator"), 1)), Deadline.none());

        assertThat(chime.grants).containsExactly(new Grant(SALES, ALICE));
        assertThat(report.deadLetters()).isEmpty();
        assertThat(report.retryMessageIds()).isEmpty();
    }

    @Test
    void aTransientGrantFailureIsRetriedWithinTheInvocation() {
        chime.answerGrants(ALICE, ErrorCodes.THROTTLED, ErrorCodes.SERVICE_UNAVAILABLE, null);

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "DEFAULT", "Administrator"), 1)), Deadline.none());

        assertThat(chime.grants).containsExactly(
                new Grant(SALES, ALICE), new Grant(SALES, ALICE), new Grant(SALES, ALICE));
        assertThat(report.deadLetters()).isEmpty();
        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(report.summary()).extracting(Summary::calls, Summary::chimeThrottles).containsExactly(4, 1);
    }

    @Test
    void aGrantThatKeepsFailingTransientlyIsLeftToSqsBeforeTheLastReceiveWithoutReadingTheModerators() {
        chime.answerGrants(ALICE, ErrorCodes.THROTTLED);

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "DEFAULT", "Administrator"), MAX_RECEIVES - 1)),
                Deadline.none());

        assertThat(chime.grants).hasSize(RETRY.maxAttempts());
        assertThat(chime.reads).isEmpty();
        assertThat(report.retryMessageIds()).containsExactly("m1");
        assertThat(deadLetters.sent).isEmpty();
    }

    @Test
    void onTheLastReceiveAGrantThatKeptFailingButHoldsAfterAllIsASuccess() {
        chime.answerGrants(ALICE, ErrorCodes.SERVICE_FAILURE);
        chime.administrators = new Roster.Known(Set.of(ALICE));

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "DEFAULT", "Administrator"), MAX_RECEIVES)), Deadline.none());

        assertThat(chime.reads).containsExactly(new Read("administrators", SALES));
        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(deadLetters.sent).isEmpty();
    }

    @Test
    void onTheLastReceiveAGrantThatKeptFailingAndDoesNotHoldIsDeadLetteredWithItsCode() {
        chime.answerGrants(ALICE, ErrorCodes.THROTTLED);
        chime.administrators = new Roster.Known(Set.of(BOB));

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "HIDDEN", "Administrator"), MAX_RECEIVES)), Deadline.none());

        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(report.deadLetters()).map(WrittenLetter::of).containsExactly(
                letter("m1", ALICE, "HIDDEN", "Administrator", "Throttled", "scripted Throttled"));
    }

    @Test
    void onTheLastReceiveModeratorsThatCannotBeReadSendTheRecordBackToSqsRatherThanGuess() {
        chime.answerGrants(ALICE, ErrorCodes.THROTTLED);
        chime.administrators = new Roster.Unknown(ErrorCodes.SERVICE_UNAVAILABLE, "cannot list moderators");

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "DEFAULT", "Administrator"), MAX_RECEIVES + 2)),
                Deadline.none());

        assertThat(chime.reads).containsExactly(new Read("administrators", SALES));
        assertThat(report.retryMessageIds()).containsExactly("m1");
        assertThat(deadLetters.sent).isEmpty();
    }

    @Test
    void onTheLastReceiveAGrantCallWithoutAnAnswerIsCheckedAgainstTheModeratorsToo() {
        chime.grantCallFailure = ErrorCodes.SERVICE_UNAVAILABLE;
        chime.administrators = new Roster.Known(Set.of());

        BatchReport early = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "DEFAULT", "Administrator"), 1)), Deadline.none());
        BatchReport last = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "DEFAULT", "Administrator"), MAX_RECEIVES)),
                Deadline.none());

        assertThat(early.retryMessageIds()).containsExactly("m1");
        assertThat(last.retryMessageIds()).isEmpty();
        assertThat(deadLetters.sent).map(WrittenLetter::of).containsExactly(letter("m1", ALICE, "DEFAULT", "Administrator",
                "ServiceUnavailable", "scripted call failure"));
        assertThat(chime.reads).containsExactly(new Read("administrators", SALES));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ResourceLimitExceeded", "Forbidden", "NotFound", "BadRequest"})
    void aPermanentGrantFailureIsDeadLetteredWithItsCodeAndRoleAdministrator(String code) {
        chime.answerGrants(BOB, code);
        String admins = "{\"ChannelArn\":\"" + SALES_ARN + "\",\"MemberArns\":[\"" + ALICE + "\",\"" + BOB + "\"],"
                + "\"Role\":\"Administrator\",\"Type\":\"HIDDEN\"}";

        BatchReport report = service().process(List.of(SourceRecord.standard("m1", admins, 1)), Deadline.none());

        assertThat(chime.grants).containsExactlyInAnyOrder(new Grant(SALES, ALICE), new Grant(SALES, BOB));
        assertThat(report.deadLetters()).map(WrittenLetter::of).containsExactly(
                letter("m1", BOB, "HIDDEN", "Administrator", code, "scripted " + code));
        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(chime.reads).isEmpty();
        // Bob's add succeeded, so he counts as added although his grant failed.
        assertThat(report.summary()).extracting(Summary::added, Summary::rolesChanged).containsExactly(2, 0);
    }

    @Test
    void aWholeGrantCallThatFailsForGoodIsDeadLetteredWithItsCode() {
        chime.grantCallFailure = ErrorCodes.FORBIDDEN;

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "DEFAULT", "Administrator"), 1)), Deadline.none());

        assertThat(report.deadLetters()).map(WrittenLetter::of).containsExactly(
                letter("m1", ALICE, "DEFAULT", "Administrator", "Forbidden", "scripted call failure"));
        assertThat(report.callFailures()).containsExactly(new CallFailure(SALES, "Forbidden", "scripted call failure", 1));
    }

    @Test
    void onTheLastReceiveAnAdministratorWhoseAddGotNoAnswerButIsInTheChannelIsStillMadeAModerator() {
        chime.addCallFailures.put(SALES, ErrorCodes.SERVICE_UNAVAILABLE);
        chime.members = new Roster.Known(Set.of(ALICE));
        chime.administrators = new Roster.Known(Set.of());

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "DEFAULT", "Administrator"), MAX_RECEIVES)), Deadline.none());

        // Found in the channel, she is a member already there: her moderators are read before her role is set.
        assertThat(chime.reads).containsExactly(new Read("members", SALES), new Read("administrators", SALES));
        assertThat(chime.grants).containsExactly(new Grant(SALES, ALICE));
        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(report.deadLetters()).isEmpty();
        assertThat(report.summary()).extracting(Summary::added, Summary::alreadyMembers, Summary::rolesChanged)
                .containsExactly(0, 1, 1);
    }

    @Test
    void onTheLastReceiveAnAdministratorChimeKeptThrottlingButWhoIsInTheChannelIsStillMadeAModerator() {
        chime.answerAdds(ALICE, ErrorCodes.THROTTLED);
        chime.members = new Roster.Known(Set.of(ALICE));
        chime.administrators = new Roster.Known(Set.of());

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "DEFAULT", "Administrator"), MAX_RECEIVES)), Deadline.none());

        assertThat(chime.reads).containsExactly(new Read("members", SALES), new Read("administrators", SALES));
        assertThat(chime.grants).containsExactly(new Grant(SALES, ALICE));
        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(report.deadLetters()).isEmpty();
    }

    @Test
    void hiddenAndDefaultMembersOfOneChannelAreAddedByCallsOfTheirOwnType() {
        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "HIDDEN", "Member"), 1),
                SourceRecord.standard("m2", form4(BOB, "DEFAULT", "Member"), 1),
                SourceRecord.standard("m3", form4(CAROL, "HIDDEN", "Member"), 1)), Deadline.none());

        assertThat(chime.adds).containsExactlyInAnyOrder(
                new AddCall(SALES, List.of(new Membership(ALICE, Role.MEMBER, MembershipType.HIDDEN),
                        new Membership(CAROL, Role.MEMBER, MembershipType.HIDDEN))),
                new AddCall(SALES, List.of(new Membership(BOB, Role.MEMBER, MembershipType.DEFAULT))));
        assertThat(report.summary()).extracting(Summary::channels, Summary::calls, Summary::added)
                .containsExactly(1, 2, 3);
    }

    @Test
    void aMemberAskedForInTwoMessagesIsSentOnceAsTheLaterWantsAndBothRecordsSettle() {
        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "HIDDEN", "Administrator"), 1),
                SourceRecord.standard("m2", form4(ALICE, "DEFAULT", "Member"), 1)), Deadline.none());

        assertThat(chime.adds).containsExactly(
                new AddCall(SALES, List.of(new Membership(ALICE, Role.MEMBER, MembershipType.DEFAULT))));
        assertThat(chime.grants).isEmpty();
        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(report.deadLetters()).isEmpty();
    }

    @Test
    void aGrantFailureFailsOnlyTheRecordsThatAskedForAnAdministrator() {
        chime.answerGrants(ALICE, ErrorCodes.RESOURCE_LIMIT_EXCEEDED);

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "DEFAULT", "Member"), 1),
                SourceRecord.standard("m2", form4(ALICE, "DEFAULT", "Administrator"), 1)), Deadline.none());

        assertThat(chime.grants).containsExactly(new Grant(SALES, ALICE));
        assertThat(report.deadLetters()).map(WrittenLetter::of).containsExactly(letter("m2", ALICE, "DEFAULT", "Administrator",
                "ResourceLimitExceeded", "scripted ResourceLimitExceeded"));
        assertThat(report.retryMessageIds()).isEmpty();
    }

    @Test
    void aTransientGrantFailureSendsBackOnlyTheRecordsThatAskedForAnAdministrator() {
        chime.answerGrants(ALICE, ErrorCodes.THROTTLED);

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "DEFAULT", "Member"), 1),
                SourceRecord.standard("m2", form4(ALICE, "DEFAULT", "Administrator"), 1)), Deadline.none());

        assertThat(report.retryMessageIds()).containsExactly("m2");
        assertThat(deadLetters.sent).isEmpty();
    }

    @Test
    void roomsAndChannelsInOneBatchArePlannedCalledAndSettledEachOnTheirOwn() {
        chime.addCallFailures.put(ROOM, ErrorCodes.SERVICE_UNAVAILABLE);
        chime.answerAdds(CAROL, ErrorCodes.NOT_FOUND);
        List<String> arns = new ArrayList<>();
        for (int i = 1; i <= 120; i++) {
            arns.add(APP + "/user/u" + i);
        }
        arns.add(CAROL);
        StringBuilder roomItems = new StringBuilder();
        for (int i = 1; i <= 120; i++) {
            roomItems.append(i == 1 ? "" : ",").append("{\"MemberId\":\"u").append(i).append("\"}");
        }
        String room = "{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MembershipItemList\":[" + roomItems + "]}";
        String channel = "{\"ChannelArn\":\"" + SALES_ARN + "\",\"MemberArns\":[\"" + String.join("\",\"", arns)
                + "\"]}";

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", room, 1),
                SourceRecord.standard("m2", channel, 1)), Deadline.none());

        assertThat(chime.adds).extracting(AddCall::target, call -> call.members().size())
                .containsExactlyInAnyOrder(tuple(ROOM, 50), tuple(ROOM, 50), tuple(ROOM, 20),
                        tuple(SALES, 100), tuple(SALES, 21));
        assertThat(report.retryMessageIds()).containsExactly("m1");
        assertThat(report.deadLetters()).map(WrittenLetter::of).containsExactly(
                letter("m2", CAROL, "DEFAULT", null, "NotFound", "scripted NotFound"));
        assertThat(report.summary()).extracting(Summary::rooms, Summary::channels, Summary::added)
                .containsExactly(1, 1, 120);
        assertThat(report.callFailures()).extracting(CallFailure::target).containsOnly(ROOM);
    }

    @Test
    void onTheLastReceiveOnlyTheConversationWhoseCallGotNoAnswerIsRead() {
        chime.addCallFailures.put(SALES, ErrorCodes.SERVICE_FAILURE);
        chime.members = new Roster.Known(Set.of(ALICE));

        BatchReport report = service().process(List.of(
                SourceRecord.standard("m1", "{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MemberId\":\"u1\"}",
                        MAX_RECEIVES),
                SourceRecord.standard("m2", "{\"ChannelArn\":\"" + SALES_ARN + "\",\"MemberArns\":[\"" + ALICE
                        + "\",\"" + BOB + "\"]}", MAX_RECEIVES)), Deadline.none());

        assertThat(chime.reads).containsExactly(new Read("members", SALES));
        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(report.deadLetters()).map(WrittenLetter::of).containsExactly(
                letter("m2", BOB, "DEFAULT", null, "ServiceFailure", "scripted call failure"));
        assertThat(report.summary()).extracting(Summary::added, Summary::alreadyMembers).containsExactly(1, 1);
    }

    @Test
    void aRoutedRequestReachesTheChannelPortWithArnsAndItsFailuresLettersAreInTheProducersForm() {
        chime.answerAdds(APP + "/user/bob", ErrorCodes.NOT_FOUND);
        String legacy = "{\"AccountId\":\"acct\",\"RoomId\":\"sales\",\"MembershipItemList\":["
                + "{\"MemberId\":\"alice\",\"Role\":\"Administrator\"},{\"MemberId\":\"bob\",\"Role\":\"Administrator\"},"
                + "{\"MemberId\":\"a/b\"}]}";

        BatchReport report = routedService(new ChannelAccess(Optional.of(BEARER), Set.of(APP)))
                .process(List.of(SourceRecord.standard("m1", legacy, 1)), Deadline.none());

        assertThat(chime.adds).containsExactly(new AddCall(SALES, List.of(
                new Membership(ALICE, Role.ADMINISTRATOR), new Membership(BOB, Role.ADMINISTRATOR))));
        assertThat(chime.grants).containsExactly(new Grant(SALES, ALICE));
        String end = ",\"SourceMessageId\":\"m1\",\"FailedAt\":\"1970-01-01T00:00:00Z\"}";
        assertThat(report.deadLetters()).map(WrittenLetter::of).containsExactlyInAnyOrder(
                new WrittenLetter("m1", "NotFound", "{\"AccountId\":\"acct\",\"RoomId\":\"sales\",\"MembershipItemList\":"
                        + "[{\"MemberId\":\"bob\",\"Role\":\"Administrator\"}],\"ChannelArn\":\"" + SALES_ARN + "\","
                        + "\"MemberArn\":\"" + BOB + "\",\"ErrorCode\":\"NotFound\",\"ErrorMessage\":"
                        + "\"scripted NotFound\"" + end, Optional.of("bob")),
                new WrittenLetter("m1", "BadRequest", "{\"AccountId\":\"acct\",\"RoomId\":\"sales\","
                        + "\"MembershipItemList\":[{\"MemberId\":\"a/b\"}],\"ChannelArn\":\""
                        + SALES_ARN + "\",\"ErrorCode\":\"BadRequest\",\"ErrorMessage\":\"the MemberId gives the "
                        + "MemberArn '" + APP + "/user/a/b' through MEMBER_ARN_TEMPLATE, which is not valid: "
                        + "MemberArn must be an AppInstanceUser or AppInstanceBot ARN, " + ChimeArns.MEMBER_RULE
                        + ", not '" + APP + "/user/a/b'\"" + end, Optional.of("a/b")));
        assertThat(report.deadLetters()).extracting(letter -> MessageParser.parse(LetterJson.body(letter)))
                .allSatisfy(parsed -> assertThat(parsed).isInstanceOfSatisfying(ParsedMessage.Request.class,
                        request -> assertThat(request.target()).isEqualTo(new RoomKey("acct", "sales"))));
    }

    @Test
    void aRoutedRequestToAnAppInstanceOutsideTheAllowlistIsForbiddenInTheProducersFormWithTheArnsItWouldUse() {
        String finance = "arn:aws:chime:us-east-1:111122223333:app-instance/finance";

        BatchReport report = routedService(new ChannelAccess(Optional.of(BEARER), Set.of(finance))).process(List.of(
                SourceRecord.standard("m1", "{\"AccountId\":\"acct\",\"RoomId\":\"sales\",\"MemberId\":\"alice\","
                        + "\"Role\":\"Administrator\"}", 1)), Deadline.none());

        assertThat(chime.adds).isEmpty();
        assertThat(report.deadLetters()).map(WrittenLetter::of).containsExactly(new WrittenLetter("m1", "Forbidden", "{\"AccountId\":\"acct\","
                + "\"RoomId\":\"sales\",\"MembershipItemList\":[{\"MemberId\":\"alice\",\"Role\":\"Administrator\"}],"
                + "\"ChannelArn\":\"" + SALES_ARN + "\",\"MemberArn\":\"" + ALICE + "\",\"ErrorCode\":\"Forbidden\","
                + "\"ErrorMessage\":\"AppInstance " + APP + " is not in ALLOWED_APP_INSTANCE_ARNS: this deployment "
                + "does not manage it\",\"SourceMessageId\":\"m1\",\"FailedAt\":\"1970-01-01T00:00:00Z\"}",
                Optional.of("alice")));
    }

    @Test
    void withoutABearerChannelMembersAreForbiddenWithoutAnyCallWhileRoomsGoOn() {
        String reason = "CHIME_BEARER_ARN is not set: channel requests need the AppInstanceUser or AppInstanceBot "
                + "the function calls as; set it, then redrive these letters";
        MembershipService noBearer = service(ChannelAccess.none(), Optional.empty());

        BatchReport report = noBearer.process(List.of(
                SourceRecord.standard("m1", form4(ALICE, "HIDDEN", "Administrator"), 1),
                SourceRecord.standard("m2", "{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MemberId\":\"u1\"}", 1)),
                Deadline.none());

        assertThat(chime.adds).containsExactly(new AddCall(ROOM, List.of(Membership.withoutRole("u1"))));
        assertThat(chime.grants).isEmpty();
        assertThat(chime.reads).isEmpty();
        assertThat(report.deadLetters()).map(WrittenLetter::of).containsExactly(
                letter("m1", ALICE, "HIDDEN", "Administrator", "Forbidden", reason));
        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(report.summary()).extracting(Summary::rooms, Summary::channels, Summary::deadLetteredByErrorCode)
                .containsExactly(1, 0, Map.of("Forbidden", 1));
    }

    @Test
    void anUnreadableChannelMessageIsOneBadRequestLetterAndNoCall() {
        String body = "{\"ChannelArn\":\"arn:aws:sqs:us-east-1:111122223333:new-hires\",\"MemberArn\":\"" + ALICE
                + "\"}";

        BatchReport report = service().process(List.of(SourceRecord.standard("m1", body, 1)), Deadline.none());

        assertThat(chime.adds).isEmpty();
        assertThat(report.deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter).extracting(Letter::errorCode, Letter::member)
                    .containsExactly("BadRequest", Optional.empty());
            assertThat(LetterJson.body(letter)).startsWith("{\"ErrorCode\":\"BadRequest\",\"ErrorMessage\":\"ChannelArn must be ");
        });
        assertThat(report.summary().invalidMessages()).isEqualTo(1);
    }

    private MembershipService service() {
        return service(new ChannelAccess(Optional.of(BEARER), Set.of()), Optional.empty());
    }

    private MembershipService routedService(ChannelAccess access) {
        return service(access, Optional.of(ROUTING));
    }

    private MembershipService service(ChannelAccess access, Optional<LegacyRouting> routing) {
        return new MembershipService(chime, deadLetters, calls,
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), new MembershipService.Settings(
                new Reading(routing, access, AccountAllowlist.anyAccount()),
                new CallLimits(RETRY, Duration.ofSeconds(1)), MAX_RECEIVES));
    }

    private static String form4(String memberArn, String type, String role) {
        return "{\"ChannelArn\":\"" + SALES_ARN + "\",\"MemberArn\":\"" + memberArn + "\",\"Type\":\"" + type
                + "\",\"Role\":\"" + role + "\"}";
    }

    /**
     * A sales channel member's letter, as the failed-member queue receives it.
     *
     * @param role the Role the request named, or null for one that named none: its letter names none either
     */
    private static WrittenLetter letter(String sourceMessageId, String memberArn, String type, String role, String code,
                                     String message) {
        return new WrittenLetter(sourceMessageId, code, "{\"ChannelArn\":\"" + SALES_ARN + "\",\"MemberArn\":\""
                + memberArn + "\",\"Type\":\"" + type + "\"" + (role == null ? "" : ",\"Role\":\"" + role + "\"")
                + ",\"ErrorCode\":\"" + code
                + "\",\"ErrorMessage\":\"" + message + "\",\"SourceMessageId\":\"" + sourceMessageId
                + "\",\"FailedAt\":\"1970-01-01T00:00:00Z\"}", Optional.of(memberArn));
    }

    record AddCall(Target target, List<Membership> members) {
    }

    record Grant(Target conversation, String memberId) {
    }

    record Read(String what, Target conversation) {
    }

    /**
     * Rooms and channels behind one port. Each member's answers are scripted per attempt (null: done), the last
     * repeating; every call and read is recorded.
     */
    private static final class ScriptedTargets implements Memberships<Target> {
        final List<AddCall> adds = Collections.synchronizedList(new ArrayList<>());
        final List<Grant> grants = Collections.synchronizedList(new ArrayList<>());
        final List<Read> reads = Collections.synchronizedList(new ArrayList<>());
        final Map<Target, String> addCallFailures = new ConcurrentHashMap<>();
        volatile String grantCallFailure;
        volatile Roster members = new Roster.Known(Set.of());
        volatile Roster administrators = new Roster.Known(Set.of());
        private final Map<String, List<String>> addAnswers = new ConcurrentHashMap<>();
        private final Map<String, List<String>> grantAnswers = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> addAttempts = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> grantAttempts = new ConcurrentHashMap<>();

        void answerAdds(String memberId, String... codesPerAttempt) {
            addAnswers.put(memberId, Arrays.asList(codesPerAttempt));
        }

        void answerGrants(String memberId, String... codesPerAttempt) {
            grantAnswers.put(memberId, Arrays.asList(codesPerAttempt));
        }

        @Override
        public CallResult addMembers(Target conversation, List<Membership> members, Duration timeLimit) {
            adds.add(new AddCall(conversation, members));
            String failure = addCallFailures.get(conversation);
            if (failure != null) {
                return new CallResult.Failed(failure, "scripted call failure");
            }
            List<MemberError> errors = new ArrayList<>();
            for (Membership member : members) {
                answer(addAnswers, addAttempts, member.memberId()).ifPresent(errors::add);
            }
            return new CallResult.Answered(errors);
        }

        @Override
        public CallResult removeMember(Target conversation, String memberId, Duration timeLimit) {
            throw new AssertionError("these batches only add: nothing is removed from " + conversation);
        }

        /** Scripted as a moderator's grant: these batches only make Administrators of channel members. */
        @Override
        public CallResult setRole(Target conversation, String memberId, Role role, Duration timeLimit) {
            assertThat(conversation).isInstanceOf(ChannelKey.class);
            assertThat(role).isEqualTo(Role.ADMINISTRATOR);
            grants.add(new Grant(conversation, memberId));
            if (grantCallFailure != null) {
                return new CallResult.Failed(grantCallFailure, "scripted call failure");
            }
            return new CallResult.Answered(answer(grantAnswers, grantAttempts, memberId).stream().toList());
        }

        @Override
        public Roster members(Target conversation, Duration timeLimit) {
            reads.add(new Read("members", conversation));
            return members;
        }

        @Override
        public Roster administrators(Target conversation, Duration timeLimit) {
            reads.add(new Read("administrators", conversation));
            return administrators;
        }

        private static Optional<MemberError> answer(Map<String, List<String>> answers,
                                                    Map<String, AtomicInteger> attempts, String memberId) {
            List<String> codes = answers.get(memberId);
            if (codes == null) {
                return Optional.empty();
            }
            int attempt = attempts.computeIfAbsent(memberId, id -> new AtomicInteger()).getAndIncrement();
            String code = codes.get(Math.min(attempt, codes.size() - 1));
            return Optional.ofNullable(code).map(c -> new MemberError(memberId, c, "scripted " + c));
        }
    }

    /** Keeps every letter it is sent. */
    private static final class CollectedDeadLetters implements DeadLetters {
        final List<Letter> sent = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Sent<Letter> send(List<Letter> letters, Deadline deadline) {
            sent.addAll(letters);
            return Sent.allSent();
        }
    }
}

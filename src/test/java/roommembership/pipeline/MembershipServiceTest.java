package roommembership.pipeline;

import roommembership.pipeline.read.ChannelAccess;

import roommembership.pipeline.read.Reading;

import roommembership.pipeline.apply.CallLimits;

import roommembership.model.Deadline;
import roommembership.model.Sent;
import roommembership.model.Membership;
import roommembership.model.Role;
import roommembership.model.SourceRecord;
import roommembership.pipeline.apply.CallFailure;
import roommembership.pipeline.apply.OddEntries;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.pipeline.read.AccountAllowlist;
import roommembership.pipeline.report.BatchReport;
import roommembership.pipeline.report.Summary;
import roommembership.pipeline.settle.DeadLetters;
import roommembership.pipeline.settle.Letter;
import roommembership.pipeline.settle.RequestEnds;
import roommembership.model.SendFailure;
import roommembership.target.CallResult;
import roommembership.target.Target;
import roommembership.target.MemberError;
import roommembership.target.Memberships;
import roommembership.target.RoomKey;
import roommembership.target.Roster;
import roommembership.testing.WrittenLetter;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** The settlement rules on in-memory ports; the same rules run against the real services in the handler tests. */
class MembershipServiceTest {
    private static final RoomKey ROOM = new RoomKey("acct", "room");
    private static final CallLimits LIMITS =
            new CallLimits(new RetryPolicy(3, Duration.ZERO, Duration.ZERO), Duration.ofSeconds(1));
    private static final MembershipService.Settings SETTINGS = new MembershipService.Settings(
            new Reading(Optional.empty(), ChannelAccess.none(), AccountAllowlist.anyAccount()), LIMITS, 5);

    private final ScriptedRooms rooms = new ScriptedRooms();
    private final CollectedDeadLetters deadLetters = new CollectedDeadLetters();
    private final MembershipService service = new MembershipService(rooms, deadLetters,
            Executors.newFixedThreadPool(2), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), SETTINGS);

    @Test
    void recordHandedBackToSqsSendsNoDeadLettersUntilItsLastReceive() {
        rooms.memberError("ghost", "NotFound");
        rooms.memberError("busy", "Throttled");
        String body = "{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MembershipItemList\":"
                + "[{\"MemberId\":\"ghost\"},{\"MemberId\":\"busy\"},{\"MemberId\":\"fine\"}]}";

        BatchReport early = service.process(List.of(SourceRecord.standard("m1", body, 4)), Deadline.none());

        assertThat(early.retryMessageIds()).containsExactly("m1");
        assertThat(deadLetters.sent).isEmpty();

        BatchReport last = service.process(List.of(SourceRecord.standard("m1", body, 5)), Deadline.none());

        assertThat(last.retryMessageIds()).isEmpty();
        assertThat(deadLetters.sent).extracting(Letter::errorCode).containsExactlyInAnyOrder("NotFound", "Throttled");
        assertThat(last.summary().deadLetteredByErrorCode()).isEqualTo(Map.of("NotFound", 1, "Throttled", 1));
    }

    @Test
    void onlyTheRecordsWhoseDeadLettersCouldNotBeSentGoBackToSqs() {
        rooms.memberError("ghost-1", "NotFound");
        rooms.memberError("ghost-2", "NotFound");
        deadLetters.refuseFrom("m2");

        BatchReport report = service.process(List.of(
                SourceRecord.standard("m1", one("ghost-1"), 1),
                SourceRecord.standard("m2", one("ghost-2"), 1),
                SourceRecord.standard("m3", "{}", 1)), Deadline.none());

        assertThat(report.retryMessageIds()).containsExactly("m2");
        assertThat(report.deadLetters()).extracting(Letter::sourceMessageId).containsExactlyInAnyOrder("m1", "m3");
        assertThat(report.summary().deadLettered()).isEqualTo(2);
        // What the send met goes to the report, for the log to name.
        assertThat(report.sendFailures()).containsExactly(new SendFailure(1, 1, "InternalError", "refused by the test"));
    }

    @Test
    void everyRequestEndsOneWayWhenItsRecordGoesBackOrAnotherRecordCarriesItBack() {
        rooms.memberError("busy", "Throttled");
        String busyAndFine = "{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MembershipItemList\":"
                + "[{\"MemberId\":\"busy\"},{\"MemberId\":\"fine\"}]}";

        // m1 is on its last receive, so its busy member would be dead-lettered, but m2 goes back asking the same.
        BatchReport report = service.process(List.of(
                SourceRecord.standard("m1", busyAndFine, 5),
                SourceRecord.standard("m2", one("busy"), 1)), Deadline.none());

        assertThat(report.retryMessageIds()).containsExactly("m2");
        assertThat(report.deadLetters()).isEmpty();
        assertThat(report.summary()).extracting(Summary::membershipRequests, Summary::requestEnds)
                .containsExactly(3, new RequestEnds(1, 0, 0, 1, 0, 1));
    }

    @Test
    void aRequestWhoseLetterCouldNotBeSentEndsHandedBackAndAMessageDeliveredTwiceIsLeftToItsFirstDelivery() {
        rooms.memberError("ghost-1", "NotFound");
        rooms.memberError("ghost-2", "NotFound");
        deadLetters.refuseFrom("m2");

        BatchReport report = service.process(List.of(
                SourceRecord.standard("m1", one("ghost-1"), 1),
                SourceRecord.standard("m2", one("ghost-2"), 1),
                SourceRecord.standard("m1", one("ghost-1"), 1)), Deadline.none());

        assertThat(report.retryMessageIds()).containsExactly("m2");
        assertThat(report.summary()).extracting(Summary::membershipRequests, Summary::requestEnds)
                .containsExactly(3, new RequestEnds(0, 0, 1, 1, 0, 1));
    }

    @Test
    void fifoGroupStopsAtTheFirstRecordThatCouldNotBeSettled() {
        rooms.memberError("ghost", "NotFound");
        deadLetters.refuseFrom("m1");

        BatchReport report = service.process(List.of(
                new SourceRecord("m1", one("ghost"), 1, Optional.of("g1")),
                new SourceRecord("m2", one("u2"), 1, Optional.of("g2")),
                new SourceRecord("m3", one("u3"), 1, Optional.of("g1"))), Deadline.none());

        assertThat(report.retryMessageIds()).containsExactly("m1", "m3");
    }

    @Test
    void anErrorForAMemberThatWasNotAskedForLeavesTheAskedOnesUnknownNeverAdded() {
        rooms.extraError = new MemberError("stranger", "NotFound", "not asked");

        BatchReport report = service.process(List.of(SourceRecord.standard("m1", one("u1"), 1)), Deadline.none());

        assertThat(report.summary().added()).isZero();
        assertThat(report.retryMessageIds()).containsExactly("m1");
        assertThat(report.oddEntries()).containsExactly(new OddEntries(ROOM, "add", 1, 1));
        assertThat(deadLetters.sent).isEmpty();
    }

    @Test
    void aCallWithoutAnAnswerIsLeftToSqsBeforeTheLastReceiveWithoutReadingTheRoom() {
        rooms.failCalls("ServiceUnavailable");

        BatchReport report = service.process(List.of(SourceRecord.standard("m1", one("u1"), 4)), Deadline.none());

        assertThat(report.retryMessageIds()).containsExactly("m1");
        assertThat(rooms.listings).isZero();
        assertThat(deadLetters.sent).isEmpty();
    }

    @Test
    void onTheLastReceiveAMemberWhoseCallGotNoAnswerButIsInTheRoomCountsAsAlreadyAMember() {
        rooms.failCalls("ServiceUnavailable");
        rooms.roster = new Roster.Known(Set.of("u1"));

        BatchReport report = service.process(List.of(SourceRecord.standard("m1", one("u1"), 5)), Deadline.none());

        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(deadLetters.sent).isEmpty();
        assertThat(report.summary().alreadyMembers()).isEqualTo(1);
    }

    @Test
    void onTheLastReceiveAMemberWhoseCallGotNoAnswerAndIsNotInTheRoomIsDeadLetteredWithTheCallsCode() {
        rooms.failCalls("ServiceFailure");
        rooms.roster = new Roster.Known(Set.of("someone-else"));

        BatchReport report = service.process(List.of(SourceRecord.standard("m1", one("u1"), 5)), Deadline.none());

        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(deadLetters.sent).extracting(Letter::errorCode).containsExactly("ServiceFailure");
    }

    @Test
    void onTheLastReceiveARoomThatCannotBeReadSendsTheRecordBackToSqsRatherThanGuess() {
        rooms.failCalls("ServiceUnavailable");
        rooms.roster = new Roster.Unknown("ServiceUnavailable", "cannot read the room");

        BatchReport report = service.process(List.of(SourceRecord.standard("m1", one("u1"), 7)), Deadline.none());

        assertThat(report.retryMessageIds()).containsExactly("m1");
        assertThat(rooms.listings).isEqualTo(1);
        assertThat(deadLetters.sent).isEmpty();
    }

    @Test
    void onTheLastReceiveAMemberChimeKeptThrottlingIsNotDeadLetteredIfAnotherRequestAddedItMeanwhile() {
        rooms.memberError("busy", "Throttled");
        rooms.roster = new Roster.Known(Set.of("busy"));

        BatchReport report = service.process(List.of(SourceRecord.standard("m1", one("busy"), 5)), Deadline.none());

        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(deadLetters.sent).isEmpty();
        assertThat(report.summary().alreadyMembers()).isEqualTo(1);
    }

    @Test
    void aDefiniteWholeCallFailureIsDeadLetteredWithoutReadingTheRoom() {
        rooms.failCalls("NotFound");

        BatchReport report = service.process(List.of(SourceRecord.standard("m1", one("u1"), 1)), Deadline.none());

        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(rooms.listings).isZero();
        assertThat(deadLetters.sent).extracting(Letter::errorCode).containsExactly("NotFound");
    }

    @Test
    void requestsForAnAccountOutsideTheAllowlistAreForbiddenWithoutACall() {
        MembershipService guarded = new MembershipService(rooms, deadLetters, Executors.newFixedThreadPool(2),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), new MembershipService.Settings(
                new Reading(Optional.empty(), ChannelAccess.none(), new AccountAllowlist(Set.of("acct"))), LIMITS, 5));
        String elsewhere = "{\"AccountId\":\"other\",\"RoomId\":\"room\",\"MembershipItemList\":"
                + "[{\"MemberId\":\"u1\",\"Role\":\"Administrator\"},{\"MemberId\":\" \"}]}";

        BatchReport report = guarded.process(List.of(
                SourceRecord.standard("m1", elsewhere, 1),
                SourceRecord.standard("m2", one("u2"), 1)), Deadline.none());

        assertThat(rooms.calls).containsExactly(ROOM);
        String reason = "account other is not in ALLOWED_ACCOUNT_IDS: this deployment does not manage it";
        String prefix = "{\"AccountId\":\"other\",\"RoomId\":\"room\",\"MembershipItemList\":";
        String suffix = ",\"ErrorCode\":\"Forbidden\",\"ErrorMessage\":\"" + reason
                + "\",\"SourceMessageId\":\"m1\",\"FailedAt\":\"1970-01-01T00:00:00Z\"}";
        assertThat(report.deadLetters()).map(WrittenLetter::of).containsExactlyInAnyOrder(
                new WrittenLetter("m1", "Forbidden",
                        prefix + "[{\"MemberId\":\"u1\",\"Role\":\"Administrator\"}]" + suffix, Optional.of("u1")),
                new WrittenLetter("m1", "Forbidden", prefix + "[{\"MemberId\":\" \"}]" + suffix,
                        Optional.of(" ")));
        assertThat(report.retryMessageIds()).isEmpty();
        assertThat(report.summary()).extracting(Summary::rooms, Summary::added, Summary::deadLetteredByErrorCode)
                .containsExactly(1, 1, Map.of("Forbidden", 2));
    }

    @Test
    void summaryCountsRequestedItemsUnreadableMessagesAndEveryThrottledAnswer() {
        rooms.memberError("ghost", "NotFound");
        rooms.memberError("busy", "Throttled");
        rooms.memberError("slow", "Throttling");
        String three = "{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MembershipItemList\":"
                + "[{\"MemberId\":\"ghost\"},{\"MemberId\":\"busy\"},{\"MemberId\":\"fine\"},{\"MemberId\":\"fine\"},"
                + "{\"MemberId\":\"bad\",\"Role\":\"Owner\"}]}";

        BatchReport report = service.process(List.of(
                SourceRecord.standard("m1", three, 5),
                SourceRecord.standard("m2", one("slow"), 5),
                SourceRecord.standard("m3", "not json", 1),
                SourceRecord.standard("m4", "{\"AccountId\":\"acct\"}", 1)), Deadline.none());

        // Three attempts for each throttled member: 3 Throttled and 3 Throttling answers; "fine" is named twice in
        // one message and requested once. Of the 5 requests, fine is added and the other 4 dead-lettered; the two
        // unreadable records are dead-lettered whole besides.
        assertThat(report.summary()).usingRecursiveComparison().ignoringFields("durationMillis")
                .isEqualTo(new Summary(4, 1, 0, 3, 5, new RequestEnds(1, 0, 4, 0, 0, 0), 1, 0, 0, 0, 0,
                        Map.of("NotFound", 1, "Throttled", 1, "Throttling", 1, "BadRequest", 3), 0, 2, 6, 0, 0));
        assertThat(report.callFailures()).isEmpty();
    }

    @Test
    void aCallThatFailsAsAWholeIsReportedWithItsRoomCodeAndSizeAndAThrottleCountsOnce() {
        rooms.failCalls("Throttled");

        BatchReport report = service.process(List.of(
                SourceRecord.standard("m1", one("u1"), 1),
                SourceRecord.standard("m2", one("u2"), 1)), Deadline.none());

        assertThat(report.callFailures()).containsExactly(new CallFailure(ROOM, "Throttled", "scripted", 2));
        assertThat(report.callFailures().get(0).isTransient()).isTrue();
        assertThat(report.summary()).extracting(Summary::calls, Summary::chimeThrottles, Summary::recordsRetried)
                .containsExactly(1, 1, 2);
    }

    private static String one(String memberId) {
        return "{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MemberId\":\"" + memberId + "\"}";
    }

    /** Records every call and answers it (or fails it); named members always get their scripted ErrorCode. */
    private static final class ScriptedRooms implements Memberships<Target> {
        private final Map<String, String> codes = new HashMap<>();
        final List<Target> calls = Collections.synchronizedList(new ArrayList<>());
        volatile MemberError extraError;
        volatile String callFailure;
        volatile Roster roster = new Roster.Known(Set.of());
        volatile int listings;

        void failCalls(String errorCode) {
            callFailure = errorCode;
        }

        void memberError(String memberId, String code) {
            codes.put(memberId, code);
        }

        @Override
        public CallResult addMembers(Target room, List<Membership> members, Duration timeLimit) {
            calls.add(room);
            assertThat(room).isEqualTo(ROOM);
            if (callFailure != null) {
                return new CallResult.Failed(callFailure, "scripted");
            }
            List<MemberError> errors = new ArrayList<>();
            members.stream().filter(member -> codes.containsKey(member.memberId()))
                    .forEach(member -> errors.add(new MemberError(member.memberId(), codes.get(member.memberId()), "")));
            if (extraError != null) {
                errors.add(extraError);
            }
            return new CallResult.Answered(errors);
        }

        @Override
        public Roster members(Target room, Duration timeLimit) {
            assertThat(room).isEqualTo(ROOM);
            listings++;
            return roster;
        }

        @Override
        public CallResult removeMember(Target room, String memberId, Duration timeLimit) {
            throw new AssertionError("these batches only add: nothing is removed from " + room);
        }

        @Override
        public CallResult setRole(Target room, String memberId, Role role, Duration timeLimit) {
            throw new AssertionError("a room's add call sets a new member's role: no role call for " + room);
        }

        @Override
        public Roster administrators(Target room, Duration timeLimit) {
            throw new AssertionError("no member already there named a role: the administrators are never read");
        }
    }

    /** Keeps what it is sent; refuses letters from chosen source messages. */
    private static final class CollectedDeadLetters implements DeadLetters {
        final List<Letter> sent = Collections.synchronizedList(new ArrayList<>());
        private Set<String> refused = Set.of();

        void refuseFrom(String... sourceMessageIds) {
            refused = Set.of(sourceMessageIds);
        }

        @Override
        public Sent<Letter> send(List<Letter> letters, Deadline deadline) {
            List<Letter> unsent = letters.stream().filter(l -> refused.contains(l.sourceMessageId())).toList();
            letters.stream().filter(l -> !refused.contains(l.sourceMessageId())).forEach(sent::add);
            return new Sent<>(unsent, unsent.isEmpty() ? List.of()
                    : List.of(new SendFailure(unsent.size(), 1, "InternalError", "refused by the test")));
        }
    }
}

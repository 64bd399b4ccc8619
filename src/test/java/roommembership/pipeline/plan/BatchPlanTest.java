package roommembership.pipeline.plan;

import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.read.RejectedItem;
import roommembership.target.ChannelKey;
import roommembership.target.Target;
import roommembership.target.RoomKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class BatchPlanTest {
    private static final RoomKey A = new RoomKey("acct", "room-a");
    private static final RoomKey B = new RoomKey("acct", "room-b");
    private static final String APP = "arn:aws:chime:us-east-1:111122223333:app-instance/hr";
    private static final ChannelKey SALES = ChannelKey.of(APP + "/channel/sales").orElseThrow();
    private static final ChannelKey LEADS = ChannelKey.of(APP + "/channel/leads").orElseThrow();

    @Test
    void mergesRequestsPerRoomAcrossMessagesAndSplitsEachRoomIntoChunksOfAtMostFifty() {
        List<ParsedMessage> messages = List.of(
                request(A, members("a", 1, 30)),
                request(B, members("b", 1, 10)),
                request(A, members("a", 31, 101)),
                new ParsedMessage.Invalid("not json"));

        BatchPlan plan = BatchPlan.of(messages);

        assertThat(plan.rooms()).isEqualTo(2);
        assertThat(plan.adds()).extracting(Change.Add::target, chunk -> chunk.members().size())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(A, 50),
                        org.assertj.core.groups.Tuple.tuple(A, 50),
                        org.assertj.core.groups.Tuple.tuple(A, 1),
                        org.assertj.core.groups.Tuple.tuple(B, 10));
    }

    @Test
    void memberAskedTwiceIsSentOnceWithTheRoleOfTheLaterMessage() {
        BatchPlan plan = BatchPlan.of(List.of(
                request(A, List.of(new Membership("u1", Role.MEMBER), new Membership("u2", Role.MEMBER))),
                request(A, List.of(new Membership("u1", Role.ADMINISTRATOR)))));

        assertThat(plan.adds()).singleElement().extracting(Change.Add::members).isEqualTo(List.of(
                new Membership("u1", Role.ADMINISTRATOR), new Membership("u2", Role.MEMBER)));
    }

    @Test
    void sameRoomIdInAnotherAccountIsAnotherRoom() {
        RoomKey otherAccount = new RoomKey("other", "room-a");

        BatchPlan plan = BatchPlan.of(List.of(
                request(A, members("u", 1, 1)), request(otherAccount, members("u", 1, 1))));

        assertThat(plan.rooms()).isEqualTo(2);
        assertThat(plan.adds()).extracting(Change.Add::target).containsExactly(A, otherAccount);
    }

    @Test
    void aRequestWhoseItemsWereAllRejectedAddsNoRoom() {
        ParsedMessage allRejected = new ParsedMessage.Request(B, List.of(),
                List.of(RejectedItem.badRequest(" ", null, "MemberId is missing or blank")));

        BatchPlan plan = BatchPlan.of(List.of(allRejected, request(A, members("u", 1, 1))));

        assertThat(plan.rooms()).isEqualTo(1);
        assertThat(plan.adds()).extracting(Change.Add::target).containsExactly(A);
    }

    @Test
    void exactlyFiftyMembersMakeOneCall() {
        assertThat(BatchPlan.of(List.of(request(A, members("u", 1, 50)))).adds()).hasSize(1);
        assertThat(BatchPlan.of(List.of(request(A, members("u", 1, 51)))).adds()).hasSize(2);
    }

    @Test
    void aChannelIsSplitIntoChunksOfAtMostAHundredMembers() {
        BatchPlan plan = BatchPlan.of(List.of(
                request(SALES, arns("a", 1, 150, MembershipType.DEFAULT)),
                request(SALES, arns("a", 151, 201, MembershipType.DEFAULT))));

        assertThat(plan).extracting(BatchPlan::rooms, BatchPlan::channels).containsExactly(0, 1);
        assertThat(plan.adds()).extracting(Change.Add::target, chunk -> chunk.members().size())
                .containsExactly(tuple(SALES, 100), tuple(SALES, 100), tuple(SALES, 1));
    }

    @Test
    void hiddenAndDefaultMembersOfAChannelGoInSeparateChunksEachOfOneType() {
        List<Membership> mixed = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            mixed.add(arn("u" + i, i % 2 == 0 ? MembershipType.HIDDEN : MembershipType.DEFAULT));
        }

        BatchPlan plan = BatchPlan.of(List.of(request(SALES, mixed)));

        assertThat(plan.adds()).extracting(Change.Add::members).containsExactly(
                List.of(arn("u1", MembershipType.DEFAULT), arn("u3", MembershipType.DEFAULT),
                        arn("u5", MembershipType.DEFAULT)),
                List.of(arn("u2", MembershipType.HIDDEN), arn("u4", MembershipType.HIDDEN)));
    }

    @ParameterizedTest
    @CsvSource({"0, 1", "1, 0", "100, 100", "101, 99", "250, 1", "1000, 1000", "399, 201"})
    void everyChannelAndTypeTakesExactlyTheCeilingOfItsMembersOverAHundredChunks(int defaults, int hidden) {
        BatchPlan plan = BatchPlan.of(List.of(
                request(SALES, arns("d", 1, defaults, MembershipType.DEFAULT)),
                request(LEADS, arns("h", 1, hidden, MembershipType.HIDDEN)),
                request(SALES, arns("h", 1, hidden, MembershipType.HIDDEN)),
                request(LEADS, arns("d", 1, defaults, MembershipType.DEFAULT))));

        Map<List<Object>, Long> chunks = plan.adds().stream().collect(Collectors.groupingBy(
                chunk -> List.of(chunk.target(), chunk.members().get(0).type()), Collectors.counting()));
        Map<List<Object>, Long> expected = new HashMap<>();
        for (ChannelKey channel : List.of(SALES, LEADS)) {
            if (defaults > 0) {
                expected.put(List.of(channel, MembershipType.DEFAULT), (long) ceilingOfHundreds(defaults));
            }
            if (hidden > 0) {
                expected.put(List.of(channel, MembershipType.HIDDEN), (long) ceilingOfHundreds(hidden));
            }
        }
        assertThat(chunks).isEqualTo(expected);
        assertThat(plan.adds()).allSatisfy(chunk -> {
            assertThat(chunk.members()).hasSizeBetween(1, 100);
            assertThat(chunk.members()).extracting(Membership::type).containsOnly(chunk.members().get(0).type());
        });
        assertThat(plan.adds()).flatExtracting(Change.Add::members).hasSize(2 * (defaults + hidden));
    }

    @Test
    void aChannelMemberAskedTwiceIsSentOnceWithTheRoleAndTypeOfTheLaterMessage() {
        String alice = APP + "/user/alice";
        String bob = APP + "/user/bob";

        BatchPlan plan = BatchPlan.of(List.of(
                request(SALES, List.of(new Membership(alice, Role.ADMINISTRATOR, MembershipType.DEFAULT),
                        new Membership(bob, Role.MEMBER, MembershipType.HIDDEN))),
                request(SALES, List.of(new Membership(alice, Role.MEMBER, MembershipType.HIDDEN))),
                request(SALES, List.of(new Membership(bob, Role.ADMINISTRATOR, MembershipType.DEFAULT)))));

        assertThat(plan.adds()).extracting(Change.Add::members).containsExactlyInAnyOrder(
                List.of(new Membership(alice, Role.MEMBER, MembershipType.HIDDEN)),
                List.of(new Membership(bob, Role.ADMINISTRATOR, MembershipType.DEFAULT)));
    }

    @Test
    void roomsStayAtFiftyBesideChannelsAtAHundredAndEachIsCountedByKind() {
        BatchPlan plan = BatchPlan.of(List.of(
                request(A, members("u", 1, 120)),
                request(SALES, arns("a", 1, 120, MembershipType.DEFAULT)),
                request(B, members("u", 1, 1)),
                new ParsedMessage.Invalid("not json")));

        assertThat(plan).extracting(BatchPlan::rooms, BatchPlan::channels).containsExactly(2, 1);
        assertThat(plan.adds()).extracting(Change.Add::target, chunk -> chunk.members().size())
                .containsExactly(tuple(A, 50), tuple(A, 50), tuple(A, 20), tuple(SALES, 100), tuple(SALES, 20),
                        tuple(B, 1));
    }

    @Test
    void theSameMemberArnInTwoChannelsIsSentToEach() {
        BatchPlan plan = BatchPlan.of(List.of(
                request(SALES, List.of(arn("alice", MembershipType.DEFAULT))),
                request(LEADS, List.of(arn("alice", MembershipType.DEFAULT)))));

        assertThat(plan.adds()).extracting(Change.Add::target).containsExactly(SALES, LEADS);
    }

    private static int ceilingOfHundreds(int members) {
        return (members + 99) / 100;
    }

    private static ParsedMessage request(Target conversation, List<Membership> members) {
        return new ParsedMessage.Request(conversation, members, List.of());
    }

    private static Membership arn(String userId, MembershipType type) {
        return new Membership(APP + "/user/" + userId, Role.MEMBER, type);
    }

    private static List<Membership> arns(String prefix, int from, int to, MembershipType type) {
        List<Membership> members = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            members.add(arn(prefix + i, type));
        }
        return members;
    }

    private static List<Membership> members(String prefix, int from, int to) {
        List<Membership> members = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            members.add(new Membership(prefix + i, Role.MEMBER));
        }
        return members;
    }
}

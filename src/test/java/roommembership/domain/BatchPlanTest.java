package roommembership.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BatchPlanTest {
    private static final RoomKey A = new RoomKey("acct", "room-a");
    private static final RoomKey B = new RoomKey("acct", "room-b");

    @Test
    void mergesRequestsPerRoomAcrossMessagesAndSplitsEachRoomIntoChunksOfAtMostFifty() {
        List<ParsedMessage> messages = List.of(
                request(A, members("a", 1, 30)),
                request(B, members("b", 1, 10)),
                request(A, members("a", 31, 101)),
                new ParsedMessage.Invalid("not json"));

        BatchPlan plan = BatchPlan.of(messages);

        assertThat(plan.rooms()).isEqualTo(2);
        assertThat(plan.chunks()).extracting(MemberChunk::conversation, chunk -> chunk.members().size())
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

        assertThat(plan.chunks()).singleElement().extracting(MemberChunk::members).isEqualTo(List.of(
                new Membership("u1", Role.ADMINISTRATOR), new Membership("u2", Role.MEMBER)));
    }

    @Test
    void sameRoomIdInAnotherAccountIsAnotherRoom() {
        RoomKey otherAccount = new RoomKey("other", "room-a");

        BatchPlan plan = BatchPlan.of(List.of(
                request(A, members("u", 1, 1)), request(otherAccount, members("u", 1, 1))));

        assertThat(plan.rooms()).isEqualTo(2);
        assertThat(plan.chunks()).extracting(MemberChunk::conversation).containsExactly(A, otherAccount);
    }

    @Test
    void aRequestWhoseItemsWereAllRejectedAddsNoRoom() {
        ParsedMessage allRejected = new ParsedMessage.Request(B, List.of(),
                List.of(RejectedItem.badRequest(" ", null, "MemberId is missing or blank")));

        BatchPlan plan = BatchPlan.of(List.of(allRejected, request(A, members("u", 1, 1))));

        assertThat(plan.rooms()).isEqualTo(1);
        assertThat(plan.chunks()).extracting(MemberChunk::conversation).containsExactly(A);
    }

    @Test
    void exactlyFiftyMembersMakeOneCall() {
        assertThat(BatchPlan.of(List.of(request(A, members("u", 1, 50)))).chunks()).hasSize(1);
        assertThat(BatchPlan.of(List.of(request(A, members("u", 1, 51)))).chunks()).hasSize(2);
    }

    private static ParsedMessage request(RoomKey room, List<Membership> members) {
        return new ParsedMessage.Request(room, members, List.of());
    }

    private static List<Membership> members(String prefix, int from, int to) {
        List<Membership> members = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            members.add(new Membership(prefix + i, Role.MEMBER));
        }
        return members;
    }
}

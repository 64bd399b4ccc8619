package roommembership.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import roommembership.emulator.ChimeEmulator.Fault;
import roommembership.emulator.ChimeEmulator.Item;
import roommembership.emulator.ChimeEmulator.RecordedCall;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chime.model.BadRequestException;
import software.amazon.awssdk.services.chime.model.DeleteRoomMembershipResponse;
import software.amazon.awssdk.services.chime.model.ListRoomMembershipsResponse;
import software.amazon.awssdk.services.chime.model.MemberType;
import software.amazon.awssdk.services.chime.model.MembershipItem;
import software.amazon.awssdk.services.chime.model.NotFoundException;
import software.amazon.awssdk.services.chime.model.RoomMembership;
import software.amazon.awssdk.services.chime.model.RoomMembershipRole;
import software.amazon.awssdk.services.chime.model.ServiceFailureException;
import software.amazon.awssdk.services.chime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.chime.model.ThrottledClientException;
import software.amazon.awssdk.services.chime.model.UnauthorizedClientException;
import software.amazon.awssdk.services.chime.model.UpdateRoomMembershipResponse;

/** UpdateRoomMembership and DeleteRoomMembership of the emulator, driven through the real AWS SDK v2 Chime client. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RoomsApiTest {

    private static final String ACCOUNT = "acct-1";
    private static final String ROOM = "room-1";
    private static final String UPDATE = ChimeEmulator.UPDATE_ROOM_MEMBERSHIP;
    private static final String DELETE = ChimeEmulator.DELETE_ROOM_MEMBERSHIP;
    private static final StaticCredentialsProvider TEST_CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDEMULATORTEST", "emulator-test-secret-key"));

    private static ChimeEmulator emulator;
    /** Retries disabled: each fault is seen exactly once. */
    private static ChimeClient chime;

    @BeforeAll
    static void startEmulator() {
        emulator = ChimeEmulator.start();
        chime = client(Region.US_EAST_1);
    }

    @AfterAll
    static void stopEmulator() {
        chime.close();
        emulator.close();
    }

    @BeforeEach
    void freshState() {
        emulator.reset();
    }

    private static ChimeClient client(Region region) {
        return ChimeClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(region)
                .credentialsProvider(TEST_CREDENTIALS)
                .endpointOverride(emulator.endpoint())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static UpdateRoomMembershipResponse update(String account, String room, String member,
                                                       RoomMembershipRole role) {
        return chime.updateRoomMembership(r -> r.accountId(account).roomId(room).memberId(member).role(role));
    }

    private static DeleteRoomMembershipResponse delete(String account, String room, String member) {
        return chime.deleteRoomMembership(r -> r.accountId(account).roomId(room).memberId(member));
    }

    private static List<String> listed(ListRoomMembershipsResponse page) {
        return page.roomMemberships().stream().map(m -> m.member().memberId()).collect(Collectors.toList());
    }

    /** The response's class, or the exception's. */
    private static Class<?> outcome(java.util.function.Supplier<?> call) {
        try {
            return call.get().getClass();
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }

    // ------------------------------------------------------------------ history

    @Test
    void theHistoryKeepsEveryJoinRoleChangeAndLeaveAtTheTimesTheLatestOnlyViewsGive() {
        // given
        emulator.user(ACCOUNT, "alice").member(ACCOUNT, ROOM, "alice", "Member");
        Instant seeded = emulator.memberSince(ACCOUNT, ROOM, "alice").orElseThrow();

        // when
        update(ACCOUNT, ROOM, "alice", RoomMembershipRole.ADMINISTRATOR);
        Instant promoted = emulator.roleSince(ACCOUNT, ROOM, "alice").orElseThrow();
        update(ACCOUNT, ROOM, "alice", RoomMembershipRole.ADMINISTRATOR);
        delete(ACCOUNT, ROOM, "alice");
        Instant left = emulator.leftAt(ACCOUNT, ROOM, "alice").orElseThrow();
        chime.batchCreateRoomMembership(r -> r.accountId(ACCOUNT).roomId(ROOM)
                .membershipItemList(item -> item.memberId("alice")));
        Instant back = emulator.memberSince(ACCOUNT, ROOM, "alice").orElseThrow();

        // then
        List<MembershipChange> history = emulator.history(ACCOUNT, ROOM, "alice");
        assertThat(history).containsExactly(new MembershipChange(seeded, true, "Member"),
                new MembershipChange(promoted, true, "Administrator"), new MembershipChange(left, false, null),
                new MembershipChange(back, true, "Member"));
        assertThat(MembershipChange.asOf(history, left)).hasValue(new MembershipChange(left, false, null));
        assertThat(MembershipChange.asOf(history, seeded.minusNanos(1))).isEmpty();
        assertThat(emulator.history(ACCOUNT, ROOM, "bob")).isEmpty();
    }

    // ------------------------------------------------------------------ UpdateRoomMembership

    @Test
    void anUpdateSetsTheRoleAnswersTheMembershipAndMovesTheRolesTimeOnlyWhenTheRoleChanges() {
        // given
        emulator.member(ACCOUNT, ROOM, "alice", null).member(ACCOUNT, ROOM, "bob", "Administrator");
        Instant joined = emulator.memberSince(ACCOUNT, ROOM, "alice").orElseThrow();
        Instant before = Instant.now();

        // when
        UpdateRoomMembershipResponse promoted = update(ACCOUNT, ROOM, "alice", RoomMembershipRole.ADMINISTRATOR);
        Instant promotedAt = emulator.roleSince(ACCOUNT, ROOM, "alice").orElseThrow();
        UpdateRoomMembershipResponse same = update(ACCOUNT, ROOM, "alice", RoomMembershipRole.ADMINISTRATOR);
        UpdateRoomMembershipResponse noRole = update(ACCOUNT, ROOM, "alice", null);

        // then
        assertThat(promoted.sdkHttpResponse().statusCode()).isEqualTo(200);
        RoomMembership membership = promoted.roomMembership();
        assertThat(membership.roomId()).isEqualTo(ROOM);
        assertThat(membership.member().memberId()).isEqualTo("alice");
        assertThat(membership.member().memberType()).isEqualTo(MemberType.USER);
        assertThat(membership.member().accountId()).isEqualTo(ACCOUNT);
        assertThat(membership.role()).isEqualTo(RoomMembershipRole.ADMINISTRATOR);
        assertThat(membership.updatedTimestamp()).isEqualTo(promotedAt.truncatedTo(ChronoUnit.MILLIS));
        assertThat(promotedAt).isBetween(before, Instant.now());
        assertThat(List.of(same, noRole)).allSatisfy(response -> {
            assertThat(response.roomMembership().role()).isEqualTo(RoomMembershipRole.ADMINISTRATOR);
            assertThat(response.roomMembership().updatedTimestamp()).isEqualTo(membership.updatedTimestamp());
        });
        assertThat(emulator.role(ACCOUNT, ROOM, "alice")).hasValue("Administrator");
        assertThat(emulator.roleSince(ACCOUNT, ROOM, "alice")).as("keeping the role does not move its time")
                .hasValue(promotedAt);
        assertThat(emulator.memberSince(ACCOUNT, ROOM, "alice")).as("an update is no new join").hasValue(joined);
        assertThat(emulator.members(ACCOUNT, ROOM)).containsExactly(
                Map.entry("alice", "Administrator"), Map.entry("bob", "Administrator"));
        assertThat(emulator.calls(UPDATE)).extracting(RecordedCall::items, RecordedCall::status).containsExactly(
                tuple(List.of(new Item("alice", "Administrator")), 200),
                tuple(List.of(new Item("alice", "Administrator")), 200),
                tuple(List.of(new Item("alice", null)), 200));
        assertThat(emulator.calls()).as("the batch-create log").isEmpty();
    }

    @Test
    void anUpdateDemotesAnAdministratorAndTheListShowsTheNewRoleInTheMembersPlace() {
        // given
        emulator.member(ACCOUNT, ROOM, "alice", "Administrator").member(ACCOUNT, ROOM, "bob", null);

        // when
        update(ACCOUNT, ROOM, "alice", RoomMembershipRole.MEMBER);
        ListRoomMembershipsResponse page = chime.listRoomMemberships(r -> r.accountId(ACCOUNT).roomId(ROOM));

        // then
        assertThat(page.roomMemberships()).extracting(m -> m.member().memberId(), RoomMembership::role)
                .containsExactly(tuple("alice", RoomMembershipRole.MEMBER), tuple("bob", RoomMembershipRole.MEMBER));
    }

    // ------------------------------------------------------------------ DeleteRoomMembership

    @Test
    void aDeleteRemovesTheMemberWith204AndNotesWhenItLeftWhichOutlivesItsReturn() {
        // given
        emulator.member(ACCOUNT, ROOM, "alice", "Administrator").member(ACCOUNT, ROOM, "bob", null);
        Instant before = Instant.now();

        // when
        DeleteRoomMembershipResponse deleted = delete(ACCOUNT, ROOM, "alice");
        Instant left = emulator.leftAt(ACCOUNT, ROOM, "alice").orElseThrow();
        Map<String, String> afterLeaving = emulator.members(ACCOUNT, ROOM);
        chime.batchCreateRoomMembership(r -> r.accountId(ACCOUNT).roomId(ROOM)
                .membershipItemList(MembershipItem.builder().memberId("alice").build()));

        // then
        assertThat(deleted.sdkHttpResponse().statusCode()).isEqualTo(204);
        assertThat(left).isBetween(before, Instant.now());
        assertThat(afterLeaving).containsExactly(Map.entry("bob", "Member"));
        assertThat(emulator.members(ACCOUNT, ROOM)).as("back at the end, with the batch's default role")
                .containsExactly(Map.entry("bob", "Member"), Map.entry("alice", "Member"));
        assertThat(emulator.leftAt(ACCOUNT, ROOM, "alice")).hasValue(left);
        assertThat(emulator.memberSince(ACCOUNT, ROOM, "alice")).hasValueSatisfying(
                since -> assertThat(since).isAfterOrEqualTo(left));
        assertThat(emulator.leftAt(ACCOUNT, ROOM, "bob")).isEmpty();
        assertThat(emulator.calls(DELETE)).extracting(RecordedCall::accountId, RecordedCall::roomId,
                        RecordedCall::memberIds, RecordedCall::status)
                .containsExactly(tuple(ACCOUNT, ROOM, List.of("alice"), 204));
    }

    @Test
    void aMemberNotInTheRoomIsNotFoundNamingTheMemberWhileAMissingRoomOrAccountIsNotFoundNamingThose() {
        // given: carol is a user of the account but not in the room; nobody is not even a user
        emulator.member(ACCOUNT, ROOM, "alice", null).user(ACCOUNT, "carol").room(ACCOUNT, "room-2");

        // when
        List<NotFoundException> absent = List.<Runnable>of(
                        () -> delete(ACCOUNT, ROOM, "carol"),
                        () -> delete(ACCOUNT, ROOM, "nobody"),
                        () -> update(ACCOUNT, ROOM, "carol", RoomMembershipRole.MEMBER))
                .stream().map(call -> catchThrowableOfType(NotFoundException.class, call::run))
                .collect(Collectors.toList());
        NotFoundException noRoom = catchThrowableOfType(NotFoundException.class,
                () -> delete(ACCOUNT, "missing-room", "alice"));
        NotFoundException noAccount = catchThrowableOfType(NotFoundException.class,
                () -> update("missing-acct", ROOM, "alice", RoomMembershipRole.ADMINISTRATOR));
        delete(ACCOUNT, ROOM, "alice");
        NotFoundException secondDelete = catchThrowableOfType(NotFoundException.class,
                () -> delete(ACCOUNT, ROOM, "alice"));

        // then
        assertThat(absent).hasSize(3).allSatisfy(e -> {
            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NotFoundException");
            assertThat(e.awsErrorDetails().errorMessage()).matches("The member \\w+ is not a member of room room-1 "
                    + "in account acct-1\\.");
        });
        assertThat(noRoom.awsErrorDetails().errorMessage())
                .isEqualTo("The room missing-room is not found in account acct-1.");
        assertThat(noAccount.awsErrorDetails().errorMessage()).isEqualTo("The account missing-acct is not found.");
        assertThat(secondDelete.awsErrorDetails().errorMessage()).startsWith("The member alice is not a member");
        assertThat(emulator.members(ACCOUNT, ROOM)).isEmpty();
        assertThat(emulator.leftAt(ACCOUNT, ROOM, "carol")).isEmpty();
        assertThat(emulator.calls(DELETE)).extracting(RecordedCall::status).containsExactly(404, 404, 404, 204, 404);
        assertThat(emulator.calls(UPDATE)).extracting(RecordedCall::status).containsExactly(404, 404);
    }

    @Test
    void aRoleOutsideTheEnumOrABlankIdIsABadRequestChangingNothing() {
        // given: the SDK sends any string through role(String) and any non-empty label without checking the model
        emulator.member(ACCOUNT, ROOM, "alice", null);

        // when
        List<BadRequestException> rejected = List.<Runnable>of(
                        () -> chime.updateRoomMembership(r -> r.accountId(ACCOUNT).roomId(ROOM).memberId("alice")
                                .role("Owner")),
                        () -> update(ACCOUNT, ROOM, " ", RoomMembershipRole.MEMBER),
                        () -> delete(ACCOUNT, " ", "alice"),
                        () -> delete(" ", ROOM, "alice"))
                .stream().map(call -> catchThrowableOfType(BadRequestException.class, call::run))
                .collect(Collectors.toList());

        // then
        assertThat(rejected).hasSize(4).allSatisfy(e -> assertThat(e.statusCode()).isEqualTo(400));
        assertThat(rejected.get(0).awsErrorDetails().errorMessage()).contains("'Owner'", "[Administrator, Member]");
        assertThat(rejected.subList(1, 4)).extracting(e -> e.awsErrorDetails().errorMessage())
                .allSatisfy(message -> assertThat(message).contains("regular expression pattern"));
        assertThat(emulator.members(ACCOUNT, ROOM)).containsExactly(Map.entry("alice", "Member"));
        assertThat(emulator.calls(UPDATE)).extracting(RecordedCall::items).first()
                .isEqualTo(List.of(new Item("alice", "Owner")));
    }

    @Test
    void aCallSignedForAnotherRegionIsUnauthorized() {
        // given
        emulator.member(ACCOUNT, ROOM, "alice", null);

        // when
        try (ChimeClient euClient = client(Region.EU_CENTRAL_1)) {
            assertThatThrownBy(() -> euClient.deleteRoomMembership(r -> r.accountId(ACCOUNT).roomId(ROOM)
                    .memberId("alice"))).isInstanceOf(UnauthorizedClientException.class);
            assertThatThrownBy(() -> euClient.updateRoomMembership(r -> r.accountId(ACCOUNT).roomId(ROOM)
                    .memberId("alice").role(RoomMembershipRole.ADMINISTRATOR)))
                    .isInstanceOf(UnauthorizedClientException.class);
        }

        // then
        assertThat(emulator.members(ACCOUNT, ROOM)).containsExactly(Map.entry("alice", "Member"));
        assertThat(emulator.calls(DELETE)).extracting(RecordedCall::status).containsExactly(401);
    }

    // ------------------------------------------------------------------ paging while members leave

    @Test
    void aPageAfterLeaversResumesWhereTheLastOneEndedSkippingNoOneWhoStayed() {
        // given: five members, a first page of two
        for (int i = 1; i <= 5; i++) {
            emulator.member(ACCOUNT, ROOM, "u" + i, null);
        }
        ListRoomMembershipsResponse first = chime.listRoomMemberships(r -> r.accountId(ACCOUNT).roomId(ROOM)
                .maxResults(2));

        // when: one member of the page and one after it leave
        delete(ACCOUNT, ROOM, "u2");
        delete(ACCOUNT, ROOM, "u3");
        ListRoomMembershipsResponse second = chime.listRoomMemberships(r -> r.accountId(ACCOUNT).roomId(ROOM)
                .maxResults(2).nextToken(first.nextToken()));

        // then
        assertThat(listed(first)).containsExactly("u1", "u2");
        assertThat(listed(second)).containsExactly("u4", "u5");
        assertThat(second.nextToken()).isNull();
    }

    // ------------------------------------------------------------------ faults

    @Test
    void wholeCallFaultsForOneOperationApplyToTheNewOperationsAndLeaveTheRoomUnchanged() {
        // given
        emulator.member(ACCOUNT, ROOM, "alice", null);
        emulator.failNextCalls(1, Fault.THROTTLED, DELETE);
        emulator.failNextCalls(1, Fault.SERVICE_FAILURE, UPDATE);

        // when
        Class<?> deleted = outcome(() -> delete(ACCOUNT, ROOM, "alice"));
        Class<?> updated = outcome(() -> update(ACCOUNT, ROOM, "alice", RoomMembershipRole.ADMINISTRATOR));

        // then
        assertThat(List.of(deleted, updated)).containsExactly(ThrottledClientException.class,
                ServiceFailureException.class);
        assertThat(emulator.members(ACCOUNT, ROOM)).containsExactly(Map.entry("alice", "Member"));
        assertThat(emulator.faultsInjected(DELETE)).isEqualTo(Map.of(Fault.THROTTLED, 1));
        assertThat(emulator.faultsInjected(UPDATE)).isEqualTo(Map.of(Fault.SERVICE_FAILURE, 1));
        assertThat(emulator.calls(DELETE)).extracting(RecordedCall::status).containsExactly(429);
    }

    @Test
    void aMemberCallFaultHitsOnlyThatMembersCallsOfThatOperationAfterTheRoomIsFound() {
        // given
        emulator.member(ACCOUNT, ROOM, "alice", null).member(ACCOUNT, ROOM, "bob", null);
        emulator.failMemberCall(UPDATE, "alice", Fault.SERVICE_UNAVAILABLE, 2);

        // when
        Class<?> missingRoom = outcome(() -> update(ACCOUNT, "missing-room", "alice", RoomMembershipRole.MEMBER));
        Class<?> bob = outcome(() -> update(ACCOUNT, ROOM, "bob", RoomMembershipRole.ADMINISTRATOR));
        Class<?> aliceDeleted = outcome(() -> delete(ACCOUNT, ROOM, "alice"));
        Class<?> aliceGone = outcome(() -> update(ACCOUNT, ROOM, "alice", RoomMembershipRole.ADMINISTRATOR));
        Class<?> aliceStillArmed = outcome(() -> update(ACCOUNT, ROOM, "alice", RoomMembershipRole.ADMINISTRATOR));
        Class<?> aliceDisarmed = outcome(() -> update(ACCOUNT, ROOM, "alice", RoomMembershipRole.ADMINISTRATOR));

        // then: the fault comes before the member is looked up, so it answers for a member who has left too
        assertThat(List.of(missingRoom, bob, aliceDeleted, aliceGone, aliceStillArmed, aliceDisarmed)).containsExactly(
                NotFoundException.class, UpdateRoomMembershipResponse.class, DeleteRoomMembershipResponse.class,
                ServiceUnavailableException.class, ServiceUnavailableException.class, NotFoundException.class);
        assertThat(emulator.memberCallFaultsInjected(UPDATE)).isEqualTo(Map.of(Fault.SERVICE_UNAVAILABLE, 2));
        assertThat(emulator.memberCallFaultsInjected(DELETE)).isEmpty();
        assertThat(emulator.faultsInjected()).isEmpty();
        assertThat(emulator.members(ACCOUNT, ROOM)).containsExactly(Map.entry("bob", "Administrator"));
    }

    @Test
    void aDeleteCutShortIsSentAgainByTheUrlConnectionClientItselfWhoseRetryFindsTheMemberGone() {
        // given: a 204 owes no body, so its cut closes the connection before the status line, and HttpURLConnection
        // sends a request without a body once more on its own when that happens
        emulator.member(ACCOUNT, ROOM, "alice", null).member(ACCOUNT, ROOM, "bob", null);
        emulator.failMemberCall(DELETE, "alice", Fault.RESET_MID_RESPONSE, 1);

        // when: alice's cut by her member call fault, bob's by the whole-call queue
        NotFoundException alice = catchThrowableOfType(NotFoundException.class, () -> delete(ACCOUNT, ROOM, "alice"));
        emulator.failNextCalls(1, Fault.RESET_MID_RESPONSE);
        NotFoundException bob = catchThrowableOfType(NotFoundException.class, () -> delete(ACCOUNT, ROOM, "bob"));

        // then: each call took effect, and what the client saw was its own retry's answer
        assertThat(List.of(alice, bob)).allSatisfy(e -> assertThat(e.statusCode()).isEqualTo(404));
        assertThat(emulator.members(ACCOUNT, ROOM)).isEmpty();
        assertThat(emulator.leftAt(ACCOUNT, ROOM, "alice")).isPresent();
        assertThat(emulator.leftAt(ACCOUNT, ROOM, "bob")).isPresent();
        assertThat(emulator.calls(DELETE)).extracting(RecordedCall::memberIds, RecordedCall::status).containsExactly(
                tuple(List.of("alice"), 204), tuple(List.of("alice"), 404),
                tuple(List.of("bob"), 204), tuple(List.of("bob"), 404));
    }

    @Test
    void anUpdateCutShortHasSetTheRole() {
        // given
        emulator.member(ACCOUNT, ROOM, "alice", null);
        emulator.failMemberCall(UPDATE, "alice", Fault.RESET_MID_RESPONSE, 1);

        // when
        SdkClientException thrown = catchThrowableOfType(SdkClientException.class,
                () -> update(ACCOUNT, ROOM, "alice", RoomMembershipRole.ADMINISTRATOR));

        // then
        assertThat(thrown).isNotInstanceOf(SdkServiceException.class).hasRootCauseInstanceOf(IOException.class);
        assertThat(emulator.role(ACCOUNT, ROOM, "alice")).hasValue("Administrator");
    }

    @Test
    void aMemberCallFaultCannotBeAConnectionResetOrANegativeCount() {
        assertThatThrownBy(() -> emulator.failMemberCall(DELETE, "alice", Fault.CONNECTION_RESET, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emulator.failMemberCall(DELETE, "alice", Fault.THROTTLED, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resetForgetsLeaversRolesTimesAndArmedMemberCallFaults() {
        // given
        emulator.member(ACCOUNT, ROOM, "alice", null).member(ACCOUNT, ROOM, "bob", null);
        delete(ACCOUNT, ROOM, "alice");
        emulator.failMemberCall(UPDATE, "bob", Fault.THROTTLED, Integer.MAX_VALUE);
        assertThatThrownBy(() -> update(ACCOUNT, ROOM, "bob", RoomMembershipRole.ADMINISTRATOR))
                .isInstanceOf(ThrottledClientException.class);

        // when
        emulator.reset();
        emulator.member(ACCOUNT, ROOM, "bob", null);

        // then
        assertThat(emulator.leftAt(ACCOUNT, ROOM, "alice")).isEmpty();
        assertThat(emulator.memberCallFaultsInjected(UPDATE)).isEmpty();
        assertThat(update(ACCOUNT, ROOM, "bob", RoomMembershipRole.ADMINISTRATOR).roomMembership().role())
                .isEqualTo(RoomMembershipRole.ADMINISTRATOR);
        assertThat(emulator.role(ACCOUNT, ROOM, "nobody")).isEmpty();
        assertThat(emulator.roleSince(ACCOUNT, ROOM, "nobody")).isEmpty();
    }
}

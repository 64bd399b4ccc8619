package roommembership.emulator;

import roommembership.testing.TestQuotas;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import roommembership.emulator.ChannelsApi.ChannelCall;
import roommembership.emulator.ChimeEmulator.Fault;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.chimesdkmessaging.model.BadRequestException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ChimeSdkMessagingException;
import software.amazon.awssdk.services.chimesdkmessaging.model.DeleteChannelMembershipResponse;
import software.amazon.awssdk.services.chimesdkmessaging.model.DeleteChannelModeratorResponse;
import software.amazon.awssdk.services.chimesdkmessaging.model.ForbiddenException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ListChannelMembershipsResponse;
import software.amazon.awssdk.services.chimesdkmessaging.model.ListChannelModeratorsResponse;
import software.amazon.awssdk.services.chimesdkmessaging.model.ServiceFailureException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ServiceUnavailableException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ThrottledClientException;
import software.amazon.awssdk.services.chimesdkmessaging.model.UnauthorizedClientException;

/**
 * DeleteChannelMembership and DeleteChannelModerator of the emulator, and ListChannelModerators around them, driven
 * through the real AWS SDK v2 messaging client.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChannelsApiDeletesTest {

    private static final String APP = "arn:aws:chime:us-east-1:123456789012:app-instance/app-1";
    private static final String CHANNEL = APP + "/channel/general";
    private static final String ADMIN = APP + "/user/admin";
    private static final String ALICE = APP + "/user/alice";
    private static final String BOB = APP + "/user/bob";
    private static final String HELPER_BOT = APP + "/bot/helper";
    private static final String GHOST = APP + "/user/ghost";
    private static final String STRANGER = "arn:aws:chime:us-east-1:123456789012:app-instance/app-2/user/stranger";
    private static final String EU_CHANNEL = "arn:aws:chime:eu-central-1:123456789012:app-instance/app-eu/channel/c";

    private static final String DELETE_MEMBERSHIP = ChannelsApi.DELETE_CHANNEL_MEMBERSHIP;
    private static final String DELETE_MODERATOR = ChannelsApi.DELETE_CHANNEL_MODERATOR;
    private static final StaticCredentialsProvider TEST_CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDEMULATORTEST", "emulator-test-secret-key"));

    private static ChimeEmulator emulator;
    private static ChannelsApi channels;
    /** Retries disabled: each fault is seen exactly once. */
    private static ChimeSdkMessagingClient messaging;

    @BeforeAll
    static void startEmulator() {
        emulator = ChimeEmulator.start().quotas(TestQuotas.EMULATED);
        channels = emulator.channels();
        messaging = ChimeSdkMessagingClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.US_EAST_1)
                .credentialsProvider(TEST_CREDENTIALS)
                .endpointOverride(emulator.endpoint())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterAll
    static void stopEmulator() {
        messaging.close();
        emulator.close();
    }

    @BeforeEach
    void freshState() {
        emulator.reset();
        channels.channel(CHANNEL).user(ADMIN);
    }

    private static DeleteChannelMembershipResponse deleteMember(String channelArn, String memberArn) {
        return messaging.deleteChannelMembership(r -> r.channelArn(channelArn).memberArn(memberArn).chimeBearer(ADMIN));
    }

    private static DeleteChannelModeratorResponse deleteModerator(String channelArn, String moderatorArn) {
        return messaging.deleteChannelModerator(
                r -> r.channelArn(channelArn).channelModeratorArn(moderatorArn).chimeBearer(ADMIN));
    }

    private static List<String> moderatorArns(ListChannelModeratorsResponse page) {
        return page.channelModerators().stream().map(m -> m.moderator().arn()).collect(Collectors.toList());
    }

    private static List<String> memberArns(ListChannelMembershipsResponse page) {
        return page.channelMemberships().stream().map(m -> m.member().arn()).collect(Collectors.toList());
    }

    /** The response's class, or the exception's. */
    private static Class<?> outcome(java.util.function.Supplier<?> call) {
        try {
            return call.get().getClass();
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }

    // ------------------------------------------------------------------ success, absence, the two lists

    @Test
    void deletingAMembershipRemovesTheMemberWith204AndLeavesItsModeratorStatus() {
        // given: alice is member and moderator, the bot a member only
        channels.member(CHANNEL, ALICE, "HIDDEN").moderator(CHANNEL, ALICE).member(CHANNEL, HELPER_BOT, null);
        Instant moderatorSince = channels.moderatorSince(CHANNEL, ALICE).orElseThrow();
        Instant before = Instant.now();

        // when
        DeleteChannelMembershipResponse deleted = deleteMember(CHANNEL, ALICE);

        // then
        assertThat(deleted.sdkHttpResponse().statusCode()).isEqualTo(204);
        assertThat(channels.members(CHANNEL)).containsExactly(Map.entry(HELPER_BOT, "DEFAULT"));
        assertThat(channels.memberSince(CHANNEL, ALICE)).isEmpty();
        assertThat(channels.leftAt(CHANNEL, ALICE)).hasValueSatisfying(
                left -> assertThat(left).isBetween(before, Instant.now()));
        assertThat(channels.moderators(CHANNEL)).as("a moderator need not be a member").containsExactly(ALICE);
        assertThat(channels.moderatorSince(CHANNEL, ALICE)).hasValue(moderatorSince);
        assertThat(channels.calls(DELETE_MEMBERSHIP)).singleElement().satisfies(call -> assertThat(call)
                .isEqualTo(new ChannelCall(DELETE_MEMBERSHIP, CHANNEL, List.of(ALICE), null, ADMIN, 204,
                        call.authorization())));
    }

    @Test
    void deletingAModeratorRemovesItWith204AndLeavesItsMembership() {
        // given
        channels.member(CHANNEL, ALICE, null).moderator(CHANNEL, ALICE).moderator(CHANNEL, BOB);
        Instant memberSince = channels.memberSince(CHANNEL, ALICE).orElseThrow();
        Instant before = Instant.now();

        // when
        DeleteChannelModeratorResponse deleted = deleteModerator(CHANNEL, ALICE);

        // then
        assertThat(deleted.sdkHttpResponse().statusCode()).isEqualTo(204);
        assertThat(channels.moderators(CHANNEL)).containsExactly(BOB);
        assertThat(channels.moderatorSince(CHANNEL, ALICE)).isEmpty();
        assertThat(channels.moderatorRemovedAt(CHANNEL, ALICE)).hasValueSatisfying(
                removed -> assertThat(removed).isBetween(before, Instant.now()));
        assertThat(channels.members(CHANNEL)).containsExactly(Map.entry(ALICE, "DEFAULT"));
        assertThat(channels.memberSince(CHANNEL, ALICE)).hasValue(memberSince);
        assertThat(channels.leftAt(CHANNEL, ALICE)).isEmpty();
        assertThat(channels.calls(DELETE_MODERATOR)).extracting(ChannelCall::memberArns, ChannelCall::status)
                .containsExactly(tuple(List.of(ALICE), 204));
    }

    @Test
    void deletingOneWhoIsNotThereIsThe204OfADeleteAlreadyDoneChangingNothing() {
        // given: bob is a user of the AppInstance in neither list; the ghost is no user at all
        channels.user(BOB).member(CHANNEL, ALICE, null);
        deleteMember(CHANNEL, ALICE);
        Instant left = channels.leftAt(CHANNEL, ALICE).orElseThrow();

        // when
        List<Integer> statuses = List.of(
                deleteMember(CHANNEL, ALICE).sdkHttpResponse().statusCode(),
                deleteMember(CHANNEL, BOB).sdkHttpResponse().statusCode(),
                deleteMember(CHANNEL, GHOST).sdkHttpResponse().statusCode(),
                deleteModerator(CHANNEL, BOB).sdkHttpResponse().statusCode(),
                deleteModerator(CHANNEL, STRANGER).sdkHttpResponse().statusCode());

        // then
        assertThat(statuses).containsOnly(204).hasSize(5);
        assertThat(channels.leftAt(CHANNEL, ALICE)).as("a second delete is no second leaving").hasValue(left);
        assertThat(channels.leftAt(CHANNEL, BOB)).isEmpty();
        assertThat(channels.moderatorRemovedAt(CHANNEL, BOB)).isEmpty();
        assertThat(channels.members(CHANNEL)).isEmpty();
        assertThat(channels.moderators(CHANNEL)).isEmpty();
    }

    @Test
    void aMemberWhoLeftAndCameBackIsAtTheEndWithItsLeavingTimeKept() {
        // given
        channels.member(CHANNEL, ALICE, null).member(CHANNEL, BOB, null);
        deleteMember(CHANNEL, ALICE);
        Instant left = channels.leftAt(CHANNEL, ALICE).orElseThrow();

        // when
        messaging.batchCreateChannelMembership(r -> r.channelArn(CHANNEL).memberArns(ALICE).chimeBearer(ADMIN));

        // then
        assertThat(channels.members(CHANNEL)).containsExactly(Map.entry(BOB, "DEFAULT"), Map.entry(ALICE, "DEFAULT"));
        assertThat(channels.leftAt(CHANNEL, ALICE)).hasValue(left);
        assertThat(channels.memberSince(CHANNEL, ALICE)).hasValueSatisfying(
                since -> assertThat(since).isAfterOrEqualTo(left));
    }

    @Test
    void theHistoriesKeepEveryJoinLeaveGrantAndRemovalOfBothLists() {
        // given
        channels.member(CHANNEL, ALICE, null).moderator(CHANNEL, ALICE);
        Instant joined = channels.memberSince(CHANNEL, ALICE).orElseThrow();
        Instant granted = channels.moderatorSince(CHANNEL, ALICE).orElseThrow();

        // when
        deleteMember(CHANNEL, ALICE);
        deleteMember(CHANNEL, ALICE);
        Instant left = channels.leftAt(CHANNEL, ALICE).orElseThrow();
        deleteModerator(CHANNEL, ALICE);
        Instant removed = channels.moderatorRemovedAt(CHANNEL, ALICE).orElseThrow();

        // then
        assertThat(channels.memberHistory(CHANNEL, ALICE)).containsExactly(new MembershipChange(joined, true, null),
                new MembershipChange(left, false, null));
        assertThat(channels.moderatorHistory(CHANNEL, ALICE)).containsExactly(
                new MembershipChange(granted, true, null), new MembershipChange(removed, false, null));
        assertThat(channels.memberHistory(CHANNEL, BOB)).isEmpty();
    }

    // ------------------------------------------------------------------ the channel, the input, the bearer

    @Test
    void anUnknownChannelIsABadRequestForBothDeletesWhoseModelsDeclareNoNotFound() {
        // given
        String missing = APP + "/channel/missing";
        channels.user(ALICE);

        // when
        List<BadRequestException> rejected = List.<Runnable>of(
                        () -> deleteMember(missing, ALICE),
                        () -> deleteModerator(missing, ALICE))
                .stream().map(call -> catchThrowableOfType(BadRequestException.class, call::run))
                .collect(Collectors.toList());

        // then
        assertThat(rejected).hasSize(2).allSatisfy(e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The channel " + missing + " is not found.");
        });
        assertThat(channels.calls()).extracting(ChannelCall::operation, ChannelCall::status)
                .containsExactly(tuple(DELETE_MEMBERSHIP, 400), tuple(DELETE_MODERATOR, 400));
    }

    @Test
    void aMemberArnOutsideTheModelANonChannelArnOrASubChannelIdIsABadRequest() {
        // given: the SDK checks neither pattern, and no channel of the emulator is elastic
        channels.member(CHANNEL, ALICE, null).moderator(CHANNEL, ALICE);

        // when
        List<BadRequestException> rejected = List.<Runnable>of(
                        () -> deleteMember(CHANNEL, "alice"),
                        () -> deleteModerator(CHANNEL, "not-an-arn"),
                        () -> deleteMember(ALICE, ALICE),
                        () -> messaging.deleteChannelMembership(r -> r.channelArn(CHANNEL).memberArn(ALICE)
                                .subChannelId("sub-1").chimeBearer(ADMIN)),
                        () -> messaging.deleteChannelMembership(r -> r.channelArn(CHANNEL).memberArn(ALICE)
                                .subChannelId("no spaces").chimeBearer(ADMIN)))
                .stream().map(call -> catchThrowableOfType(BadRequestException.class, call::run))
                .collect(Collectors.toList());

        // then
        assertThat(rejected).hasSize(5).allSatisfy(e -> assertThat(e.statusCode()).isEqualTo(400));
        assertThat(rejected.get(0).awsErrorDetails().errorMessage()).contains("'memberArn'");
        assertThat(rejected.get(1).awsErrorDetails().errorMessage()).contains("'channelModeratorArn'");
        assertThat(rejected.get(3).awsErrorDetails().errorMessage()).contains("not an elastic channel");
        assertThat(rejected.get(4).awsErrorDetails().errorMessage()).contains("'subChannelId'");
        assertThat(channels.members(CHANNEL)).containsOnlyKeys(ALICE);
        assertThat(channels.moderators(CHANNEL)).containsExactly(ALICE);
    }

    @Test
    void withoutABearerBothDeletesAreABadRequestAndWithOneOutsideTheAppInstanceForbidden() {
        // given
        channels.member(CHANNEL, ALICE, null).moderator(CHANNEL, ALICE).user(STRANGER);

        // when
        List<BadRequestException> noBearer = List.<Runnable>of(
                        () -> messaging.deleteChannelMembership(r -> r.channelArn(CHANNEL).memberArn(ALICE)),
                        () -> messaging.deleteChannelModerator(r -> r.channelArn(CHANNEL).channelModeratorArn(ALICE)))
                .stream().map(call -> catchThrowableOfType(BadRequestException.class, call::run))
                .collect(Collectors.toList());
        List<ForbiddenException> foreign = List.<Runnable>of(
                        () -> messaging.deleteChannelMembership(r -> r.channelArn(CHANNEL).memberArn(ALICE)
                                .chimeBearer(STRANGER)),
                        () -> messaging.deleteChannelModerator(r -> r.channelArn(CHANNEL).channelModeratorArn(ALICE)
                                .chimeBearer(GHOST)))
                .stream().map(call -> catchThrowableOfType(ForbiddenException.class, call::run))
                .collect(Collectors.toList());

        // then
        assertThat(noBearer).hasSize(2).allSatisfy(e ->
                assertThat(e.awsErrorDetails().errorMessage()).contains("'chimeBearer'"));
        assertThat(foreign).hasSize(2).allSatisfy(e -> assertThat(e.statusCode()).isEqualTo(403));
        assertThat(channels.members(CHANNEL)).containsOnlyKeys(ALICE);
        assertThat(channels.moderators(CHANNEL)).containsExactly(ALICE);
        assertThat(channels.calls()).extracting(ChannelCall::bearer, ChannelCall::status).containsExactly(
                tuple(null, 400), tuple(null, 400), tuple(STRANGER, 403), tuple(GHOST, 403));
    }

    @Test
    void aClientSigningForAnotherRegionThanTheChannelsIsRefusedAndAnUnsignedOneUnauthorized() {
        // given
        channels.channel(EU_CHANNEL);

        // when
        ChimeSdkMessagingException wrongRegion = catchThrowableOfType(ChimeSdkMessagingException.class,
                () -> deleteModerator(EU_CHANNEL, ALICE));
        UnauthorizedClientException unsigned;
        try (ChimeSdkMessagingClient anonymous = ChimeSdkMessagingClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
                .endpointOverride(emulator.endpoint())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            unsigned = catchThrowableOfType(UnauthorizedClientException.class, () -> anonymous.deleteChannelMembership(
                    r -> r.channelArn(CHANNEL).memberArn(ALICE).chimeBearer(ADMIN)));
        }

        // then
        assertThat(wrongRegion.statusCode()).isEqualTo(403);
        assertThat(wrongRegion.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
        assertThat(unsigned.statusCode()).isEqualTo(401);
    }

    // ------------------------------------------------------------------ ListChannelModerators around deletes

    @Test
    void aModeratorPageAfterRemovalsResumesWhereTheLastOneEndedAndAReturningModeratorIsLast() {
        // given: four moderators, a first page of two
        List<String> moderators = List.of(ALICE, HELPER_BOT, BOB, APP + "/user/carol");
        moderators.forEach(arn -> channels.moderator(CHANNEL, arn));
        ListChannelModeratorsResponse first = messaging.listChannelModerators(
                r -> r.channelArn(CHANNEL).maxResults(2).chimeBearer(ADMIN));

        // when: one listed moderator and one not yet listed are removed, and the first comes back
        deleteModerator(CHANNEL, HELPER_BOT);
        deleteModerator(CHANNEL, BOB);
        messaging.createChannelModerator(r -> r.channelArn(CHANNEL).channelModeratorArn(HELPER_BOT).chimeBearer(ADMIN));
        ListChannelModeratorsResponse second = messaging.listChannelModerators(
                r -> r.channelArn(CHANNEL).maxResults(2).nextToken(first.nextToken()).chimeBearer(ADMIN));
        List<String> all = messaging.listChannelModeratorsPaginator(r -> r.channelArn(CHANNEL).maxResults(1)
                .chimeBearer(ADMIN)).stream().flatMap(page -> moderatorArns(page).stream()).collect(Collectors.toList());

        // then
        assertThat(moderatorArns(first)).containsExactly(ALICE, HELPER_BOT);
        assertThat(moderatorArns(second)).containsExactly(APP + "/user/carol", HELPER_BOT);
        assertThat(second.nextToken()).isNull();
        assertThat(all).containsExactly(ALICE, APP + "/user/carol", HELPER_BOT);
        assertThat(channels.moderatorRemovedAt(CHANNEL, HELPER_BOT)).isPresent();
        assertThat(channels.moderatorSince(CHANNEL, HELPER_BOT)).hasValueSatisfying(since ->
                assertThat(since).isAfterOrEqualTo(channels.moderatorRemovedAt(CHANNEL, HELPER_BOT).orElseThrow()));
    }

    @Test
    void aMembershipPageAfterLeaversSkipsNoOneWhoStayed() {
        // given
        List<String> members = List.of(ALICE, BOB, HELPER_BOT, APP + "/user/carol");
        members.forEach(arn -> channels.member(CHANNEL, arn, null));
        ListChannelMembershipsResponse first = messaging.listChannelMemberships(
                r -> r.channelArn(CHANNEL).maxResults(2).chimeBearer(ADMIN));

        // when
        deleteMember(CHANNEL, BOB);
        deleteMember(CHANNEL, HELPER_BOT);
        ListChannelMembershipsResponse second = messaging.listChannelMemberships(
                r -> r.channelArn(CHANNEL).maxResults(2).nextToken(first.nextToken()).chimeBearer(ADMIN));

        // then
        assertThat(memberArns(first)).containsExactly(ALICE, BOB);
        assertThat(memberArns(second)).containsExactly(APP + "/user/carol");
    }

    @Test
    void listChannelModeratorsKeepsItsBoundsItsTokensAndItsBearerCheck() {
        // given
        channels.moderator(CHANNEL, ALICE).moderator(CHANNEL, BOB).user(STRANGER);
        String token = messaging.listChannelModerators(r -> r.channelArn(CHANNEL).maxResults(1).chimeBearer(ADMIN))
                .nextToken();

        // when
        List<Class<?>> outcomes = List.of(
                outcome(() -> messaging.listChannelModerators(r -> r.channelArn(CHANNEL).maxResults(0)
                        .chimeBearer(ADMIN))),
                outcome(() -> messaging.listChannelModerators(r -> r.channelArn(CHANNEL).maxResults(51)
                        .chimeBearer(ADMIN))),
                outcome(() -> messaging.listChannelModerators(r -> r.channelArn(CHANNEL).maxResults(50)
                        .chimeBearer(ADMIN))),
                outcome(() -> messaging.listChannelModerators(r -> r.channelArn(CHANNEL).nextToken("forged")
                        .chimeBearer(ADMIN))),
                outcome(() -> messaging.listChannelModerators(r -> r.channelArn(CHANNEL).nextToken(token)
                        .chimeBearer(ADMIN))),
                outcome(() -> messaging.listChannelModerators(r -> r.channelArn(CHANNEL).chimeBearer(STRANGER))));

        // then
        assertThat(outcomes).containsExactly(BadRequestException.class, BadRequestException.class,
                ListChannelModeratorsResponse.class, BadRequestException.class, ListChannelModeratorsResponse.class,
                ForbiddenException.class);
    }

    // ------------------------------------------------------------------ faults

    @Test
    void wholeCallFaultsForOneOperationApplyToBothDeletesAndLeaveTheChannelUnchanged() {
        // given
        channels.member(CHANNEL, ALICE, null).moderator(CHANNEL, ALICE);
        emulator.failNextCalls(1, Fault.THROTTLED, DELETE_MEMBERSHIP);
        emulator.failNextCalls(1, Fault.SERVICE_UNAVAILABLE, DELETE_MODERATOR);

        // when
        List<Class<?>> outcomes = List.of(
                outcome(() -> deleteMember(CHANNEL, ALICE)),
                outcome(() -> deleteModerator(CHANNEL, ALICE)));

        // then
        assertThat(outcomes).containsExactly(ThrottledClientException.class, ServiceUnavailableException.class);
        assertThat(channels.members(CHANNEL)).containsOnlyKeys(ALICE);
        assertThat(channels.moderators(CHANNEL)).containsExactly(ALICE);
        assertThat(emulator.faultsInjected(DELETE_MEMBERSHIP)).isEqualTo(Map.of(Fault.THROTTLED, 1));
        assertThat(emulator.faultsInjected(DELETE_MODERATOR)).isEqualTo(Map.of(Fault.SERVICE_UNAVAILABLE, 1));
    }

    @Test
    void aMemberCallFaultHitsOnlyThatArnsCallsOfThatOperationAfterTheWholeCallChecks() {
        // given
        channels.member(CHANNEL, ALICE, null).moderator(CHANNEL, ALICE).member(CHANNEL, BOB, null).user(STRANGER);
        emulator.failMemberCall(DELETE_MEMBERSHIP, ALICE, Fault.SERVICE_FAILURE, 2);
        emulator.failMemberCall(DELETE_MODERATOR, ALICE, Fault.RESOURCE_LIMIT_EXCEEDED, 1);

        // when
        Class<?> forbidden = outcome(() -> messaging.deleteChannelMembership(r -> r.channelArn(CHANNEL)
                .memberArn(ALICE).chimeBearer(STRANGER)));
        Class<?> bob = outcome(() -> deleteMember(CHANNEL, BOB));
        List<Class<?>> alice = List.of(
                outcome(() -> deleteMember(CHANNEL, ALICE)),
                outcome(() -> deleteModerator(CHANNEL, ALICE)),
                outcome(() -> deleteMember(CHANNEL, ALICE)),
                outcome(() -> deleteMember(CHANNEL, ALICE)),
                outcome(() -> deleteModerator(CHANNEL, ALICE)));

        // then
        assertThat(forbidden).isEqualTo(ForbiddenException.class);
        assertThat(bob).isEqualTo(DeleteChannelMembershipResponse.class);
        assertThat(alice).containsExactly(ServiceFailureException.class,
                software.amazon.awssdk.services.chimesdkmessaging.model.ResourceLimitExceededException.class,
                ServiceFailureException.class, DeleteChannelMembershipResponse.class,
                DeleteChannelModeratorResponse.class);
        assertThat(emulator.memberCallFaultsInjected(DELETE_MEMBERSHIP)).isEqualTo(Map.of(Fault.SERVICE_FAILURE, 2));
        assertThat(emulator.memberCallFaultsInjected(DELETE_MODERATOR))
                .isEqualTo(Map.of(Fault.RESOURCE_LIMIT_EXCEEDED, 1));
        assertThat(channels.moderatorFaultsInjected()).as("CreateChannelModerator's own count").isEmpty();
        assertThat(channels.members(CHANNEL)).isEmpty();
        assertThat(channels.moderators(CHANNEL)).isEmpty();
        assertThat(channels.calls(DELETE_MEMBERSHIP)).extracting(ChannelCall::status)
                .containsExactly(403, 204, 500, 500, 204);
    }

    @Test
    void failModeratorIsTheMemberCallFaultOfCreateChannelModerator() {
        // given
        channels.user(ALICE);
        emulator.failMemberCall(ChannelsApi.CREATE_CHANNEL_MODERATOR, ALICE, Fault.THROTTLED, 1);

        // when
        Class<?> first = outcome(() -> messaging.createChannelModerator(r -> r.channelArn(CHANNEL)
                .channelModeratorArn(ALICE).chimeBearer(ADMIN)));
        channels.failModerator(ALICE, Fault.SERVICE_FAILURE, 1);
        Class<?> second = outcome(() -> messaging.createChannelModerator(r -> r.channelArn(CHANNEL)
                .channelModeratorArn(ALICE).chimeBearer(ADMIN)));

        // then
        assertThat(List.of(first, second)).containsExactly(ThrottledClientException.class,
                ServiceFailureException.class);
        assertThat(channels.moderatorFaultsInjected())
                .isEqualTo(emulator.memberCallFaultsInjected(ChannelsApi.CREATE_CHANNEL_MODERATOR))
                .isEqualTo(Map.of(Fault.THROTTLED, 1, Fault.SERVICE_FAILURE, 1));
    }

    @Test
    void aDeleteCutShortHasTakenEffectAndTheUrlConnectionClientsOwnSecondAttemptIsTheAnswerSeen() {
        // given: a 204 owes no body, so its cut closes the connection before the status line, and HttpURLConnection
        // sends a request without a body once more on its own when that happens
        channels.member(CHANNEL, ALICE, null).moderator(CHANNEL, ALICE);
        emulator.failMemberCall(DELETE_MEMBERSHIP, ALICE, Fault.RESET_MID_RESPONSE, 1);
        emulator.failNextCalls(1, Fault.RESET_MID_RESPONSE);

        // when: the membership's delete is cut by its member call fault and by the queue alike
        DeleteChannelMembershipResponse membership = deleteMember(CHANNEL, ALICE);

        // then: both attempts arrived; the first removed her, the second found nothing to remove
        assertThat(membership.sdkHttpResponse().statusCode()).isEqualTo(204);
        assertThat(channels.members(CHANNEL)).isEmpty();
        assertThat(channels.leftAt(CHANNEL, ALICE)).isPresent();
        assertThat(channels.moderators(CHANNEL)).containsExactly(ALICE);
        assertThat(channels.calls(DELETE_MEMBERSHIP)).extracting(ChannelCall::status).containsExactly(204, 204);
        assertThat(emulator.faultsInjected(DELETE_MEMBERSHIP)).isEqualTo(Map.of(Fault.RESET_MID_RESPONSE, 1));
    }

    @Test
    void resetForgetsRemovalTimesAndArmedDeleteFaults() {
        // given
        channels.member(CHANNEL, ALICE, null).moderator(CHANNEL, ALICE);
        deleteMember(CHANNEL, ALICE);
        deleteModerator(CHANNEL, ALICE);
        emulator.failMemberCall(DELETE_MODERATOR, BOB, Fault.THROTTLED, Integer.MAX_VALUE);

        // when
        emulator.reset();
        channels.channel(CHANNEL).user(ADMIN).moderator(CHANNEL, BOB);

        // then
        assertThat(channels.leftAt(CHANNEL, ALICE)).isEmpty();
        assertThat(channels.moderatorRemovedAt(CHANNEL, ALICE)).isEmpty();
        assertThat(deleteModerator(CHANNEL, BOB).sdkHttpResponse().statusCode()).isEqualTo(204);
        assertThat(channels.moderators(CHANNEL)).isEmpty();
        assertThat(catchThrowableOfType(AwsServiceException.class, () -> deleteModerator(APP + "/channel/gone", BOB))
                .statusCode()).isEqualTo(400);
    }
}

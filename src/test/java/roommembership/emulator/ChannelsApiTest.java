package roommembership.emulator;

import roommembership.testing.TestQuotas;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import roommembership.emulator.ChannelsApi.ChannelCall;
import roommembership.emulator.ChimeEmulator.Fault;
import roommembership.emulator.ChimeEmulator.RecordedCall;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chime.model.MembershipItem;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.chimesdkmessaging.model.BadRequestException;
import software.amazon.awssdk.services.chimesdkmessaging.model.BatchCreateChannelMembershipError;
import software.amazon.awssdk.services.chimesdkmessaging.model.BatchCreateChannelMembershipRequest;
import software.amazon.awssdk.services.chimesdkmessaging.model.BatchCreateChannelMembershipResponse;
import software.amazon.awssdk.services.chimesdkmessaging.model.ChannelMembershipType;
import software.amazon.awssdk.services.chimesdkmessaging.model.ChimeSdkMessagingException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ConflictException;
import software.amazon.awssdk.services.chimesdkmessaging.model.CreateChannelModeratorResponse;
import software.amazon.awssdk.services.chimesdkmessaging.model.ErrorCode;
import software.amazon.awssdk.services.chimesdkmessaging.model.ForbiddenException;
import software.amazon.awssdk.services.chimesdkmessaging.model.Identity;
import software.amazon.awssdk.services.chimesdkmessaging.model.ListChannelMembershipsRequest;
import software.amazon.awssdk.services.chimesdkmessaging.model.ListChannelMembershipsResponse;
import software.amazon.awssdk.services.chimesdkmessaging.model.ListChannelModeratorsRequest;
import software.amazon.awssdk.services.chimesdkmessaging.model.ListChannelModeratorsResponse;
import software.amazon.awssdk.services.chimesdkmessaging.model.NotFoundException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ResourceLimitExceededException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ServiceFailureException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ServiceUnavailableException;
import software.amazon.awssdk.services.chimesdkmessaging.model.ThrottledClientException;
import software.amazon.awssdk.services.chimesdkmessaging.model.UnauthorizedClientException;

/** The Chime SDK messaging API of the emulator, driven through the real AWS SDK v2 messaging client. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChannelsApiTest {

    private static final String APP = "arn:aws:chime:us-east-1:123456789012:app-instance/app-1";
    private static final String CHANNEL = APP + "/channel/general";
    private static final String CHANNEL_2 = APP + "/channel/random";
    private static final String ADMIN = APP + "/user/admin";
    private static final String ALICE = APP + "/user/alice";
    private static final String BOB = APP + "/user/bob";
    private static final String CAROL = APP + "/user/carol";
    private static final String HELPER_BOT = APP + "/bot/helper";
    private static final String GHOST = APP + "/user/ghost";
    private static final String OTHER_APP = "arn:aws:chime:us-east-1:123456789012:app-instance/app-2";
    private static final String STRANGER = OTHER_APP + "/user/stranger";
    private static final String EU_APP = "arn:aws:chime:eu-central-1:123456789012:app-instance/app-eu";
    private static final String EU_CHANNEL = EU_APP + "/channel/general";

    private static final String BATCH_CREATE = ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP;
    private static final String LIST_MEMBERSHIPS = ChannelsApi.LIST_CHANNEL_MEMBERSHIPS;
    private static final String CREATE_MODERATOR = ChannelsApi.CREATE_CHANNEL_MODERATOR;
    private static final String LIST_MODERATORS = ChannelsApi.LIST_CHANNEL_MODERATORS;
    private static final StaticCredentialsProvider TEST_CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDEMULATORTEST", "emulator-test-secret-key"));
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ChimeEmulator emulator;
    private static ChannelsApi channels;
    /** Retries disabled: each fault is seen exactly once. */
    private static ChimeSdkMessagingClient messaging;
    /** The SDK's default retry strategy. */
    private static ChimeSdkMessagingClient retryingMessaging;
    private static ChimeClient chime;

    @BeforeAll
    static void startEmulator() {
        emulator = ChimeEmulator.start().quotas(TestQuotas.EMULATED);
        channels = emulator.channels();
        messaging = client(Region.US_EAST_1, false);
        retryingMessaging = client(Region.US_EAST_1, true);
        chime = ChimeClient.builder()
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
        retryingMessaging.close();
        chime.close();
        emulator.close();
    }

    @BeforeEach
    void freshState() {
        emulator.reset();
    }

    private static ChimeSdkMessagingClient client(Region region, boolean retries) {
        var builder = ChimeSdkMessagingClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(region)
                .credentialsProvider(TEST_CREDENTIALS)
                .endpointOverride(emulator.endpoint());
        if (!retries) {
            builder.overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
        }
        return builder.build();
    }

    /** A channel with its bearer, the AppInstance's admin user. */
    private static void seedChannel(String channelArn) {
        channels.channel(channelArn).user(ADMIN);
    }

    private static BatchCreateChannelMembershipResponse add(String channelArn, String type, String... memberArns) {
        return add(messaging, channelArn, type, memberArns);
    }

    private static BatchCreateChannelMembershipResponse add(ChimeSdkMessagingClient client, String channelArn,
                                                            String type, String... memberArns) {
        return add(client, r -> r.channelArn(channelArn).type(type).memberArns(memberArns).chimeBearer(ADMIN));
    }

    private static BatchCreateChannelMembershipResponse add(ChimeSdkMessagingClient client,
                                                            Consumer<BatchCreateChannelMembershipRequest.Builder> request) {
        return client.batchCreateChannelMembership(request);
    }

    private static ListChannelMembershipsResponse list(Consumer<ListChannelMembershipsRequest.Builder> request) {
        return messaging.listChannelMemberships(request);
    }

    private static ListChannelMembershipsResponse list(String channelArn, String type) {
        return list(r -> r.channelArn(channelArn).type(type).chimeBearer(ADMIN));
    }

    private static ListChannelModeratorsResponse listModerators(Consumer<ListChannelModeratorsRequest.Builder> request) {
        return messaging.listChannelModerators(request);
    }

    private static CreateChannelModeratorResponse createModerator(String channelArn, String moderatorArn) {
        return messaging.createChannelModerator(
                r -> r.channelArn(channelArn).channelModeratorArn(moderatorArn).chimeBearer(ADMIN));
    }

    /** The member ARNs of one membership page, in response order. */
    private static List<String> memberArns(ListChannelMembershipsResponse page) {
        return page.channelMemberships().stream().map(m -> m.member().arn()).collect(Collectors.toList());
    }

    private static List<String> moderatorArns(ListChannelModeratorsResponse page) {
        return page.channelModerators().stream().map(m -> m.moderator().arn()).collect(Collectors.toList());
    }

    /** memberArn -> ErrorCode, in response order. */
    private static Map<String, String> errorCodes(BatchCreateChannelMembershipResponse response) {
        Map<String, String> codes = new LinkedHashMap<>();
        for (BatchCreateChannelMembershipError error : response.errors()) {
            codes.put(error.memberArn(), error.errorCodeAsString());
        }
        return codes;
    }

    private static Identity identity(String arn, String name) {
        return Identity.builder().arn(arn).name(name).build();
    }

    private static List<String> users(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> APP + "/user/u" + i).collect(Collectors.toList());
    }

    // ------------------------------------------------------------------ BatchCreateChannelMembership

    @Test
    void addsUsersAndBotsAsDefaultMembersAndAnswersWhoWasAddedByWhom() {
        // given
        seedChannel(CHANNEL);
        channels.user(ALICE).bot(HELPER_BOT);
        Instant before = Instant.now();

        // when
        BatchCreateChannelMembershipResponse response = add(CHANNEL, null, ALICE, HELPER_BOT);

        // then
        assertThat(response.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(response.batchChannelMemberships().invitedBy()).isEqualTo(identity(ADMIN, "admin"));
        assertThat(response.batchChannelMemberships().type()).isEqualTo(ChannelMembershipType.DEFAULT);
        assertThat(response.batchChannelMemberships().members())
                .containsExactly(identity(ALICE, "alice"), identity(HELPER_BOT, "helper"));
        assertThat(response.batchChannelMemberships().channelArn()).isEqualTo(CHANNEL);
        assertThat(response.errors()).isEmpty();
        assertThat(channels.members(CHANNEL)).containsExactly(
                Map.entry(ALICE, "DEFAULT"), Map.entry(HELPER_BOT, "DEFAULT"));
        assertThat(channels.memberSince(CHANNEL, ALICE)).hasValueSatisfying(
                since -> assertThat(since).isBetween(before, Instant.now()));
        assertThat(channels.calls(BATCH_CREATE)).singleElement().satisfies(call -> {
            assertThat(call).isEqualTo(new ChannelCall(BATCH_CREATE, CHANNEL, List.of(ALICE, HELPER_BOT), null, ADMIN,
                    200, call.authorization()));
            assertThat(call.authorization())
                    .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEMULATORTEST/")
                    .contains("/us-east-1/chime/aws4_request");
        });
    }

    @Test
    void hiddenMembersAreListedOnlyWhenTheTypeAsksForThem() {
        // given
        seedChannel(CHANNEL);
        channels.member(CHANNEL, ALICE, "DEFAULT").user(BOB).user(CAROL);

        // when
        BatchCreateChannelMembershipResponse response = add(CHANNEL, "HIDDEN", BOB, CAROL);
        List<List<String>> listed = List.of(
                memberArns(list(CHANNEL, null)),
                memberArns(list(CHANNEL, "DEFAULT")),
                memberArns(list(CHANNEL, "HIDDEN")));

        // then
        assertThat(response.batchChannelMemberships().type()).isEqualTo(ChannelMembershipType.HIDDEN);
        assertThat(listed).containsExactly(List.of(ALICE), List.of(ALICE), List.of(BOB, CAROL));
        assertThat(channels.members(CHANNEL)).containsExactly(
                Map.entry(ALICE, "DEFAULT"), Map.entry(BOB, "HIDDEN"), Map.entry(CAROL, "HIDDEN"));
        assertThat(channels.calls(LIST_MEMBERSHIPS)).extracting(ChannelCall::type, ChannelCall::status)
                .containsExactly(tuple(null, 200), tuple("DEFAULT", 200), tuple("HIDDEN", 200));
    }

    @Test
    void aChannelHoldsAtMostTenThousandMembersOfBothTypesAndAnswersEachOneBeyondAsResourceLimitExceeded() {
        // given: 9,998 members, one of them hidden
        seedChannel(CHANNEL);
        channels.user(ALICE).user(BOB);
        for (int i = 0; i < ChannelsApi.MAX_MEMBERS_PER_CHANNEL - 2; i++) {
            String member = ALICE + "-" + i;
            channels.user(member).member(CHANNEL, member, i == 0 ? "HIDDEN" : "DEFAULT");
        }
        String third = ALICE + "-third";
        channels.user(third);

        // when
        BatchCreateChannelMembershipResponse response = add(CHANNEL, "DEFAULT", ALICE, BOB, third);

        // then
        assertThat(response.batchChannelMemberships().members()).extracting(Identity::arn).containsExactly(ALICE, BOB);
        assertThat(response.errors())
                .extracting(BatchCreateChannelMembershipError::memberArn, BatchCreateChannelMembershipError::errorCode)
                .containsExactly(tuple(third, ErrorCode.RESOURCE_LIMIT_EXCEEDED));
        assertThat(channels.members(CHANNEL)).hasSize(ChannelsApi.MAX_MEMBERS_PER_CHANNEL).doesNotContainKey(third);
    }

    @Test
    void answersNotFoundOutsideTheAppInstanceAndConflictForAnExistingOrRepeatedMember() {
        // given: alice is already a hidden member, the stranger a user of another AppInstance, the ghost no one
        seedChannel(CHANNEL);
        channels.member(CHANNEL, ALICE, "HIDDEN").user(BOB).user(STRANGER);

        // when
        BatchCreateChannelMembershipResponse response = add(CHANNEL, "DEFAULT", BOB, STRANGER, ALICE, BOB, GHOST);

        // then
        assertThat(response.batchChannelMemberships().members()).containsExactly(identity(BOB, "bob"));
        assertThat(response.errors())
                .extracting(BatchCreateChannelMembershipError::memberArn, BatchCreateChannelMembershipError::errorCode)
                .containsExactly(
                        tuple(STRANGER, ErrorCode.NOT_FOUND),
                        tuple(ALICE, ErrorCode.CONFLICT),
                        tuple(BOB, ErrorCode.CONFLICT),
                        tuple(GHOST, ErrorCode.NOT_FOUND));
        assertThat(response.errors()).allSatisfy(error -> assertThat(error.errorMessage()).isNotBlank());
        assertThat(channels.members(CHANNEL))
                .as("alice stays hidden, the stranger and the ghost are not added")
                .containsExactly(Map.entry(ALICE, "HIDDEN"), Map.entry(BOB, "DEFAULT"));
    }

    @Test
    void acceptsOneHundredMemberArnsAndRejectsNoneOrOneHundredAndOneChangingNothing() {
        // given
        seedChannel(CHANNEL);
        seedChannel(CHANNEL_2);
        List<String> users = users(ChannelsApi.MAX_MEMBER_ARNS + 1);
        users.forEach(channels::user);

        // when
        BatchCreateChannelMembershipResponse hundred =
                add(CHANNEL, null, users.subList(0, 100).toArray(String[]::new));
        BadRequestException hundredAndOne = catchThrowableOfType(BadRequestException.class,
                () -> add(CHANNEL_2, null, users.toArray(String[]::new)));
        BadRequestException none = catchThrowableOfType(BadRequestException.class,
                () -> add(messaging, r -> r.channelArn(CHANNEL_2).memberArns(List.of()).chimeBearer(ADMIN)));

        // then
        assertThat(ChannelsApi.MAX_MEMBER_ARNS).isEqualTo(100);
        assertThat(hundred.errors()).isEmpty();
        assertThat(channels.members(CHANNEL)).hasSize(100);
        assertThat(hundredAndOne.statusCode()).isEqualTo(400);
        assertThat(hundredAndOne.awsErrorDetails().errorCode()).isEqualTo("BadRequestException");
        assertThat(hundredAndOne.awsErrorDetails().errorMessage()).contains("less than or equal to 100");
        assertThat(hundredAndOne.requestId()).isNotBlank();
        assertThat(none.awsErrorDetails().errorMessage()).contains("greater than or equal to 1");
        assertThat(channels.members(CHANNEL_2)).isEmpty();
        assertThat(channels.calls(BATCH_CREATE))
                .extracting(call -> call.memberArns().size(), ChannelCall::status)
                .containsExactly(tuple(100, 200), tuple(101, 400), tuple(0, 400));
    }

    @Test
    void aTypeOutsideTheEnumIsABadRequestForTheBatchAndTheList() {
        // given: the SDK sends any string through type(String) without validating it
        seedChannel(CHANNEL);
        channels.user(ALICE);

        // when
        BadRequestException batch = catchThrowableOfType(BadRequestException.class, () -> add(CHANNEL, "OWNER", ALICE));
        BadRequestException listing = catchThrowableOfType(BadRequestException.class, () -> list(CHANNEL, "OWNER"));

        // then
        assertThat(List.of(batch, listing)).allSatisfy(e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).contains("'OWNER'");
        });
        assertThat(channels.members(CHANNEL)).isEmpty();
        assertThat(channels.calls()).extracting(ChannelCall::operation, ChannelCall::type, ChannelCall::status)
                .containsExactly(tuple(BATCH_CREATE, "OWNER", 400), tuple(LIST_MEMBERSHIPS, "OWNER", 400));
    }

    @Test
    void anUnknownChannelIsNotFoundForTheBatchAndABadRequestForTheOperationsThatDeclareNoNotFound() {
        // given: the AppInstance and its bearer exist, the channel does not
        seedChannel(CHANNEL);
        channels.user(ALICE);
        String missing = APP + "/channel/missing";

        // when
        NotFoundException batch = catchThrowableOfType(NotFoundException.class, () -> add(missing, null, ALICE));
        List<BadRequestException> others = List.<Runnable>of(
                        () -> list(missing, null),
                        () -> createModerator(missing, ALICE),
                        () -> listModerators(r -> r.channelArn(missing).chimeBearer(ADMIN)))
                .stream().map(call -> catchThrowableOfType(BadRequestException.class, call::run))
                .collect(Collectors.toList());

        // then
        assertThat(batch.statusCode()).isEqualTo(404);
        assertThat(batch.awsErrorDetails().errorCode()).isEqualTo("NotFoundException");
        assertThat(batch.awsErrorDetails().errorMessage()).contains(missing);
        assertThat(others).allSatisfy(e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).contains(missing);
        });
        assertThat(channels.members(missing)).isEmpty();
        assertThat(channels.moderators(missing)).isEmpty();
        assertThat(channels.calls()).extracting(ChannelCall::operation, ChannelCall::status).containsExactly(
                tuple(BATCH_CREATE, 404), tuple(LIST_MEMBERSHIPS, 400), tuple(CREATE_MODERATOR, 400),
                tuple(LIST_MODERATORS, 400));
    }

    @Test
    void failMemberArmsAnErrorForAChannelMemberByItsArn() {
        // given
        seedChannel(CHANNEL);
        channels.user(ALICE).user(BOB);
        emulator.failMember(ALICE, "Throttled", 1);

        // when
        List<Map<String, String>> errorsPerCall = List.of(
                errorCodes(add(CHANNEL, null, ALICE, BOB)),
                errorCodes(add(CHANNEL, null, ALICE, BOB)));

        // then
        assertThat(errorsPerCall).containsExactly(Map.of(ALICE, "Throttled"), Map.of(BOB, "Conflict"));
        assertThat(channels.members(CHANNEL)).containsExactly(Map.entry(BOB, "DEFAULT"), Map.entry(ALICE, "DEFAULT"));
        assertThat(emulator.memberErrorsInjected()).isEqualTo(Map.of("Throttled", 1));
        assertThat(emulator.memberErrorsInjected(BATCH_CREATE)).isEqualTo(Map.of("Throttled", 1));
        assertThat(emulator.memberErrorsInjected(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP)).isEmpty();
    }

    // ------------------------------------------------------------------ ListChannelMemberships

    @Test
    void withoutMaxResultsAPageHoldsTheDefaultPageSizeAndThePaginatorSeesEveryDefaultMemberOnce() {
        // given: twelve default members in join order, and one hidden member between them
        seedChannel(CHANNEL);
        List<String> joined = users(12);
        joined.subList(0, 6).forEach(arn -> channels.member(CHANNEL, arn, "DEFAULT"));
        channels.member(CHANNEL, ALICE, "HIDDEN");
        joined.subList(6, 12).forEach(arn -> channels.member(CHANNEL, arn, null));

        // when
        ListChannelMembershipsResponse first = list(CHANNEL, null);
        ListChannelMembershipsResponse second = list(r -> r.channelArn(CHANNEL).nextToken(first.nextToken())
                .chimeBearer(ADMIN));
        List<ListChannelMembershipsResponse> pages = messaging.listChannelMembershipsPaginator(
                r -> r.channelArn(CHANNEL).maxResults(5).chimeBearer(ADMIN)).stream().collect(Collectors.toList());

        // then
        assertThat(ChannelsApi.DEFAULT_PAGE_SIZE).isEqualTo(10);
        assertThat(first.channelArn()).isEqualTo(CHANNEL);
        assertThat(memberArns(first)).isEqualTo(joined.subList(0, 10));
        assertThat(first.channelMemberships().get(0).member()).isEqualTo(identity(joined.get(0), "u1"));
        assertThat(first.nextToken()).isNotBlank();
        assertThat(memberArns(second)).isEqualTo(joined.subList(10, 12));
        assertThat(second.nextToken()).isNull();
        assertThat(pages).extracting(ChannelsApiTest::memberArns)
                .containsExactly(joined.subList(0, 5), joined.subList(5, 10), joined.subList(10, 12));
    }

    @Test
    void aForgedForeignOtherTypeOrPreResetNextTokenIsABadRequest() {
        // given: tokens issued for another channel, for the hidden listing, for the moderators, and before a reset
        seedChannel(CHANNEL);
        seedChannel(CHANNEL_2);
        users(2).forEach(arn -> channels.member(CHANNEL, arn, null).member(CHANNEL_2, arn, null).moderator(CHANNEL, arn));
        channels.member(CHANNEL, ALICE, "HIDDEN").member(CHANNEL, BOB, "HIDDEN");
        String foreign = list(r -> r.channelArn(CHANNEL_2).maxResults(1).chimeBearer(ADMIN)).nextToken();
        String hidden = list(r -> r.channelArn(CHANNEL).type("HIDDEN").maxResults(1).chimeBearer(ADMIN)).nextToken();
        String moderators = listModerators(r -> r.channelArn(CHANNEL).maxResults(1).chimeBearer(ADMIN)).nextToken();
        String stale = list(r -> r.channelArn(CHANNEL).maxResults(1).chimeBearer(ADMIN)).nextToken();
        emulator.reset();
        seedChannel(CHANNEL);
        users(2).forEach(arn -> channels.member(CHANNEL, arn, null));

        // when
        List<BadRequestException> rejected = List.of("not-a-token", foreign, hidden, moderators, stale).stream()
                .map(token -> catchThrowableOfType(BadRequestException.class,
                        () -> list(r -> r.channelArn(CHANNEL).maxResults(1).nextToken(token).chimeBearer(ADMIN))))
                .collect(Collectors.toList());

        // then
        assertThat(rejected).hasSize(5).allSatisfy(e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The next token is not valid.");
        });
        assertThat(channels.calls(LIST_MEMBERSHIPS)).extracting(ChannelCall::status)
                .containsExactly(400, 400, 400, 400, 400);
    }

    @Test
    void maxResultsOutsideOneToFiftyIsABadRequestForBothLists() {
        // given: the SDK sends maxResults without checking MaxResults, so the emulator is the one that rejects it
        seedChannel(CHANNEL);
        channels.member(CHANNEL, ALICE, null).moderator(CHANNEL, ALICE);

        // when
        List<Integer> statuses = new ArrayList<>();
        for (int max : List.of(0, 51, 1, 50)) {
            for (Runnable call : List.<Runnable>of(
                    () -> list(r -> r.channelArn(CHANNEL).maxResults(max).chimeBearer(ADMIN)),
                    () -> listModerators(r -> r.channelArn(CHANNEL).maxResults(max).chimeBearer(ADMIN)))) {
                try {
                    call.run();
                    statuses.add(200);
                } catch (BadRequestException e) {
                    assertThat(e.awsErrorDetails().errorMessage()).contains("'maxResults'");
                    statuses.add(e.statusCode());
                }
            }
        }

        // then
        assertThat(statuses).containsExactly(400, 400, 400, 400, 200, 200, 200, 200);
    }

    // ------------------------------------------------------------------ moderators

    @Test
    void createsAModeratorWith201ThenAnswersConflictForTheSameOne() {
        // given
        seedChannel(CHANNEL);
        channels.user(ALICE);
        Instant before = Instant.now();

        // when
        CreateChannelModeratorResponse created = createModerator(CHANNEL, ALICE);
        ConflictException again = catchThrowableOfType(ConflictException.class, () -> createModerator(CHANNEL, ALICE));

        // then
        assertThat(created.sdkHttpResponse().statusCode()).isEqualTo(201);
        assertThat(created.channelArn()).isEqualTo(CHANNEL);
        assertThat(created.channelModerator()).isEqualTo(identity(ALICE, "alice"));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.awsErrorDetails().errorCode()).isEqualTo("ConflictException");
        assertThat(channels.moderators(CHANNEL)).containsExactly(ALICE);
        assertThat(channels.moderatorSince(CHANNEL, ALICE)).hasValueSatisfying(
                since -> assertThat(since).isBetween(before, Instant.now()));
        assertThat(channels.members(CHANNEL)).as("a moderator is not made a member").isEmpty();
        assertThat(channels.calls(CREATE_MODERATOR))
                .extracting(ChannelCall::memberArns, ChannelCall::bearer, ChannelCall::status)
                .containsExactly(tuple(List.of(ALICE), ADMIN, 201), tuple(List.of(ALICE), ADMIN, 409));
    }

    @Test
    void aModeratorThatIsNoUserOrBotOfTheAppInstanceIsABadRequest() {
        // given
        seedChannel(CHANNEL);
        channels.user(STRANGER);

        // when
        List<BadRequestException> rejected = List.of(STRANGER, GHOST).stream()
                .map(arn -> catchThrowableOfType(BadRequestException.class, () -> createModerator(CHANNEL, arn)))
                .collect(Collectors.toList());

        // then
        assertThat(rejected).allSatisfy(e -> assertThat(e.statusCode()).isEqualTo(400));
        assertThat(channels.moderators(CHANNEL)).isEmpty();
    }

    @Test
    void listsModeratorsUsersAndBotsInTheOrderTheyWereAddedPageByPage() {
        // given
        seedChannel(CHANNEL);
        channels.moderator(CHANNEL, ALICE).moderator(CHANNEL, HELPER_BOT).moderator(CHANNEL, BOB).user(CAROL);
        createModerator(CHANNEL, CAROL);

        // when
        ListChannelModeratorsResponse first = listModerators(r -> r.channelArn(CHANNEL).maxResults(3).chimeBearer(ADMIN));
        ListChannelModeratorsResponse second = listModerators(r -> r.channelArn(CHANNEL).maxResults(3)
                .nextToken(first.nextToken()).chimeBearer(ADMIN));

        // then
        assertThat(first.channelArn()).isEqualTo(CHANNEL);
        assertThat(first.channelModerators()).extracting(m -> m.moderator())
                .containsExactly(identity(ALICE, "alice"), identity(HELPER_BOT, "helper"), identity(BOB, "bob"));
        assertThat(first.nextToken()).isNotBlank();
        assertThat(moderatorArns(second)).containsExactly(CAROL);
        assertThat(second.nextToken()).isNull();
        assertThat(channels.moderators(CHANNEL)).containsExactly(ALICE, HELPER_BOT, BOB, CAROL);
    }

    @Test
    void failModeratorAnswersItsFaultForTheNextCallsThenLetsTheModeratorIn() {
        // given
        seedChannel(CHANNEL);
        channels.user(ALICE).user(BOB);
        emulator.channels().failModerator(ALICE, Fault.THROTTLED, 2);
        emulator.channels().failModerator(BOB, Fault.SERVICE_FAILURE, Integer.MAX_VALUE);

        // when
        List<Class<?>> alice = new ArrayList<>();
        List<Class<?>> bob = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            alice.add(outcome(() -> createModerator(CHANNEL, ALICE)));
            bob.add(outcome(() -> createModerator(CHANNEL, BOB)));
        }
        channels.failModerator(BOB, Fault.SERVICE_FAILURE, 0);
        Class<?> bobDisarmed = outcome(() -> createModerator(CHANNEL, BOB));

        // then
        assertThat(alice).containsExactly(ThrottledClientException.class, ThrottledClientException.class,
                CreateChannelModeratorResponse.class);
        assertThat(bob).containsOnly(ServiceFailureException.class).hasSize(3);
        assertThat(bobDisarmed).isEqualTo(CreateChannelModeratorResponse.class);
        assertThat(channels.moderators(CHANNEL)).containsExactly(ALICE, BOB);
        assertThat(channels.calls(CREATE_MODERATOR)).extracting(ChannelCall::status)
                .containsExactly(429, 500, 429, 500, 201, 500, 201);
        assertThat(channels.moderatorFaultsInjected()).isEqualTo(Map.of(Fault.THROTTLED, 2, Fault.SERVICE_FAILURE, 3));
        assertThat(emulator.faultsInjected()).isEmpty();
        assertThatThrownBy(() -> channels.failModerator(ALICE, Fault.CONNECTION_RESET, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The response's class, or the exception's. */
    private static Class<?> outcome(java.util.function.Supplier<?> call) {
        try {
            return call.get().getClass();
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }

    // ------------------------------------------------------------------ the bearer

    /** Each of the four operations, called with {@code bearer} (null: no header). */
    private static List<Runnable> everyOperationAs(String bearer) {
        return List.of(
                () -> add(messaging, r -> r.channelArn(CHANNEL).memberArns(ALICE).chimeBearer(bearer)),
                () -> list(r -> r.channelArn(CHANNEL).chimeBearer(bearer)),
                () -> messaging.createChannelModerator(
                        r -> r.channelArn(CHANNEL).channelModeratorArn(ALICE).chimeBearer(bearer)),
                () -> listModerators(r -> r.channelArn(CHANNEL).chimeBearer(bearer)));
    }

    @Test
    void everyOperationWithoutABearerIsABadRequest() {
        // given
        seedChannel(CHANNEL);
        channels.user(ALICE);

        // when
        List<BadRequestException> rejected = everyOperationAs(null).stream()
                .map(call -> catchThrowableOfType(BadRequestException.class, call::run))
                .collect(Collectors.toList());

        // then
        assertThat(rejected).hasSize(4).allSatisfy(e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).contains("'chimeBearer'");
        });
        assertThat(channels.members(CHANNEL)).isEmpty();
        assertThat(channels.moderators(CHANNEL)).isEmpty();
        assertThat(channels.calls()).extracting(ChannelCall::bearer, ChannelCall::status)
                .containsOnly(tuple(null, 400)).hasSize(4);
    }

    @Test
    void everyOperationWithABearerOutsideTheChannelsAppInstanceIsForbidden() {
        // given: a user of another AppInstance, and an ARN of this one that is no user
        seedChannel(CHANNEL);
        channels.user(ALICE).user(STRANGER);

        // when
        List<ForbiddenException> rejected = new ArrayList<>();
        for (String bearer : List.of(STRANGER, GHOST)) {
            everyOperationAs(bearer).forEach(call -> rejected.add(catchThrowableOfType(ForbiddenException.class, call::run)));
        }

        // then
        assertThat(rejected).hasSize(8).allSatisfy(e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ForbiddenException");
        });
        assertThat(channels.members(CHANNEL)).isEmpty();
        assertThat(channels.moderators(CHANNEL)).isEmpty();
    }

    // ------------------------------------------------------------------ signature

    @Test
    void aClientSigningForAnotherRegionThanTheChannelsIsRefusedWithInvalidSignature() {
        // given: a channel in eu-central-1
        channels.channel(EU_CHANNEL).user(EU_APP + "/user/admin").user(EU_APP + "/user/alice");

        // when
        ChimeSdkMessagingException wrongRegion = catchThrowableOfType(ChimeSdkMessagingException.class,
                () -> messaging.batchCreateChannelMembership(r -> r.channelArn(EU_CHANNEL)
                        .memberArns(EU_APP + "/user/alice").chimeBearer(EU_APP + "/user/admin")));
        BatchCreateChannelMembershipResponse rightRegion;
        try (ChimeSdkMessagingClient euClient = client(Region.EU_CENTRAL_1, false)) {
            rightRegion = euClient.batchCreateChannelMembership(r -> r.channelArn(EU_CHANNEL)
                    .memberArns(EU_APP + "/user/alice").chimeBearer(EU_APP + "/user/admin"));
        }

        // then
        assertThat(wrongRegion.statusCode()).isEqualTo(403);
        assertThat(wrongRegion.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
        assertThat(wrongRegion.awsErrorDetails().errorMessage())
                .startsWith("Credential should be scoped to a valid region");
        assertThat(rightRegion.errors()).isEmpty();
        assertThat(channels.members(EU_CHANNEL)).containsOnlyKeys(EU_APP + "/user/alice");
        assertThat(channels.calls(BATCH_CREATE)).extracting(ChannelCall::status, call -> call.authorization()
                        .contains("/eu-central-1/chime/aws4_request"))
                .containsExactly(tuple(403, false), tuple(200, true));
    }

    @Test
    void anUnsignedRequestIsUnauthorized() throws Exception {
        // given
        seedChannel(CHANNEL);

        // when
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        emulator.endpoint().resolve("/channels/" + encoded(CHANNEL) + "/memberships"))
                .header("x-amz-chime-bearer", ADMIN).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("UnauthorizedClientException");
        assertThat(JSON.readTree(response.body()).get("Code").asText()).isEqualTo("Unauthorized");
        assertThat(channels.calls(LIST_MEMBERSHIPS)).extracting(ChannelCall::authorization, ChannelCall::status)
                .containsExactly(tuple(null, 401));
    }

    // ------------------------------------------------------------------ routing and the ARN label

    /** The ARN as the SDK puts it in a path: {@code :} and {@code /} percent-encoded. */
    private static String encoded(String arn) {
        return arn.replace(":", "%3A").replace("/", "%2F");
    }

    private static HttpResponse<String> signedGet(String pathAndQuery) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(emulator.endpoint().resolve(pathAndQuery))
                        .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEMULATORTEST/20260101/us-east-1/chime/"
                                + "aws4_request, SignedHeaders=host, Signature=00")
                        .header("x-amz-chime-bearer", ADMIN)
                        .timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theArnLabelIsDecodedWhileARawSlashLeavesThePathMatchingNoOperationAndAnotherArnIsABadRequest() throws Exception {
        // given
        seedChannel(CHANNEL);
        channels.member(CHANNEL, ALICE, null);

        // when
        HttpResponse<String> encodedLabel = signedGet("/channels/" + encoded(CHANNEL) + "/memberships");
        HttpResponse<String> rawSlashes = signedGet("/channels/" + CHANNEL + "/memberships");
        HttpResponse<String> notAChannel = signedGet("/channels/" + encoded(ALICE) + "/memberships");

        // then
        assertThat(encodedLabel.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(encodedLabel.body());
        assertThat(body.get("ChannelArn").asText()).isEqualTo(CHANNEL);
        assertThat(body.at("/ChannelMemberships/0/Member/Arn").asText()).isEqualTo(ALICE);
        assertThat(rawSlashes.statusCode()).isEqualTo(404);
        assertThat(rawSlashes.headers().firstValue("x-amzn-ErrorType")).hasValue("UnknownOperationException");
        assertThat(notAChannel.statusCode()).isEqualTo(400);
        assertThat(notAChannel.headers().firstValue("x-amzn-ErrorType")).hasValue("BadRequestException");
        assertThat(channels.calls(LIST_MEMBERSHIPS)).extracting(ChannelCall::channelArn, ChannelCall::status)
                .containsExactly(tuple(CHANNEL, 200), tuple(ALICE, 400));
        assertThat(emulator.calls(null)).extracting(RecordedCall::status).containsExactly(404);
    }

    @Test
    void theLogKeepsEachApisCallsApartAndListsCallsOfNoOperationOfEither() throws Exception {
        // given
        seedChannel(CHANNEL);
        channels.user(ALICE);
        emulator.room("acct-1", "room-1").user("acct-1", "dora");

        // when: a room batch, a channel batch and list, and a channel path no operation of the model has
        chime.batchCreateRoomMembership(r -> r.accountId("acct-1").roomId("room-1")
                .membershipItemList(MembershipItem.builder().memberId("dora").build()));
        add(CHANNEL, null, ALICE);
        list(CHANNEL, null);
        HttpResponse<String> createMembership = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        emulator.endpoint().resolve("/channels/" + encoded(CHANNEL) + "/memberships"))
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEMULATORTEST/20260101/us-east-1/chime/"
                        + "aws4_request, SignedHeaders=host, Signature=00")
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString("{\"MemberArn\":\"" + ALICE + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(createMembership.statusCode()).isEqualTo(404);
        assertThat(emulator.calls()).extracting(RecordedCall::roomId, RecordedCall::status)
                .containsExactly(tuple("room-1", 201));
        assertThat(channels.calls()).extracting(ChannelCall::operation, ChannelCall::status)
                .containsExactly(tuple(BATCH_CREATE, 200), tuple(LIST_MEMBERSHIPS, 200));
        assertThat(emulator.calls(null)).extracting(RecordedCall::operation, RecordedCall::status)
                .containsExactly(tuple(null, 404));
        assertThat(emulator.calls(BATCH_CREATE)).singleElement().satisfies(call -> {
            assertThat(call.accountId()).isNull();
            assertThat(call.items()).isEmpty();
            assertThat(call.status()).isEqualTo(200);
        });
    }

    // ------------------------------------------------------------------ faults, latency, concurrency, reset

    private static Class<? extends ChimeSdkMessagingException> expectedException(Fault fault) {
        return switch (fault) {
            case THROTTLED -> ThrottledClientException.class;
            case SERVICE_UNAVAILABLE -> ServiceUnavailableException.class;
            case SERVICE_FAILURE -> ServiceFailureException.class;
            case FORBIDDEN -> ForbiddenException.class;
            case UNAUTHORIZED -> UnauthorizedClientException.class;
            case BAD_REQUEST -> BadRequestException.class;
            case NOT_FOUND -> NotFoundException.class;
            case RESOURCE_LIMIT_EXCEEDED -> ResourceLimitExceededException.class;
            default -> throw new IllegalArgumentException("no service exception for " + fault);
        };
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"CONNECTION_RESET", "RESET_MID_RESPONSE"}, mode = EnumSource.Mode.EXCLUDE)
    void eachErrorFaultMapsToTheMessagingSdksModeledExceptionAndLeavesStateUnchanged(Fault fault) {
        // given
        seedChannel(CHANNEL);
        channels.user(ALICE);
        emulator.failNextCalls(1, fault);

        // when
        AwsServiceException thrown = catchThrowableOfType(AwsServiceException.class, () -> add(CHANNEL, null, ALICE));

        // then
        assertThat(thrown).isExactlyInstanceOf(expectedException(fault));
        assertThat(thrown.statusCode()).isEqualTo(fault.httpStatus());
        assertThat(thrown.awsErrorDetails().errorCode()).isEqualTo(fault.errorType());
        assertThat(channels.members(CHANNEL)).isEmpty();
        assertThat(add(CHANNEL, null, ALICE).errors()).isEmpty();
        assertThat(channels.calls(BATCH_CREATE)).extracting(ChannelCall::status)
                .containsExactly(fault.httpStatus(), 200);
    }

    @Test
    void bothApisConsumeTheOneQueueOfWholeCallFaultsInArrivalOrder() {
        // given
        seedChannel(CHANNEL);
        channels.user(ALICE);
        emulator.room("acct-1", "room-1").user("acct-1", "dora");
        emulator.failNextCalls(1, Fault.THROTTLED);
        emulator.failNextCalls(1, Fault.SERVICE_UNAVAILABLE);

        // when / then
        assertThatThrownBy(() -> add(CHANNEL, null, ALICE)).isInstanceOf(ThrottledClientException.class);
        assertThatThrownBy(() -> chime.batchCreateRoomMembership(r -> r.accountId("acct-1").roomId("room-1")
                .membershipItemList(MembershipItem.builder().memberId("dora").build())))
                .isInstanceOf(software.amazon.awssdk.services.chime.model.ServiceUnavailableException.class);
        assertThat(add(CHANNEL, null, ALICE).errors()).isEmpty();
        assertThat(emulator.faultsInjected()).isEqualTo(Map.of(Fault.THROTTLED, 1, Fault.SERVICE_UNAVAILABLE, 1));
        assertThat(emulator.faultsInjected(BATCH_CREATE)).isEqualTo(Map.of(Fault.THROTTLED, 1));
        assertThat(emulator.faultsInjected(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP))
                .isEqualTo(Map.of(Fault.SERVICE_UNAVAILABLE, 1));
        assertThat(channels.calls(BATCH_CREATE)).extracting(ChannelCall::status).containsExactly(429, 200);
        assertThat(emulator.calls()).extracting(RecordedCall::status).containsExactly(503);
    }

    @Test
    void aConnectionResetBeforeProcessingChangesNothing() {
        // given
        seedChannel(CHANNEL);
        channels.user(ALICE);
        emulator.failNextCalls(1, Fault.CONNECTION_RESET);

        // when
        SdkClientException thrown = catchThrowableOfType(SdkClientException.class, () -> createModerator(CHANNEL, ALICE));

        // then
        assertThat(thrown).isNotInstanceOf(SdkServiceException.class).hasCauseInstanceOf(IOException.class);
        assertThat(channels.moderators(CHANNEL)).isEmpty();
        assertThat(channels.calls(CREATE_MODERATOR)).singleElement()
                .satisfies(call -> assertThat(call.status()).isZero());

        // and the next call is answered normally
        assertThat(createModerator(CHANNEL, ALICE).channelModerator().arn()).isEqualTo(ALICE);
    }

    @Test
    void aResponseCutShortFailsTheCallAfterTheMembersWereAddedAndARetrySeesThemAsConflict() {
        // given
        seedChannel(CHANNEL);
        channels.user(ALICE).user(BOB);
        emulator.failNextCalls(1, Fault.RESET_MID_RESPONSE);

        // when
        SdkClientException thrown = catchThrowableOfType(SdkClientException.class, () -> add(CHANNEL, "HIDDEN", ALICE));
        emulator.failNextCalls(1, Fault.RESET_MID_RESPONSE);
        BatchCreateChannelMembershipResponse retried = add(retryingMessaging, CHANNEL, null, BOB);

        // then: the client cannot tell, yet the first call took effect
        assertThat(thrown).isNotInstanceOf(SdkServiceException.class).hasRootCauseInstanceOf(IOException.class);
        assertThat(errorCodes(retried)).isEqualTo(Map.of(BOB, "Conflict"));
        assertThat(channels.members(CHANNEL)).containsExactly(Map.entry(ALICE, "HIDDEN"), Map.entry(BOB, "DEFAULT"));
        assertThat(channels.calls(BATCH_CREATE)).extracting(ChannelCall::status).containsExactly(200, 200, 200);
        assertThat(emulator.faultsInjected()).isEqualTo(Map.of(Fault.RESET_MID_RESPONSE, 2));
    }

    @Test
    void latencyHoldsChannelCallsAndConcurrentCallsOfBothApisCountTogether() throws Exception {
        // given: warm clients, then 200 ms per call
        seedChannel(CHANNEL);
        emulator.room("acct-1", "room-1");
        List.of(ALICE, BOB).forEach(channels::user);
        List.of("dora", "ed").forEach(u -> emulator.user("acct-1", u));
        list(CHANNEL, null);
        chime.listRoomMemberships(r -> r.accountId("acct-1").roomId("room-1"));
        emulator.latency(Duration.ofMillis(200));
        ExecutorService pool = Executors.newFixedThreadPool(4);

        // when
        long started = System.nanoTime();
        List<CompletableFuture<?>> futures = new ArrayList<>();
        try {
            for (String member : List.of(ALICE, BOB)) {
                futures.add(CompletableFuture.supplyAsync(() -> add(CHANNEL, null, member), pool));
            }
            for (String user : List.of("dora", "ed")) {
                futures.add(CompletableFuture.supplyAsync(() -> chime.batchCreateRoomMembership(r -> r
                        .accountId("acct-1").roomId("room-1")
                        .membershipItemList(MembershipItem.builder().memberId(user).build())), pool));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        // then
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(emulator.maxConcurrentCalls()).isGreaterThanOrEqualTo(4);
        assertThat(channels.members(CHANNEL)).containsOnlyKeys(ALICE, BOB);
        assertThat(emulator.members("acct-1", "room-1")).containsOnlyKeys("dora", "ed");
    }

    @Test
    void resetClearsTheChannelsTheirArmedModeratorFaultsAndTheirCalls() {
        // given
        seedChannel(CHANNEL);
        channels.member(CHANNEL, ALICE, "HIDDEN").moderator(CHANNEL, BOB).user(CAROL);
        channels.failModerator(CAROL, Fault.THROTTLED, Integer.MAX_VALUE);
        assertThatThrownBy(() -> createModerator(CHANNEL, CAROL)).isInstanceOf(ThrottledClientException.class);

        // when
        emulator.reset();

        // then
        assertThat(channels.members(CHANNEL)).isEmpty();
        assertThat(channels.moderators(CHANNEL)).isEmpty();
        assertThat(channels.memberSince(CHANNEL, ALICE)).isEmpty();
        assertThat(channels.moderatorSince(CHANNEL, BOB)).isEmpty();
        assertThat(channels.calls()).isEmpty();
        assertThat(channels.moderatorFaultsInjected()).isEmpty();
        assertThat(catchThrowableOfType(BadRequestException.class, () -> list(CHANNEL, null)).statusCode())
                .as("the channel itself is gone").isEqualTo(400);
        seedChannel(CHANNEL);
        channels.user(CAROL);
        assertThat(createModerator(CHANNEL, CAROL).channelModerator().arn()).isEqualTo(CAROL);
    }
}

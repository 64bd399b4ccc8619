package roommembership.emulator;

import roommembership.testing.TestQuotas;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import roommembership.emulator.OddAnswers.Naming;
import roommembership.emulator.OddAnswers.RawAnswer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chime.model.ListRoomMembershipsResponse;
import software.amazon.awssdk.services.chime.model.MemberError;
import software.amazon.awssdk.services.chime.model.MembershipItem;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.chimesdkmessaging.model.BatchCreateChannelMembershipError;
import software.amazon.awssdk.services.chimesdkmessaging.model.ChannelMembershipSummary;
import software.amazon.awssdk.services.chimesdkmessaging.model.ChannelModeratorSummary;
import software.amazon.awssdk.services.chimesdkmessaging.model.ListChannelMembershipsResponse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The odd-answer switches, seen on the wire and through the real SDK clients, each with retries turned off. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OddAnswersTest {
    private static final String ACCOUNT = "acct-1";
    private static final String ROOM = "room-1";
    private static final String APP = "arn:aws:chime:us-east-1:123456789012:app-instance/app-1";
    private static final String CHANNEL = APP + "/channel/general";
    private static final String ADMIN = APP + "/user/admin";
    private static final String ALICE = APP + "/user/alice";
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDODDTEST", "odd-test-secret"));

    private static ChimeEmulator emulator;
    private static ChimeClient chime;
    private static ChimeSdkMessagingClient messaging;

    @BeforeAll
    static void start() {
        emulator = ChimeEmulator.start().quotas(TestQuotas.EMULATED);
        chime = ChimeClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).endpointOverride(emulator.endpoint())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        messaging = ChimeSdkMessagingClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).endpointOverride(emulator.endpoint())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    @AfterAll
    static void stop() {
        chime.close();
        messaging.close();
        emulator.close();
    }

    @BeforeEach
    void freshState() {
        emulator.reset();
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "alice").user(ACCOUNT, "bob");
        emulator.channels().user(ADMIN).user(ALICE).channel(CHANNEL);
    }

    @Test
    void aRawAnswerIsGivenExactlyAsQueuedBeforeAnyCheckAndChangesNothing() throws Exception {
        emulator.oddAnswers().answerNextCalls(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 2,
                RawAnswer.gatewayPage(502, "Bad Gateway"));

        // unsigned: a gateway answers before the service checks anything
        HttpResponse<String> first = post("/accounts/" + ACCOUNT + "/rooms/" + ROOM
                + "/memberships?operation=batch-create", "{\"MembershipItemList\":[{\"MemberId\":\"alice\"}]}");
        HttpResponse<String> second = post("/accounts/" + ACCOUNT + "/rooms/" + ROOM
                + "/memberships?operation=batch-create", "{\"MembershipItemList\":[{\"MemberId\":\"alice\"}]}");
        HttpResponse<String> third = post("/accounts/" + ACCOUNT + "/rooms/" + ROOM
                + "/memberships?operation=batch-create", "{\"MembershipItemList\":[{\"MemberId\":\"alice\"}]}");

        assertThat(List.of(first, second)).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html");
            assertThat(response.headers().firstValue("x-amzn-ErrorType")).isEmpty();
            assertThat(response.body()).isEqualTo("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                    + "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n");
        });
        assertThat(third.statusCode()).isEqualTo(401);
        assertThat(emulator.members(ACCOUNT, ROOM)).isEmpty();
        assertThat(emulator.oddAnswers().rawAnswered()).isEqualTo(Map.of(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 2));
        assertThat(emulator.calls()).extracting(ChimeEmulator.RecordedCall::status).containsExactly(502, 502, 401);
    }

    @Test
    void aRawAnswerGoesToItsOperationOnlyAndReachesTheSdkAsItsBody() {
        emulator.oddAnswers().answerNextCalls(ChimeEmulator.LIST_ROOM_MEMBERSHIPS, 1, RawAnswer.json(200, "not json"));

        chime.batchCreateRoomMembership(r -> r.accountId(ACCOUNT).roomId(ROOM)
                .membershipItemList(MembershipItem.builder().memberId("alice").build()));

        assertThatThrownBy(() -> chime.listRoomMemberships(r -> r.accountId(ACCOUNT).roomId(ROOM)))
                .hasMessageStartingWith("Unable to unmarshall response");
        assertThat(emulator.members(ACCOUNT, ROOM)).containsOnlyKeys("alice");
    }

    @Test
    void anErrorsEntryNamesItsMemberInAnotherCaseOrNotAtAll() {
        emulator.oddAnswers().nameErrorsOf("alice", Naming.OTHER_CASE);
        emulator.oddAnswers().nameErrorsOf("ghost", Naming.NONE);
        emulator.oddAnswers().nameErrorsOf(ALICE, Naming.OTHER_CASE);
        emulator.failMember("alice", "Throttled", 1);

        List<MemberError> roomErrors = chime.batchCreateRoomMembership(r -> r.accountId(ACCOUNT).roomId(ROOM)
                .membershipItemList(MembershipItem.builder().memberId("alice").build(),
                        MembershipItem.builder().memberId("ghost").build(),
                        MembershipItem.builder().memberId("bob").build())).errors();
        List<BatchCreateChannelMembershipError> channelErrors = messaging.batchCreateChannelMembership(r -> r
                .channelArn(CHANNEL).chimeBearer(ADMIN).memberArns(ALICE, ALICE)).errors();

        assertThat(roomErrors).extracting(MemberError::memberId, MemberError::errorCodeAsString)
                .containsExactly(tuple("ALICE", "Throttled"), tuple(null, "NotFound"));
        assertThat(emulator.members(ACCOUNT, ROOM)).containsOnlyKeys("bob");
        assertThat(channelErrors).extracting(BatchCreateChannelMembershipError::memberArn,
                        BatchCreateChannelMembershipError::errorCodeAsString)
                .containsExactly(tuple(ALICE.toUpperCase(Locale.ROOT), "Conflict"));
        assertThat(emulator.channels().members(CHANNEL)).containsOnlyKeys(ALICE);
    }

    @Test
    void listingPagesBeginWithEntriesThatNameNoOneForAsManyPagesAsAsked() {
        emulator.member(ACCOUNT, ROOM, "alice", "Member");
        emulator.channels().member(CHANNEL, ALICE, null).moderator(CHANNEL, ALICE);
        emulator.oddAnswers().memberlessEntries(ChimeEmulator.LIST_ROOM_MEMBERSHIPS, 1);
        emulator.oddAnswers().memberlessEntries(ChannelsApi.LIST_CHANNEL_MEMBERSHIPS, 1);
        emulator.oddAnswers().memberlessEntries(ChannelsApi.LIST_CHANNEL_MODERATORS, 1);

        ListRoomMembershipsResponse room = chime.listRoomMemberships(r -> r.accountId(ACCOUNT).roomId(ROOM));
        ListRoomMembershipsResponse roomAgain = chime.listRoomMemberships(r -> r.accountId(ACCOUNT).roomId(ROOM));
        List<ChannelMembershipSummary> members = messaging.listChannelMemberships(r -> r.channelArn(CHANNEL)
                .chimeBearer(ADMIN)).channelMemberships();
        List<ChannelModeratorSummary> moderators = messaging.listChannelModerators(r -> r.channelArn(CHANNEL)
                .chimeBearer(ADMIN)).channelModerators();

        assertThat(room.roomMemberships()).extracting(m -> m.member() == null ? "no member" : m.member().memberId())
                .containsExactly("no member", null, "alice");
        assertThat(roomAgain.roomMemberships()).extracting(m -> m.member().memberId()).containsExactly("alice");
        assertThat(members).extracting(m -> m.member() == null ? "no member" : m.member().arn())
                .containsExactly("no member", null, ALICE);
        assertThat(moderators).extracting(m -> m.moderator() == null ? "no moderator" : m.moderator().arn())
                .containsExactly("no moderator", null, ALICE);
    }

    @Test
    void anEndlessListingGivesAValidNextTokenOnItsLastPageThatListsThatPageAgain() {
        emulator.member(ACCOUNT, ROOM, "alice", "Member");
        emulator.channels().member(CHANNEL, ALICE, null);
        emulator.oddAnswers().endlessListing(ChimeEmulator.LIST_ROOM_MEMBERSHIPS);
        emulator.oddAnswers().endlessListing(ChannelsApi.LIST_CHANNEL_MEMBERSHIPS);

        ListRoomMembershipsResponse first = chime.listRoomMemberships(r -> r.accountId(ACCOUNT).roomId(ROOM));
        ListRoomMembershipsResponse next = chime.listRoomMemberships(r -> r.accountId(ACCOUNT).roomId(ROOM)
                .nextToken(first.nextToken()));
        ListChannelMembershipsResponse channel = messaging.listChannelMemberships(r -> r.channelArn(CHANNEL)
                .chimeBearer(ADMIN));
        ListChannelMembershipsResponse channelNext = messaging.listChannelMemberships(r -> r.channelArn(CHANNEL)
                .chimeBearer(ADMIN).nextToken(channel.nextToken()));

        assertThat(List.of(first, next)).allSatisfy(page -> {
            assertThat(page.nextToken()).isNotBlank();
            assertThat(page.roomMemberships()).extracting(m -> m.member().memberId()).containsExactly("alice");
        });
        assertThat(next.nextToken()).isNotEqualTo(first.nextToken());
        assertThat(List.of(channel, channelNext)).allSatisfy(page -> {
            assertThat(page.nextToken()).isNotBlank();
            assertThat(page.channelMemberships()).extracting(m -> m.member().arn()).containsExactly(ALICE);
        });

        emulator.reset();
        emulator.member(ACCOUNT, ROOM, "alice", "Member");
        assertThat(chime.listRoomMemberships(r -> r.accountId(ACCOUNT).roomId(ROOM)).nextToken()).isNull();
    }

    @Test
    void theListingSwitchesTakeOnlyListOperations() {
        assertThatThrownBy(() -> emulator.oddAnswers().endlessListing(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emulator.oddAnswers().memberlessEntries(ChannelsApi.DELETE_CHANNEL_MEMBERSHIP, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestLinesAreThePathsAsSentBeforeAnyDecoding() throws Exception {
        assertThatThrownBy(() -> chime.deleteRoomMembership(r -> r.accountId(ACCOUNT).roomId(ROOM).memberId("al/ice")))
                .hasMessageStartingWith("The member al/ice is not a member of room");
        post("/accounts/" + ACCOUNT + "/rooms/" + ROOM + "/memberships/..", "{}");

        assertThat(emulator.requestLines()).containsExactly(
                "DELETE /accounts/" + ACCOUNT + "/rooms/" + ROOM + "/memberships/al%2Fice",
                "POST /accounts/" + ACCOUNT + "/rooms/" + ROOM + "/memberships/..");
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        // not URI.resolve, which would take a dot segment out of the path
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(emulator.endpoint() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

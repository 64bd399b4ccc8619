package roommembership.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import roommembership.emulator.ChimeEmulator.Fault;
import roommembership.emulator.ChimeEmulator.Item;
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
import software.amazon.awssdk.services.chime.model.BadRequestException;
import software.amazon.awssdk.services.chime.model.BatchCreateRoomMembershipResponse;
import software.amazon.awssdk.services.chime.model.ChimeException;
import software.amazon.awssdk.services.chime.model.ErrorCode;
import software.amazon.awssdk.services.chime.model.ForbiddenException;
import software.amazon.awssdk.services.chime.model.ListRoomMembershipsRequest;
import software.amazon.awssdk.services.chime.model.ListRoomMembershipsResponse;
import software.amazon.awssdk.services.chime.model.MemberError;
import software.amazon.awssdk.services.chime.model.MemberType;
import software.amazon.awssdk.services.chime.model.MembershipItem;
import software.amazon.awssdk.services.chime.model.NotFoundException;
import software.amazon.awssdk.services.chime.model.RoomMembership;
import software.amazon.awssdk.services.chime.model.RoomMembershipRole;
import software.amazon.awssdk.services.chime.model.ServiceFailureException;
import software.amazon.awssdk.services.chime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.chime.model.ThrottledClientException;
import software.amazon.awssdk.services.chime.model.UnauthorizedClientException;

/** The emulator, driven through the real AWS SDK v2 Chime client. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChimeEmulatorTest {

    private static final String ACCOUNT = "acct-1";
    private static final String ROOM = "room-1";
    private static final String BATCH_CREATE = ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP;
    private static final String LIST = ChimeEmulator.LIST_ROOM_MEMBERSHIPS;
    private static final StaticCredentialsProvider TEST_CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDEMULATORTEST", "emulator-test-secret-key"));
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ChimeEmulator emulator;
    /** Retries disabled: each fault is seen exactly once. */
    private static ChimeClient chime;
    /** The SDK's default retry strategy. */
    private static ChimeClient retryingChime;

    @BeforeAll
    static void startEmulator() {
        emulator = ChimeEmulator.start();
        chime = client(Region.US_EAST_1, false);
        retryingChime = client(Region.US_EAST_1, true);
    }

    @AfterAll
    static void stopEmulator() {
        chime.close();
        retryingChime.close();
        emulator.close();
    }

    @BeforeEach
    void freshState() {
        emulator.reset();
    }

    private static ChimeClient client(Region region, boolean retries) {
        var builder = ChimeClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(region)
                .credentialsProvider(TEST_CREDENTIALS)
                .endpointOverride(emulator.endpoint());
        if (!retries) {
            builder.overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
        }
        return builder.build();
    }

    private static MembershipItem item(String memberId, RoomMembershipRole role) {
        return MembershipItem.builder().memberId(memberId).role(role).build();
    }

    private static BatchCreateRoomMembershipResponse add(String account, String room, MembershipItem... items) {
        return add(chime, account, room, items);
    }

    private static BatchCreateRoomMembershipResponse add(ChimeClient client, String account, String room,
                                                         MembershipItem... items) {
        return client.batchCreateRoomMembership(r -> r.accountId(account).roomId(room).membershipItemList(items));
    }

    private static List<MembershipItem> items(int count) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(i -> item("user-" + i, RoomMembershipRole.MEMBER))
                .collect(Collectors.toList());
    }

    private static ListRoomMembershipsResponse list(String account, String room) {
        return list(r -> r.accountId(account).roomId(room));
    }

    private static ListRoomMembershipsResponse list(Consumer<ListRoomMembershipsRequest.Builder> request) {
        return chime.listRoomMemberships(request);
    }

    /** The member ids of one page, in response order. */
    private static List<String> memberIds(ListRoomMembershipsResponse page) {
        return page.roomMemberships().stream().map(m -> m.member().memberId()).collect(Collectors.toList());
    }

    /** memberId -> ErrorCode, in response order. */
    private static Map<String, String> errorCodes(BatchCreateRoomMembershipResponse response) {
        Map<String, String> codes = new LinkedHashMap<>();
        for (MemberError error : response.errors()) {
            codes.put(error.memberId(), error.errorCodeAsString());
        }
        return codes;
    }

    // ------------------------------------------------------------------ successful calls

    @Test
    void addsMembersWithTheirRolesAndDefaultsAMissingRoleToMember() {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "alice").user(ACCOUNT, "bob").user(ACCOUNT, "bot-1");

        // when
        BatchCreateRoomMembershipResponse response = add(ACCOUNT, ROOM,
                item("alice", RoomMembershipRole.ADMINISTRATOR),
                item("bob", RoomMembershipRole.MEMBER),
                MembershipItem.builder().memberId("bot-1").build());

        // then
        assertThat(response.sdkHttpResponse().statusCode()).isEqualTo(201);
        assertThat(response.errors()).isEmpty();
        assertThat(emulator.members(ACCOUNT, ROOM)).isEqualTo(Map.of(
                "alice", "Administrator",
                "bob", "Member",
                "bot-1", "Member"));
        assertThat(emulator.calls()).singleElement().satisfies(call -> {
            assertThat(call.accountId()).isEqualTo(ACCOUNT);
            assertThat(call.roomId()).isEqualTo(ROOM);
            assertThat(call.status()).isEqualTo(201);
            assertThat(call.items()).containsExactly(
                    new Item("alice", "Administrator"), new Item("bob", "Member"), new Item("bot-1", null));
            assertThat(call.authorization())
                    .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEMULATORTEST/")
                    .contains("/us-east-1/chime/aws4_request");
        });
    }

    @Test
    void answersNotFoundForAUserOutsideTheAccountAndConflictForAnExistingMember() {
        // given
        emulator.room(ACCOUNT, ROOM)
                .user(ACCOUNT, "carol")
                .member(ACCOUNT, ROOM, "dave", "Administrator");

        // when
        BatchCreateRoomMembershipResponse response = add(ACCOUNT, ROOM,
                item("carol", RoomMembershipRole.MEMBER),
                item("stranger", RoomMembershipRole.MEMBER),
                item("dave", RoomMembershipRole.MEMBER));

        // then
        assertThat(response.errors())
                .extracting(MemberError::memberId, MemberError::errorCode)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("stranger", ErrorCode.NOT_FOUND),
                        org.assertj.core.groups.Tuple.tuple("dave", ErrorCode.CONFLICT));
        assertThat(response.errors()).allSatisfy(error -> assertThat(error.errorMessage()).isNotBlank());
        assertThat(emulator.members(ACCOUNT, ROOM))
                .as("dave keeps his role, the stranger is not added")
                .isEqualTo(Map.of("carol", "Member", "dave", "Administrator"));
    }

    @Test
    void treatsTheSecondOccurrenceOfAMemberInOneRequestAsConflict() {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "erin");

        // when
        BatchCreateRoomMembershipResponse response = add(ACCOUNT, ROOM,
                item("erin", RoomMembershipRole.ADMINISTRATOR),
                item("erin", RoomMembershipRole.MEMBER));

        // then
        assertThat(errorCodes(response)).isEqualTo(Map.of("erin", "Conflict"));
        assertThat(emulator.members(ACCOUNT, ROOM)).isEqualTo(Map.of("erin", "Administrator"));
    }

    @Test
    void acceptsExactlyFiftyItems() {
        // given
        emulator.room(ACCOUNT, ROOM);
        items(50).forEach(i -> emulator.user(ACCOUNT, i.memberId()));

        // when
        BatchCreateRoomMembershipResponse response =
                add(ACCOUNT, ROOM, items(50).toArray(MembershipItem[]::new));

        // then
        assertThat(response.errors()).isEmpty();
        assertThat(emulator.members(ACCOUNT, ROOM)).hasSize(50);
    }

    // ------------------------------------------------------------------ whole-call rejections

    @Test
    void rejectsFiftyOneItemsWithBadRequestAndChangesNothing() {
        // given
        emulator.room(ACCOUNT, ROOM).member(ACCOUNT, ROOM, "existing", "Member");
        items(51).forEach(i -> emulator.user(ACCOUNT, i.memberId()));

        // when
        BadRequestException thrown = catchThrowableOfType(BadRequestException.class,
                () -> add(ACCOUNT, ROOM, items(51).toArray(MembershipItem[]::new)));

        // then
        assertThat(thrown.statusCode()).isEqualTo(400);
        assertThat(thrown.awsErrorDetails().errorCode()).isEqualTo("BadRequestException");
        assertThat(thrown.awsErrorDetails().errorMessage()).contains("less than or equal to 50");
        assertThat(thrown.requestId()).isNotBlank();
        assertThat(emulator.members(ACCOUNT, ROOM)).isEqualTo(Map.of("existing", "Member"));
        assertThat(emulator.calls()).singleElement().satisfies(call -> {
            assertThat(call.status()).isEqualTo(400);
            assertThat(call.items()).hasSize(51);
        });
    }

    @Test
    void rejectsARoleOutsideTheEnumWithBadRequestAndChangesNothing() {
        // given: the SDK sends any string through role(String) without validating it
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "frank").user(ACCOUNT, "gina");

        // when
        BadRequestException thrown = catchThrowableOfType(BadRequestException.class, () -> add(ACCOUNT, ROOM,
                item("gina", RoomMembershipRole.MEMBER),
                MembershipItem.builder().memberId("frank").role("Owner").build()));

        // then
        assertThat(thrown.awsErrorDetails().errorCode()).isEqualTo("BadRequestException");
        assertThat(thrown.awsErrorDetails().errorMessage()).contains("'Owner'");
        assertThat(emulator.members(ACCOUNT, ROOM)).isEmpty();
        assertThat(emulator.calls()).singleElement().satisfies(call -> {
            assertThat(call.status()).isEqualTo(400);
            assertThat(call.items()).containsExactly(new Item("gina", "Member"), new Item("frank", "Owner"));
        });
    }

    @Test
    void rejectsAMissingOrBlankMemberIdWithBadRequest() {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "hank");

        // when / then
        assertThatThrownBy(() -> add(ACCOUNT, ROOM,
                item("hank", RoomMembershipRole.MEMBER),
                MembershipItem.builder().role(RoomMembershipRole.MEMBER).build()))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> add(ACCOUNT, ROOM, item("hank", null), item("  ", null)))
                .isInstanceOf(BadRequestException.class);
        assertThat(emulator.members(ACCOUNT, ROOM)).isEmpty();
        assertThat(emulator.calls()).extracting(RecordedCall::status).containsExactly(400, 400);
    }

    @Test
    void answersNotFoundExceptionForAnUnknownRoomOrAccount() {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "ivan");

        // when
        NotFoundException unknownRoom = catchThrowableOfType(NotFoundException.class,
                () -> add(ACCOUNT, "no-such-room", item("ivan", null)));
        NotFoundException unknownAccount = catchThrowableOfType(NotFoundException.class,
                () -> add("no-such-account", ROOM, item("ivan", null)));

        // then
        assertThat(List.of(unknownRoom, unknownAccount)).allSatisfy(e -> {
            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NotFoundException");
        });
        assertThat(unknownRoom.awsErrorDetails().errorMessage()).contains("no-such-room");
        assertThat(unknownAccount.awsErrorDetails().errorMessage()).contains("no-such-account");
        assertThat(emulator.members(ACCOUNT, ROOM)).isEmpty();
        assertThat(emulator.calls())
                .extracting(RecordedCall::accountId, RecordedCall::roomId, RecordedCall::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ACCOUNT, "no-such-room", 404),
                        org.assertj.core.groups.Tuple.tuple("no-such-account", ROOM, 404));
    }

    // ------------------------------------------------------------------ injected faults

    private static Class<? extends ChimeException> expectedException(Fault fault) {
        return switch (fault) {
            case THROTTLED -> ThrottledClientException.class;
            case SERVICE_UNAVAILABLE -> ServiceUnavailableException.class;
            case SERVICE_FAILURE -> ServiceFailureException.class;
            case FORBIDDEN -> ForbiddenException.class;
            case UNAUTHORIZED -> UnauthorizedClientException.class;
            case BAD_REQUEST -> BadRequestException.class;
            case NOT_FOUND -> NotFoundException.class;
            case RESOURCE_LIMIT_EXCEEDED -> software.amazon.awssdk.services.chime.model.ResourceLimitExceededException.class;
            case CONNECTION_RESET, RESET_MID_RESPONSE ->
                    throw new IllegalArgumentException("no service exception for " + fault);
        };
    }

    private static int expectedStatus(Fault fault) {
        return switch (fault) {
            case THROTTLED -> 429;
            case SERVICE_UNAVAILABLE -> 503;
            case SERVICE_FAILURE -> 500;
            case FORBIDDEN -> 403;
            case UNAUTHORIZED -> 401;
            case BAD_REQUEST -> 400;
            case NOT_FOUND -> 404;
            case RESOURCE_LIMIT_EXCEEDED -> 400;
            case CONNECTION_RESET, RESET_MID_RESPONSE -> 0;
        };
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"CONNECTION_RESET", "RESET_MID_RESPONSE"}, mode = EnumSource.Mode.EXCLUDE)
    void eachFaultMapsToItsModeledSdkExceptionOnceAndLeavesStateUnchanged(Fault fault) {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "jane");
        emulator.failNextCalls(1, fault);

        // when
        Throwable thrown = catchThrowableOfType(AwsServiceException.class, () -> add(ACCOUNT, ROOM, item("jane", null)));

        // then
        assertThat(thrown).isExactlyInstanceOf(expectedException(fault));
        AwsServiceException serviceException = (AwsServiceException) thrown;
        assertThat(serviceException.statusCode()).isEqualTo(expectedStatus(fault)).isEqualTo(fault.httpStatus());
        assertThat(serviceException.awsErrorDetails().errorCode())
                .isEqualTo(expectedException(fault).getSimpleName())
                .isEqualTo(fault.errorType());
        assertThat(serviceException.requestId()).isNotBlank();
        assertThat(emulator.members(ACCOUNT, ROOM)).isEmpty();

        // and the fault is used up: the next call goes through
        assertThat(add(ACCOUNT, ROOM, item("jane", null)).errors()).isEmpty();
        assertThat(emulator.members(ACCOUNT, ROOM)).isEqualTo(Map.of("jane", "Member"));
        assertThat(emulator.calls()).extracting(RecordedCall::status).containsExactly(expectedStatus(fault), 201);
    }

    @Test
    void faultBodyCarriesTheErrorCodeEnumValue() throws Exception {
        // given
        emulator.failNextCalls(1, Fault.THROTTLED);

        // when
        HttpResponse<String> response = rawPost("/accounts/a/rooms/r/memberships?operation=batch-create",
                "{\"MembershipItemList\":[]}", true);

        // then
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("ThrottledClientException");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("Code").asText()).isEqualTo("Throttled");
        assertThat(body.get("Message").asText()).isNotBlank();
    }

    @Test
    void queuedFaultsAreAnsweredInOrderForAnyRoom() {
        // given
        emulator.room(ACCOUNT, ROOM).room(ACCOUNT, "room-2").user(ACCOUNT, "kim");
        emulator.failNextCalls(2, Fault.THROTTLED);
        emulator.failNextCalls(1, Fault.SERVICE_UNAVAILABLE);

        // when / then
        assertThatThrownBy(() -> add(ACCOUNT, ROOM, item("kim", null))).isInstanceOf(ThrottledClientException.class);
        assertThatThrownBy(() -> add(ACCOUNT, "room-2", item("kim", null))).isInstanceOf(ThrottledClientException.class);
        assertThatThrownBy(() -> add(ACCOUNT, ROOM, item("kim", null))).isInstanceOf(ServiceUnavailableException.class);
        assertThat(add(ACCOUNT, "room-2", item("kim", null)).errors()).isEmpty();
        assertThat(emulator.calls()).extracting(RecordedCall::status).containsExactly(429, 429, 503, 201);
    }

    @Test
    void connectionResetSurfacesAsSdkClientExceptionCausedByAnIOException() {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "liam");
        emulator.failNextCalls(1, Fault.CONNECTION_RESET);

        // when
        SdkClientException thrown = catchThrowableOfType(SdkClientException.class,
                () -> add(ACCOUNT, ROOM, item("liam", null)));

        // then
        assertThat(thrown).isNotInstanceOf(SdkServiceException.class);
        assertThat(thrown).hasCauseInstanceOf(IOException.class);
        assertThat(emulator.members(ACCOUNT, ROOM)).isEmpty();
        assertThat(emulator.calls())
                .as("exactly one attempt reached the emulator: the HTTP client did not silently resend it")
                .singleElement()
                .satisfies(call -> assertThat(call.status()).isZero());

        // and the next call is answered normally
        assertThat(add(ACCOUNT, ROOM, item("liam", null)).errors()).isEmpty();
        assertThat(emulator.members(ACCOUNT, ROOM)).isEqualTo(Map.of("liam", "Member"));
    }

    @Test
    void connectionResetClosesTheSocketWithoutSendingAnyByte() throws Exception {
        // given
        emulator.failNextCalls(1, Fault.CONNECTION_RESET);
        byte[] body = "{\"MembershipItemList\":[]}".getBytes(StandardCharsets.UTF_8);
        String head = "POST /accounts/a/rooms/r/memberships?operation=batch-create HTTP/1.1\r\n"
                + "Host: " + emulator.endpoint().getAuthority() + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";

        // when
        int firstByte;
        byte[] rest;
        try (Socket socket = new Socket(emulator.endpoint().getHost(), emulator.endpoint().getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            try {
                firstByte = in.read();
            } catch (java.net.SocketException reset) {
                firstByte = -1; // a TCP RST is just as good as a FIN: no response came
            }
            rest = firstByte < 0 ? new byte[0] : in.readAllBytes();
        }

        // then: end of stream before a single byte of a status line
        assertThat(firstByte).as("first response byte, then: " + new String(rest, StandardCharsets.UTF_8)).isEqualTo(-1);
        assertThat(emulator.calls()).singleElement().satisfies(call -> assertThat(call.status()).isZero());
    }

    @Test
    void theDefaultRetryingClientRecoversFromThrottlingAndAReset() {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "mia");
        emulator.failNextCalls(1, Fault.THROTTLED);
        emulator.failNextCalls(1, Fault.CONNECTION_RESET);

        // when
        BatchCreateRoomMembershipResponse response = add(retryingChime, ACCOUNT, ROOM, item("mia", null));

        // then
        assertThat(response.errors()).isEmpty();
        assertThat(emulator.members(ACCOUNT, ROOM)).isEqualTo(Map.of("mia", "Member"));
        assertThat(emulator.calls()).extracting(RecordedCall::status).containsExactly(429, 0, 201);
    }

    @Test
    void failMemberAnswersThatErrorForTheNextNCallsThenLetsTheMemberIn() {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "noah").user(ACCOUNT, "olga");
        emulator.failMember("noah", "Throttled", 2);

        // when
        List<Map<String, String>> errorsPerCall = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            errorsPerCall.add(errorCodes(add(ACCOUNT, ROOM, item("noah", RoomMembershipRole.ADMINISTRATOR),
                    item("olga", RoomMembershipRole.MEMBER))));
        }

        // then
        assertThat(errorsPerCall).containsExactly(
                Map.of("noah", "Throttled"),                       // olga got in on the first call
                Map.of("noah", "Throttled", "olga", "Conflict"),
                Map.of("olga", "Conflict"));
        assertThat(emulator.members(ACCOUNT, ROOM)).isEqualTo(Map.of("olga", "Member", "noah", "Administrator"));
    }

    @Test
    void failMemberOnlyCountsCallsThatIncludeTheMemberAndMaxValueMeansAlways() {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "pat").user(ACCOUNT, "quinn").user(ACCOUNT, "rosa");
        emulator.failMember("pat", "ServiceFailure", 1);
        emulator.failMember("quinn", "Forbidden", Integer.MAX_VALUE);

        // when
        Map<String, String> unrelated = errorCodes(add(ACCOUNT, ROOM, item("rosa", null)));
        List<Map<String, String>> later = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            later.add(errorCodes(add(ACCOUNT, ROOM, item("pat", null), item("quinn", null))));
        }

        // then
        assertThat(unrelated).isEmpty();
        assertThat(later).containsExactly(
                Map.of("pat", "ServiceFailure", "quinn", "Forbidden"),
                Map.of("quinn", "Forbidden"),                      // pat got in on the second call
                Map.of("pat", "Conflict", "quinn", "Forbidden"));
        assertThat(emulator.members(ACCOUNT, ROOM)).isEqualTo(Map.of("rosa", "Member", "pat", "Member"));
    }

    // ------------------------------------------------------------------ latency and concurrency

    @Test
    void concurrentCallsOverlapUnderLatency() throws Exception {
        // given: a warm client, then 200 ms per call
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "warm-up");
        add(ACCOUNT, ROOM, item("warm-up", null));
        List<String> users = List.of("s1", "s2", "s3", "s4");
        users.forEach(u -> emulator.user(ACCOUNT, u));
        emulator.latency(Duration.ofMillis(200));
        ExecutorService pool = Executors.newFixedThreadPool(users.size());

        // when
        long started = System.nanoTime();
        List<CompletableFuture<BatchCreateRoomMembershipResponse>> futures;
        try {
            futures = users.stream()
                    .map(u -> CompletableFuture.supplyAsync(() -> add(ACCOUNT, ROOM, item(u, null)), pool))
                    .collect(Collectors.toList());
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        // then
        assertThat(futures).allSatisfy(f -> assertThat(f.join().errors()).isEmpty());
        // latency was applied, and all four calls were in flight at once (overlap, not a wall-time bound)
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(emulator.maxConcurrentCalls()).isGreaterThanOrEqualTo(4);
        assertThat(emulator.members(ACCOUNT, ROOM)).containsOnlyKeys("warm-up", "s1", "s2", "s3", "s4");
    }

    // ------------------------------------------------------------------ authorization and routing

    private static HttpResponse<String> rawPost(String pathAndQuery, String body, boolean signed) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(emulator.endpoint().resolve(pathAndQuery))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signed) {
            request.header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEMULATORTEST/20260101/us-east-1/chime/"
                    + "aws4_request, SignedHeaders=host, Signature=00");
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRequestWithoutAuthorizationIsUnauthorized() throws Exception {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "tom");

        // when
        HttpResponse<String> response = rawPost("/accounts/" + ACCOUNT + "/rooms/" + ROOM
                + "/memberships?operation=batch-create", "{\"MembershipItemList\":[{\"MemberId\":\"tom\"}]}", false);

        // then
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("UnauthorizedClientException");
        assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
        assertThat(JSON.readTree(response.body()).get("Code").asText()).isEqualTo("Unauthorized");
        assertThat(emulator.members(ACCOUNT, ROOM)).isEmpty();
        assertThat(emulator.calls()).singleElement().satisfies(call -> {
            assertThat(call.status()).isEqualTo(401);
            assertThat(call.authorization()).isNull();
            assertThat(call.items()).containsExactly(new Item("tom", null));
        });
    }

    @Test
    void aRequestSignedForAnotherRegionIsUnauthorized() {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "uma");

        // when
        try (ChimeClient euClient = client(Region.EU_WEST_1, false)) {
            UnauthorizedClientException thrown = catchThrowableOfType(UnauthorizedClientException.class,
                    () -> add(euClient, ACCOUNT, ROOM, item("uma", null)));

            // then
            assertThat(thrown.statusCode()).isEqualTo(401);
            assertThat(thrown.awsErrorDetails().errorCode()).isEqualTo("UnauthorizedClientException");
        }
        assertThat(emulator.calls()).singleElement()
                .satisfies(call -> assertThat(call.authorization()).contains("/eu-west-1/chime/aws4_request"));
        assertThat(emulator.members(ACCOUNT, ROOM)).isEmpty();
    }

    @Test
    void anUnknownPathOrMethodIsNotFound() throws Exception {
        // given
        emulator.room(ACCOUNT, ROOM);

        // when
        HttpResponse<String> wrongPath = rawPost("/accounts/" + ACCOUNT + "/rooms/" + ROOM + "/bogus", "{}", true);
        HttpResponse<String> wrongQuery = rawPost("/accounts/" + ACCOUNT + "/rooms/" + ROOM
                + "/memberships?operation=batch-delete", "{}", true);
        HttpResponse<String> wrongMethod = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(emulator.endpoint().resolve("/accounts/" + ACCOUNT + "/rooms/" + ROOM
                                + "/memberships?operation=batch-create"))
                        .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/chime/aws4_request")
                        .GET().build(),
                HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(List.of(wrongPath, wrongQuery, wrongMethod)).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("UnknownOperationException");
            assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
            assertThat(JSON.readTree(response.body()).get("Message").asText()).startsWith("No operation matches");
        });
        // logged as matching no operation, so they never count as BatchCreateRoomMembership (or list) calls
        assertThat(emulator.calls(null))
                .extracting(RecordedCall::operation, RecordedCall::accountId, RecordedCall::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(null, null, 404),
                        org.assertj.core.groups.Tuple.tuple(null, null, 404),
                        org.assertj.core.groups.Tuple.tuple(null, null, 404));
        assertThat(emulator.calls()).isEmpty();
        assertThat(emulator.calls(ChimeEmulator.LIST_ROOM_MEMBERSHIPS)).isEmpty();
    }

    @Test
    void callCountsCountEveryOperationsRequestsFaultedOnesTooInTheOrderFirstCalledAndNotTheUnmatched()
            throws Exception {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "zoe");
        emulator.failNextCalls(1, Fault.THROTTLED);

        // when
        assertThatThrownBy(() -> list(ACCOUNT, ROOM)).isInstanceOf(ThrottledClientException.class);
        add(ACCOUNT, ROOM, item("zoe", null));
        list(ACCOUNT, ROOM);
        rawPost("/accounts/" + ACCOUNT + "/rooms/" + ROOM + "/bogus", "{}", true);

        // then
        assertThat(emulator.callCounts()).containsExactly(
                Map.entry(ChimeEmulator.LIST_ROOM_MEMBERSHIPS, 2),
                Map.entry(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 1));
        emulator.reset();
        assertThat(emulator.callCounts()).isEmpty();
    }

    @Test
    void anUnparseableOrIncompleteBodyIsABadRequest() throws Exception {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "vic");
        String path = "/accounts/" + ACCOUNT + "/rooms/" + ROOM + "/memberships?operation=batch-create";

        // when
        List<HttpResponse<String>> responses = List.of(
                rawPost(path, "{not json", true),
                rawPost(path, "{}", true),
                rawPost(path, "{\"MembershipItemList\":\"vic\"}", true),
                rawPost(path, "{\"MembershipItemList\":[{\"MemberId\":7}]}", true));

        // then
        assertThat(responses).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("BadRequestException");
            assertThat(JSON.readTree(response.body()).get("Code").asText()).isEqualTo("BadRequest");
        });
        assertThat(emulator.members(ACCOUNT, ROOM)).isEmpty();
    }

    // ------------------------------------------------------------------ path encoding

    @Test
    void percentEncodedIdsWithSpaceSlashPlusAndNonAsciiLandInTheRightRoom() {
        // given: the SDK percent-encodes path labels, '/' included (as %2F), so such ids survive the trip
        String account = "acct 7+x";
        String room = "team room/α+1";
        emulator.room(account, room)
                .room(account, "team room")   // a decoy the raw '/' would wrongly resolve towards
                .user(account, "wes");

        // when
        BatchCreateRoomMembershipResponse response = add(account, room, item("wes", RoomMembershipRole.ADMINISTRATOR));

        // then
        assertThat(response.errors()).isEmpty();
        assertThat(emulator.members(account, room)).isEqualTo(Map.of("wes", "Administrator"));
        assertThat(emulator.members(account, "team room")).isEmpty();
        assertThat(emulator.calls()).singleElement().satisfies(call -> {
            assertThat(call.accountId()).isEqualTo(account);
            assertThat(call.roomId()).isEqualTo(room);
        });
    }

    @Test
    void aCallStillInFlightAtResetDoesNotReachTheNewState() throws Exception {
        // given: a call held by latency
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "late");
        emulator.latency(Duration.ofMillis(400));
        CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> {
            try {
                add(ACCOUNT, ROOM, item("late", null));
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        Thread.sleep(100);

        // when: the emulator is reset and seeded again while the call waits
        emulator.reset();
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "late");

        // then: the old call is dropped without an answer and changes nothing
        assertThat(call.get(10, TimeUnit.SECONDS)).isInstanceOf(SdkClientException.class);
        assertThat(emulator.members(ACCOUNT, ROOM)).isEmpty();
        assertThat(emulator.calls()).isEmpty();
        assertThat(emulator.maxConcurrentCalls()).isZero();
    }

    @Test
    void resetClearsStateFaultsLatencyAndLog() {
        // given
        emulator.member(ACCOUNT, ROOM, "xena", "Administrator");
        emulator.failNextCalls(5, Fault.SERVICE_FAILURE);
        emulator.failMember("yuri", "Throttled", Integer.MAX_VALUE);
        assertThatThrownBy(() -> add(ACCOUNT, ROOM, item("xena", null))).isInstanceOf(ServiceFailureException.class);
        emulator.latency(Duration.ofSeconds(5));

        // when
        emulator.reset();

        // then
        assertThat(emulator.calls()).isEmpty();
        assertThat(emulator.maxConcurrentCalls()).isZero();
        assertThat(emulator.members(ACCOUNT, ROOM)).isEmpty();
        emulator.member(ACCOUNT, ROOM, "xena", "Administrator").user(ACCOUNT, "yuri");
        long started = System.nanoTime();
        assertThat(errorCodes(add(ACCOUNT, ROOM, item("yuri", null)))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(emulator.members(ACCOUNT, ROOM)).isEqualTo(Map.of("xena", "Administrator", "yuri", "Member"));
    }

    // ------------------------------------------------------------------ ListRoomMemberships

    @Test
    void listsTheRoomsMembersInJoinOrderWithRoleTypeAccountAndTimestamp() {
        // given: two seeded members, one added through the API, and a member of another room
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        emulator.member(ACCOUNT, ROOM, "alice", "Administrator")
                .member(ACCOUNT, ROOM, "bob", null)
                .user(ACCOUNT, "carol")
                .member(ACCOUNT, "room-2", "dora", null);
        add(ACCOUNT, ROOM, item("carol", RoomMembershipRole.ADMINISTRATOR));
        Instant after = Instant.now();

        // when
        ListRoomMembershipsResponse response = list(ACCOUNT, ROOM);

        // then
        assertThat(response.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(response.roomMemberships())
                .extracting(RoomMembership::roomId, m -> m.member().memberId(), m -> m.member().memberType(),
                        m -> m.member().accountId(), RoomMembership::role)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ROOM, "alice", MemberType.USER, ACCOUNT,
                                RoomMembershipRole.ADMINISTRATOR),
                        org.assertj.core.groups.Tuple.tuple(ROOM, "bob", MemberType.USER, ACCOUNT,
                                RoomMembershipRole.MEMBER),
                        org.assertj.core.groups.Tuple.tuple(ROOM, "carol", MemberType.USER, ACCOUNT,
                                RoomMembershipRole.ADMINISTRATOR));
        assertThat(response.roomMemberships())
                .allSatisfy(m -> assertThat(m.updatedTimestamp()).isBetween(before, after));
        assertThat(response.nextToken()).isNull();
        assertThat(emulator.calls(LIST)).singleElement().satisfies(call -> {
            assertThat(call.operation()).isEqualTo(LIST);
            assertThat(call.accountId()).isEqualTo(ACCOUNT);
            assertThat(call.roomId()).isEqualTo(ROOM);
            assertThat(call.items()).isEmpty();
            assertThat(call.status()).isEqualTo(200);
            assertThat(call.authorization()).contains("/us-east-1/chime/aws4_request");
        });
        // calls() stays the batch-create log its callers count
        assertThat(emulator.calls()).extracting(RecordedCall::operation, RecordedCall::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(BATCH_CREATE, 201));
    }

    @Test
    void theSdkPaginatorWithMaxResultsTwoReturnsFiveMembersExactlyOnceInOrder() {
        // given
        List<String> joined = List.of("m1", "m2", "m3", "m4", "m5");
        joined.forEach(m -> emulator.member(ACCOUNT, ROOM, m, null));

        // when
        List<ListRoomMembershipsResponse> pages = chime.listRoomMembershipsPaginator(
                        r -> r.accountId(ACCOUNT).roomId(ROOM).maxResults(2))
                .stream().collect(Collectors.toList());

        // then
        assertThat(pages).extracting(ChimeEmulatorTest::memberIds)
                .containsExactly(List.of("m1", "m2"), List.of("m3", "m4"), List.of("m5"));
        assertThat(pages).extracting(page -> page.nextToken() != null).containsExactly(true, true, false);
        assertThat(emulator.calls(LIST)).extracting(RecordedCall::status).containsExactly(200, 200, 200);
    }

    @Test
    void aMemberWhoJoinsBetweenPagesIsAppendedWithoutSkippingOrRepeatingAnyone() {
        // given: a first page read
        List.of("n1", "n2", "n3").forEach(m -> emulator.member(ACCOUNT, ROOM, m, null));
        emulator.user(ACCOUNT, "n4");
        ListRoomMembershipsResponse first = list(r -> r.accountId(ACCOUNT).roomId(ROOM).maxResults(2));

        // when: someone joins, then paging goes on with the token
        add(ACCOUNT, ROOM, item("n4", null));
        ListRoomMembershipsResponse second = list(r -> r.accountId(ACCOUNT).roomId(ROOM).maxResults(2)
                .nextToken(first.nextToken()));

        // then
        assertThat(List.of(memberIds(first), memberIds(second)))
                .containsExactly(List.of("n1", "n2"), List.of("n3", "n4"));
        assertThat(second.nextToken()).isNull();
    }

    @Test
    void withoutMaxResultsAPageHoldsTheDefaultPageSize() {
        // given
        List<String> joined = IntStream.rangeClosed(1, ChimeEmulator.DEFAULT_PAGE_SIZE + 2)
                .mapToObj(i -> "p" + i).collect(Collectors.toList());
        joined.forEach(m -> emulator.member(ACCOUNT, ROOM, m, null));

        // when
        ListRoomMembershipsResponse first = list(ACCOUNT, ROOM);
        ListRoomMembershipsResponse second = list(r -> r.accountId(ACCOUNT).roomId(ROOM).nextToken(first.nextToken()));

        // then
        assertThat(ChimeEmulator.DEFAULT_PAGE_SIZE).isEqualTo(10);
        assertThat(memberIds(first)).isEqualTo(joined.subList(0, 10));
        assertThat(first.nextToken()).isNotBlank();
        assertThat(memberIds(second)).isEqualTo(joined.subList(10, 12));
        assertThat(second.nextToken()).isNull();
    }

    @Test
    void maxResultsOutsideOneToNinetyNineIsABadRequest() {
        // given: the SDK sends maxResults without checking ResultMax, so the emulator is the one that rejects it
        emulator.member(ACCOUNT, ROOM, "olive", null);

        // when
        List<BadRequestException> rejected = List.of(0, 100).stream()
                .map(max -> catchThrowableOfType(BadRequestException.class,
                        () -> list(r -> r.accountId(ACCOUNT).roomId(ROOM).maxResults(max))))
                .collect(Collectors.toList());
        List<List<String>> accepted = List.of(1, 99).stream()
                .map(max -> memberIds(list(r -> r.accountId(ACCOUNT).roomId(ROOM).maxResults(max))))
                .collect(Collectors.toList());

        // then
        assertThat(rejected).allSatisfy(e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BadRequestException");
            assertThat(e.awsErrorDetails().errorMessage()).contains("'maxResults'");
            assertThat(e.requestId()).isNotBlank();
        });
        assertThat(accepted).containsExactly(List.of("olive"), List.of("olive"));
        assertThat(emulator.calls(LIST)).extracting(RecordedCall::status).containsExactly(400, 400, 200, 200);
    }

    @Test
    void aGarbledForeignOrPreResetNextTokenIsABadRequest() {
        // given: tokens issued for another room, and for this room before a reset
        emulator.member(ACCOUNT, ROOM, "a1", null).member(ACCOUNT, ROOM, "a2", null)
                .member(ACCOUNT, "room-2", "b1", null).member(ACCOUNT, "room-2", "b2", null);
        String foreign = list(r -> r.accountId(ACCOUNT).roomId("room-2").maxResults(1)).nextToken();
        String stale = list(r -> r.accountId(ACCOUNT).roomId(ROOM).maxResults(1)).nextToken();
        emulator.reset();
        emulator.member(ACCOUNT, ROOM, "a1", null).member(ACCOUNT, ROOM, "a2", null);

        // when
        List<BadRequestException> rejected = List.of("not-a-token", foreign, stale).stream()
                .map(token -> catchThrowableOfType(BadRequestException.class,
                        () -> list(r -> r.accountId(ACCOUNT).roomId(ROOM).maxResults(1).nextToken(token))))
                .collect(Collectors.toList());

        // then
        assertThat(rejected).allSatisfy(e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The next token is not valid.");
        });
        assertThat(emulator.calls(LIST)).extracting(RecordedCall::status).containsExactly(400, 400, 400);
    }

    @Test
    void listingAnUnknownRoomOrAccountIsNotFound() {
        // given
        emulator.member(ACCOUNT, ROOM, "pia", null);

        // when
        NotFoundException unknownRoom = catchThrowableOfType(NotFoundException.class,
                () -> list(ACCOUNT, "no-such-room"));
        NotFoundException unknownAccount = catchThrowableOfType(NotFoundException.class,
                () -> list("no-such-account", ROOM));

        // then
        assertThat(List.of(unknownRoom, unknownAccount)).allSatisfy(e -> {
            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NotFoundException");
        });
        assertThat(unknownRoom.awsErrorDetails().errorMessage()).contains("no-such-room");
        assertThat(unknownAccount.awsErrorDetails().errorMessage()).contains("no-such-account");
        assertThat(emulator.calls(LIST))
                .extracting(RecordedCall::accountId, RecordedCall::roomId, RecordedCall::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ACCOUNT, "no-such-room", 404),
                        org.assertj.core.groups.Tuple.tuple("no-such-account", ROOM, 404));
    }

    @Test
    void anUnsignedOrWronglyScopedListIsUnauthorized() throws Exception {
        // given
        emulator.member(ACCOUNT, ROOM, "quentin", null);

        // when
        HttpResponse<String> unsigned = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(emulator.endpoint().resolve("/accounts/" + ACCOUNT + "/rooms/" + ROOM
                        + "/memberships")).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        UnauthorizedClientException wrongRegion;
        try (ChimeClient euClient = client(Region.EU_WEST_1, false)) {
            wrongRegion = catchThrowableOfType(UnauthorizedClientException.class,
                    () -> euClient.listRoomMemberships(r -> r.accountId(ACCOUNT).roomId(ROOM)));
        }

        // then
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.headers().firstValue("x-amzn-ErrorType")).hasValue("UnauthorizedClientException");
        assertThat(JSON.readTree(unsigned.body()).get("Code").asText()).isEqualTo("Unauthorized");
        assertThat(wrongRegion.statusCode()).isEqualTo(401);
        assertThat(emulator.calls(LIST)).extracting(RecordedCall::status).containsExactly(401, 401);
    }

    @Test
    void queuedFaultsAndLatencyApplyToListCallsAsToAnyOperation() {
        // given
        emulator.member(ACCOUNT, ROOM, "ruth", null).user(ACCOUNT, "sam");
        emulator.failNextCalls(1, Fault.THROTTLED);
        emulator.failNextCalls(1, Fault.SERVICE_UNAVAILABLE);

        // when / then: the queue is consumed in arrival order, whatever the operation
        assertThatThrownBy(() -> list(ACCOUNT, ROOM)).isInstanceOf(ThrottledClientException.class);
        assertThatThrownBy(() -> add(ACCOUNT, ROOM, item("sam", null))).isInstanceOf(ServiceUnavailableException.class);
        assertThat(memberIds(list(ACCOUNT, ROOM))).containsExactly("ruth");

        // and latency holds a list call too
        emulator.latency(Duration.ofMillis(300));
        long started = System.nanoTime();
        assertThat(memberIds(list(ACCOUNT, ROOM))).containsExactly("ruth");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        assertThat(emulator.calls(LIST)).extracting(RecordedCall::status).containsExactly(429, 200, 200);
        assertThat(emulator.calls()).extracting(RecordedCall::status).containsExactly(503);
        assertThat(emulator.faultsInjected())
                .isEqualTo(Map.of(Fault.THROTTLED, 1, Fault.SERVICE_UNAVAILABLE, 1));
    }

    @Test
    void faultsForOneOperationSkipTheOthersAndComeBeforeTheSharedQueue() {
        // given
        emulator.member(ACCOUNT, ROOM, "ruth", null).user(ACCOUNT, "sam");
        emulator.failNextCalls(1, Fault.SERVICE_FAILURE);
        emulator.failNextCalls(2, Fault.THROTTLED, LIST);

        // when / then: the adds never see the list's faults; the lists take theirs before the shared one
        assertThatThrownBy(() -> list(ACCOUNT, ROOM)).isInstanceOf(ThrottledClientException.class);
        assertThatThrownBy(() -> list(ACCOUNT, ROOM)).isInstanceOf(ThrottledClientException.class);
        assertThatThrownBy(() -> add(ACCOUNT, ROOM, item("sam", null))).isInstanceOf(ServiceFailureException.class);
        assertThat(errorCodes(add(ACCOUNT, ROOM, item("sam", null)))).isEmpty();
        assertThat(memberIds(list(ACCOUNT, ROOM))).containsExactly("ruth", "sam");

        assertThat(emulator.faultsInjected(LIST)).isEqualTo(Map.of(Fault.THROTTLED, 2));
        assertThat(emulator.faultsInjected(BATCH_CREATE)).isEqualTo(Map.of(Fault.SERVICE_FAILURE, 1));
        emulator.failNextCalls(1, Fault.THROTTLED, LIST);
        emulator.reset();
        emulator.member(ACCOUNT, ROOM, "ruth", null);
        assertThat(memberIds(list(ACCOUNT, ROOM))).containsExactly("ruth");
    }

    // ------------------------------------------------------------------ responses cut short after the call took effect

    @Test
    void resetMidResponseFailsTheCallWithAnIoErrorAfterTheMemberWasAdded() {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "tess");
        emulator.failNextCalls(1, Fault.RESET_MID_RESPONSE);

        // when
        SdkClientException thrown = catchThrowableOfType(SdkClientException.class,
                () -> add(ACCOUNT, ROOM, item("tess", RoomMembershipRole.ADMINISTRATOR)));

        // then: the client cannot tell, yet the call took effect
        assertThat(thrown).isNotInstanceOf(SdkServiceException.class);
        assertThat(thrown).hasRootCauseInstanceOf(IOException.class);
        assertThat(emulator.members(ACCOUNT, ROOM)).isEqualTo(Map.of("tess", "Administrator"));
        assertThat(emulator.calls()).singleElement().satisfies(call -> assertThat(call.status()).isEqualTo(201));
        assertThat(emulator.faultsInjected()).isEqualTo(Map.of(Fault.RESET_MID_RESPONSE, 1));
    }

    @Test
    void theDefaultRetryingClientRetriesACutResponseAndSeesItsMemberAsConflict() {
        // given
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "ugo");
        emulator.failNextCalls(1, Fault.RESET_MID_RESPONSE);

        // when
        BatchCreateRoomMembershipResponse response = add(retryingChime, ACCOUNT, ROOM, item("ugo", null));

        // then
        assertThat(errorCodes(response)).isEqualTo(Map.of("ugo", "Conflict"));
        assertThat(emulator.members(ACCOUNT, ROOM)).isEqualTo(Map.of("ugo", "Member"));
        assertThat(emulator.calls()).extracting(RecordedCall::status).containsExactly(201, 201);
    }

    @Test
    void resetMidResponseSendsTheFullContentLengthButHalfTheBodyThenClosesTheSocket() throws Exception {
        // given
        emulator.room("a", "r").user("a", "vera");
        emulator.failNextCalls(1, Fault.RESET_MID_RESPONSE);
        byte[] body = "{\"MembershipItemList\":[{\"MemberId\":\"vera\"}]}".getBytes(StandardCharsets.UTF_8);
        String head = "POST /accounts/a/rooms/r/memberships?operation=batch-create HTTP/1.1\r\n"
                + "Host: " + emulator.endpoint().getAuthority() + "\r\n"
                + "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEMULATORTEST/20260101/us-east-1/chime/aws4_request, "
                + "SignedHeaders=host, Signature=00\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";

        // when: reading to the end of the stream, which a kept-open connection would never reach within the timeout
        byte[] response;
        try (Socket socket = new Socket(emulator.endpoint().getHost(), emulator.endpoint().getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            response = socket.getInputStream().readAllBytes();
        }

        // then
        String text = new String(response, StandardCharsets.UTF_8);
        int headEnd = text.indexOf("\r\n\r\n");
        assertThat(headEnd).as(text).isPositive();
        String responseHead = text.substring(0, headEnd);
        int contentLength = Integer.parseInt(responseHead.lines()
                .filter(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                .findFirst().orElseThrow().substring("content-length:".length()).strip());
        int received = response.length - (headEnd + 4);
        assertThat(responseHead).startsWith("HTTP/1.1 201");
        assertThat(contentLength).isEqualTo("{\"Errors\":[]}".length());
        assertThat(received).isEqualTo(contentLength / 2);
        assertThat(emulator.members("a", "r")).isEqualTo(Map.of("vera", "Member"));
    }

    @Test
    void aListCutShortIsRetriedByTheDefaultClientAndReturnsTheWholePage() {
        // given
        emulator.member(ACCOUNT, ROOM, "wanda", null).member(ACCOUNT, ROOM, "xavi", "Administrator");
        emulator.failNextCalls(1, Fault.RESET_MID_RESPONSE);

        // when
        ListRoomMembershipsResponse response =
                retryingChime.listRoomMemberships(r -> r.accountId(ACCOUNT).roomId(ROOM));

        // then
        assertThat(memberIds(response)).containsExactly("wanda", "xavi");
        assertThat(emulator.calls(LIST)).extracting(RecordedCall::status).containsExactly(200, 200);
    }

    // ------------------------------------------------------------------ injection counters

    @Test
    void countersReportFaultsAndMemberErrorsActuallyInjectedUntilReset() {
        // given: two whole-call faults, two armed members, and a NotFound the state itself causes
        emulator.room(ACCOUNT, ROOM).user(ACCOUNT, "ada").user(ACCOUNT, "ben").user(ACCOUNT, "cy");
        emulator.failNextCalls(2, Fault.THROTTLED);
        emulator.failMember("ada", "Throttled", 2);
        emulator.failMember("ben", "Forbidden", 1);

        // when
        assertThatThrownBy(() -> list(ACCOUNT, ROOM)).isInstanceOf(ThrottledClientException.class);
        assertThatThrownBy(() -> add(ACCOUNT, ROOM, item("ada", null))).isInstanceOf(ThrottledClientException.class);
        Map<String, String> firstErrors = errorCodes(add(ACCOUNT, ROOM, item("ada", null), item("ben", null),
                item("cy", null)));
        Map<String, String> secondErrors = errorCodes(add(ACCOUNT, ROOM, item("ada", null), item("ben", null),
                item("stranger", null)));
        emulator.failNextCalls(1, Fault.SERVICE_FAILURE); // queued, not yet injected
        Map<Fault, Integer> faults = emulator.faultsInjected();
        Map<String, Integer> memberErrors = emulator.memberErrorsInjected();

        // then
        assertThat(List.of(firstErrors, secondErrors)).containsExactly(
                Map.of("ada", "Throttled", "ben", "Forbidden"),
                Map.of("ada", "Throttled", "stranger", "NotFound"));
        assertThat(faults).isEqualTo(Map.of(Fault.THROTTLED, 2));
        assertThat(memberErrors).isEqualTo(Map.of("Throttled", 2, "Forbidden", 1));
        assertThatThrownBy(() -> faults.put(Fault.THROTTLED, 0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> memberErrors.clear()).isInstanceOf(UnsupportedOperationException.class);

        // and a snapshot does not move; the next one sees the queued fault once injected
        assertThatThrownBy(() -> list(ACCOUNT, ROOM)).isInstanceOf(ServiceFailureException.class);
        assertThat(faults).isEqualTo(Map.of(Fault.THROTTLED, 2));
        assertThat(emulator.faultsInjected()).isEqualTo(Map.of(Fault.THROTTLED, 2, Fault.SERVICE_FAILURE, 1));

        // and reset clears both
        assertThat(emulator.faultsInjected(LIST)).isEqualTo(Map.of(Fault.THROTTLED, 1, Fault.SERVICE_FAILURE, 1));
        assertThat(emulator.faultsInjected(BATCH_CREATE)).isEqualTo(Map.of(Fault.THROTTLED, 1));
        assertThat(emulator.memberErrorsInjected(BATCH_CREATE))
                .isEqualTo(Map.of("Throttled", 2, "Forbidden", 1));
        emulator.reset();
        assertThat(emulator.faultsInjected()).isEmpty();
        assertThat(emulator.memberErrorsInjected()).isEmpty();
        assertThat(emulator.faultsInjected(LIST)).isEmpty();
    }
}

package roommembership.emulator;

import roommembership.testing.TestQuotas;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import roommembership.emulator.ChannelsApi.ChannelCall;
import roommembership.emulator.ChimeEmulator.Item;
import roommembership.emulator.ChimeEmulator.RecordedCall;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chime.model.BatchCreateRoomMembershipResponse;
import software.amazon.awssdk.services.chime.model.ListRoomMembershipsResponse;
import software.amazon.awssdk.services.chime.model.MemberError;
import software.amazon.awssdk.services.chime.model.MembershipItem;
import software.amazon.awssdk.services.chime.model.RoomMembership;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.chimesdkmessaging.model.BatchChannelMemberships;
import software.amazon.awssdk.services.chimesdkmessaging.model.BatchCreateChannelMembershipError;
import software.amazon.awssdk.services.chimesdkmessaging.model.BatchCreateChannelMembershipResponse;
import software.amazon.awssdk.services.chimesdkmessaging.model.CreateChannelModeratorResponse;
import software.amazon.awssdk.services.chimesdkmessaging.model.Identity;
import software.amazon.awssdk.services.chimesdkmessaging.model.ListChannelMembershipsResponse;

/**
 * An independent client, the AWS CLI (v1, whose botocore ships the Chime and Chime SDK messaging models), gets the
 * same answers from the emulator as the AWS SDK for Java: same seeded state, same request, same outcome, same
 * resulting room or channel (for a list, the same pages).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChimeEmulatorCliTest {

    private static final String ACCESS_KEY = "AKIDEMULATORTEST";
    private static final String SECRET_KEY = "emulator-test-secret-key";
    private static final long CLI_TIMEOUT_SECONDS = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path aws;
    private static ChimeEmulator emulator;
    private static ChimeClient chime;
    private static ChimeSdkMessagingClient messaging;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        aws = findOnPath("aws");
        emulator = ChimeEmulator.start().quotas(TestQuotas.EMULATED);
        chime = ChimeClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .endpointOverride(emulator.endpoint())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        messaging = ChimeSdkMessagingClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .endpointOverride(emulator.endpoint())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @BeforeEach
    void requireTheCli() {
        // checked per test (not in @BeforeAll) so that each test is reported as skipped, with this reason
        Assumptions.assumeTrue(aws != null,
                "no `aws` executable on PATH: skipping the AWS CLI cross-check of the Chime emulator");
    }

    @AfterAll
    static void stop() {
        if (chime != null) {
            chime.close();
        }
        if (messaging != null) {
            messaging.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    /**
     * What one client observed, plus what the emulator saw and the room it left behind.
     *
     * @param errors    the response's Errors as MemberId/ErrorCode/ErrorMessage maps (null when the call failed)
     * @param errorCode the service error code of a failed call (null on success)
     */
    record Outcome(List<Map<String, String>> errors, String errorCode, String errorMessage,
                   int recordedStatus, List<Item> recordedItems, Map<String, String> roomAfter) {
    }

    // ------------------------------------------------------------------ scenarios

    @Test
    void aPartialSuccessWithANotFoundAndAConflictMemberMatches() throws Exception {
        // given: ids that need percent-encoding in the path, to check both clients encode them alike
        String account = "acct 1";
        String room = "ops/room 1";
        Consumer<ChimeEmulator> seed = e -> e.room(account, room)
                .user(account, "alice").user(account, "bob")
                .member(account, room, "carol", "Administrator");
        List<Item> request = List.of(
                new Item("alice", "Administrator"),
                new Item("bob", null),
                new Item("nobody", "Member"),
                new Item("carol", "Member"));

        // when
        Outcome sdk = viaSdk(seed, account, room, request);
        Outcome cli = viaCli(seed, account, room, request);

        // then
        assertThat(sdk.errors())
                .extracting(e -> e.get("MemberId"), e -> e.get("ErrorCode"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("nobody", "NotFound"),
                        org.assertj.core.groups.Tuple.tuple("carol", "Conflict"));
        assertThat(sdk.roomAfter()).isEqualTo(Map.of("alice", "Administrator", "bob", "Member", "carol", "Administrator"));
        assertThat(cli).isEqualTo(sdk);
    }

    @Test
    void fiftyOneItemsAreABadRequestForBoth() throws Exception {
        // given
        Consumer<ChimeEmulator> seed = e -> {
            e.room("acct-2", "room-2");
            IntStream.rangeClosed(1, 51).forEach(i -> e.user("acct-2", "user-" + i));
        };
        List<Item> request = IntStream.rangeClosed(1, 51)
                .mapToObj(i -> new Item("user-" + i, "Member"))
                .collect(Collectors.toList());

        // when
        Outcome sdk = viaSdk(seed, "acct-2", "room-2", request);
        Outcome cli = viaCli(seed, "acct-2", "room-2", request);

        // then
        assertThat(sdk.errorCode()).isEqualTo("BadRequestException");
        assertThat(sdk.recordedStatus()).isEqualTo(400);
        assertThat(sdk.roomAfter()).isEmpty();
        assertThat(cli).isEqualTo(sdk);
    }

    @Test
    void anUnknownRoomIsNotFoundForBoth() throws Exception {
        // given
        Consumer<ChimeEmulator> seed = e -> e.room("acct-3", "room-3").user("acct-3", "dan");
        List<Item> request = List.of(new Item("dan", null));

        // when
        Outcome sdk = viaSdk(seed, "acct-3", "missing-room", request);
        Outcome cli = viaCli(seed, "acct-3", "missing-room", request);

        // then
        assertThat(sdk.errorCode()).isEqualTo("NotFoundException");
        assertThat(sdk.recordedStatus()).isEqualTo(404);
        assertThat(cli).isEqualTo(sdk);
    }

    @Test
    void aRoleOutsideTheEnumIsABadRequestForBoth() throws Exception {
        // given: neither client validates the Role enum, so the emulator is the one that rejects it
        Consumer<ChimeEmulator> seed = e -> e.room("acct-4", "room-4").user("acct-4", "eve");
        List<Item> request = List.of(new Item("eve", "Owner"));

        // when
        Outcome sdk = viaSdk(seed, "acct-4", "room-4", request);
        Outcome cli = viaCli(seed, "acct-4", "room-4", request);

        // then
        assertThat(sdk.errorCode()).isEqualTo("BadRequestException");
        assertThat(cli).isEqualTo(sdk);
    }

    @Test
    void twoPagesOfListRoomMembershipsMatch() throws Exception {
        // given: seeded once, since listing changes nothing and a second seeding would stamp other UpdatedTimestamps
        String account = "acct 5";
        String room = "ops/room 5";
        emulator.reset();
        emulator.member(account, room, "frank", "Administrator")
                .member(account, room, "gina", null)
                .member(account, room, "hal", "Member")
                .member(account, "ops/room 6", "ivy", null);

        // when: each client pages on with its own NextToken
        ListedPage sdkFirst = listViaSdk(account, room, 2, null);
        ListedPage sdkSecond = listViaSdk(account, room, 2, sdkFirst.nextToken());
        ListedPage cliFirst = listViaCli(account, room, 2, null);
        ListedPage cliSecond = listViaCli(account, room, 2, cliFirst.nextToken());

        // then
        assertThat(List.of(sdkFirst, sdkSecond))
                .extracting(page -> page.outcome().memberships().stream().map(m -> m.get("MemberId"))
                        .collect(Collectors.toList()), page -> page.outcome().hasNextToken())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(List.of("frank", "gina"), true),
                        org.assertj.core.groups.Tuple.tuple(List.of("hal"), false));
        assertThat(List.of(cliFirst.outcome(), cliSecond.outcome()))
                .isEqualTo(List.of(sdkFirst.outcome(), sdkSecond.outcome()));
    }

    @Test
    void maxResultsAboveNinetyNineIsABadRequestForBothListClients() throws Exception {
        // given: neither client checks the upper bound of ResultMax, so the emulator is the one that rejects it
        emulator.reset();
        emulator.member("acct-7", "room-7", "jo", null);

        // when
        ListedPage sdk = listViaSdk("acct-7", "room-7", 100, null);
        ListedPage cli = listViaCli("acct-7", "room-7", 100, null);

        // then
        assertThat(sdk.outcome().errorCode()).isEqualTo("BadRequestException");
        assertThat(sdk.outcome().recordedStatus()).isEqualTo(400);
        assertThat(cli.outcome()).isEqualTo(sdk.outcome());
    }

    // ------------------------------------------------------------------ the two clients

    private static Outcome viaSdk(Consumer<ChimeEmulator> seed, String account, String room, List<Item> request) {
        emulator.reset();
        seed.accept(emulator);
        List<MembershipItem> items = request.stream()
                .map(i -> MembershipItem.builder().memberId(i.memberId()).role(i.role()).build())
                .collect(Collectors.toList());
        List<Map<String, String>> errors = null;
        String errorCode = null;
        String errorMessage = null;
        try {
            BatchCreateRoomMembershipResponse response = chime.batchCreateRoomMembership(
                    r -> r.accountId(account).roomId(room).membershipItemList(items));
            errors = new ArrayList<>();
            for (MemberError error : response.errors()) {
                errors.add(memberError(error.memberId(), error.errorCodeAsString(), error.errorMessage()));
            }
        } catch (AwsServiceException e) {
            errorCode = e.awsErrorDetails().errorCode();
            errorMessage = e.awsErrorDetails().errorMessage();
        }
        return outcome(errors, errorCode, errorMessage, account, room);
    }

    private static Outcome viaCli(Consumer<ChimeEmulator> seed, String account, String room, List<Item> request)
            throws Exception {
        emulator.reset();
        seed.accept(emulator);
        ArrayNode itemList = JSON.createArrayNode();
        for (Item item : request) {
            ObjectNode node = itemList.addObject().put("MemberId", item.memberId());
            if (item.role() != null) {
                node.put("Role", item.role());
            }
        }
        CliResult result = runCli(List.of(aws.toString(), "chime", "batch-create-room-membership",
                "--account-id", account,
                "--room-id", room,
                "--membership-item-list", JSON.writeValueAsString(itemList),
                "--endpoint-url", emulator.endpoint().toString(),
                "--region", "us-east-1",
                "--output", "json"));

        List<Map<String, String>> errors = null;
        String errorCode = null;
        String errorMessage = null;
        if (result.exitCode == 0) {
            JsonNode parsed = JSON.readTree(result.stdout);
            errors = new ArrayList<>();
            for (JsonNode error : parsed.path("Errors")) {
                errors.add(memberError(error.path("MemberId").asText(null), error.path("ErrorCode").asText(null),
                        error.path("ErrorMessage").asText(null)));
            }
        } else {
            Matcher matcher = cliServiceError(result, "BatchCreateRoomMembership");
            errorCode = matcher.group(1);
            errorMessage = matcher.group(2).strip();
        }
        return outcome(errors, errorCode, errorMessage, account, room);
    }

    /** The CLI's report of a service error for {@code operation}; fails the test when it failed otherwise. */
    private static Matcher cliServiceError(CliResult result, String operation) {
        Matcher matcher = Pattern.compile("An error occurred \\((\\w+)\\) when calling the " + operation + " operation"
                + "(?: \\(reached max retries: \\d+\\))?: (.*)").matcher(result.stderr);
        if (!matcher.find()) {
            fail("the aws CLI failed without a service error (exit " + result.exitCode + "):\n" + result.stderr);
        }
        return matcher;
    }

    // ------------------------------------------------------------------ the two list clients

    /**
     * What one client observed of a ListRoomMemberships page, plus the status the emulator recorded.
     *
     * @param memberships   RoomId, MemberId, MemberType, AccountId, Role and UpdatedTimestamp (as an instant) of each
     *                      membership, in response order (null when the call failed)
     * @param hasNextToken  whether the page carried a NextToken (its value differs: each call issues its own)
     */
    record ListOutcome(List<Map<String, String>> memberships, boolean hasNextToken, String errorCode,
                       String errorMessage, int recordedStatus) {
    }

    /** A page's outcome and the NextToken to ask for the following page with. */
    private record ListedPage(ListOutcome outcome, String nextToken) {
    }

    private static ListedPage listViaSdk(String account, String room, Integer maxResults, String nextToken) {
        int before = emulator.calls(ChimeEmulator.LIST_ROOM_MEMBERSHIPS).size();
        List<Map<String, String>> memberships = null;
        String token = null;
        String errorCode = null;
        String errorMessage = null;
        try {
            ListRoomMembershipsResponse response = chime.listRoomMemberships(
                    r -> r.accountId(account).roomId(room).maxResults(maxResults).nextToken(nextToken));
            memberships = new ArrayList<>();
            for (RoomMembership m : response.roomMemberships()) {
                memberships.add(membership(m.roomId(), m.member().memberId(), m.member().memberTypeAsString(),
                        m.member().accountId(), m.roleAsString(), m.updatedTimestamp()));
            }
            token = response.nextToken();
        } catch (AwsServiceException e) {
            errorCode = e.awsErrorDetails().errorCode();
            errorMessage = e.awsErrorDetails().errorMessage();
        }
        return listed(before, memberships, token, errorCode, errorMessage, account, room);
    }

    private static ListedPage listViaCli(String account, String room, Integer maxResults, String nextToken)
            throws Exception {
        int before = emulator.calls(ChimeEmulator.LIST_ROOM_MEMBERSHIPS).size();
        List<String> command = new ArrayList<>(List.of(aws.toString(), "chime", "list-room-memberships",
                "--account-id", account,
                "--room-id", room));
        if (maxResults != null) {
            command.addAll(List.of("--max-results", maxResults.toString()));
        }
        if (nextToken != null) {
            command.addAll(List.of("--next-token", nextToken));
        }
        command.addAll(List.of(
                "--endpoint-url", emulator.endpoint().toString(),
                "--region", "us-east-1",
                "--output", "json"));
        CliResult result = runCli(command);

        List<Map<String, String>> memberships = null;
        String token = null;
        String errorCode = null;
        String errorMessage = null;
        if (result.exitCode == 0) {
            JsonNode parsed = JSON.readTree(result.stdout);
            memberships = new ArrayList<>();
            for (JsonNode m : parsed.path("RoomMemberships")) {
                JsonNode member = m.path("Member");
                memberships.add(membership(m.path("RoomId").asText(null), member.path("MemberId").asText(null),
                        member.path("MemberType").asText(null), member.path("AccountId").asText(null),
                        m.path("Role").asText(null),
                        m.hasNonNull("UpdatedTimestamp")
                                ? OffsetDateTime.parse(m.get("UpdatedTimestamp").asText()).toInstant() : null));
            }
            token = parsed.path("NextToken").asText(null);
        } else {
            Matcher matcher = cliServiceError(result, "ListRoomMemberships");
            errorCode = matcher.group(1);
            errorMessage = matcher.group(2).strip();
        }
        return listed(before, memberships, token, errorCode, errorMessage, account, room);
    }

    private static ListedPage listed(int callsBefore, List<Map<String, String>> memberships, String nextToken,
                                     String errorCode, String errorMessage, String account, String room) {
        List<RecordedCall> calls = emulator.calls(ChimeEmulator.LIST_ROOM_MEMBERSHIPS);
        assertThat(calls).as("list calls the emulator received for one client request").hasSize(callsBefore + 1);
        RecordedCall call = calls.get(callsBefore);
        assertThat(call.accountId()).isEqualTo(account);
        assertThat(call.roomId()).isEqualTo(room);
        assertThat(emulator.calls()).as("batch-create calls").isEmpty();
        return new ListedPage(new ListOutcome(memberships, nextToken != null, errorCode, errorMessage, call.status()),
                nextToken);
    }

    private static Map<String, String> membership(String roomId, String memberId, String memberType, String accountId,
                                                  String role, Instant updated) {
        Map<String, String> membership = new LinkedHashMap<>();
        membership.put("RoomId", roomId);
        membership.put("MemberId", memberId);
        membership.put("MemberType", memberType);
        membership.put("AccountId", accountId);
        membership.put("Role", role);
        membership.put("UpdatedTimestamp", updated == null ? null : updated.toString());
        return membership;
    }

    private static Outcome outcome(List<Map<String, String>> errors, String errorCode, String errorMessage,
                                   String account, String room) {
        List<RecordedCall> calls = emulator.calls();
        assertThat(calls).as("calls the emulator received for one client request").hasSize(1);
        RecordedCall call = calls.get(0);
        assertThat(call.accountId()).isEqualTo(account);
        assertThat(call.roomId()).isEqualTo(room);
        return new Outcome(errors, errorCode, errorMessage, call.status(), call.items(),
                emulator.members(account, room));
    }

    private static Map<String, String> memberError(String memberId, String errorCode, String errorMessage) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("MemberId", memberId);
        error.put("ErrorCode", errorCode);
        error.put("ErrorMessage", errorMessage);
        return error;
    }

    // ------------------------------------------------------------------ Chime SDK messaging channels

    private static final String APP = "arn:aws:chime:us-east-1:123456789012:app-instance/cli-app";
    private static final String CHANNEL = APP + "/channel/cli-channel";
    private static final String ADMIN = APP + "/user/admin";

    private static String user(String id) {
        return APP + "/user/" + id;
    }

    /**
     * What one client observed of a BatchCreateChannelMembership, plus what the emulator saw and the channel it left.
     *
     * @param memberships the response's BatchChannelMemberships as InvitedBy, Type, Members and ChannelArn (null when
     *                    the call failed)
     * @param errors      the response's Errors as MemberArn/ErrorCode/ErrorMessage maps (null when the call failed)
     */
    record ChannelBatchOutcome(Map<String, Object> memberships, List<Map<String, String>> errors, String errorCode,
                               String errorMessage, int recordedStatus, List<String> recordedArns, String recordedType,
                               Map<String, String> channelAfter) {
    }

    /** What one client observed of a list page: its ChannelArn and entries as Arn/Name maps (null when it failed). */
    record ChannelListOutcome(String channelArn, List<Map<String, String>> entries, boolean hasNextToken,
                              String errorCode, String errorMessage, int recordedStatus) {
    }

    private record ChannelListedPage(ChannelListOutcome outcome, String nextToken) {
    }

    /** What one client observed of a CreateChannelModerator, and the channel's moderators after it. */
    record ModeratorOutcome(String channelArn, Map<String, String> moderator, String errorCode, String errorMessage,
                            int recordedStatus, Set<String> moderatorsAfter) {
    }

    @Test
    void aHiddenBatchWithANotFoundAConflictAndARepeatMatches() throws Exception {
        // given
        Consumer<ChimeEmulator> seed = e -> e.channels().channel(CHANNEL).user(ADMIN)
                .user(user("alice")).bot(APP + "/bot/helper")
                .member(CHANNEL, user("carol"), "DEFAULT")
                .user("arn:aws:chime:us-east-1:123456789012:app-instance/other-app/user/stranger");
        List<String> request = List.of(user("alice"), APP + "/bot/helper",
                "arn:aws:chime:us-east-1:123456789012:app-instance/other-app/user/stranger", user("carol"),
                user("alice"));

        // when
        ChannelBatchOutcome sdk = batchViaSdk(seed, CHANNEL, "HIDDEN", request);
        ChannelBatchOutcome cli = batchViaCli(seed, CHANNEL, "HIDDEN", request);

        // then
        assertThat(sdk.errors())
                .extracting(e -> e.get("MemberArn"), e -> e.get("ErrorCode"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(request.get(2), "NotFound"),
                        org.assertj.core.groups.Tuple.tuple(user("carol"), "Conflict"),
                        org.assertj.core.groups.Tuple.tuple(user("alice"), "Conflict"));
        assertThat(sdk.memberships()).containsEntry("Type", "HIDDEN").containsEntry("ChannelArn", CHANNEL);
        assertThat(sdk.channelAfter()).containsExactly(Map.entry(user("carol"), "DEFAULT"),
                Map.entry(user("alice"), "HIDDEN"), Map.entry(APP + "/bot/helper", "HIDDEN"));
        assertThat(cli).isEqualTo(sdk);
    }

    @Test
    void oneHundredAndOneMemberArnsAreABadRequestForBoth() throws Exception {
        // given
        List<String> request = IntStream.rangeClosed(1, ChannelsApi.MAX_MEMBER_ARNS + 1)
                .mapToObj(i -> user("u" + i)).collect(Collectors.toList());
        Consumer<ChimeEmulator> seed = e -> {
            e.channels().channel(CHANNEL).user(ADMIN);
            request.forEach(e.channels()::user);
        };

        // when
        ChannelBatchOutcome sdk = batchViaSdk(seed, CHANNEL, null, request);
        ChannelBatchOutcome cli = batchViaCli(seed, CHANNEL, null, request);

        // then
        assertThat(sdk.errorCode()).isEqualTo("BadRequestException");
        assertThat(sdk.recordedStatus()).isEqualTo(400);
        assertThat(sdk.channelAfter()).isEmpty();
        assertThat(cli).isEqualTo(sdk);
    }

    @Test
    void anUnknownChannelIsNotFoundForBothBatchClients() throws Exception {
        // given
        Consumer<ChimeEmulator> seed = e -> e.channels().channel(CHANNEL).user(ADMIN).user(user("dan"));

        // when
        ChannelBatchOutcome sdk = batchViaSdk(seed, APP + "/channel/missing", null, List.of(user("dan")));
        ChannelBatchOutcome cli = batchViaCli(seed, APP + "/channel/missing", null, List.of(user("dan")));

        // then
        assertThat(sdk.errorCode()).isEqualTo("NotFoundException");
        assertThat(sdk.recordedStatus()).isEqualTo(404);
        assertThat(cli).isEqualTo(sdk);
    }

    @Test
    void pagesOfDefaultAndOfHiddenMembersMatch() throws Exception {
        // given: seeded once, since listing changes nothing
        emulator.reset();
        emulator.channels().channel(CHANNEL).user(ADMIN)
                .member(CHANNEL, user("d1"), "DEFAULT").member(CHANNEL, user("h1"), "HIDDEN")
                .member(CHANNEL, user("d2"), null).member(CHANNEL, APP + "/bot/h2", "HIDDEN")
                .member(CHANNEL, user("d3"), "DEFAULT").member(CHANNEL, user("h3"), "HIDDEN");

        // when: each client pages on with its own NextToken, without a type and then with HIDDEN
        List<ChannelListOutcome> sdk = new ArrayList<>();
        List<ChannelListOutcome> cli = new ArrayList<>();
        for (String type : java.util.Arrays.asList(null, "HIDDEN")) {
            ChannelListedPage sdkFirst = listViaSdk(type, null);
            sdk.add(sdkFirst.outcome());
            sdk.add(listViaSdk(type, sdkFirst.nextToken()).outcome());
            ChannelListedPage cliFirst = listViaCli(type, null);
            cli.add(cliFirst.outcome());
            cli.add(listViaCli(type, cliFirst.nextToken()).outcome());
        }

        // then
        assertThat(sdk)
                .extracting(page -> page.entries().stream().map(m -> m.get("Arn")).collect(Collectors.toList()),
                        ChannelListOutcome::hasNextToken)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(List.of(user("d1"), user("d2")), true),
                        org.assertj.core.groups.Tuple.tuple(List.of(user("d3")), false),
                        org.assertj.core.groups.Tuple.tuple(List.of(user("h1"), APP + "/bot/h2"), true),
                        org.assertj.core.groups.Tuple.tuple(List.of(user("h3")), false));
        assertThat(cli).isEqualTo(sdk);
    }

    @Test
    void aModeratorIsCreatedWith201AndThenAConflictForBoth() throws Exception {
        // given
        Consumer<ChimeEmulator> seed = e -> e.channels().channel(CHANNEL).user(ADMIN).user(user("erin"));

        // when
        List<ModeratorOutcome> sdk = moderatorTwiceViaSdk(seed, user("erin"));
        List<ModeratorOutcome> cli = moderatorTwiceViaCli(seed, user("erin"));

        // then
        assertThat(sdk).extracting(ModeratorOutcome::recordedStatus, ModeratorOutcome::errorCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(201, null),
                        org.assertj.core.groups.Tuple.tuple(409, "ConflictException"));
        assertThat(sdk.get(0).moderator()).isEqualTo(identity(user("erin"), "erin"));
        assertThat(sdk.get(1).moderatorsAfter()).containsExactly(user("erin"));
        assertThat(cli).isEqualTo(sdk);
    }

    // ------------------------------------------------------------------ the operations about one member

    /**
     * What one client observed of one call, plus the status the emulator recorded for it.
     *
     * @param fields the response's members as text, null when the call failed (empty for a 204)
     */
    record StepOutcome(String operation, Map<String, String> fields, String errorCode, String errorMessage,
                       int recordedStatus) {
    }

    /** One call, as the SDK makes it (its response read into fields) and as the CLI command that makes it. */
    private record Step(String operation, java.util.function.Supplier<Map<String, String>> sdk, List<String> cli,
                        java.util.function.Function<JsonNode, Map<String, String>> cliFields) {
    }

    /** The state a scenario leaves behind, and the times the emulator noted for it. */
    record After(Map<String, String> members, Set<String> moderators, Map<String, Boolean> noted) {
    }

    private static Step roomStep(String operation, java.util.function.Supplier<Map<String, String>> sdk,
                                 String command, List<String> args) {
        List<String> cli = new ArrayList<>(List.of(aws.toString(), "chime", command));
        cli.addAll(args);
        cli.addAll(List.of("--endpoint-url", emulator.endpoint().toString(), "--region", "us-east-1",
                "--output", "json"));
        return new Step(operation, sdk, cli, ChimeEmulatorCliTest::roomMembershipFields);
    }

    private static Map<String, String> roomMembershipFields(RoomMembership m) {
        return roomFields(m.roomId(), m.member().memberId(), m.member().memberTypeAsString(), m.member().accountId(),
                m.roleAsString(), m.updatedTimestamp());
    }

    private static Map<String, String> roomMembershipFields(JsonNode parsed) {
        JsonNode m = parsed.path("RoomMembership");
        if (m.isMissingNode()) {
            return Map.of();
        }
        JsonNode member = m.path("Member");
        return roomFields(m.path("RoomId").asText(null), member.path("MemberId").asText(null),
                member.path("MemberType").asText(null), member.path("AccountId").asText(null),
                m.path("Role").asText(null), OffsetDateTime.parse(m.get("UpdatedTimestamp").asText()).toInstant());
    }

    /** The membership's members; its UpdatedTimestamp as whether it is the role's time the emulator noted. */
    private static Map<String, String> roomFields(String roomId, String memberId, String memberType, String accountId,
                                                  String role, Instant updated) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("RoomId", roomId);
        fields.put("MemberId", memberId);
        fields.put("MemberType", memberType);
        fields.put("AccountId", accountId);
        fields.put("Role", role);
        fields.put("UpdatedTimestampIsRoleSince", String.valueOf(emulator.roleSince(accountId, roomId, memberId)
                .map(since -> since.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).equals(updated)).orElse(false)));
        return fields;
    }

    private static List<StepOutcome> viaSdk(Consumer<ChimeEmulator> seed, List<Step> steps) {
        emulator.reset();
        seed.accept(emulator);
        List<StepOutcome> outcomes = new ArrayList<>();
        for (Step step : steps) {
            Map<String, String> fields = null;
            String errorCode = null;
            String errorMessage = null;
            try {
                fields = step.sdk().get();
            } catch (AwsServiceException e) {
                errorCode = e.awsErrorDetails().errorCode();
                errorMessage = e.awsErrorDetails().errorMessage();
            }
            outcomes.add(new StepOutcome(step.operation(), fields, errorCode, errorMessage, lastStatus(step)));
        }
        return outcomes;
    }

    private static List<StepOutcome> viaCli(Consumer<ChimeEmulator> seed, List<Step> steps) throws Exception {
        emulator.reset();
        seed.accept(emulator);
        List<StepOutcome> outcomes = new ArrayList<>();
        for (Step step : steps) {
            CliResult result = runCli(step.cli());
            Map<String, String> fields = null;
            String errorCode = null;
            String errorMessage = null;
            if (result.exitCode == 0) {
                fields = step.cliFields().apply(JSON.readTree(result.stdout));
            } else {
                Matcher matcher = cliServiceError(result, step.operation());
                errorCode = matcher.group(1);
                errorMessage = matcher.group(2).strip();
            }
            outcomes.add(new StepOutcome(step.operation(), fields, errorCode, errorMessage, lastStatus(step)));
        }
        return outcomes;
    }

    /** The status the emulator recorded for the step's call, the last of its operation. */
    private static int lastStatus(Step step) {
        List<RecordedCall> calls = emulator.calls(step.operation());
        assertThat(calls).as("calls of " + step.operation()).isNotEmpty();
        return calls.get(calls.size() - 1).status();
    }

    @Test
    void updatesDeletesAndTheirNotFoundsOfRoomMembersMatch() throws Exception {
        // given: ids that need percent-encoding in the path
        String account = "acct 1";
        String room = "r 1";
        Consumer<ChimeEmulator> seed = e -> e.member(account, room, "alice", null)
                .member(account, room, "bob/b", "Administrator").user(account, "carol");
        String update = ChimeEmulator.UPDATE_ROOM_MEMBERSHIP;
        String delete = ChimeEmulator.DELETE_ROOM_MEMBERSHIP;
        List<String> ids = List.of("--account-id", account, "--room-id", room);
        List<Step> steps = List.of(
                roomStep(update, () -> roomMembershipFields(chime.updateRoomMembership(r -> r.accountId(account)
                                .roomId(room).memberId("alice").role("Administrator")).roomMembership()),
                        "update-room-membership", concat(ids, "--member-id", "alice", "--role", "Administrator")),
                roomStep(update, () -> roomMembershipFields(chime.updateRoomMembership(r -> r.accountId(account)
                                .roomId(room).memberId("carol").role("Member")).roomMembership()),
                        "update-room-membership", concat(ids, "--member-id", "carol", "--role", "Member")),
                roomStep(delete, () -> {
                    chime.deleteRoomMembership(r -> r.accountId(account).roomId(room).memberId("bob/b"));
                    return Map.of();
                }, "delete-room-membership", concat(ids, "--member-id", "bob/b")),
                roomStep(delete, () -> {
                    chime.deleteRoomMembership(r -> r.accountId(account).roomId(room).memberId("bob/b"));
                    return Map.of();
                }, "delete-room-membership", concat(ids, "--member-id", "bob/b")),
                roomStep(delete, () -> {
                    chime.deleteRoomMembership(r -> r.accountId(account).roomId("missing").memberId("alice"));
                    return Map.of();
                }, "delete-room-membership", List.of("--account-id", account, "--room-id", "missing",
                        "--member-id", "alice")));

        // when
        List<StepOutcome> sdk = viaSdk(seed, steps);
        After sdkAfter = roomAfter(account, room);
        List<StepOutcome> cli = viaCli(seed, steps);
        After cliAfter = roomAfter(account, room);

        // then
        assertThat(sdk).extracting(StepOutcome::recordedStatus, StepOutcome::errorCode).containsExactly(
                org.assertj.core.groups.Tuple.tuple(200, null),
                org.assertj.core.groups.Tuple.tuple(404, "NotFoundException"),
                org.assertj.core.groups.Tuple.tuple(204, null),
                org.assertj.core.groups.Tuple.tuple(404, "NotFoundException"),
                org.assertj.core.groups.Tuple.tuple(404, "NotFoundException"));
        assertThat(sdk.get(0).fields()).containsEntry("Role", "Administrator")
                .containsEntry("UpdatedTimestampIsRoleSince", "true");
        assertThat(sdkAfter.members()).isEqualTo(Map.of("alice", "Administrator"));
        assertThat(cli).isEqualTo(sdk);
        assertThat(cliAfter).isEqualTo(sdkAfter);
    }

    private static After roomAfter(String account, String room) {
        return new After(emulator.members(account, room), Set.of(), Map.of(
                "bob/b left", emulator.leftAt(account, room, "bob/b").isPresent(),
                "alice left", emulator.leftAt(account, room, "alice").isPresent()));
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private static Step channelStep(String operation, java.util.function.Supplier<Map<String, String>> sdk,
                                    String command, List<String> args) {
        return new Step(operation, sdk, messagingCommand(command, args), ChimeEmulatorCliTest::moderatorPageFields);
    }

    /** A ListChannelModerators page's ChannelArn, moderator ARNs and whether it has a NextToken; empty for a 204. */
    private static Map<String, String> moderatorPageFields(JsonNode parsed) {
        if (parsed.isMissingNode()) {
            return Map.of();
        }
        List<String> arns = new ArrayList<>();
        parsed.path("ChannelModerators").forEach(m -> arns.add(m.path("Moderator").path("Arn").asText(null)));
        return moderatorPageFields(parsed.path("ChannelArn").asText(null), arns, parsed.hasNonNull("NextToken"));
    }

    private static Map<String, String> moderatorPageFields(String channelArn, List<String> arns, boolean next) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("ChannelArn", channelArn);
        fields.put("Moderators", String.join(",", arns));
        fields.put("HasNextToken", String.valueOf(next));
        return fields;
    }

    @Test
    void deletesOfMembershipsAndModeratorsAndAModeratorPageMatch() throws Exception {
        // given: alice is member and moderator, bob and the bot moderators only
        String missing = APP + "/channel/missing";
        Consumer<ChimeEmulator> seed = e -> e.channels().channel(CHANNEL).user(ADMIN)
                .member(CHANNEL, user("alice"), null).moderator(CHANNEL, user("alice"))
                .moderator(CHANNEL, user("bob")).moderator(CHANNEL, APP + "/bot/helper");
        String deleteMembership = ChannelsApi.DELETE_CHANNEL_MEMBERSHIP;
        String deleteModerator = ChannelsApi.DELETE_CHANNEL_MODERATOR;
        String listModerators = ChannelsApi.LIST_CHANNEL_MODERATORS;
        List<Step> steps = List.of(
                channelStep(deleteMembership, () -> {
                    messaging.deleteChannelMembership(r -> r.channelArn(CHANNEL).memberArn(user("alice"))
                            .chimeBearer(ADMIN));
                    return Map.of();
                }, "delete-channel-membership", List.of("--channel-arn", CHANNEL, "--member-arn", user("alice"))),
                channelStep(deleteMembership, () -> {
                    messaging.deleteChannelMembership(r -> r.channelArn(CHANNEL).memberArn(user("alice"))
                            .chimeBearer(ADMIN));
                    return Map.of();
                }, "delete-channel-membership", List.of("--channel-arn", CHANNEL, "--member-arn", user("alice"))),
                channelStep(deleteModerator, () -> {
                    messaging.deleteChannelModerator(r -> r.channelArn(CHANNEL).channelModeratorArn(user("bob"))
                            .chimeBearer(ADMIN));
                    return Map.of();
                }, "delete-channel-moderator", List.of("--channel-arn", CHANNEL, "--channel-moderator-arn",
                        user("bob"))),
                channelStep(deleteModerator, () -> {
                    messaging.deleteChannelModerator(r -> r.channelArn(CHANNEL).channelModeratorArn(user("ghost"))
                            .chimeBearer(ADMIN));
                    return Map.of();
                }, "delete-channel-moderator", List.of("--channel-arn", CHANNEL, "--channel-moderator-arn",
                        user("ghost"))),
                channelStep(listModerators, () -> {
                    var page = messaging.listChannelModerators(r -> r.channelArn(CHANNEL).maxResults(1)
                            .chimeBearer(ADMIN));
                    return moderatorPageFields(page.channelArn(), page.channelModerators().stream()
                            .map(m -> m.moderator().arn()).collect(Collectors.toList()), page.nextToken() != null);
                }, "list-channel-moderators", List.of("--channel-arn", CHANNEL, "--max-results", "1")),
                channelStep(deleteMembership, () -> {
                    messaging.deleteChannelMembership(r -> r.channelArn(missing).memberArn(user("alice"))
                            .chimeBearer(ADMIN));
                    return Map.of();
                }, "delete-channel-membership", List.of("--channel-arn", missing, "--member-arn", user("alice"))));

        // when
        List<StepOutcome> sdk = viaSdk(seed, steps);
        After sdkAfter = channelAfter();
        List<StepOutcome> cli = viaCli(seed, steps);
        After cliAfter = channelAfter();

        // then
        assertThat(sdk).extracting(StepOutcome::recordedStatus, StepOutcome::errorCode).containsExactly(
                org.assertj.core.groups.Tuple.tuple(204, null),
                org.assertj.core.groups.Tuple.tuple(204, null),
                org.assertj.core.groups.Tuple.tuple(204, null),
                org.assertj.core.groups.Tuple.tuple(204, null),
                org.assertj.core.groups.Tuple.tuple(200, null),
                org.assertj.core.groups.Tuple.tuple(400, "BadRequestException"));
        assertThat(sdk.get(4).fields()).isEqualTo(moderatorPageFields(CHANNEL, List.of(user("alice")), true));
        assertThat(sdkAfter.members()).isEmpty();
        assertThat(sdkAfter.moderators()).containsExactly(user("alice"), APP + "/bot/helper");
        assertThat(cli).isEqualTo(sdk);
        assertThat(cliAfter).isEqualTo(sdkAfter);
    }

    private static After channelAfter() {
        ChannelsApi channels = emulator.channels();
        return new After(channels.members(CHANNEL), channels.moderators(CHANNEL), Map.of(
                "alice left", channels.leftAt(CHANNEL, user("alice")).isPresent(),
                "bob removed", channels.moderatorRemovedAt(CHANNEL, user("bob")).isPresent(),
                "ghost removed", channels.moderatorRemovedAt(CHANNEL, user("ghost")).isPresent()));
    }

    // ------------------------------------------------------------------ the two messaging clients

    private static ChannelBatchOutcome batchViaSdk(Consumer<ChimeEmulator> seed, String channelArn, String type,
                                                   List<String> memberArns) {
        emulator.reset();
        seed.accept(emulator);
        Map<String, Object> memberships = null;
        List<Map<String, String>> errors = null;
        String errorCode = null;
        String errorMessage = null;
        try {
            BatchCreateChannelMembershipResponse response = messaging.batchCreateChannelMembership(
                    r -> r.channelArn(channelArn).type(type).memberArns(memberArns).chimeBearer(ADMIN));
            BatchChannelMemberships batch = response.batchChannelMemberships();
            memberships = batchMemberships(identity(batch.invitedBy()), batch.typeAsString(),
                    batch.members().stream().map(ChimeEmulatorCliTest::identity).collect(Collectors.toList()),
                    batch.channelArn());
            errors = new ArrayList<>();
            for (BatchCreateChannelMembershipError error : response.errors()) {
                errors.add(channelError(error.memberArn(), error.errorCodeAsString(), error.errorMessage()));
            }
        } catch (AwsServiceException e) {
            errorCode = e.awsErrorDetails().errorCode();
            errorMessage = e.awsErrorDetails().errorMessage();
        }
        return batchOutcome(memberships, errors, errorCode, errorMessage, channelArn);
    }

    private static ChannelBatchOutcome batchViaCli(Consumer<ChimeEmulator> seed, String channelArn, String type,
                                                   List<String> memberArns) throws Exception {
        emulator.reset();
        seed.accept(emulator);
        List<String> args = new ArrayList<>(List.of("--channel-arn", channelArn, "--member-arns"));
        args.addAll(memberArns);
        if (type != null) {
            args.addAll(List.of("--type", type));
        }
        CliResult result = runCli(messagingCommand("batch-create-channel-membership", args));

        Map<String, Object> memberships = null;
        List<Map<String, String>> errors = null;
        String errorCode = null;
        String errorMessage = null;
        if (result.exitCode == 0) {
            JsonNode parsed = JSON.readTree(result.stdout);
            JsonNode batch = parsed.path("BatchChannelMemberships");
            List<Map<String, String>> members = new ArrayList<>();
            batch.path("Members").forEach(member -> members.add(identity(member)));
            memberships = batchMemberships(identity(batch.path("InvitedBy")), batch.path("Type").asText(null),
                    members, batch.path("ChannelArn").asText(null));
            errors = new ArrayList<>();
            for (JsonNode error : parsed.path("Errors")) {
                errors.add(channelError(error.path("MemberArn").asText(null), error.path("ErrorCode").asText(null),
                        error.path("ErrorMessage").asText(null)));
            }
        } else {
            Matcher matcher = cliServiceError(result, "BatchCreateChannelMembership");
            errorCode = matcher.group(1);
            errorMessage = matcher.group(2).strip();
        }
        return batchOutcome(memberships, errors, errorCode, errorMessage, channelArn);
    }

    private static ChannelListedPage listViaSdk(String type, String nextToken) {
        int before = emulator.channels().calls(ChannelsApi.LIST_CHANNEL_MEMBERSHIPS).size();
        String channelArn = null;
        List<Map<String, String>> entries = null;
        String token = null;
        String errorCode = null;
        String errorMessage = null;
        try {
            ListChannelMembershipsResponse response = messaging.listChannelMemberships(r -> r.channelArn(CHANNEL)
                    .type(type).maxResults(2).nextToken(nextToken).chimeBearer(ADMIN));
            channelArn = response.channelArn();
            entries = response.channelMemberships().stream().map(m -> identity(m.member()))
                    .collect(Collectors.toList());
            token = response.nextToken();
        } catch (AwsServiceException e) {
            errorCode = e.awsErrorDetails().errorCode();
            errorMessage = e.awsErrorDetails().errorMessage();
        }
        return channelListed(before, type, channelArn, entries, token, errorCode, errorMessage);
    }

    private static ChannelListedPage listViaCli(String type, String nextToken) throws Exception {
        int before = emulator.channels().calls(ChannelsApi.LIST_CHANNEL_MEMBERSHIPS).size();
        List<String> args = new ArrayList<>(List.of("--channel-arn", CHANNEL, "--max-results", "2"));
        if (type != null) {
            args.addAll(List.of("--type", type));
        }
        if (nextToken != null) {
            args.addAll(List.of("--next-token", nextToken));
        }
        CliResult result = runCli(messagingCommand("list-channel-memberships", args));

        String channelArn = null;
        List<Map<String, String>> entries = null;
        String token = null;
        String errorCode = null;
        String errorMessage = null;
        if (result.exitCode == 0) {
            JsonNode parsed = JSON.readTree(result.stdout);
            channelArn = parsed.path("ChannelArn").asText(null);
            entries = new ArrayList<>();
            for (JsonNode m : parsed.path("ChannelMemberships")) {
                entries.add(identity(m.path("Member")));
            }
            token = parsed.path("NextToken").asText(null);
        } else {
            Matcher matcher = cliServiceError(result, "ListChannelMemberships");
            errorCode = matcher.group(1);
            errorMessage = matcher.group(2).strip();
        }
        return channelListed(before, type, channelArn, entries, token, errorCode, errorMessage);
    }

    private static List<ModeratorOutcome> moderatorTwiceViaSdk(Consumer<ChimeEmulator> seed, String moderatorArn) {
        emulator.reset();
        seed.accept(emulator);
        List<ModeratorOutcome> outcomes = new ArrayList<>();
        for (int attempt = 0; attempt < 2; attempt++) {
            String channelArn = null;
            Map<String, String> moderator = null;
            String errorCode = null;
            String errorMessage = null;
            try {
                CreateChannelModeratorResponse response = messaging.createChannelModerator(
                        r -> r.channelArn(CHANNEL).channelModeratorArn(moderatorArn).chimeBearer(ADMIN));
                channelArn = response.channelArn();
                moderator = identity(response.channelModerator());
            } catch (AwsServiceException e) {
                errorCode = e.awsErrorDetails().errorCode();
                errorMessage = e.awsErrorDetails().errorMessage();
            }
            outcomes.add(moderatorOutcome(attempt, channelArn, moderator, errorCode, errorMessage, moderatorArn));
        }
        return outcomes;
    }

    private static List<ModeratorOutcome> moderatorTwiceViaCli(Consumer<ChimeEmulator> seed, String moderatorArn)
            throws Exception {
        emulator.reset();
        seed.accept(emulator);
        List<ModeratorOutcome> outcomes = new ArrayList<>();
        for (int attempt = 0; attempt < 2; attempt++) {
            CliResult result = runCli(messagingCommand("create-channel-moderator",
                    List.of("--channel-arn", CHANNEL, "--channel-moderator-arn", moderatorArn)));
            String channelArn = null;
            Map<String, String> moderator = null;
            String errorCode = null;
            String errorMessage = null;
            if (result.exitCode == 0) {
                JsonNode parsed = JSON.readTree(result.stdout);
                channelArn = parsed.path("ChannelArn").asText(null);
                moderator = identity(parsed.path("ChannelModerator"));
            } else {
                Matcher matcher = cliServiceError(result, "CreateChannelModerator");
                errorCode = matcher.group(1);
                errorMessage = matcher.group(2).strip();
            }
            outcomes.add(moderatorOutcome(attempt, channelArn, moderator, errorCode, errorMessage, moderatorArn));
        }
        return outcomes;
    }

    /** {@code aws chime-sdk-messaging <command> <args>}, as the admin user, against the emulator. */
    private static List<String> messagingCommand(String command, List<String> args) {
        List<String> full = new ArrayList<>(List.of(aws.toString(), "chime-sdk-messaging", command));
        full.addAll(args);
        full.addAll(List.of(
                "--chime-bearer", ADMIN,
                "--endpoint-url", emulator.endpoint().toString(),
                "--region", "us-east-1",
                "--output", "json"));
        return full;
    }

    private static ChannelBatchOutcome batchOutcome(Map<String, Object> memberships, List<Map<String, String>> errors,
                                                    String errorCode, String errorMessage, String channelArn) {
        List<ChannelCall> calls = emulator.channels().calls();
        assertThat(calls).as("channel calls the emulator received for one client request").hasSize(1);
        ChannelCall call = calls.get(0);
        assertThat(call.operation()).isEqualTo(ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP);
        assertThat(call.channelArn()).isEqualTo(channelArn);
        assertThat(call.bearer()).isEqualTo(ADMIN);
        return new ChannelBatchOutcome(memberships, errors, errorCode, errorMessage, call.status(), call.memberArns(),
                call.type(), emulator.channels().members(channelArn));
    }

    private static ChannelListedPage channelListed(int callsBefore, String type, String channelArn,
                                                   List<Map<String, String>> entries, String nextToken,
                                                   String errorCode, String errorMessage) {
        List<ChannelCall> calls = emulator.channels().calls(ChannelsApi.LIST_CHANNEL_MEMBERSHIPS);
        assertThat(calls).as("list calls the emulator received for one client request").hasSize(callsBefore + 1);
        ChannelCall call = calls.get(callsBefore);
        assertThat(call.channelArn()).isEqualTo(CHANNEL);
        assertThat(call.type()).isEqualTo(type);
        return new ChannelListedPage(new ChannelListOutcome(channelArn, entries, nextToken != null, errorCode,
                errorMessage, call.status()), nextToken);
    }

    private static ModeratorOutcome moderatorOutcome(int callsBefore, String channelArn, Map<String, String> moderator,
                                                     String errorCode, String errorMessage, String moderatorArn) {
        List<ChannelCall> calls = emulator.channels().calls(ChannelsApi.CREATE_CHANNEL_MODERATOR);
        assertThat(calls).as("moderator calls the emulator received for one client request").hasSize(callsBefore + 1);
        ChannelCall call = calls.get(callsBefore);
        assertThat(call.memberArns()).containsExactly(moderatorArn);
        return new ModeratorOutcome(channelArn, moderator, errorCode, errorMessage, call.status(),
                emulator.channels().moderators(CHANNEL));
    }

    private static Map<String, Object> batchMemberships(Map<String, String> invitedBy, String type,
                                                        List<Map<String, String>> members, String channelArn) {
        Map<String, Object> memberships = new LinkedHashMap<>();
        memberships.put("InvitedBy", invitedBy);
        memberships.put("Type", type);
        memberships.put("Members", members);
        memberships.put("ChannelArn", channelArn);
        return memberships;
    }

    private static Map<String, String> identity(Identity identity) {
        return identity == null ? null : identity(identity.arn(), identity.name());
    }

    private static Map<String, String> identity(JsonNode identity) {
        return identity.isMissingNode() ? null
                : identity(identity.path("Arn").asText(null), identity.path("Name").asText(null));
    }

    private static Map<String, String> identity(String arn, String name) {
        Map<String, String> identity = new LinkedHashMap<>();
        identity.put("Arn", arn);
        identity.put("Name", name);
        return identity;
    }

    private static Map<String, String> channelError(String memberArn, String errorCode, String errorMessage) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("MemberArn", memberArn);
        error.put("ErrorCode", errorCode);
        error.put("ErrorMessage", errorMessage);
        return error;
    }

    // ------------------------------------------------------------------ subprocess

    private record CliResult(int exitCode, String stdout, String stderr) {
    }

    private static CliResult runCli(List<String> command) throws Exception {
        Path emptyConfig = Files.createTempFile(work, "aws-config", "");
        Path stdout = Files.createTempFile(work, "aws-out", ".json");
        Path stderr = Files.createTempFile(work, "aws-err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(emptyConfig.toFile()))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_") || name.toLowerCase().endsWith("_proxy"));
        env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_CONFIG_FILE", emptyConfig.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", emptyConfig.toString());
        env.put("AWS_RETRY_MODE", "standard");
        env.put("AWS_MAX_ATTEMPTS", "1");
        env.put("AWS_PAGER", "");
        env.put("NO_PROXY", "127.0.0.1,localhost");

        Process process = builder.start();
        if (!process.waitFor(CLI_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            fail("the aws CLI did not finish within " + CLI_TIMEOUT_SECONDS + " s: " + command);
        }
        return new CliResult(process.exitValue(),
                Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    private static Path findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}

package roommembership.emulator;

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

/**
 * An independent client, the AWS CLI (v1, whose botocore ships the Chime model), gets the same answers from the
 * emulator as the AWS SDK for Java: same seeded state, same request, same outcome, same resulting room (for a list,
 * the same pages).
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

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        aws = findOnPath("aws");
        emulator = ChimeEmulator.start();
        chime = ChimeClient.builder()
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

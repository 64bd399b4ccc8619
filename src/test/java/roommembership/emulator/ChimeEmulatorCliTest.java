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
import software.amazon.awssdk.services.chime.model.MemberError;
import software.amazon.awssdk.services.chime.model.MembershipItem;

/**
 * An independent client, the AWS CLI (v1, whose botocore ships the Chime model), gets the same answers from the
 * emulator as the AWS SDK for Java: same seeded state, same request, same outcome, same resulting room.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChimeEmulatorCliTest {

    private static final String ACCESS_KEY = "AKIDEMULATORTEST";
    private static final String SECRET_KEY = "emulator-test-secret-key";
    private static final long CLI_TIMEOUT_SECONDS = 30;
    private static final Pattern CLI_SERVICE_ERROR =
            Pattern.compile("An error occurred \\((\\w+)\\) when calling the BatchCreateRoomMembership operation"
                    + "(?: \\(reached max retries: \\d+\\))?: (.*)");
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
            Matcher matcher = CLI_SERVICE_ERROR.matcher(result.stderr);
            if (!matcher.find()) {
                fail("the aws CLI failed without a service error (exit " + result.exitCode + "):\n" + result.stderr);
            }
            errorCode = matcher.group(1);
            errorMessage = matcher.group(2).strip();
        }
        return outcome(errors, errorCode, errorMessage, account, room);
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

package roommembership.s3;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import roommembership.model.Deadline;
import roommembership.pipeline.read.AccountAllowlist;
import roommembership.pipeline.read.ChannelAccess;
import roommembership.pipeline.read.Reading;
import roommembership.pipeline.read.RosterLines;
import roommembership.pipeline.read.RosterObjects;
import roommembership.pipeline.read.RosterObjects.Done;
import roommembership.pipeline.read.RosterObjects.Refused;
import roommembership.pipeline.read.RosterObjects.Unavailable;
import roommembership.pipeline.read.RosterTrigger.RosterObject;
import roommembership.target.RoomKey;
import roommembership.testing.EmbeddedS3;
import roommembership.testing.TestClients;
import roommembership.wiring.AwsClients;
import roommembership.wiring.SdkLookups;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rosters read from and plans written to an S3-compatible server over HTTP, signed as S3 requires: what a roster
 * object gives, and every way it can fail to give one.
 */
class S3RosterObjectsTest {
    private static final String BUCKET = "hr-rosters";
    private static final String ACCOUNT = "a1b2c3d4-5e6f-4a0b-9c8d-7e6f5a4b3c2d";
    private static final String ROOM = "9f3c2a10-1111-4c1e-8a6b-000000000e01";
    private static final long MAX_BYTES = 52_428_800;
    private static final RosterLines LINES = new RosterLines(
            new Reading(Optional.empty(), ChannelAccess.none(), AccountAllowlist.anyAccount()));
    private static EmbeddedS3 s3;

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Test
    void aRosterIsReadLineByLineFromTheObjectsCurrentVersion() {
        String key = "rosters/engineering 2026-12.jsonl";
        s3.put(BUCKET, key, line("eng-001", "Administrator") + "\n" + line("eng-002", null) + "\n");
        s3.put(BUCKET, key, line("eng-001", "Administrator") + "\n\n" + line("eng-003", "Member") + "\n");

        RosterObjects.Fetched<RosterLines.Read> read = objects(s3.client()).read(
                new RosterObject(BUCKET, key), MAX_BYTES, deadlineIn(Duration.ofSeconds(20)), LINES::read);

        assertThat(read).isInstanceOfSatisfying(Done.class, done -> assertThat(done.value())
                .isInstanceOfSatisfying(RosterLines.Complete.class, roster -> {
                    assertThat(roster.lines()).isEqualTo(3);
                    assertThat(roster.targets().get(new RoomKey(ACCOUNT, ROOM)).keySet())
                            .containsExactly("eng-001", "eng-003");
                }));
    }

    @Test
    void anObjectOrBucketThatIsNotThereIsRefusedWithS3sOwnCode() {
        RosterObjects objects = objects(s3.client());

        assertThat(objects.read(new RosterObject(BUCKET, "rosters/missing.jsonl"), MAX_BYTES,
                deadlineIn(Duration.ofSeconds(20)), LINES::read))
                .isInstanceOfSatisfying(Refused.class, refused -> {
                    assertThat(refused.errorCode()).isEqualTo("NoSuchKey");
                    assertThat(refused.message()).startsWith("s3://hr-rosters/rosters/missing.jsonl could not be read");
                });
        assertThat(objects.read(new RosterObject("no-such-bucket", "r.jsonl"), MAX_BYTES,
                deadlineIn(Duration.ofSeconds(20)), LINES::read))
                .isInstanceOfSatisfying(Refused.class, refused ->
                        assertThat(refused.errorCode()).isEqualTo("NoSuchBucket"));
    }

    @Test
    void aCallerTheStoreDoesNotAcceptIsRefusedWithTheStoresCode() {
        S3Client stranger = AwsClients.s3(TestClients.RETRY_BASE_DELAY, SdkLookups.SDK_DEFAULTS, true)
                .endpointOverride(s3.endpoint()).region(TestClients.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(TestClients.ACCESS_KEY, "not-the-secret")))
                .build();
        s3.put(BUCKET, "rosters/signed.jsonl", line("eng-001", null));

        try (stranger) {
            assertThat(objects(stranger).read(new RosterObject(BUCKET, "rosters/signed.jsonl"), MAX_BYTES,
                    deadlineIn(Duration.ofSeconds(20)), LINES::read))
                    .isInstanceOfSatisfying(Refused.class, refused ->
                            assertThat(refused.errorCode()).isEqualTo("SignatureDoesNotMatch"));
        }
    }

    @Test
    void anObjectLargerThanTheLimitIsRefusedAndNoLineOfItReachesTheReader() {
        StringBuilder roster = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            roster.append(line("eng-%03d".formatted(i), null)).append('\n');
        }
        s3.put(BUCKET, "rosters/large.jsonl", roster.toString());
        List<String> seen = new ArrayList<>();

        RosterObjects.Fetched<Integer> read = objects(s3.client()).read(
                new RosterObject(BUCKET, "rosters/large.jsonl"), 1_000, deadlineIn(Duration.ofSeconds(20)),
                reader -> readAll(reader, seen));

        assertThat(read).isInstanceOfSatisfying(Refused.class, refused -> {
            assertThat(refused.errorCode()).isEqualTo("BadRequest");
            assertThat(refused.message()).isEqualTo("the roster s3://hr-rosters/rosters/large.jsonl is "
                    + roster.toString().getBytes(StandardCharsets.UTF_8).length
                    + " bytes, more than ROSTER_MAX_BYTES (1000): it was not applied");
        });
        assertThat(seen).isEmpty();
    }

    @Test
    void bytesThatAreNotUtf8RefuseTheRoster() {
        s3.client().putObject(request -> request.bucket(BUCKET).key("rosters/latin1.jsonl"),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(
                        line("j\u00fcrgen", null).getBytes(StandardCharsets.ISO_8859_1)));

        assertThat(objects(s3.client()).read(new RosterObject(BUCKET, "rosters/latin1.jsonl"), MAX_BYTES,
                deadlineIn(Duration.ofSeconds(20)), LINES::read))
                .isInstanceOfSatisfying(Refused.class, refused -> {
                    assertThat(refused.errorCode()).isEqualTo("BadRequest");
                    assertThat(refused.message()).contains("is not UTF-8 text");
                });
    }

    @Test
    void aPlanIsWrittenAsJsonBesideItsRoster() {
        RosterObject plan = new RosterObject(BUCKET, "dry-run/engineering.jsonl.plan.json");

        assertThat(objects(s3.client()).write(plan, "{\"targets\":[]}", deadlineIn(Duration.ofSeconds(20))))
                .isInstanceOf(Done.class);

        assertThat(s3.get(BUCKET, plan.key())).isEqualTo("{\"targets\":[]}");
        assertThat(s3.client().headObject(request -> request.bucket(BUCKET).key(plan.key())).contentType())
                .isEqualTo("application/json");
    }

    @Test
    void noCallIsMadeWithoutTimeLeftAndAStoreThatDoesNotAnswerIsUnavailableNotARefusal() throws IOException {
        AtomicInteger built = new AtomicInteger();
        RosterObjects counting = new S3RosterObjects(() -> {
            built.incrementAndGet();
            return s3.client();
        }, Duration.ofSeconds(1));

        assertThat(counting.read(new RosterObject(BUCKET, "rosters/any.jsonl"), MAX_BYTES,
                deadlineIn(Duration.ofMillis(900)), LINES::read)).isInstanceOf(Unavailable.class);
        assertThat(built).as("the client is asked for only for a call").hasValue(0);

        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        try (S3Client nowhere = TestClients.s3(closed)) {
            assertThat(objects(nowhere).read(new RosterObject(BUCKET, "rosters/any.jsonl"), MAX_BYTES,
                    deadlineIn(Duration.ofSeconds(20)), LINES::read))
                    .isInstanceOfSatisfying(Unavailable.class, unavailable ->
                            assertThat(unavailable.errorCode()).isEqualTo("ServiceUnavailable"));
        }
    }

    private static RosterObjects objects(S3Client client) {
        Supplier<S3Client> once = () -> client;
        return new S3RosterObjects(once, Duration.ZERO);
    }

    private static String line(String memberId, String role) {
        return "{\"AccountId\": \"" + ACCOUNT + "\", \"RoomId\": \"" + ROOM + "\", \"MemberId\": \"" + memberId + "\""
                + (role == null ? "" : ", \"Role\": \"" + role + "\"") + "}";
    }

    private static int readAll(BufferedReader reader, List<String> seen) {
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                seen.add(line);
            }
            return seen.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Deadline deadlineIn(Duration time) {
        long end = System.nanoTime() + time.toNanos();
        return () -> Duration.ofNanos(end - System.nanoTime()).toMillis();
    }
}

package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChimeEmulator;
import roommembership.testing.ContractSchemas;
import roommembership.testing.DeadLetterQueue.Letter;
import roommembership.testing.SqsEvents;
import roommembership.testing.TestContext;
import roommembership.wiring.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static roommembership.handler.FunctionUnderTest.failedIds;
import static roommembership.testing.Directory.ACME;
import static roommembership.testing.Directory.APP_INSTANCE;
import static roommembership.testing.Directory.BEARER;

/**
 * A roster outside {@code dry-run/} is applied: each room and channel it names ends holding exactly the roster's
 * members with the roster's roles, with the bearer and the protected members left alone, the deletion brake holding
 * a target's removals as letters an operator can redrive, and a bad roster changing nothing at all.
 */
class RosterApplyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "hr-rosters";
    private static final String KEY = "rosters/acme.jsonl";
    private static final String URI = "s3://" + BUCKET + "/" + KEY;
    private static final String TRIGGER = "{\"Roster\": \"" + URI + "\"}";
    private static final String ROOM = "9f3c2a10-4444-4c1e-8a6b-000000000402";
    private static final String CHANNEL = APP_INSTANCE + "/channel/roster-apply";
    private static final String ADMINISTRATOR = "Administrator";
    private static final String MEMBER = "Member";

    @RegisterExtension
    static final FunctionUnderTest function = FunctionUnderTest.forRoomsAndChannels()
            .with("ROSTER_PROTECTED_MEMBERS", "ops");

    @BeforeEach
    void organisation() {
        function.s3().createBucket(BUCKET);
        for (String user : List.of("dan", "eve", "early", "late", "newcomer")) {
            function.chime().user(ACME, user);
        }
        function.chime().room(ACME, ROOM).member(ACME, ROOM, "ann", ADMINISTRATOR).member(ACME, ROOM, "bob", MEMBER)
                .member(ACME, ROOM, "cat", MEMBER).member(ACME, ROOM, "ops", ADMINISTRATOR);
        ChannelsApi channels = function.channels();
        for (String user : List.of("u1", "u2", "u3", "u4", "u5")) {
            channels.user(user(user));
        }
        channels.channel(CHANNEL).member(CHANNEL, user("u1"), "DEFAULT").member(CHANNEL, user("u2"), "HIDDEN")
                .member(CHANNEL, user("u3"), "DEFAULT").moderator(CHANNEL, user("u3"))
                .moderator(CHANNEL, user("u5")).member(CHANNEL, BEARER, "DEFAULT");
    }

    @Test
    void aRosterLeavesEachTargetHoldingExactlyItsMembersWithTheRostersRoles() {
        function.s3().put(BUCKET, KEY, lines(
                room("ann", null), room("bob", ADMINISTRATOR), room("dan", null),
                channel("u1", ADMINISTRATOR, null), channel("u2", null, "HIDDEN"), channel("u4", null, null)));

        SQSBatchResponse response = function.handle(SqsEvents.batch().record(TRIGGER).build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        // ann named without a role is a plain member; cat leaves; ops is protected and stays as it was.
        assertThat(function.chime().members(ACME, ROOM)).isEqualTo(Map.of(
                "ann", MEMBER, "bob", ADMINISTRATOR, "dan", MEMBER, "ops", ADMINISTRATOR));
        // u3 leaves and stops moderating; u5 moderated without being a member; the bearer is never removed.
        assertThat(function.channels().members(CHANNEL)).isEqualTo(Map.of(
                user("u1"), "DEFAULT", user("u2"), "HIDDEN", user("u4"), "DEFAULT", BEARER, "DEFAULT"));
        assertThat(function.channels().moderators(CHANNEL)).containsExactly(user("u1"));
        assertThat(function.context().logged("roster plan")).hasSize(2).allSatisfy(line -> {
            assertThat(line.path("roster").path("Roster").asText()).isEqualTo(URI);
            assertThat(line.path("roster").path("DryRun").asBoolean()).isFalse();
        });
    }

    @Test
    void applyingTheSameRosterAgainMakesNoWriteCall() {
        function.s3().put(BUCKET, KEY, lines(room("ann", ADMINISTRATOR), room("bob", null),
                channel("u1", null, null), channel("u2", null, "HIDDEN")));
        function.handle(SqsEvents.batch().record(TRIGGER).build());
        Map<String, Integer> before = function.chime().callCounts();

        SQSBatchResponse again = function.handle(SqsEvents.batch().record(TRIGGER).build());

        assertThat(failedIds(again)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        // Only the reads of each target's state: the room's listing, the channel's two types and its moderators.
        assertThat(since(before)).isEqualTo(Map.of(ChimeEmulator.LIST_ROOM_MEMBERSHIPS, 1,
                ChannelsApi.LIST_CHANNEL_MEMBERSHIPS, 2, ChannelsApi.LIST_CHANNEL_MODERATORS, 1));
    }

    @Test
    void theBrakeAllowsRemovalsUpToItsPercentageAndHoldsEveryRemovalOfATargetOneOverIt() {
        String full = ROOM.replace("402", "403");
        function.chime().room(ACME, full);
        for (int i = 0; i < 60; i++) {
            function.chime().member(ACME, full, memberOf(i), MEMBER);
        }
        // 10% of 60 members is 6 removals: keeping 54 is at the limit.
        function.s3().put(BUCKET, KEY, lines(IntStream.range(0, 54).mapToObj(i -> room(full, memberOf(i), null))
                .toArray(String[]::new)));
        function.handle(SqsEvents.batch().record(TRIGGER).build());
        assertThat(function.chime().members(ACME, full)).hasSize(54);
        assertThat(function.deadLetters().drain()).isEmpty();

        // 10% of 54 is 5: removing 6 is one over, so none is removed; the new member is still added.
        List<String> keep = new ArrayList<>(IntStream.range(0, 48).mapToObj(i -> room(full, memberOf(i), null))
                .toList());
        keep.add(room(full, "newcomer", null));
        function.s3().put(BUCKET, KEY, lines(keep.toArray(String[]::new)));
        SqsEvents batch = SqsEvents.batch().record(TRIGGER);
        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.chime().members(ACME, full)).hasSize(55).containsKey("newcomer");
        List<Letter> held = function.deadLetters().drain();
        assertThat(held).extracting(Letter::memberId).containsExactlyInAnyOrder(
                IntStream.range(48, 54).mapToObj(RosterApplyTest::memberOf).toArray(String[]::new));
        assertThat(held).allSatisfy(letter -> {
            assertThat(letter.errorCodeAttribute()).isEqualTo("RemovalHeld");
            assertThat(letter.body().path("Action").asText()).isEqualTo("Remove");
            assertThat(letter.body().path("Roster").asText()).isEqualTo(URI);
            assertThat(letter.body().path("SourceMessageId").asText()).isEqualTo(batch.idOf(0));
            assertThat(letter.errorMessage()).contains("would remove 6 of the 54 members")
                    .contains("more than the 5 ROSTER_MAX_REMOVALS allows");
            assertThat(ContractSchemas.deadLetterProblems(letter.rawBody())).isEmpty();
        });

        // An operator who agrees redrives the letters: each is a valid removal.
        SqsEvents redrive = SqsEvents.batch();
        held.forEach(letter -> redrive.record(letter.rawBody()));
        assertThat(failedIds(function.handle(redrive.build()))).isEmpty();
        assertThat(function.chime().members(ACME, full)).hasSize(49).doesNotContainKeys("m48", "m53");
        assertThat(function.deadLetters().drain()).isEmpty();
    }

    @Test
    void anAbsoluteBrakeAllowsExactlyItsCountAndHoldsOneMore() {
        function.redeployWith(Map.of("ROSTER_MAX_REMOVALS", "1"));
        // cat is the only removal: at the limit.
        function.s3().put(BUCKET, KEY, lines(room("ann", ADMINISTRATOR), room("bob", null)));
        function.handle(SqsEvents.batch().record(TRIGGER).build());
        assertThat(function.chime().members(ACME, ROOM)).containsOnlyKeys("ann", "bob", "ops");

        // bob and ann would both go: one over, so both stay; ann's role change is made regardless.
        function.s3().put(BUCKET, KEY, lines(room("dan", ADMINISTRATOR)));
        function.handle(SqsEvents.batch().record(TRIGGER).build());

        assertThat(function.chime().members(ACME, ROOM)).isEqualTo(Map.of(
                "ann", ADMINISTRATOR, "bob", MEMBER, "dan", ADMINISTRATOR, "ops", ADMINISTRATOR));
        assertThat(function.deadLetters().drain()).extracting(Letter::memberId, Letter::errorCode)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("ann", "RemovalHeld"),
                        org.assertj.core.groups.Tuple.tuple("bob", "RemovalHeld"));
        assertThat(function.metrics()).anySatisfy(metric -> assertThat(metric).contains("\"RemovalsHeld\":2"));
    }

    @Test
    void everyKindOfBadRosterChangesNothingAndIsOneLetterNamingIt() {
        Map<String, String> room = function.chime().members(ACME, ROOM);
        Map<String, String> channel = function.channels().members(CHANNEL);
        function.s3().put(BUCKET, "rosters/bad-line.jsonl", lines(room("bob", null), room("cat", "Owner")));
        function.s3().put(BUCKET, "rosters/removes.jsonl", lines(room("bob", null),
                "{\"AccountId\": \"" + ACME + "\", \"RoomId\": \"" + ROOM + "\", \"MemberId\": \"ann\", "
                        + "\"Action\": \"Remove\"}"));
        function.s3().put(BUCKET, "rosters/half-member.jsonl", lines(
                "{\"ChannelArn\": \"" + CHANNEL + "\", \"MemberArns\": [\"" + user("u1") + "\", \"not-an-arn\"]}"));
        SqsEvents batch = SqsEvents.batch()
                .record("{\"Roster\": \"s3://" + BUCKET + "/rosters/missing.jsonl\"}")
                .record("{\"Roster\": \"s3://" + BUCKET + "/rosters/bad-line.jsonl\"}")
                .record("{\"Roster\": \"s3://" + BUCKET + "/rosters/removes.jsonl\"}")
                .record("{\"Roster\": \"s3://" + BUCKET + "/rosters/half-member.jsonl\"}")
                .record("{\"Roster\": \"s3:/" + BUCKET + "\"}");

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.chime().callCounts()).isEmpty();
        assertThat(function.chime().members(ACME, ROOM)).isEqualTo(room);
        assertThat(function.channels().members(CHANNEL)).isEqualTo(channel);
        List<Letter> letters = function.deadLetters().drain();
        assertThat(letters).extracting(Letter::sourceMessageId).containsExactlyInAnyOrder(batch.idOf(0),
                batch.idOf(1), batch.idOf(2), batch.idOf(3), batch.idOf(4));
        Map<String, Letter> bySource = letters.stream().collect(Collectors.toMap(Letter::sourceMessageId, l -> l));
        assertThat(bySource.get(batch.idOf(0)).errorCode()).isEqualTo("NoSuchKey");
        assertThat(bySource.get(batch.idOf(0)).body().path("Roster").asText())
                .isEqualTo("s3://" + BUCKET + "/rosters/missing.jsonl");
        assertThat(bySource.get(batch.idOf(1)).errorCode()).isEqualTo("BadRequest");
        assertThat(bySource.get(batch.idOf(1)).errorMessage()).contains("1 of its 2 lines").contains("line 2");
        assertThat(bySource.get(batch.idOf(2)).errorMessage()).contains("line 2").contains("no Action");
        assertThat(bySource.get(batch.idOf(3)).errorMessage()).contains("line 1");
        assertThat(bySource.get(batch.idOf(4)).errorMessage()).startsWith("Roster must be s3://<bucket>/<key>");
        assertThat(letters).allSatisfy(letter ->
                assertThat(ContractSchemas.deadLetterProblems(letter.rawBody())).isEmpty());
    }

    @Test
    void aRosterLargerThanItsLimitIsRefusedBeforeAnyLineCounts() {
        function.redeployWith(Map.of("ROSTER_MAX_BYTES", "100"));
        function.s3().put(BUCKET, KEY, lines(room("bob", null), room("dan", null)));

        function.handle(SqsEvents.batch().record(TRIGGER).build());

        assertThat(function.deadLetters().drain()).singleElement().satisfies(letter -> {
            assertThat(letter.errorCode()).isEqualTo("BadRequest");
            assertThat(letter.body().path("Roster").asText()).isEqualTo(URI);
        });
        assertThat(function.chime().callCounts()).isEmpty();
    }

    @Test
    void aMemberThatCannotBeAddedIsDeadLetteredInItsRosterLinesFormNamingTheRoster() {
        String stranger = APP_INSTANCE + "/user/nobody-here";
        function.s3().put(BUCKET, KEY, lines(channel("u1", null, null), channel("u2", null, "HIDDEN"),
                "{\"ChannelArn\": \"" + CHANNEL + "\", \"MemberArn\": \"" + stranger + "\", \"Type\": \"HIDDEN\"}"));
        SqsEvents batch = SqsEvents.batch().record(TRIGGER);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).singleElement().satisfies(letter -> {
            assertThat(letter.errorCode()).isEqualTo("NotFound");
            assertThat(letter.body().path("ChannelArn").asText()).isEqualTo(CHANNEL);
            assertThat(letter.body().path("MemberArn").asText()).isEqualTo(stranger);
            assertThat(letter.body().path("Type").asText()).isEqualTo("HIDDEN");
            assertThat(letter.body().path("Role").asText()).isEqualTo(MEMBER);
            assertThat(letter.body().path("Roster").asText()).isEqualTo(URI);
            assertThat(letter.sourceMessageId()).isEqualTo(batch.idOf(0));
            assertThat(ContractSchemas.deadLetterProblems(letter.rawBody())).isEmpty();
        });
        assertThat(function.channels().members(CHANNEL)).containsOnlyKeys(user("u1"), user("u2"), BEARER);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"carried out where it arrived", "dispatched per target"})
    void theRosterOverridesTheBatchsEarlierRequestsAndItsLaterRequestsOverrideTheRoster(String how) {
        String targetQueue = how.startsWith("dispatched") ? dispatching() : null;
        function.s3().put(BUCKET, KEY, lines(room("ann", ADMINISTRATOR), room("bob", null), room("cat", null)));
        SqsEvents batch = SqsEvents.batch()
                .record(SqsEvents.member(ACME, ROOM, "early", MEMBER))
                .record(TRIGGER)
                .record(SqsEvents.member(ACME, ROOM, "late", MEMBER))
                .record("{\"AccountId\": \"" + ACME + "\", \"RoomId\": \"" + ROOM + "\", \"MemberId\": \"cat\", "
                        + "\"Action\": \"Remove\"}");

        SQSBatchResponse response = function.handle(batch.build());
        if (targetQueue != null) {
            for (SQSEvent taken : function.takeBatches(targetQueue)) {
                assertThat(failedIds(function.handle(taken))).isEmpty();
            }
        }

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().members(ACME, ROOM)).isEqualTo(Map.of(
                "ann", ADMINISTRATOR, "bob", MEMBER, "late", MEMBER, "ops", ADMINISTRATOR));
    }

    @Test
    void aRosterAskedForOneTargetReconcilesThatTargetOnly() {
        function.s3().put(BUCKET, KEY, lines(room("ann", null), channel("u1", null, null)));
        Map<String, String> room = function.chime().members(ACME, ROOM);

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record("{\"Roster\": \"" + URI + "\", \"ChannelArn\": \"" + CHANNEL + "\"}").build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.channels().members(CHANNEL)).isEqualTo(Map.of(user("u1"), "DEFAULT", BEARER, "DEFAULT"));
        assertThat(function.chime().members(ACME, ROOM)).isEqualTo(room);
    }

    @Test
    void aRosterAskedForATargetItCannotNameIsRefusedSayingHow() {
        function.s3().put(BUCKET, KEY, lines(room("ann", null)));
        SqsEvents batch = SqsEvents.batch()
                .record("{\"Roster\": \"" + URI + "\", \"ChannelArn\": \"not-a-channel\"}");

        function.handle(batch.build());

        assertThat(function.deadLetters().drain()).singleElement().satisfies(letter -> {
            assertThat(letter.errorCode()).isEqualTo("BadRequest");
            assertThat(letter.errorMessage()).startsWith("a roster applied to one target names it with a ChannelArn");
        });
        assertThat(function.chime().callCounts()).isEmpty();
    }

    @Test
    void aRosterCutOffByTheDeadlineGoesBackToSqsAndFinishesOnTheNextReceive() {
        function.s3().put(BUCKET, KEY, lines(room("ann", null), room("bob", ADMINISTRATOR), room("dan", null),
                room("eve", null), channel("u1", ADMINISTRATOR, null), channel("u4", null, null)));
        function.chime().latency(Duration.ofMillis(400));

        SqsEvents first = SqsEvents.batch().record(TRIGGER, 1);
        SQSBatchResponse cut = function.handle(first.build(), TestContext.withDeadlineIn(2_200));

        assertThat(failedIds(cut)).containsExactly(first.idOf(0));
        assertThat(function.deadLetters().drain()).isEmpty();

        function.chime().latency(Duration.ZERO);
        SQSBatchResponse next = function.handle(SqsEvents.batch().record(TRIGGER, 2).build(),
                TestContext.withMinutesLeft(1));

        assertThat(failedIds(next)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().members(ACME, ROOM)).isEqualTo(Map.of(
                "ann", MEMBER, "bob", ADMINISTRATOR, "dan", MEMBER, "eve", MEMBER, "ops", ADMINISTRATOR));
        assertThat(function.channels().members(CHANNEL)).isEqualTo(Map.of(
                user("u1"), "DEFAULT", user("u4"), "DEFAULT", BEARER, "DEFAULT"));
        assertThat(function.channels().moderators(CHANNEL)).containsExactly(user("u1"));
    }

    @Test
    void aRosterOfTenThousandTakesAFullChannelsJoinersOnceItsLeaversAreGone() {
        String full = APP_INSTANCE + "/channel/full";
        ChannelsApi channels = function.channels().channel(full);
        for (int i = 0; i < ChannelsApi.MAX_MEMBERS_PER_CHANNEL; i++) {
            channels.user(user("m" + i)).member(full, user("m" + i), "DEFAULT");
        }
        StringBuilder roster = new StringBuilder();
        // 100 leave, 100 join: the channel stays at its limit of 10,000.
        for (int i = 100; i < ChannelsApi.MAX_MEMBERS_PER_CHANNEL; i++) {
            roster.append("{\"ChannelArn\": \"").append(full).append("\", \"MemberArn\": \"").append(user("m" + i))
                    .append("\"}\n");
        }
        for (int i = 0; i < 100; i++) {
            channels.user(user("n" + i));
            roster.append("{\"ChannelArn\": \"").append(full).append("\", \"MemberArn\": \"").append(user("n" + i))
                    .append("\"}\n");
        }
        function.s3().put(BUCKET, KEY, roster.toString());

        SQSBatchResponse response = function.handle(SqsEvents.batch().record(TRIGGER).build());

        assertThat(failedIds(response)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        Map<String, String> members = function.channels().members(full);
        assertThat(members).hasSize(ChannelsApi.MAX_MEMBERS_PER_CHANNEL).containsKeys(user("n0"), user("n99"))
                .doesNotContainKeys(user("m0"), user("m99"));
    }

    @Test
    void dispatchedPerTargetARosterEndsTheSameAndItsLettersStillNameIt() {
        String stranger = APP_INSTANCE + "/user/nobody-here";
        function.s3().put(BUCKET, KEY, lines(room("ann", null), room("bob", ADMINISTRATOR), room("dan", null),
                channel("u1", ADMINISTRATOR, null), channel("u2", null, "HIDDEN"), channel("u4", null, null),
                "{\"ChannelArn\": \"" + CHANNEL + "\", \"MemberArn\": \"" + stranger + "\"}"));
        String targetQueue = dispatching();

        SQSBatchResponse dispatched = function.handle(SqsEvents.batch().record(TRIGGER).build());

        assertThat(failedIds(dispatched)).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        // The roster is read whole where it arrives, and handed on target by target: no Chime call yet.
        assertThat(function.chime().callCounts()).isEmpty();
        List<SQSEvent> batches = function.takeBatches(targetQueue);
        assertThat(batches.stream().flatMap(batch -> batch.getRecords().stream()).map(SQSEvent.SQSMessage::getBody))
                .containsExactlyInAnyOrder(
                        "{\"Roster\":\"" + URI + "\",\"AccountId\":\"" + ACME + "\",\"RoomId\":\"" + ROOM + "\"}",
                        "{\"Roster\":\"" + URI + "\",\"ChannelArn\":\"" + CHANNEL + "\"}");
        for (SQSEvent batch : batches) {
            assertThat(failedIds(function.handle(batch))).isEmpty();
        }
        assertThat(function.chime().members(ACME, ROOM)).isEqualTo(Map.of(
                "ann", MEMBER, "bob", ADMINISTRATOR, "dan", MEMBER, "ops", ADMINISTRATOR));
        assertThat(function.channels().members(CHANNEL)).isEqualTo(Map.of(
                user("u1"), "DEFAULT", user("u2"), "HIDDEN", user("u4"), "DEFAULT", BEARER, "DEFAULT"));
        assertThat(function.channels().moderators(CHANNEL)).containsExactly(user("u1"));
        assertThat(function.deadLetters().drain()).singleElement().satisfies(letter -> {
            assertThat(letter.body().path("MemberArn").asText()).isEqualTo(stranger);
            assertThat(letter.errorCode()).isEqualTo("NotFound");
            assertThat(letter.body().path("Roster").asText()).isEqualTo(URI);
        });
    }

    /** Redeploys with a target queue, whose URL it gives. */
    private static String dispatching() {
        String targetQueue = function.newTargetQueue();
        function.redeployWith(Map.of(Configuration.TARGET_QUEUE_URL, targetQueue));
        return targetQueue;
    }

    private static Map<String, Integer> since(Map<String, Integer> before) {
        Map<String, Integer> counts = new LinkedHashMap<>(function.chime().callCounts());
        before.forEach((operation, count) -> counts.computeIfPresent(operation, (o, now) -> now - count));
        counts.values().removeIf(count -> count == 0);
        return new HashMap<>(counts);
    }

    private static String memberOf(int i) {
        return String.format("m%02d", i);
    }

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    private static String room(String memberId, String role) {
        return room(ROOM, memberId, role);
    }

    private static String room(String roomId, String memberId, String role) {
        return "{\"AccountId\": \"" + ACME + "\", \"RoomId\": \"" + roomId + "\", \"MemberId\": \"" + memberId + "\""
                + (role == null ? "" : ", \"Role\": \"" + role + "\"") + "}";
    }

    private static String channel(String userId, String role, String type) {
        return "{\"ChannelArn\": \"" + CHANNEL + "\", \"MemberArn\": \"" + user(userId) + "\""
                + (role == null ? "" : ", \"Role\": \"" + role + "\"")
                + (type == null ? "" : ", \"Type\": \"" + type + "\"") + "}";
    }

    private static String user(String id) {
        return APP_INSTANCE + "/user/" + id;
    }


}

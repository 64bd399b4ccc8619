package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import roommembership.emulator.ChimeEmulator;
import roommembership.emulator.ChimeEmulator.Fault;
import roommembership.emulator.ChimeEmulator.RecordedCall;
import roommembership.testing.DeadLetterQueue.Letter;
import roommembership.testing.SqsEvents;
import roommembership.testing.SqsFaultProxy;
import roommembership.testing.TestClients;
import roommembership.testing.TestContext;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static roommembership.handler.FunctionUnderTest.failedIds;
import static roommembership.testing.DeadLetterQueue.letterBody;
import static roommembership.testing.Directory.ACME;
import static roommembership.testing.Directory.ENGINEERING;
import static roommembership.testing.Directory.LEADERSHIP;
import static roommembership.testing.Directory.SALES;
import static roommembership.testing.SqsEvents.ids;
import static roommembership.testing.SqsEvents.member;
import static roommembership.testing.SqsEvents.members;

/** The function's contract, rule by rule, through the real SDK clients against the Chime emulator and ElasticMQ. */
class RoomMembershipHandlerTest {
    @RegisterExtension
    static final FunctionUnderTest function = FunctionUnderTest.forRooms();

    @Test
    void theStreamEntryPointLambdaCallsReadsTheEventJsonAndAnswersInLambdasShape() throws Exception {
        java.io.ByteArrayOutputStream response = new java.io.ByteArrayOutputStream();

        try (var event = java.nio.file.Files.newInputStream(java.nio.file.Path.of("events/hr-batch.json"))) {
            function.handler().handleRequest(event, response, function.context());
        }

        assertThat(response.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(callSizesPerRoom()).containsOnly(
                Map.entry(ENGINEERING, List.of(50, 50, 21)),
                Map.entry(SALES, List.of(11)),
                Map.entry(LEADERSHIP, List.of(5)));
        assertThat(function.chime().members(ACME, ENGINEERING)).hasSize(120);
        assertThat(function.deadLetters().drain()).extracting(Letter::memberId, Letter::errorCode)
                .containsExactlyInAnyOrder(tuple("contractor-901", "NotFound"), tuple("contractor-902", "NotFound"));
    }

    @Test
    void hrBatchAddsEveryMemberPerRoomInChunksOfFiftyAndDeadLettersUnknownUsers() {
        SQSEvent event = EventLoader.loadSQSEvent("events/hr-batch.json");

        SQSBatchResponse response = function.handle(event);

        assertThat(response.getBatchItemFailures()).isEmpty();
        // Rule 2: engineering has 121 distinct members across four records: ⌈121/50⌉ = 3 calls; sales 1; leadership 1.
        assertThat(callSizesPerRoom()).containsOnly(
                Map.entry(ENGINEERING, List.of(50, 50, 21)),
                Map.entry(SALES, List.of(11)),
                Map.entry(LEADERSHIP, List.of(5)));
        // Rule 1: eng-010 was asked as Member, then as Administrator by a later record; the later record decides.
        // Conflict: eng-001 was already an Administrator, and asked for without a role, stays one.
        assertThat(function.chime().members(ACME, ENGINEERING)).isEqualTo(
                roomOf(ids("eng", 1, 120), "eng-001", "eng-010"));
        assertThat(function.chime().members(ACME, SALES)).isEqualTo(
                roomOf(ids("sales", 1, 10), "sales-001", "sales-003"));
        assertThat(function.chime().members(ACME, LEADERSHIP)).containsOnly(
                Map.entry("lead-001", "Administrator"), Map.entry("lead-002", "Member"),
                Map.entry("lead-003", "Member"), Map.entry("lead-004", "Member"), Map.entry("lead-005", "Member"));
        // Rule 3 and the dead-letter contract: one record per failed member, itself a valid request.
        assertThat(function.deadLetters().drain())
                .extracting(Letter::memberId, Letter::errorCode, Letter::errorCodeAttribute, Letter::sourceMessageId,
                        letter -> letter.body().path("RoomId").asText())
                .containsExactlyInAnyOrder(
                        tuple("contractor-901", "NotFound", "NotFound", event.getRecords().get(2).getMessageId(),
                                ENGINEERING),
                        tuple("contractor-902", "NotFound", "NotFound", event.getRecords().get(5).getMessageId(),
                                SALES));
        // Rule 10: one summary line.
        assertThat(function.context().logLines()).singleElement()
                .extracting(RoomMembershipHandlerTest::summaryFigures).isEqualTo(Map.of("records", 8, "rooms", 3,
                        "calls", 5, "added", 133, "alreadyMembers", 2, "deadLettered", 2,
                        "deadLetteredByErrorCode", Map.of("NotFound", 2), "recordsRetried", 0));
        assertThat(summaryOf(function.context()).path("durationMs").isIntegralNumber()).isTrue();
    }

    @Test
    void deadLetterRecordIsAValidRequestWithEveryContractField() {
        SqsEvents batch = SqsEvents.batch().record(member(ACME, SALES, "nobody-001", "Administrator"));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).singleElement().satisfies(letter -> {
            assertThat(letter.bodyBesidesFailedAt()).isEqualTo(letterBody("""
                    {"AccountId": "%s", "RoomId": "%s",
                     "MembershipItemList": [{"MemberId": "nobody-001", "Role": "Administrator"}],
                     "ErrorCode": "NotFound", "ErrorMessage": "The member nobody-001 is not found in account %s.",
                     "SourceMessageId": "%s"}
                    """.formatted(ACME, SALES, ACME, batch.idOf(0))));
            assertThat(letter.errorCodeAttribute()).isEqualTo("NotFound");
            assertThat(letter.body().path("FailedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        });
        assertThat(function.chime().members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator"));
    }

    @Test
    void memberAskedByTwoRecordsIsSentOnceAndItsFailureIsDeadLetteredForEachRecord() {
        SqsEvents batch = SqsEvents.batch()
                .record(member(ACME, SALES, "ghost-1", "Member"))
                .record(members(ACME, SALES, List.of("sales-015", "ghost-1")));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.chime().calls()).singleElement()
                .extracting(RecordedCall::memberIds).isEqualTo(List.of("ghost-1", "sales-015"));
        assertThat(function.deadLetters().drain()).extracting(Letter::memberId, Letter::sourceMessageId)
                .containsExactlyInAnyOrder(tuple("ghost-1", batch.idOf(0)), tuple("ghost-1", batch.idOf(1)));
    }

    @Test
    void chunksCallsForDifferentRoomsConcurrentlyUpToTheLimit() {
        Map<String, String> settings = Map.of("CHIME_MAX_CONCURRENCY", "3");
        function.redeployWith(settings);
        function.chime().latency(Duration.ofMillis(300));
        SqsEvents batch = SqsEvents.batch();
        for (int room = 1; room <= 6; room++) {
            function.chime().room(ACME, "room-" + room);
            batch.record(members(ACME, "room-" + room, ids("eng", 1, 60)));
        }

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.chime().calls()).hasSize(12)
                .allSatisfy(call -> assertThat(call.items()).hasSizeLessThanOrEqualTo(50));
        assertThat(function.chime().maxConcurrentCalls()).isEqualTo(3);
        for (int room = 1; room <= 6; room++) {
            assertThat(function.chime().members(ACME, "room-" + room)).hasSize(60);
        }
    }

    @Test
    void conflictMeansAlreadyAMemberAndIsNotDeadLettered() {
        function.handle(SqsEvents.batch()
                .record(members(ACME, ENGINEERING, List.of("eng-001", "eng-002"))).build());

        assertThat(function.deadLetters().drain()).isEmpty();
        // eng-001 was asked for as a Member, and desired state makes the Administrator one.
        assertThat(function.chime().members(ACME, ENGINEERING)).isEqualTo(Map.of("eng-001", "Member",
                "eng-002", "Member"));
        assertThat(summaryFigures(function.context().logLines().get(0))).containsAllEntriesOf(
                Map.of("added", 1, "alreadyMembers", 1, "deadLettered", 0));
    }

    @ParameterizedTest
    @CsvSource({"Throttled", "Throttling", "ServiceUnavailable", "ServiceFailure"})
    void transientMemberCodeIsRetriedWithinTheInvocationUntilItSucceeds(String code) {
        function.chime().failMember("eng-005", code, 2);

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(members(ACME, ENGINEERING, ids("eng", 4, 6))).build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().calls()).extracting(RecordedCall::memberIds).containsExactly(
                List.of("eng-004", "eng-005", "eng-006"), List.of("eng-005"), List.of("eng-005"));
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 3));
        assertThat(function.chime().members(ACME, ENGINEERING))
                .isEqualTo(roomOf(List.of("eng-001", "eng-004", "eng-005", "eng-006"), "eng-001"));
    }

    @Test
    void transientMemberFailureHandsTheRecordBackToSqsWhileReceivesRemain() {
        function.chime().failMember("eng-005", "Throttled", Integer.MAX_VALUE);
        SqsEvents batch = SqsEvents.batch()
                .record(members(ACME, ENGINEERING, ids("eng", 4, 6)), 4)
                .record(member(ACME, SALES, "sales-020", "Member"), 4);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).containsExactly(batch.idOf(0));
        // The three attempts at eng-005, the first with its room's other members; no read before the last receive.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 4));
        assertThat(function.chime().calls()).filteredOn(call -> call.memberIds().contains("eng-005"))
                .extracting(RecordedCall::memberIds).containsExactly(ids("eng", 4, 6), List.of("eng-005"),
                        List.of("eng-005"));
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().members(ACME, ENGINEERING)).isEqualTo(Map.of("eng-001", "Administrator",
                "eng-004", "Member", "eng-006", "Member"));
        assertThat(function.chime().members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator",
                "sales-020", "Member"));
    }

    @Test
    void transientMemberFailureOnTheLastReceiveIsDeadLetteredWithTheLastCode() {
        function.chime().failMember("eng-005", "ServiceUnavailable", Integer.MAX_VALUE);
        SqsEvents batch = SqsEvents.batch().record(members(ACME, ENGINEERING, ids("eng", 4, 6)), 5);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain())
                .extracting(Letter::memberId, Letter::errorCode, Letter::sourceMessageId)
                .containsExactly(tuple("eng-005", "ServiceUnavailable", batch.idOf(0)));
    }

    @Test
    void onTheLastReceiveAMemberAddedByACallWhoseAnswerWasLostIsFoundInTheRoomAndNotDeadLettered() {
        // Chime applies the call, then the connection drops mid-response, on all three of the SDK's attempts.
        function.chime().failNextCalls(3, ChimeEmulator.Fault.RESET_MID_RESPONSE);
        SqsEvents batch = SqsEvents.batch().record(members(ACME, ENGINEERING, ids("eng", 4, 6)), 5);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().members(ACME, ENGINEERING)).isEqualTo(Map.of("eng-001", "Administrator",
                "eng-004", "Member", "eng-005", "Member", "eng-006", "Member"));
        // One read finds the three there; as they may have been there before with another role, a second learns roles.
        assertThat(function.chime().callCounts())
                .isEqualTo(Map.of(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 3, ChimeEmulator.LIST_ROOM_MEMBERSHIPS, 2));
        assertThat(function.chime().calls(ChimeEmulator.LIST_ROOM_MEMBERSHIPS)).extracting(RecordedCall::roomId)
                .containsExactly(ENGINEERING, ENGINEERING);
    }

    @Test
    void onTheLastReceiveARoomThatCannotBeReadAfterALostAnswerSendsTheRecordBackInsteadOfGuessing() {
        function.chime().failNextCalls(3, ChimeEmulator.Fault.RESET_MID_RESPONSE);
        function.chime().failNextCalls(3, ChimeEmulator.Fault.SERVICE_UNAVAILABLE);
        SqsEvents batch = SqsEvents.batch().record(members(ACME, ENGINEERING, ids("eng", 4, 6)), 5);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(function.deadLetters().drain()).isEmpty();
        // The add took effect though none of the SDK's three attempts was answered; the read failed on all three.
        assertThat(function.chime().callCounts())
                .isEqualTo(Map.of(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 3, ChimeEmulator.LIST_ROOM_MEMBERSHIPS, 3));
        assertThat(function.chime().calls()).extracting(RecordedCall::roomId, RecordedCall::memberIds)
                .containsExactly(tuple(ENGINEERING, ids("eng", 4, 6)), tuple(ENGINEERING, ids("eng", 4, 6)),
                        tuple(ENGINEERING, ids("eng", 4, 6)));
        assertThat(function.chime().calls(ChimeEmulator.LIST_ROOM_MEMBERSHIPS))
                .extracting(RecordedCall::roomId, RecordedCall::status)
                .containsExactly(tuple(ENGINEERING, 503), tuple(ENGINEERING, 503), tuple(ENGINEERING, 503));
        assertThat(function.chime().members(ACME, ENGINEERING)).isEqualTo(Map.of("eng-001", "Administrator",
                "eng-004", "Member", "eng-005", "Member", "eng-006", "Member"));
    }

    @Test
    void beforeTheLastReceiveALostAnswerIsLeftToSqsWithoutReadingTheRoom() {
        function.chime().failNextCalls(3, ChimeEmulator.Fault.RESET_MID_RESPONSE);
        SqsEvents batch = SqsEvents.batch().record(members(ACME, ENGINEERING, ids("eng", 4, 6)), 1);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 3));
        assertThat(function.deadLetters().drain()).isEmpty();
        // The add took effect all the same; the redelivery will find its members there.
        assertThat(function.chime().members(ACME, ENGINEERING)).isEqualTo(Map.of("eng-001", "Administrator",
                "eng-004", "Member", "eng-005", "Member", "eng-006", "Member"));
    }

    @Test
    void recordWithATransientFailureHoldsBackItsOtherDeadLettersUntilItIsSettled() {
        function.chime().failMember("eng-005", "Throttled", Integer.MAX_VALUE);
        String body = members(ACME, ENGINEERING, List.of("eng-005", "ghost-7", "eng-006"));

        SqsEvents first = SqsEvents.batch().record(body, 1);
        SQSBatchResponse early = function.handle(first.build());

        assertThat(failedIds(early)).containsExactly(first.idOf(0));
        assertThat(function.deadLetters().drain()).isEmpty();

        SQSBatchResponse last = function.handle(SqsEvents.batch().record(body, 5).build());

        assertThat(last.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).extracting(Letter::memberId, Letter::errorCode)
                .containsExactlyInAnyOrder(tuple("eng-005", "Throttled"), tuple("ghost-7", "NotFound"));
        assertThat(function.chime().members(ACME, ENGINEERING)).containsOnlyKeys("eng-001", "eng-006");
    }

    @Test
    void aCallWhoseRateSlotWouldComeTooCloseToTheDeadlineIsNotStartedAndItsRecordGoesBack() {
        // One call a second: the second room's slot is a second away, past the one-second safety margin. One call at a
        // time, so the first room's call is the one that takes the first slot.
        function.redeployWith(Map.of("CHIME_MAX_TPS", "1", "CHIME_MAX_CONCURRENCY", "1"));
        SqsEvents batch = SqsEvents.batch()
                .record(member(ACME, ENGINEERING, "eng-010", "Member"))
                .record(member(ACME, SALES, "sales-010", "Member"));

        SQSBatchResponse response = function.handle(batch.build(), TestContext.withDeadlineIn(1_500));

        assertThat(failedIds(response)).containsExactly(batch.idOf(1));
        assertThat(function.chime().calls()).extracting(RecordedCall::roomId).containsExactly(ENGINEERING);
        assertThat(function.deadLetters().drain()).isEmpty();
    }

    @Test
    void callsBeyondTheBurstWaitForTheirSlot() {
        function.redeployWith(Map.of("CHIME_MAX_TPS", "2"));
        SqsEvents batch = SqsEvents.batch()
                .record(member(ACME, ENGINEERING, "eng-010", "Member"))
                .record(member(ACME, SALES, "sales-010", "Member"))
                .record(member(ACME, LEADERSHIP, "lead-002", "Member"));

        long started = System.nanoTime();
        SQSBatchResponse response = function.handle(batch.build());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.chime().calls()).hasSize(3);
        // Two a second with a burst of two: the third call cannot start before half a second has passed.
        assertThat(tookMillis).isGreaterThanOrEqualTo(490);
    }

    @Test
    void maxReceiveCountIsConfigurable() {
        function.redeployWith(Map.of("MAX_RECEIVE_COUNT", "2"));
        function.chime().failMember("eng-005", "Throttled", Integer.MAX_VALUE);

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(member(ACME, ENGINEERING, "eng-005", "Member"), 2).build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).extracting(Letter::memberId, Letter::errorCode)
                .containsExactly(tuple("eng-005", "Throttled"));
    }

    @ParameterizedTest
    @CsvSource({"Forbidden", "NotFound", "BadRequest", "Unprocessable", "ResourceLimitExceeded", "AccessDenied"})
    void permanentMemberCodeIsDeadLetteredWithThatCodeWithoutRetry(String code) {
        function.chime().failMember("eng-005", code, Integer.MAX_VALUE);

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(members(ACME, ENGINEERING, ids("eng", 4, 6))).build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.chime().calls()).hasSize(1);
        assertThat(function.deadLetters().drain())
                .extracting(Letter::memberId, Letter::errorCode, Letter::errorCodeAttribute)
                .containsExactly(tuple("eng-005", code, code));
        assertThat(function.chime().members(ACME, ENGINEERING))
                .isEqualTo(roomOf(List.of("eng-001", "eng-004", "eng-006"), "eng-001"));
    }

    @ParameterizedTest
    @CsvSource({"NOT_FOUND, NotFound", "BAD_REQUEST, BadRequest", "FORBIDDEN, Forbidden",
            "UNAUTHORIZED, Unauthorized"})
    void permanentWholeCallFailureDeadLettersEveryMemberOfTheChunk(Fault fault, String code) {
        function.chime().failNextCalls(1, fault);
        SqsEvents batch = SqsEvents.batch()
                .record(members(ACME, ENGINEERING, ids("eng", 2, 3)))
                .record(member(ACME, ENGINEERING, "eng-004", "Administrator"));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.chime().calls()).hasSize(1);
        assertThat(function.deadLetters().drain())
                .extracting(Letter::memberId, Letter::errorCode, Letter::sourceMessageId)
                .containsExactlyInAnyOrder(tuple("eng-002", code, batch.idOf(0)), tuple("eng-003", code, batch.idOf(0)),
                        tuple("eng-004", code, batch.idOf(1)));
        assertThat(function.chime().members(ACME, ENGINEERING)).isEqualTo(Map.of("eng-001", "Administrator"));
    }

    @Test
    void unknownRoomIsNotFoundForEveryMemberAndOtherRoomsGoOn() {
        SqsEvents batch = SqsEvents.batch()
                .record(members(ACME, "no-such-room", List.of("eng-002", "eng-003")))
                .record(member(ACME, SALES, "sales-020", "Member"));

        function.handle(batch.build());

        assertThat(function.deadLetters().drain()).extracting(Letter::memberId, Letter::errorCode)
                .containsExactlyInAnyOrder(tuple("eng-002", "NotFound"), tuple("eng-003", "NotFound"));
        assertThat(function.chime().members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator",
                "sales-020", "Member"));
    }

    @ParameterizedTest
    @CsvSource({"THROTTLED, Throttled", "SERVICE_UNAVAILABLE, ServiceUnavailable",
            "SERVICE_FAILURE, ServiceFailure", "CONNECTION_RESET, ServiceUnavailable"})
    void transientWholeCallFailureIsRetriedByTheClientThenLeftToSqs(Fault fault, String code) {
        function.chime().failNextCalls(3, fault);
        SqsEvents batch = SqsEvents.batch().record(members(ACME, ENGINEERING, ids("eng", 2, 3)));

        SQSBatchResponse first = function.handle(batch.build());

        assertThat(function.chime().calls()).hasSize(3);
        assertThat(failedIds(first)).containsExactly(batch.idOf(0));
        assertThat(function.deadLetters().drain()).isEmpty();

        function.chime().failNextCalls(3, fault);
        SqsEvents lastReceive = SqsEvents.batch().record(members(ACME, ENGINEERING, ids("eng", 2, 3)), 5);
        SQSBatchResponse last = function.handle(lastReceive.build());

        assertThat(last.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).extracting(Letter::memberId, Letter::errorCode)
                .containsExactlyInAnyOrder(tuple("eng-002", code), tuple("eng-003", code));
    }

    @Test
    void clientRetriesWholeCallsSoTwoThrottlesInARowStillSucceed() {
        function.chime().failNextCalls(2, Fault.THROTTLED);

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(members(ACME, ENGINEERING, ids("eng", 2, 3))).build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.chime().calls()).extracting(RecordedCall::status).containsExactly(429, 429, 201);
        assertThat(function.chime().members(ACME, ENGINEERING))
                .isEqualTo(roomOf(List.of("eng-001", "eng-002", "eng-003"), "eng-001"));
    }

    @Test
    void deadLetterThatCannotBeSentHandsItsRecordBackToSqs() {
        function.redeployWith(Map.of("DEAD_LETTER_QUEUE_URL", function.deadLetters().url() + "-gone"));
        SqsEvents batch = SqsEvents.batch()
                .record(member(ACME, SALES, "ghost-1", "Member"))
                .record("not json")
                .record(member(ACME, SALES, "sales-020", "Member"));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).containsExactly(batch.idOf(0), batch.idOf(1));
        assertThat(function.chime().members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator",
                "sales-020", "Member"));
    }

    @Test
    void aSlowFailedMemberQueueIsGivenUpBeforeTheDeadlineAndTheRecordGoesBack() {
        try (SqsFaultProxy proxy = SqsFaultProxy.start(function.sqsEndpoint());
             SqsClient throughProxy = TestClients.sqs(proxy.endpoint())) {
            proxy.delaySends(Duration.ofSeconds(60));
            function.redeployWith(Map.of("DEADLINE_SAFETY_MARGIN_MS", "2000"), throughProxy);
            SqsEvents batch = SqsEvents.batch()
                    .record(member(ACME, SALES, "ghost-1", "Member"))
                    .record(member(ACME, SALES, "sales-020", "Member"));
            TestContext shortInvocation = TestContext.withDeadlineIn(4_000);

            SQSBatchResponse response = function.handle(batch.build(), shortInvocation);

            // The send may use the time left but a quarter of the 2 s margin: it is cut short, not waited for.
            assertThat(shortInvocation.getRemainingTimeInMillis()).isPositive();
            assertThat(failedIds(response)).containsExactly(batch.idOf(0));
            assertThat(function.chime().members(ACME, SALES)).containsKey("sales-020");
        }
    }

    @Test
    void fifoFailureAlsoFailsEveryLaterRecordOfTheSameMessageGroup() {
        SQSEvent event = EventLoader.loadSQSEvent("events/fifo-batch.json");
        function.chime().failMember("eng-122", "Throttled", Integer.MAX_VALUE);

        SQSBatchResponse response = function.handle(event);

        // Records: 0 eng-121, 1 sales-021, 2 eng-122 (fails), 3 sales-022, 4 eng-123: group team-eng from 2 on.
        List<String> ids = event.getRecords().stream().map(SQSEvent.SQSMessage::getMessageId).toList();
        assertThat(failedIds(response)).containsExactly(ids.get(2), ids.get(4));
        assertThat(function.deadLetters().drain()).isEmpty();
        // eng-123 was added all the same: its record goes back only to keep its group's order.
        assertThat(function.chime().members(ACME, ENGINEERING))
                .isEqualTo(roomOf(List.of("eng-001", "eng-121", "eng-123"), "eng-001"));
        assertThat(function.chime().members(ACME, SALES))
                .isEqualTo(roomOf(List.of("sales-001", "sales-021", "sales-022"), "sales-001"));
    }

    @Test
    void standardQueueFailureDoesNotSpreadToOtherRecords() {
        function.chime().failMember("eng-122", "Throttled", Integer.MAX_VALUE);
        SqsEvents batch = SqsEvents.batch()
                .record(member(ACME, ENGINEERING, "eng-122", "Member"))
                .record(member(ACME, ENGINEERING, "eng-123", "Member"));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().members(ACME, ENGINEERING))
                .isEqualTo(roomOf(List.of("eng-001", "eng-123"), "eng-001"));
    }

    @Test
    void noCallStartsWhenTheInvocationIsOutOfTimeAndRecordsGoBackToSqs() {
        SqsEvents batch = SqsEvents.batch()
                .record(member(ACME, SALES, "sales-020", "Member"))
                .record("{\"RoomId\":\"x\"}");

        SQSBatchResponse response = function.handle(batch.build(), TestContext.withDeadlineIn(500));

        assertThat(function.chime().callCounts()).isEmpty();
        assertThat(failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(function.deadLetters().drain()).extracting(Letter::bodyBesidesFailedAt).containsExactly(letterBody("""
                {"ErrorCode": "BadRequest", "ErrorMessage": "AccountId is missing or blank",
                 "SourceMessageId": "%s", "Body": "{\\"RoomId\\":\\"x\\"}"}
                """.formatted(batch.idOf(1))));
        assertThat(function.chime().members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator"));
    }

    @Test
    void callsStopStartingOnceTheSafetyMarginIsReached() {
        function.redeployWith(Map.of("CHIME_MAX_CONCURRENCY", "1", "DEADLINE_SAFETY_MARGIN_MS", "4000"));
        function.chime().latency(Duration.ofMillis(2_000));
        SqsEvents batch = SqsEvents.batch()
                .record(member(ACME, SALES, "sales-020", "Member"))
                .record(member(ACME, LEADERSHIP, "lead-001", "Member"));

        // 4 s margin: the first call starts with about 5.5 s left and may take 3.5 s of it; after its 2 s, about
        // 3.5 s are left, below the margin, so the second call never starts.
        SQSBatchResponse response = function.handle(batch.build(), TestContext.withDeadlineIn(5_500));

        assertThat(function.chime().callCounts()).isEqualTo(Map.of(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 1));
        assertThat(function.chime().members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator",
                "sales-020", "Member"));
        assertThat(function.chime().members(ACME, LEADERSHIP)).isEmpty();
        assertThat(failedIds(response)).containsExactly(batch.idOf(1));
        assertThat(function.deadLetters().drain()).isEmpty();
    }

    @Test
    void aStartedCallIsCutShortRatherThanRunPastTheDeadline() {
        function.redeployWith(Map.of("DEADLINE_SAFETY_MARGIN_MS", "2000"));
        function.chime().latency(Duration.ofSeconds(10));
        SqsEvents batch = SqsEvents.batch().record(member(ACME, SALES, "sales-020", "Member"));
        TestContext shortInvocation = TestContext.withDeadlineIn(3_000);

        SQSBatchResponse response = function.handle(batch.build(), shortInvocation);

        // 2 s margin: the call starts with about 3 s left and may use all but 1 s of it, not the 10 s it would take.
        assertThat(function.chime().calls()).hasSize(1);
        assertThat(shortInvocation.getRemainingTimeInMillis()).isPositive();
        assertThat(failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(function.deadLetters().drain()).isEmpty();
    }

    @Test
    void malformedRecordsAreDeadLetteredOnceEachAndNeverBlockTheRest() {
        SQSEvent event = EventLoader.loadSQSEvent("events/malformed-records.json");
        List<String> ids = event.getRecords().stream().map(SQSEvent.SQSMessage::getMessageId).toList();

        SQSBatchResponse response = function.handle(event);

        assertThat(response.getBatchItemFailures()).isEmpty();
        Map<String, List<Letter>> bySource = function.deadLetters().drain().stream()
                .collect(Collectors.groupingBy(Letter::sourceMessageId));
        assertThat(bySource.get(ids.get(0))).singleElement().satisfies(letter -> {
            assertThat(letter.errorCode()).isEqualTo("BadRequest");
            assertThat(letter.body().path("ErrorMessage").asText()).startsWith("body is not valid JSON");
            assertThat(letter.body().path("Body").asText()).isEqualTo("name=eng-200&room=engineering");
        });
        assertThat(message(bySource, ids.get(1))).isEqualTo("body is not a JSON object");
        assertThat(message(bySource, ids.get(2))).isEqualTo("AccountId is missing or blank");
        assertThat(message(bySource, ids.get(3)))
                .isEqualTo("no members: give a non-empty MembershipItemList or a MemberId");
        assertThat(bySource.get(ids.get(4))).extracting(Letter::memberId,
                        letter -> letter.body().path("MembershipItemList").path(0).path("Role").asText(null),
                        letter -> letter.body().path("ErrorMessage").asText())
                .containsExactlyInAnyOrder(
                        tuple("sales-012", "Owner", "Role must be Administrator or Member, not 'Owner'"),
                        tuple("   ", null, "MemberId is missing or blank"));
        assertThat(bySource).containsOnlyKeys(ids.subList(0, 5));
        assertThat(function.chime().members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator",
                "sales-013", "Member"));
        // Fields the contract does not name are ignored: the record with a Ticket is carried out.
        assertThat(function.chime().members(ACME, LEADERSHIP)).isEqualTo(Map.of("lead-003", "Administrator"));
    }

    @ParameterizedTest
    @Event(value = "events/sns-wrapped.json", type = SQSEvent.class)
    void snsNotificationIsUnwrappedToTheRequestInItsMessage(SQSEvent event) {
        SQSBatchResponse response = function.handle(event);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.chime().members(ACME, LEADERSHIP)).isEqualTo(Map.of("lead-001", "Member",
                "lead-002", "Member"));
        assertThat(function.chime().members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator",
                "sales-020", "Member"));
        assertThat(function.deadLetters().drain()).isEmpty();
    }

    @Test
    void emptyBatchMakesNoCallsAndReportsNothing() {
        SQSBatchResponse response = function.handle(SqsEvents.batch().build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.chime().calls()).isEmpty();
        assertThat(function.context().logLines()).singleElement().extracting(RoomMembershipHandlerTest::summaryFigures)
                .satisfies(figures -> assertThat(figures).containsAllEntriesOf(
                        Map.of("records", 0, "rooms", 0, "calls", 0)));
    }

    @Test
    void missingDeadLetterQueueUrlFailsAtStartWithAClearMessage() {
        assertThat(System.getenv("DEAD_LETTER_QUEUE_URL")).isNull();

        assertThatThrownBy(RoomMembershipHandler::new)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("DEAD_LETTER_QUEUE_URL is not set");
    }

    private static JsonNode summaryOf(TestContext context) {
        return readJson(context.logLines().get(context.logLines().size() - 1));
    }

    /** The figures of the old text summary line, read from the JSON one. */
    private static Map<String, Object> summaryFigures(String line) {
        JsonNode summary = readJson(line);
        assertThat(summary.path("message").asText()).isEqualTo("invocation summary");
        Map<String, Object> figures = new HashMap<>();
        for (String name : List.of("records", "rooms", "calls", "added", "alreadyMembers", "deadLettered",
                "recordsRetried")) {
            figures.put(name, summary.path(name).asInt(-1));
        }
        Map<String, Integer> byCode = new HashMap<>();
        summary.path("deadLetteredByErrorCode").fields()
                .forEachRemaining(code -> byCode.put(code.getKey(), code.getValue().asInt()));
        figures.put("deadLetteredByErrorCode", byCode);
        return figures;
    }

    private static JsonNode readJson(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }

    private static String message(Map<String, List<Letter>> bySource, String sourceId) {
        assertThat(bySource.get(sourceId)).hasSize(1);
        return bySource.get(sourceId).get(0).body().path("ErrorMessage").asText();
    }

    /** A room's members as the sample organisation's rooms have them: Members, but for these Administrators. */
    private static Map<String, String> roomOf(List<String> memberIds, String... administrators) {
        Map<String, String> roles = new HashMap<>();
        memberIds.forEach(id -> roles.put(id, "Member"));
        for (String id : administrators) {
            roles.put(id, "Administrator");
        }
        return roles;
    }

    private static Map<String, List<Integer>> callSizesPerRoom() {
        Map<String, List<Integer>> sizes = new HashMap<>();
        for (RecordedCall call : function.chime().calls()) {
            sizes.computeIfAbsent(call.roomId(), room -> new java.util.ArrayList<>()).add(call.items().size());
        }
        sizes.values().forEach(list -> list.sort(java.util.Comparator.reverseOrder()));
        return sizes;
    }
}

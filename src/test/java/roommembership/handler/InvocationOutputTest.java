package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import roommembership.emulator.ChimeEmulator.Fault;
import roommembership.testing.DeadLetterQueue.Letter;
import roommembership.testing.SqsEvents;
import roommembership.testing.SqsFaultProxy;
import roommembership.testing.TestClients;
import roommembership.testing.TestContext;
import roommembership.testing.TestContext.LogLine;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static roommembership.testing.Directory.ACME;
import static roommembership.testing.Directory.ENGINEERING;
import static roommembership.testing.Directory.SALES;
import static roommembership.testing.SqsEvents.ids;
import static roommembership.testing.SqsEvents.member;
import static roommembership.testing.SqsEvents.members;

/**
 * What the people who run the function see of an invocation: its JSON log lines and the metrics it writes to
 * stdout, for known batches, through the real SDK clients against the Chime emulator and ElasticMQ.
 */
class InvocationOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUEST_ID = "00000000-0000-4000-8000-000000000001";
    private static final long NOW_MILLIS = FunctionUnderTest.NOW.toEpochMilli();
    /** What every invocation's main metrics document declares, up to its figures. */
    private static final String MAIN_DOCUMENT_HEAD = "{\"_aws\":{\"Timestamp\":" + NOW_MILLIS + ",\"CloudWatchMetrics\":"
            + "[{\"Namespace\":\"RoomMembership\",\"Dimensions\":[[\"FunctionName\"]],\"Metrics\":["
            + "{\"Name\":\"MembershipRequests\",\"Unit\":\"Count\"},{\"Name\":\"MembersAdded\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"AlreadyMembers\",\"Unit\":\"Count\"},{\"Name\":\"MembersRemoved\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"AlreadyAbsent\",\"Unit\":\"Count\"},{\"Name\":\"RolesChanged\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"DeadLettered\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"ChimeCalls\",\"Unit\":\"Count\"},{\"Name\":\"ChimeThrottles\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"RecordsRetried\",\"Unit\":\"Count\"},{\"Name\":\"InvalidMessages\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"MembersDispatched\",\"Unit\":\"Count\"},{\"Name\":\"RemovalsHeld\",\"Unit\":\"Count\"}]}]},"
            + "\"FunctionName\":\"room-membership\",\"AWSRequestId\":\"" + REQUEST_ID + "\",";

    @RegisterExtension
    static final FunctionUnderTest function = FunctionUnderTest.forRooms();

    @Test
    void hrBatchLogsOneSummaryLineWithEveryFigureTheRequestIdAndOnlyTheDeadLetteredMembersIds() {
        function.handle(EventLoader.loadSQSEvent("events/hr-batch.json"));

        assertThat(function.context().logLinesWithLevels()).singleElement().satisfies(line -> {
            assertThat(line.level()).isEqualTo(LogLevel.INFO);
            ObjectNode summary = read(line.text());
            assertThat(summary.remove("durationMs").isIntegralNumber()).isTrue();
            // 138 items: 133 added, 2 already members, 2 not in the directory, and eng-010 asked for twice.
            assertThat(summary).isEqualTo(read("""
                    {"timestamp": "2026-11-26T10:52:12.114Z", "level": "INFO", "message": "invocation summary",
                     "AWSRequestId": "%s",
                     "records": 8, "rooms": 3, "channels": 0, "calls": 5, "membershipRequests": 138,
                     "membershipRequestsEnded": {"carriedOut": 133, "alreadySo": 2, "deadLettered": 2,
                                                 "handedBack": 0, "dispatched": 0, "leftToAnotherRequest": 1},
                     "added": 133,
                     "alreadyMembers": 2, "removed": 0, "alreadyAbsent": 0, "rolesChanged": 0, "dispatched": 0, "deadLettered": 2, "deadLetteredByErrorCode": {"NotFound": 2},
                     "deadLetteredMembers": {"NotFound": ["contractor-901", "contractor-902"]},
                     "recordsRetried": 0, "invalidMessages": 0, "chimeThrottles": 0}
                    """.formatted(REQUEST_ID)));
        });
    }

    @Test
    void hrBatchPublishesItsFiguresAsEmbeddedMetricsWithDeadLetteredAlsoPerErrorCode() {
        function.handle(EventLoader.loadSQSEvent("events/hr-batch.json"));

        assertThat(function.metrics()).containsExactly(
                MAIN_DOCUMENT_HEAD + "\"MembershipRequests\":138,\"MembersAdded\":133,\"AlreadyMembers\":2,"
                        + "\"MembersRemoved\":0,"
                        + "\"AlreadyAbsent\":0,\"RolesChanged\":0,\"DeadLettered\":2,"
                        + "\"ChimeCalls\":5,\"ChimeThrottles\":0,\"RecordsRetried\":0,\"InvalidMessages\":0,\"MembersDispatched\":0,\"RemovalsHeld\":0}",
                "{\"_aws\":{\"Timestamp\":" + NOW_MILLIS + ",\"CloudWatchMetrics\":[{\"Namespace\":\"RoomMembership\","
                        + "\"Dimensions\":[[\"FunctionName\",\"ErrorCode\"]],\"Metrics\":["
                        + "{\"Name\":\"DeadLettered\",\"Unit\":\"Count\"}]}]},"
                        + "\"FunctionName\":\"room-membership\",\"ErrorCode\":\"NotFound\",\"AWSRequestId\":\"" + REQUEST_ID
                        + "\",\"DeadLettered\":2}");
    }

    @Test
    void noMessageBodyAndNoIdOfAMemberThatWasAddedAppearsInTheLogOrTheMetrics() {
        SQSEvent event = EventLoader.loadSQSEvent("events/hr-batch.json");

        function.handle(event);

        List<String> output = Stream.concat(function.context().logLines().stream(), function.metrics().stream()).toList();
        List<String> settled = new ArrayList<>(function.chime().members(ACME, ENGINEERING).keySet());
        settled.addAll(function.chime().members(ACME, SALES).keySet());
        assertThat(settled).hasSize(130);
        for (String line : output) {
            assertThat(line).doesNotContain(settled).doesNotContain("MembershipItemList", "MemberId", "\"Role\"");
            event.getRecords().forEach(record -> assertThat(line).doesNotContain(record.getBody()));
        }
        assertThat(String.join("\n", output)).contains("contractor-901", "contractor-902");
    }

    @Test
    void aCallThatFailsAsAWholeIsOneWarnLineWithRoomCodeMessageAndSizeButNoMemberIds() {
        // 429 on the SDK's three attempts: a whole-call failure, left to SQS redelivery.
        function.chime().failNextCalls(3, Fault.THROTTLED);
        SqsEvents batch = SqsEvents.batch().record(members(ACME, ENGINEERING, ids("eng", 4, 6)));

        function.handle(batch.build());

        List<LogLine> lines = function.context().logLinesWithLevels();
        assertThat(lines).extracting(LogLine::level).containsExactly(LogLevel.WARN, LogLevel.INFO);
        assertThat(read(lines.get(0).text())).isEqualTo(read("""
                {"timestamp": "2026-11-26T10:52:12.114Z", "level": "WARN", "message": "Chime call failed",
                 "AWSRequestId": "%s", "accountId": "%s", "roomId": "%s",
                 "errorCode": "Throttled", "errorMessage": "The client exceeded its request rate limit.",
                 "members": 3, "transient": true}
                """.formatted(REQUEST_ID, ACME, ENGINEERING)));
        ObjectNode summary = read(lines.get(1).text());
        assertThat(List.of(summary.path("recordsRetried").asInt(), summary.path("chimeThrottles").asInt()))
                .containsExactly(1, 1);
        assertThat(metrics("RecordsRetried", "ChimeThrottles", "ChimeCalls")).containsExactly(1, 1, 1);
    }

    @Test
    void aMemberAlreadyAbsentIsNoWarningButARoomThatDoesNotExistIs() {
        String absent = "{\"AccountId\": \"" + ACME + "\", \"RoomId\": \"" + ENGINEERING + "\", "
                + "\"MemberId\": \"never-joined\", \"Action\": \"Remove\"}";

        function.handle(SqsEvents.batch().record(absent).build());

        // The removal's NotFound was the goal already: the summary says so, at INFO, and nothing else is logged.
        List<LogLine> lines = function.context().logLinesWithLevels();
        assertThat(lines).extracting(LogLine::level).containsExactly(LogLevel.INFO);
        assertThat(read(lines.get(0).text()).path("alreadyAbsent").asInt()).isEqualTo(1);

        function.reset();
        String gone = absent.replace(ENGINEERING, "no-such-room");
        function.handle(SqsEvents.batch().record(gone).build());

        // A room that does not exist: its listing fails, a warning, and the member is dead-lettered NotFound.
        assertThat(function.context().logLinesWithLevels()).extracting(LogLine::level)
                .containsExactly(LogLevel.WARN, LogLevel.INFO);
        assertThat(function.deadLetters().drain()).extracting(Letter::errorCode).containsExactly("NotFound");
    }

    @Test
    void aRefusedDeadLetterSendIsAWarnLineWithItsCauseAndTheRetryDeliversTheLetter() {
        try (SqsFaultProxy proxy = SqsFaultProxy.start(function.sqsEndpoint());
             SqsClient throughProxy = TestClients.sqs(proxy.endpoint())) {
            function.redeployWith(Map.of(), throughProxy);
            // 500 on the client's three attempts of the first SendMessageBatch; the second goes through.
            proxy.refuseSends(3);
            SqsEvents batch = SqsEvents.batch().record(member(ACME, SALES, "ghost-1", "Member"));

            function.handle(batch.build());

            List<LogLine> lines = function.context().logLinesWithLevels();
            assertThat(lines).extracting(LogLine::level).containsExactly(LogLevel.WARN, LogLevel.INFO);
            assertThat(lines.get(0).text()).isEqualTo(sendFailedLine(1, "InternalError", "refused by the test"));
            assertThat(read(lines.get(1).text()).path("recordsRetried").asInt()).isZero();
            assertThat(function.deadLetters().drain()).extracting(Letter::memberId).containsExactly("ghost-1");
        }
    }

    @Test
    void deadLettersThatCannotBeSentAreAWarnLineForEveryAttemptAndTheirRecordGoesBack() {
        try (SqsFaultProxy proxy = SqsFaultProxy.start(function.sqsEndpoint());
             SqsClient throughProxy = TestClients.sqs(proxy.endpoint())) {
            function.redeployWith(Map.of(), throughProxy);
            proxy.refuseSends(Integer.MAX_VALUE);
            SqsEvents batch = SqsEvents.batch().record(member(ACME, SALES, "ghost-1", "Member"));

            function.handle(batch.build());

            List<LogLine> lines = function.context().logLinesWithLevels();
            assertThat(lines.subList(0, lines.size() - 1)).extracting(LogLine::level, LogLine::text).containsExactly(
                    tuple(LogLevel.WARN, sendFailedLine(1, "InternalError", "refused by the test")),
                    tuple(LogLevel.WARN, sendFailedLine(2, "InternalError", "refused by the test")),
                    tuple(LogLevel.WARN, sendFailedLine(3, "InternalError", "refused by the test")));
            ObjectNode summary = read(lines.get(lines.size() - 1).text());
            assertThat(List.of(summary.path("recordsRetried").asInt(), summary.path("deadLettered").asInt()))
                    .containsExactly(1, 0);
        }
    }

    @Test
    void everyThrottledAnswerIsCountedOnceWhetherForAWholeCallOrForOneMember() {
        function.chime().failMember("eng-005", "Throttling", 2);
        function.chime().failMember("eng-006", "Throttled", 1);

        function.handle(SqsEvents.batch().record(members(ACME, ENGINEERING, ids("eng", 4, 6))).build());

        // Call 1 answers eng-005 Throttling and eng-006 Throttled; call 2 eng-005 Throttling; call 3 adds it.
        assertThat(metrics("ChimeCalls", "ChimeThrottles", "MembersAdded", "DeadLettered")).containsExactly(3, 3, 3, 0);
        assertThat(read(function.context().logLines().get(0)).path("chimeThrottles").asInt()).isEqualTo(3);
    }

    @Test
    void unreadableMessagesAreCountedAsInvalidAndTheirBodiesStayOutOfTheLog() {
        SQSEvent event = EventLoader.loadSQSEvent("events/malformed-records.json");

        function.handle(event);

        ObjectNode summary = read(function.context().logLines().get(0));
        assertThat(summary.path("invalidMessages").asInt()).isEqualTo(4);
        assertThat(metrics("InvalidMessages")).containsExactly(4);
        assertThat(function.context().logLines().get(0)).doesNotContain("name=eng-200&room=engineering");
        // Four unreadable messages, and two items rejected on their own in a fifth.
        assertThat(summary.path("deadLetteredByErrorCode")).isEqualTo(read("{\"BadRequest\": 6}"));
        assertThat(function.deadLetters().drain()).extracting(Letter::errorCode)
                .containsExactly("BadRequest", "BadRequest", "BadRequest", "BadRequest", "BadRequest", "BadRequest");
    }

    @Test
    void anEmptyBatchStillPublishesEveryMetricAsZero() {
        function.handle(SqsEvents.batch().build());

        assertThat(function.metrics()).containsExactly(MAIN_DOCUMENT_HEAD + "\"MembershipRequests\":0,"
                + "\"MembersAdded\":0,\"AlreadyMembers\":0,\"MembersRemoved\":0,\"AlreadyAbsent\":0,"
                + "\"RolesChanged\":0,\"DeadLettered\":0,\"ChimeCalls\":0,\"ChimeThrottles\":0,"
                + "\"RecordsRetried\":0,\"InvalidMessages\":0,\"MembersDispatched\":0,\"RemovalsHeld\":0}");
    }

    /** The values of these metrics in the invocation's main document. */
    private List<Integer> metrics(String... names) {
        JsonNode document = read(function.metrics().get(0));
        assertThat(document.path("_aws").path("CloudWatchMetrics").path(0).path("Dimensions").toString())
                .isEqualTo("[[\"FunctionName\"]]");
        return Stream.of(names).map(name -> document.path(name).asInt(-1)).toList();
    }

    /** The line for one failed attempt to send the invocation's one dead letter. */
    private static String sendFailedLine(int attempt, String errorCode, String errorMessage) {
        return "{\"timestamp\":\"2026-11-26T10:52:12.114Z\",\"level\":\"WARN\",\"message\":\"dead-letter send failed\","
                + "\"AWSRequestId\":\"" + REQUEST_ID + "\",\"errorCode\":\"" + errorCode + "\",\"errorMessage\":\""
                + errorMessage + "\",\"letters\":1,\"attempt\":" + attempt + "}";
    }

    private static ObjectNode read(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

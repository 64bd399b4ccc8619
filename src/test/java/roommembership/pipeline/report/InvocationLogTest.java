package roommembership.pipeline.report;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import roommembership.pipeline.apply.CallFailure;
import roommembership.pipeline.report.InvocationLog.Line;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.settle.Letter;
import roommembership.pipeline.settle.RequestEnds;
import roommembership.model.SendFailure;
import roommembership.target.RoomKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The log lines of one invocation, from its report alone. */
class InvocationLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-11-26T10:52:12.004Z");
    private static final RoomKey ROOM = new RoomKey("acct", "room");

    @Test
    void callFailuresComeFirstAtWarnAndTheSummaryLastAtInfo() {
        BatchReport report = new BatchReport(List.of("m1"), List.of(), List.of(
                new CallFailure(ROOM, "ServiceUnavailable", "The service is currently unavailable.", 50),
                new CallFailure(ROOM, "NotFound", null, 7)), summary(Map.of(), 1));

        List<Line> lines = InvocationLog.lines(report, "req-1", AT);

        assertThat(lines).extracting(Line::level).containsExactly(LogLevel.WARN, LogLevel.WARN, LogLevel.INFO);
        assertThat(lines.get(1).json()).isEqualTo("{\"timestamp\":\"2026-11-26T10:52:12.004Z\",\"level\":\"WARN\","
                + "\"message\":\"Chime call failed\",\"AWSRequestId\":\"req-1\",\"accountId\":\"acct\","
                + "\"roomId\":\"room\",\"errorCode\":\"NotFound\",\"errorMessage\":null,\"members\":7,"
                + "\"transient\":false}");
        assertThat(read(lines.get(0).json()).path("transient").asBoolean()).isTrue();
    }

    @Test
    void everyFailureTheDeadLetterSendMetIsAWarnLineWithItsCauseAfterTheCallFailures() {
        BatchReport report = new BatchReport(List.of("m1"), List.of(), new BatchReport.Incidents(
                List.of(new CallFailure(ROOM, "NotFound", null, 7)), List.of(), List.of(),
                List.of(new SendFailure(10, 1, "ApiCallTimeoutException",
                                "Client execution did not complete before the specified timeout configuration: 900 millis"),
                        new SendFailure(10, 2, "NoTimeLeft", "less than 20 ms of the invocation's time left for a call"))),
                summary(Map.of(), 1));

        List<Line> lines = InvocationLog.lines(report, "req-1", AT);

        assertThat(lines).extracting(Line::level)
                .containsExactly(LogLevel.WARN, LogLevel.WARN, LogLevel.WARN, LogLevel.INFO);
        assertThat(lines.subList(1, 3)).extracting(Line::json).containsExactly(
                "{\"timestamp\":\"2026-11-26T10:52:12.004Z\",\"level\":\"WARN\",\"message\":\"dead-letter send failed\","
                        + "\"AWSRequestId\":\"req-1\",\"errorCode\":\"ApiCallTimeoutException\",\"errorMessage\":"
                        + "\"Client execution did not complete before the specified timeout configuration: 900 millis\","
                        + "\"letters\":10,\"attempt\":1}",
                "{\"timestamp\":\"2026-11-26T10:52:12.004Z\",\"level\":\"WARN\",\"message\":\"dead-letter send failed\","
                        + "\"AWSRequestId\":\"req-1\",\"errorCode\":\"NoTimeLeft\",\"errorMessage\":"
                        + "\"less than 20 ms of the invocation's time left for a call\",\"letters\":10,\"attempt\":2}");
    }

    @Test
    void atMostFiftyDeadLetteredMembersAreListedAndTheRestCounted() {
        List<Letter> letters = new ArrayList<>();
        IntStream.rangeClosed(1, 60).forEach(i -> letters.add(letter("NotFound", Optional.of("ghost-" + i))));
        letters.add(letter("BadRequest", Optional.empty()));

        JsonNode summary = read(InvocationLog.lines(new BatchReport(List.of(), letters, List.of(),
                summary(Map.of("NotFound", 60, "BadRequest", 1), 0)), "req-1", AT).get(0).json());

        assertThat(summary.path("deadLetteredMembers").path("NotFound")).hasSize(50);
        assertThat(summary.path("deadLetteredMembers").has("BadRequest")).isFalse();
        assertThat(summary.path("deadLetteredMembersNotListed").asInt()).isEqualTo(10);
        assertThat(summary.path("deadLettered").asInt()).isEqualTo(61);
    }

    @Test
    void aHostileMemberIdIsCutAndEscapedSoItCannotBreakTheLine() {
        String hostile = "\n{\"level\":\"ERROR\"}\u0000\ud800" + "x".repeat(10_000);

        String line = InvocationLog.lines(new BatchReport(List.of(), List.of(letter("BadRequest",
                Optional.of(hostile))), List.of(), summary(Map.of("BadRequest", 1), 0)), "req-1", AT).get(0).json();

        assertThat(line).doesNotContain("\n").hasSizeLessThan(1_500).contains("\\u0000", "\\uD800");
        assertThat(read(line).path("deadLetteredMembers").path("BadRequest").path(0).asText())
                .startsWith("\n{\"level\":\"ERROR\"}").endsWith("...[10020 characters]");
    }

    private static Letter letter(String code, Optional<String> memberId) {
        return Letter.ForMember.of(new ParsedMessage.Request(ROOM, List.of(), List.of()), memberId.orElse(null), null,
                null, code, "failed", "m1", AT);
    }

    private static Summary summary(Map<String, Integer> deadLettered, int retried) {
        return new Summary(1, 1, 0, 1, 1, RequestEnds.NONE, 0, 0, 0, 0, 0, deadLettered, retried, 0, 0, 0, 12);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package roommembership.pipeline.report;

import roommembership.model.Text;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import roommembership.pipeline.apply.CallFailure;
import roommembership.pipeline.apply.OddEntries;
import roommembership.pipeline.apply.ReadFailure;
import roommembership.target.Target;
import roommembership.pipeline.settle.Letter;
import roommembership.pipeline.settle.RequestEnds;
import roommembership.model.SendFailure;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The invocation's log: one summary line, one line per Chime call that failed as a whole, one per read of a target
 * that got no roster, one per answer with entries that named no member, and one per failure the dead letters' send
 * met. Each line is a JSON object handed to the runtime as bytes, which it passes on unformatted, so with Lambda's
 * JSON log format every field stays a field that Logs Insights can query (a String would be wrapped as the
 * {@code message} string).
 * No message body is logged; the only member ids are those of dead-lettered members.
 */
public final class InvocationLog {
    /** Dead-lettered member ids listed in one summary line; the failed-member queue holds them all. */
    static final int MAX_LISTED_MEMBERS = 50;
    /** A value quoted in a log line (a member id, a service's message) is cut to this many characters. */
    static final int MAX_VALUE_CHARS = 256;
    /** The Java runtime's own timestamp format, so every line of the function sorts alike. */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    // Hostile member ids may hold control characters or lone surrogates: escaped, they cannot break a line.
    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    /** One line: its level, and the JSON object it is. */
    public record Line(LogLevel level, String json) {
    }

    private final Clock clock;

    public InvocationLog(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void write(LambdaLogger logger, String requestId, BatchReport report) {
        for (Line line : lines(report, requestId, clock.instant())) {
            // Bytes, not a String: the runtime wraps a String into the "message" field of its own JSON object.
            logger.log((line.json() + "\n").getBytes(StandardCharsets.UTF_8), line.level());
        }
    }

    public static List<Line> lines(BatchReport report, String requestId, Instant at) {
        List<Line> lines = new ArrayList<>();
        for (CallFailure failure : report.callFailures()) {
            lines.add(new Line(LogLevel.WARN, json(at, LogLevel.WARN, "Chime call failed", requestId, out -> {
                writeConversation(out, failure.target());
                out.writeStringField("errorCode", failure.errorCode());
                out.writeStringField("errorMessage", cut(failure.message()));
                out.writeNumberField("members", failure.members());
                out.writeBooleanField("transient", failure.isTransient());
            })));
        }
        for (ReadFailure failure : report.readFailures()) {
            lines.add(new Line(LogLevel.WARN, json(at, LogLevel.WARN, "Chime read failed", requestId, out -> {
                writeConversation(out, failure.target());
                out.writeStringField("read", failure.read());
                out.writeStringField("errorCode", failure.errorCode());
                out.writeStringField("errorMessage", cut(failure.message()));
                out.writeBooleanField("transient", failure.isTransient());
            })));
        }
        for (OddEntries odd : report.oddEntries()) {
            lines.add(new Line(LogLevel.WARN, json(at, LogLevel.WARN, "Chime answer had entries naming no member",
                    requestId, out -> {
                        writeConversation(out, odd.target());
                        out.writeStringField("answer", odd.answer());
                        out.writeNumberField("entries", odd.entries());
                        out.writeNumberField("membersLeftUnknown", odd.membersLeftUnknown());
                    })));
        }
        for (SendFailure failure : report.sendFailures()) {
            lines.add(sendFailure(at, requestId, "dead-letter send failed", "letters", failure));
        }
        for (SendFailure failure : report.dispatchFailures()) {
            lines.add(sendFailure(at, requestId, "target-queue send failed", "messages", failure));
        }
        for (BatchReport.RosterNote note : report.rosterNotes()) {
            LogLevel level = note.warning() ? LogLevel.WARN : LogLevel.INFO;
            lines.add(new Line(level, json(at, level, note.message(), requestId, out -> {
                out.writeFieldName("roster");
                out.writeRawValue(note.fields());
            })));
        }
        lines.add(new Line(LogLevel.INFO, json(at, LogLevel.INFO, "invocation summary", requestId,
                out -> writeSummary(out, report.summary(), report.deadLetters()))));
        return lines;
    }

    private static Line sendFailure(Instant at, String requestId, String what, String countField, SendFailure failure) {
        return new Line(LogLevel.WARN, json(at, LogLevel.WARN, what, requestId, out -> {
            out.writeStringField("errorCode", cut(failure.errorCode()));
            out.writeStringField("errorMessage", cut(failure.message()));
            out.writeNumberField(countField, failure.messages());
            out.writeNumberField("attempt", failure.attempt());
        }));
    }

    private static void writeConversation(JsonGenerator out, Target target) throws IOException {
        // A log field is the request field's name in camel case: accountId and roomId, or channelArn.
        for (Map.Entry<String, String> id : target.idFields()) {
            out.writeStringField(Character.toLowerCase(id.getKey().charAt(0)) + id.getKey().substring(1), id.getValue());
        }
    }

    private static void writeSummary(JsonGenerator out, Summary summary, List<Letter> deadLetters)
            throws IOException {
        out.writeNumberField("records", summary.records());
        out.writeNumberField("rooms", summary.rooms());
        out.writeNumberField("channels", summary.channels());
        out.writeNumberField("calls", summary.calls());
        out.writeNumberField("membershipRequests", summary.membershipRequests());
        // Every request counts in one of these, so an operator can see that they add up to membershipRequests.
        RequestEnds ends = summary.requestEnds();
        out.writeObjectFieldStart("membershipRequestsEnded");
        out.writeNumberField("carriedOut", ends.carriedOut());
        out.writeNumberField("alreadySo", ends.alreadySo());
        out.writeNumberField("deadLettered", ends.deadLettered());
        out.writeNumberField("handedBack", ends.handedBack());
        out.writeNumberField("dispatched", ends.dispatched());
        out.writeNumberField("leftToAnotherRequest", ends.leftToAnother());
        out.writeEndObject();
        out.writeNumberField("added", summary.added());
        out.writeNumberField("alreadyMembers", summary.alreadyMembers());
        out.writeNumberField("removed", summary.removed());
        out.writeNumberField("alreadyAbsent", summary.alreadyAbsent());
        out.writeNumberField("rolesChanged", summary.rolesChanged());
        out.writeNumberField("dispatched", summary.dispatched());
        out.writeNumberField("deadLettered", summary.deadLettered());
        out.writeObjectFieldStart("deadLetteredByErrorCode");
        for (Map.Entry<String, Integer> code : new TreeMap<>(summary.deadLetteredByErrorCode()).entrySet()) {
            out.writeNumberField(code.getKey(), code.getValue());
        }
        out.writeEndObject();
        Map<String, List<String>> listed = new LinkedHashMap<>();
        int members = 0;
        for (Letter letter : deadLetters) {
            if (letter.member().isPresent() && members++ < MAX_LISTED_MEMBERS) {
                listed.computeIfAbsent(letter.errorCode(), code -> new ArrayList<>()).add(cut(letter.member().get()));
            }
        }
        int unlisted = Math.max(0, members - MAX_LISTED_MEMBERS);
        out.writeObjectFieldStart("deadLetteredMembers");
        for (Map.Entry<String, List<String>> code : listed.entrySet()) {
            out.writeArrayFieldStart(code.getKey());
            for (String memberId : code.getValue()) {
                out.writeString(memberId);
            }
            out.writeEndArray();
        }
        out.writeEndObject();
        if (unlisted > 0) {
            out.writeNumberField("deadLetteredMembersNotListed", unlisted);
        }
        out.writeNumberField("recordsRetried", summary.recordsRetried());
        out.writeNumberField("invalidMessages", summary.invalidMessages());
        out.writeNumberField("chimeThrottles", summary.chimeThrottles());
        out.writeNumberField("durationMs", summary.durationMillis());
    }

    private static String cut(String value) {
        if (value == null || value.length() <= MAX_VALUE_CHARS) {
            return value;
        }
        return Text.head(value, MAX_VALUE_CHARS) + "...[" + value.length() + " characters]";
    }

    private interface Fields {
        void write(JsonGenerator out) throws IOException;
    }

    /** The keys the Java runtime writes first, then this line's own fields. */
    private static String json(Instant at, LogLevel level, String message, String requestId, Fields fields) {
        StringWriter text = new StringWriter(256);
        try (JsonGenerator out = JSON.createGenerator(text)) {
            out.writeStartObject();
            out.writeStringField("timestamp", TIMESTAMP.format(at));
            out.writeStringField("level", level.name());
            out.writeStringField("message", message);
            out.writeStringField("AWSRequestId", requestId);
            fields.write(out);
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}

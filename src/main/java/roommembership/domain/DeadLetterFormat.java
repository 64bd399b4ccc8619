package roommembership.domain;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The dead-letter record's JSON. A member's record is itself a valid request (form 1), so an operator can move it
 * back to the source queue once the cause is fixed.
 */
public final class DeadLetterFormat {
    /** SQS's message size limit is 256 KiB; this leaves room for attributes. */
    static final int MAX_BODY_BYTES = 250_000;
    static final String TRUNCATION_MARKER = "...[truncated: the original body had %d characters]";

    private static final JsonFactory JSON = new JsonFactory();

    private DeadLetterFormat() {
    }

    public static DeadLetter forMember(RoomKey room, String memberId, String role, String errorCode, String message,
                                       String sourceMessageId, Instant failedAt) {
        String body = write(json -> {
            json.writeStringField("AccountId", room.accountId());
            json.writeStringField("RoomId", room.roomId());
            json.writeArrayFieldStart("MembershipItemList");
            json.writeStartObject();
            json.writeStringField("MemberId", memberId);
            json.writeStringField("Role", role);
            json.writeEndObject();
            json.writeEndArray();
            writeError(json, errorCode, message, sourceMessageId, failedAt);
        });
        return new DeadLetter(sourceMessageId, errorCode, body);
    }

    public static DeadLetter forUnreadableMessage(String message, String sourceMessageId, String rawBody,
                                                  Instant failedAt) {
        String body = unreadable(message, sourceMessageId, rawBody, failedAt);
        // Escaping can make the body grow up to six-fold; cut the raw body until the record fits, and say so.
        int keep = rawBody.length();
        while (utf8Length(body) > MAX_BODY_BYTES) {
            keep = keep / 2;
            String truncated = rawBody.substring(0, keep) + String.format(TRUNCATION_MARKER, rawBody.length());
            body = unreadable(message, sourceMessageId, truncated, failedAt);
        }
        return new DeadLetter(sourceMessageId, ErrorCodes.BAD_REQUEST, body);
    }

    private static String unreadable(String message, String sourceMessageId, String rawBody, Instant failedAt) {
        return write(json -> {
            writeError(json, ErrorCodes.BAD_REQUEST, message, sourceMessageId, failedAt);
            json.writeStringField("Body", rawBody);
        });
    }

    private static void writeError(JsonGenerator json, String errorCode, String message, String sourceMessageId,
                                   Instant failedAt) throws IOException {
        json.writeStringField("ErrorCode", errorCode);
        json.writeStringField("ErrorMessage", message);
        json.writeStringField("SourceMessageId", sourceMessageId);
        json.writeStringField("FailedAt", failedAt.toString());
    }

    private static int utf8Length(String text) {
        return text.length() * 3 <= MAX_BODY_BYTES ? text.length() : text.getBytes(StandardCharsets.UTF_8).length;
    }

    private interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    private static String write(Fields fields) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            fields.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}

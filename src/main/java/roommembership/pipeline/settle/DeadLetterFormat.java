package roommembership.pipeline.settle;

import roommembership.model.Action;
import roommembership.model.ErrorCodes;
import roommembership.model.Role;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.target.Target;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The dead-letter record's JSON. A member's record is itself a valid request (form 1 or 4), so an operator can move it
 * back to the source queue once the cause is fixed. Every record fits in one SQS message: a value too long to fit is
 * cut, and says so.
 */
public final class DeadLetterFormat {
    /** SQS's message size limit, 256 KiB, counts the body and the message attributes together. */
    static final int MAX_RECORD_BYTES = 256 * 1024;
    /** The body's share of a record; the rest is more than the ErrorCode attribute can take. */
    static final int MAX_BODY_BYTES = 250_000;
    /** ErrorCodes are short names; a longer one from the service is cut so its attribute stays small. */
    static final int MAX_ERROR_CODE_CHARS = 256;
    static final String TRUNCATION_MARKER = "...[truncated: the original %s had %d characters]";

    // Everything above ASCII is written as a \\u escape: SQS refuses unpaired surrogates and U+FFFE/U+FFFF in a body.
    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private DeadLetterFormat() {
    }

    /** A room member's record: form 1 with one item. */
    public static DeadLetter forMember(Target target, String memberId, String role, String errorCode,
                                       String message, String sourceMessageId, Instant failedAt) {
        return forMember(new ParsedMessage.Request(target, List.of(), List.of()), memberId, role, null,
                errorCode, message, sourceMessageId, failedAt);
    }

    /**
     * One member's record, in its request's own form: form 1 with one item for a room, form 4 for a channel, and for
     * a legacy request routed to a channel form 1 as the producer wrote it plus the ChannelArn and MemberArn used;
     * with the request's Action when it is a removal.
     *
     * @param memberId the member as the request holds it: a MemberId, or a member ARN
     * @param role the Role as the request named it, or null when it named none
     * @param type a channel member's Type, or null
     */
    public static DeadLetter forMember(ParsedMessage.Request request, String memberId, String role, String type,
                                       String errorCode, String message, String sourceMessageId, Instant failedAt) {
        String code = attributeValue(errorCode);
        String producersId = memberId == null ? null : request.producersMemberId(memberId);
        String body = fitted(cut -> write(json -> {
            // The producer's own form: a routed request's legacy one, then the channel it was sent to.
            Target form = request.routedFrom().map(ParsedMessage.Routed::room).orElse(request.target());
            writeIds(json, cut, form);
            if (form.membersAsItems()) {
                json.writeArrayFieldStart("MembershipItemList");
                json.writeStartObject();
                json.writeStringField(form.memberField(), cut.apply(producersId, form.memberField()));
                writeRole(json, cut, role);
                json.writeEndObject();
                json.writeEndArray();
            } else {
                json.writeStringField(form.memberField(), cut.apply(producersId, form.memberField()));
                json.writeStringField("Type", cut.apply(type, "Type"));
                writeRole(json, cut, role);
            }
            if (form != request.target()) {
                writeIds(json, cut, request.target());
                if (!Objects.equals(producersId, memberId)) {
                    String field = request.target().memberField();
                    json.writeStringField(field, cut.apply(memberId, field));
                }
            }
            // An add is the default, so only a removal says what it asks; either way the record is a valid request.
            if (request.action() == Action.REMOVE) {
                json.writeStringField("Action", Action.REMOVE.wireName());
            }
            writeError(json, cut, code, message, sourceMessageId, failedAt);
        }));
        return new DeadLetter(sourceMessageId, code, body, Optional.ofNullable(producersId));
    }

    public static DeadLetter forUnreadableMessage(String message, String sourceMessageId, String rawBody,
                                                  Instant failedAt) {
        String body = fitted(cut -> write(json -> {
            writeError(json, cut, ErrorCodes.BAD_REQUEST, message, sourceMessageId, failedAt);
            json.writeStringField("Body", cut.apply(rawBody, "body"));
        }));
        return new DeadLetter(sourceMessageId, ErrorCodes.BAD_REQUEST, body);
    }

    private static void writeIds(JsonGenerator json, Cut cut, Target target) throws IOException {
        for (Map.Entry<String, String> id : target.idFields()) {
            json.writeStringField(id.getKey(), cut.apply(id.getValue(), id.getKey()));
        }
    }

    /** A request that named no role gets none back: redriven, it must not change a member's role. */
    private static void writeRole(JsonGenerator json, Cut cut, String role) throws IOException {
        if (role != null) {
            json.writeStringField("Role", cut.apply(role, "Role"));
        }
    }

    private static void writeError(JsonGenerator json, Cut cut, String errorCode, String message,
                                   String sourceMessageId, Instant failedAt) throws IOException {
        json.writeStringField("ErrorCode", errorCode);
        json.writeStringField("ErrorMessage", cut.apply(message, "ErrorMessage"));
        json.writeStringField("SourceMessageId", cut.apply(sourceMessageId, "SourceMessageId"));
        json.writeStringField("FailedAt", failedAt.toString());
    }

    /**
     * The record with every value whole if it fits; else every value longer than a limit is cut to it, halving the
     * limit until the record fits. Escaping can make a body grow up to six-fold, so only the result can be measured.
     */
    private static String fitted(Body body) {
        String json = body.with((value, field) -> value);
        int keep = MAX_BODY_BYTES;
        while (utf8Length(json) > MAX_BODY_BYTES && keep > 0) {
            keep = keep / 2;
            int limit = keep;
            json = body.with((value, field) -> cut(value, field, limit));
        }
        return json;
    }

    private static String cut(String value, String field, int keep) {
        if (value == null || value.length() <= keep) {
            return value;
        }
        // Never split a surrogate pair: its first half alone is a character SQS refuses.
        int end = keep > 0 && Character.isHighSurrogate(value.charAt(keep - 1)) ? keep - 1 : keep;
        return value.substring(0, end) + String.format(TRUNCATION_MARKER, field, value.length());
    }

    /** The ErrorCode is also a message attribute, which is neither escaped nor allowed to be empty. */
    private static String attributeValue(String errorCode) {
        if (errorCode == null || errorCode.isBlank()) {
            return ErrorCodes.SERVICE_FAILURE;
        }
        String code = cut(errorCode, "ErrorCode", MAX_ERROR_CODE_CHARS);
        StringBuilder safe = new StringBuilder(code.length());
        code.codePoints().forEach(c -> safe.appendCodePoint(acceptedBySqs(c) ? c : '\uFFFD'));
        return safe.toString();
    }

    /** The characters an SQS message may hold: XML 1.0's. */
    private static boolean acceptedBySqs(int c) {
        return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }

    private static int utf8Length(String text) {
        return text.length() * 3 <= MAX_BODY_BYTES ? text.length() : text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Applied to every value a record holds, so that any of them can be cut. */
    private interface Cut {
        String apply(String value, String field);
    }

    /** A record's JSON, with its values passed through a cut. */
    private interface Body {
        String with(Cut cut);
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

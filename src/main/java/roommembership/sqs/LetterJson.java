package roommembership.sqs;

import roommembership.model.Action;
import roommembership.pipeline.report.JsonObjects;
import roommembership.pipeline.settle.Letter;
import roommembership.target.Target;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A dead letter's body on the failed-member queue. A member's record is itself a valid request (form 1 or 4), so an
 * operator can move it back to the source queue once the cause is fixed. Every record fits in one SQS message: a
 * value too long to fit is cut, and says so.
 */
public final class LetterJson {
    /** SQS's message size limit, 256 KiB, counts the body and the message attributes together. */
    static final int MAX_RECORD_BYTES = 256 * 1024;
    /** The body's share of a record; the rest is more than the ErrorCode attribute can take. */
    static final int MAX_BODY_BYTES = 250_000;

    // Everything above ASCII is written as a \\u escape: SQS refuses unpaired surrogates and U+FFFE/U+FFFF in a body.

    private LetterJson() {
    }

    /** The letter's body: a member's in its request's own form, an unreadable message's with the body it came with. */
    public static String body(Letter letter) {
        if (letter instanceof Letter.ForMember member) {
            return fitted(cut -> JsonObjects.write(json -> writeMember(json, cut, member)));
        }
        Letter.ForUnreadableMessage unreadable = (Letter.ForUnreadableMessage) letter;
        return fitted(cut -> JsonObjects.write(json -> {
            if (unreadable.roster().isPresent()) {
                json.writeStringField("Roster", cut.apply(unreadable.roster().get(), "Roster"));
            }
            writeError(json, cut, unreadable.errorCode(), unreadable.reason(), unreadable.sourceMessageId(),
                    unreadable.failedAt());
            json.writeStringField("Body", cut.apply(unreadable.body(), "body"));
        }));
    }

    /**
     * Form 1 with one item for a room, form 4 for a channel, and for a legacy request routed to a channel form 1 as
     * the producer wrote it plus the ChannelArn and MemberArn used; with the request's Action when it is a removal.
     */
    private static void writeMember(JsonGenerator json, Cut cut, Letter.ForMember letter) throws IOException {
        // The producer's own form: a routed request's legacy one, then the channel it was sent to.
        Target form = letter.form();
        String producersId = letter.producersMemberId();
        writeIds(json, cut, form);
        if (form.membersAsItems()) {
            json.writeArrayFieldStart("MembershipItemList");
            json.writeStartObject();
            json.writeStringField(form.memberField(), cut.apply(producersId, form.memberField()));
            writeRole(json, cut, letter.role());
            json.writeEndObject();
            json.writeEndArray();
        } else {
            json.writeStringField(form.memberField(), cut.apply(producersId, form.memberField()));
            json.writeStringField("Type", cut.apply(letter.type(), "Type"));
            writeRole(json, cut, letter.role());
        }
        if (form != letter.target()) {
            writeIds(json, cut, letter.target());
            if (!Objects.equals(producersId, letter.memberId())) {
                String field = letter.target().memberField();
                json.writeStringField(field, cut.apply(letter.memberId(), field));
            }
        }
        // An add is the default, so only a removal says what it asks; either way the record is a valid request.
        if (letter.action() == Action.REMOVE) {
            json.writeStringField("Action", Action.REMOVE.wireName());
        }
        // A roster's request names its roster, read back as where it came from when the letter is redriven.
        if (letter.roster().isPresent()) {
            json.writeStringField("Roster", cut.apply(letter.roster().get(), "Roster"));
        }
        writeError(json, cut, letter.errorCode(), letter.message(), letter.sourceMessageId(), letter.failedAt());
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
     * The record with every value whole if it fits; else every value longer than a limit is cut to it, the limit the
     * largest with which the record fits, so no more is cut than must be. Escaping can make a body grow up to six-fold,
     * so only the result can be measured: the limit is searched by halving the range, a few writes of the record.
     */
    private static String fitted(Body body) {
        String whole = body.with((value, field) -> value);
        if (utf8Length(whole) <= MAX_BODY_BYTES) {
            return whole;
        }
        // Invariant: cutting every value to `fits` gives a record that fits; to `tooMany`, one that does not.
        int fits = 0;
        int tooMany = MAX_BODY_BYTES;
        String best = withLimit(body, 0);
        while (tooMany - fits > 1) {
            int keep = fits + (tooMany - fits) / 2;
            String json = withLimit(body, keep);
            if (utf8Length(json) <= MAX_BODY_BYTES) {
                fits = keep;
                best = json;
            } else {
                tooMany = keep;
            }
        }
        return best;
    }

    private static String withLimit(Body body, int keep) {
        return body.with((value, field) -> Letter.cut(value, field, keep));
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
}

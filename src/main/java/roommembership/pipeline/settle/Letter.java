package roommembership.pipeline.settle;

import roommembership.model.Action;
import roommembership.model.ErrorCodes;
import roommembership.model.Text;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.target.Target;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A dead letter as the settle stage decides it: the request, or the message, that failed, and why. The failed-member
 * queue's adapter writes it in the published form (schema/dead-letter.schema.json).
 */
public sealed interface Letter permits Letter.ForMember, Letter.ForUnreadableMessage {
    /** ErrorCodes are short names; a longer one from the service is cut to this many characters. */
    int MAX_ERROR_CODE_CHARS = 256;
    /** What a value cut to fit says in place of its end. */
    String TRUNCATION_MARKER = "...[truncated: the original %s had %d characters]";

    String sourceMessageId();

    /**
     * The ErrorCode the letter carries: in its body, as its message attribute, and in the invocation's counts. Never
     * blank, at most {@link #MAX_ERROR_CODE_CHARS} characters and their marker, and only characters an SQS message
     * may hold, so that every place names a failure alike.
     */
    String errorCode();

    Instant failedAt();

    /** The member the letter is for, as its producer wrote it; empty for a message that could not be read. */
    Optional<String> member();

    /**
     * One member's failed request, as the request holds it; written back in the request's own form so that an
     * operator can move it to the source queue once the cause is fixed.
     *
     * @param routedFrom for a legacy request sent to a channel instead: the room its producer named
     * @param memberId the member as the request holds it: a MemberId, or a member ARN; null when the item had none
     * @param producersMemberId the member as the producer wrote it: a routed member's legacy MemberId, else memberId
     * @param role the Role as the request named it, or null when it named none
     * @param type a channel member's Type as the request named it, or null
     * @param message why it failed, or null when the service said nothing
     * @param roster the roster the request is part of, {@code s3://<bucket>/<key>}
     */
    record ForMember(Target target, Optional<Target> routedFrom, String memberId, String producersMemberId,
                     String role, String type, Action action, String errorCode, String message,
                     String sourceMessageId, Instant failedAt, Optional<String> roster) implements Letter {
        public ForMember {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(routedFrom, "routedFrom");
            Objects.requireNonNull(roster, "roster");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(sourceMessageId, "sourceMessageId");
            Objects.requireNonNull(failedAt, "failedAt");
            errorCode = Letter.carried(errorCode);
        }

        /** The letter for one member of a request: its target, routing and action are the request's. */
        public static ForMember of(ParsedMessage.Request request, String memberId, String role, String type,
                                   String errorCode, String message, String sourceMessageId, Instant failedAt) {
            return new ForMember(request.target(), request.routedFrom().map(ParsedMessage.Routed::room), memberId,
                    memberId == null ? null : request.producersMemberId(memberId), role, type, request.action(),
                    errorCode, message, sourceMessageId, failedAt, request.roster());
        }

        /** A letter for a request that is no roster's. */
        public ForMember(Target target, Optional<Target> routedFrom, String memberId, String producersMemberId,
                         String role, String type, Action action, String errorCode, String message,
                         String sourceMessageId, Instant failedAt) {
            this(target, routedFrom, memberId, producersMemberId, role, type, action, errorCode, message,
                    sourceMessageId, failedAt, Optional.empty());
        }

        /** The target as the producer named it: a routed request's room, else the request's own target. */
        public Target form() {
            return routedFrom.orElse(target);
        }

        @Override
        public Optional<String> member() {
            return Optional.ofNullable(producersMemberId);
        }
    }

    /**
     * A message that is no request at all, or a roster refused whole, kept whole so that an operator sees what was
     * sent.
     *
     * @param reason why it could not be read
     * @param errorCode BadRequest, or the roster store's code for a roster it refused
     * @param roster the roster refused, {@code s3://<bucket>/<key>}
     * @param body the message's body as it came
     */
    record ForUnreadableMessage(String reason, String errorCode, Optional<String> roster, String sourceMessageId,
                                String body, Instant failedAt) implements Letter {
        public ForUnreadableMessage {
            errorCode = Letter.carried(errorCode);
            Objects.requireNonNull(roster, "roster");
            Objects.requireNonNull(sourceMessageId, "sourceMessageId");
            Objects.requireNonNull(failedAt, "failedAt");
        }

        /** A message that is no request at all: BadRequest. */
        public ForUnreadableMessage(String reason, String sourceMessageId, String body, Instant failedAt) {
            this(reason, ErrorCodes.BAD_REQUEST, Optional.empty(), sourceMessageId, body, failedAt);
        }

        @Override
        public Optional<String> member() {
            return Optional.empty();
        }
    }

    /** The value cut to its first {@code keep} characters, saying so; null and short values as they are. */
    static String cut(String value, String field, int keep) {
        if (value == null || value.length() <= keep) {
            return value;
        }
        return Text.head(value, keep) + String.format(TRUNCATION_MARKER, field, value.length());
    }

    /** A letter's ErrorCode is also a message attribute, which is neither escaped nor allowed to be empty. */
    private static String carried(String errorCode) {
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
}

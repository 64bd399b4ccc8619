package roommembership.pipeline.settle;

import java.util.Objects;
import java.util.Optional;

/**
 * One message for the failed-member queue: a JSON body and the ErrorCode it carries as an attribute.
 *
 * @param memberId the member the record is about, for the invocation's log; empty for a message that could not be
 *                 read, or an item without a MemberId
 */
public record DeadLetter(String sourceMessageId, String errorCode, String body, Optional<String> memberId) {
    public DeadLetter {
        Objects.requireNonNull(sourceMessageId, "sourceMessageId");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(memberId, "memberId");
    }

    public DeadLetter(String sourceMessageId, String errorCode, String body) {
        this(sourceMessageId, errorCode, body, Optional.empty());
    }
}

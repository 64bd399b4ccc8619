package roommembership.domain;

import java.util.Objects;

/** One message for the failed-member queue: a JSON body and the ErrorCode it carries as an attribute. */
public record DeadLetter(String sourceMessageId, String errorCode, String body) {
    public DeadLetter {
        Objects.requireNonNull(sourceMessageId, "sourceMessageId");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(body, "body");
    }
}

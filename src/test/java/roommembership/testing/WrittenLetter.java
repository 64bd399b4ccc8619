package roommembership.testing;

import roommembership.pipeline.settle.Letter;
import roommembership.sqs.LetterJson;

import java.util.Optional;

/**
 * A letter as the failed-member queue gets it (its body and ErrorCode attribute) and the member the invocation's log
 * lists it under: what a test compares whole.
 */
public record WrittenLetter(String sourceMessageId, String errorCode, String body, Optional<String> member) {

    public WrittenLetter(String sourceMessageId, String errorCode, String body) {
        this(sourceMessageId, errorCode, body, Optional.empty());
    }

    public static WrittenLetter of(Letter letter) {
        return new WrittenLetter(letter.sourceMessageId(), letter.errorCode(), LetterJson.body(letter), letter.member());
    }
}

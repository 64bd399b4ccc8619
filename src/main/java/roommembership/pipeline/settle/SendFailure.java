package roommembership.pipeline.settle;

import java.util.Objects;

/**
 * One way a dead-letter send fell short, with its cause: a call that failed, entries the queue refused or did not
 * answer for, or letters no call had time left for.
 *
 * @param letters how many letters it concerned
 * @param attempt which attempt at sending them it was, from 1
 * @param errorCode the queue's error code, or the client's exception when the queue gave none
 * @param message what the queue or the client said; null when neither said anything
 */
public record SendFailure(int letters, int attempt, String errorCode, String message) {
    public SendFailure {
        Objects.requireNonNull(errorCode, "errorCode");
    }
}

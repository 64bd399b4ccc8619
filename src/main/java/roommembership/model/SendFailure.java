package roommembership.model;

import java.util.Objects;

/**
 * One way a send to a queue fell short, with its cause: a call that failed, entries the queue refused or did not
 * answer for, or messages no call had time left for.
 *
 * @param messages how many messages it concerned
 * @param attempt which attempt at sending them it was, from 1
 * @param errorCode the queue's error code, or the client's exception when the queue gave none
 * @param message what the queue or the client said; null when neither said anything
 */
public record SendFailure(int messages, int attempt, String errorCode, String message) {
    public SendFailure {
        Objects.requireNonNull(errorCode, "errorCode");
    }
}

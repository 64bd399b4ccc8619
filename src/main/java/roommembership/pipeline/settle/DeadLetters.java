package roommembership.pipeline.settle;

import java.util.List;

/** Port: the failed-member queue. */
public interface DeadLetters {
    /** Sends every letter and returns those that could not be sent, after retries. */
    List<Letter> send(List<Letter> letters);
}

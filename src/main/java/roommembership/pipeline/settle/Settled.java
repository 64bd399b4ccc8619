package roommembership.pipeline.settle;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a batch ended once its letters were sent.
 *
 * @param retryMessageIds the records SQS must deliver again, in batch order, each once
 * @param sent the dead letters that reached the failed-member queue
 * @param deadLetteredByErrorCode the letters sent, per ErrorCode
 * @param requestEnds how the membership requests of the records ended
 */
public record Settled(List<String> retryMessageIds, List<Letter> sent, Map<String, Integer> deadLetteredByErrorCode,
                      RequestEnds requestEnds) {
    public Settled {
        retryMessageIds = List.copyOf(retryMessageIds);
        sent = List.copyOf(sent);
        deadLetteredByErrorCode = Map.copyOf(deadLetteredByErrorCode);
        Objects.requireNonNull(requestEnds, "requestEnds");
    }
}

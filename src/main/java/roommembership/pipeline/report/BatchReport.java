package roommembership.pipeline.report;

import roommembership.pipeline.apply.CallFailure;
import roommembership.pipeline.settle.Letter;
import roommembership.pipeline.settle.SendFailure;

import java.util.List;

/**
 * The result of one batch.
 *
 * @param retryMessageIds the records SQS must deliver again, in batch order
 * @param deadLetters the dead-letter records that were sent
 * @param callFailures the Chime calls that failed as a whole, in the order they ended
 * @param sendFailures what the dead letters' send met on its way, in the order met
 */
public record BatchReport(List<String> retryMessageIds, List<Letter> deadLetters, List<CallFailure> callFailures,
                          List<SendFailure> sendFailures, Summary summary) {
    public BatchReport {
        retryMessageIds = List.copyOf(retryMessageIds);
        deadLetters = List.copyOf(deadLetters);
        callFailures = List.copyOf(callFailures);
        sendFailures = List.copyOf(sendFailures);
    }

    /** A batch whose dead letters, if any, were sent without a failure. */
    public BatchReport(List<String> retryMessageIds, List<Letter> deadLetters, List<CallFailure> callFailures,
                       Summary summary) {
        this(retryMessageIds, deadLetters, callFailures, List.of(), summary);
    }
}

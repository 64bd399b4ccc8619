package roommembership.pipeline.report;

import roommembership.pipeline.apply.CallFailure;
import roommembership.pipeline.settle.Letter;

import java.util.List;

/**
 * The result of one batch.
 *
 * @param retryMessageIds the records SQS must deliver again, in batch order
 * @param deadLetters the dead-letter records that were sent
 * @param callFailures the Chime calls that failed as a whole, in the order they ended
 */
public record BatchReport(List<String> retryMessageIds, List<Letter> deadLetters, List<CallFailure> callFailures,
                          Summary summary) {
    public BatchReport {
        retryMessageIds = List.copyOf(retryMessageIds);
        deadLetters = List.copyOf(deadLetters);
        callFailures = List.copyOf(callFailures);
    }
}

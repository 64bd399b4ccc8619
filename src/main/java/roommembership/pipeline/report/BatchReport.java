package roommembership.pipeline.report;

import roommembership.pipeline.apply.CallFailure;
import roommembership.pipeline.apply.OddEntries;
import roommembership.pipeline.settle.DeadLetter;

import java.util.List;

/**
 * The result of one batch.
 *
 * @param retryMessageIds the records SQS must deliver again, in batch order
 * @param deadLetters the dead-letter records that were sent
 * @param callFailures the Chime calls that failed as a whole, in the order they ended
 * @param oddEntries the answers with entries that named no member, in the order the batch met them
 */
public record BatchReport(List<String> retryMessageIds, List<DeadLetter> deadLetters, List<CallFailure> callFailures,
                          List<OddEntries> oddEntries, Summary summary) {
    public BatchReport {
        retryMessageIds = List.copyOf(retryMessageIds);
        deadLetters = List.copyOf(deadLetters);
        callFailures = List.copyOf(callFailures);
        oddEntries = List.copyOf(oddEntries);
    }

    /** A batch whose every answer named its members. */
    public BatchReport(List<String> retryMessageIds, List<DeadLetter> deadLetters, List<CallFailure> callFailures,
                       Summary summary) {
        this(retryMessageIds, deadLetters, callFailures, List.of(), summary);
    }
}

package roommembership.pipeline.report;

import roommembership.pipeline.apply.CallFailure;
import roommembership.pipeline.apply.OddEntries;
import roommembership.pipeline.apply.ReadFailure;
import roommembership.pipeline.settle.DeadLetter;

import java.util.List;

/**
 * The result of one batch.
 *
 * @param retryMessageIds the records SQS must deliver again, in batch order
 * @param deadLetters the dead-letter records that were sent
 * @param callFailures the Chime calls that failed as a whole, in the order they ended
 * @param readFailures the reads of targets that got no roster, in the order the batch made them
 * @param oddEntries the answers with entries that named no member, in the order the batch met them
 */
public record BatchReport(List<String> retryMessageIds, List<DeadLetter> deadLetters, List<CallFailure> callFailures,
                          List<ReadFailure> readFailures, List<OddEntries> oddEntries, Summary summary) {
    public BatchReport {
        retryMessageIds = List.copyOf(retryMessageIds);
        deadLetters = List.copyOf(deadLetters);
        callFailures = List.copyOf(callFailures);
        readFailures = List.copyOf(readFailures);
        oddEntries = List.copyOf(oddEntries);
    }

    /** A batch whose every read got its roster and whose every answer named its members. */
    public BatchReport(List<String> retryMessageIds, List<DeadLetter> deadLetters, List<CallFailure> callFailures,
                       Summary summary) {
        this(retryMessageIds, deadLetters, callFailures, List.of(), List.of(), summary);
    }
}

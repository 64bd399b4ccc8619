package roommembership.pipeline.report;

import roommembership.pipeline.apply.CallFailure;
import roommembership.pipeline.apply.OddEntries;
import roommembership.pipeline.apply.ReadFailure;
import roommembership.pipeline.settle.Letter;
import roommembership.model.SendFailure;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The result of one batch.
 *
 * @param retryMessageIds the records SQS must deliver again, in batch order
 * @param deadLetters the dead-letter records that were sent
 * @param incidents what went wrong on the way, for the operator's log
 */
public record BatchReport(List<String> retryMessageIds, List<Letter> deadLetters, Incidents incidents,
                          Summary summary, List<RosterNote> rosterNotes) {
    public BatchReport {
        retryMessageIds = List.copyOf(retryMessageIds);
        deadLetters = List.copyOf(deadLetters);
        rosterNotes = List.copyOf(rosterNotes);
    }

    /** A batch of requests only. */
    public BatchReport(List<String> retryMessageIds, List<Letter> deadLetters, Incidents incidents, Summary summary) {
        this(retryMessageIds, deadLetters, incidents, summary, List.of());
    }

    /**
     * What a roster came to, for the log: one target's plan, or why nothing was planned.
     *
     * @param warning whether the roster was refused or its plan not written, rather than planned
     * @param message the log line's message
     * @param fields the line's own fields, a JSON object ({@link RosterPlanJson})
     */
    public record RosterNote(boolean warning, String message, String fields) {
    }

    /**
     * This report with the records handled apart from the requests: the records among them to retry join those of
     * the requests, in batch order, and the summary counts them.
     *
     * @param batchOrder every record's message id, in batch order
     */
    public BatchReport withRostersApart(List<String> batchOrder, int rosterRecords, List<String> rostersRetried,
                                        List<RosterNote> notes) {
        Set<String> retry = new HashSet<>(retryMessageIds);
        retry.addAll(rostersRetried);
        List<String> ordered = batchOrder.stream().filter(retry::contains).toList();
        List<RosterNote> allNotes = new ArrayList<>(rosterNotes);
        allNotes.addAll(notes);
        return new BatchReport(ordered, deadLetters, incidents,
                summary.withRecordsBesides(rosterRecords, rostersRetried.size()), allNotes);
    }

    /** This report with these notes of the rosters its requests came from. */
    public BatchReport withRosterNotes(List<RosterNote> notes) {
        if (notes.isEmpty()) {
            return this;
        }
        List<RosterNote> allNotes = new ArrayList<>(rosterNotes);
        allNotes.addAll(notes);
        return new BatchReport(retryMessageIds, deadLetters, incidents, summary, allNotes);
    }

    /** A batch whose reads and answers were all as expected and whose letters, if any, went without a failure. */
    public BatchReport(List<String> retryMessageIds, List<Letter> deadLetters, List<CallFailure> callFailures,
                       Summary summary) {
        this(retryMessageIds, deadLetters, new Incidents(callFailures, List.of(), List.of(), List.of()), summary,
                List.of());
    }

    /**
     * @param callFailures the Chime calls that failed as a whole, in the order they ended
     * @param readFailures the reads of targets that got no roster, in the order the batch made them
     * @param oddEntries the answers with entries that named no member, in the order the batch met them
     * @param sendFailures what the dead letters' send met on its way, in the order met
     * @param dispatchFailures what the send to the target queue met on its way, in the order met
     */
    public record Incidents(List<CallFailure> callFailures, List<ReadFailure> readFailures,
                            List<OddEntries> oddEntries, List<SendFailure> sendFailures,
                            List<SendFailure> dispatchFailures) {
        public Incidents {
            callFailures = List.copyOf(callFailures);
            readFailures = List.copyOf(readFailures);
            oddEntries = List.copyOf(oddEntries);
            sendFailures = List.copyOf(sendFailures);
            dispatchFailures = List.copyOf(dispatchFailures);
        }

        /** A batch that dispatched nothing. */
        public Incidents(List<CallFailure> callFailures, List<ReadFailure> readFailures,
                         List<OddEntries> oddEntries, List<SendFailure> sendFailures) {
            this(callFailures, readFailures, oddEntries, sendFailures, List.of());
        }
    }

    public List<CallFailure> callFailures() {
        return incidents.callFailures();
    }

    public List<ReadFailure> readFailures() {
        return incidents.readFailures();
    }

    public List<OddEntries> oddEntries() {
        return incidents.oddEntries();
    }

    public List<SendFailure> sendFailures() {
        return incidents.sendFailures();
    }

    public List<SendFailure> dispatchFailures() {
        return incidents.dispatchFailures();
    }
}

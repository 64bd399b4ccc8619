package roommembership.pipeline;

import roommembership.model.Deadline;
import roommembership.model.ErrorCodes;
import roommembership.model.Membership;
import roommembership.pipeline.apply.Calls;
import roommembership.pipeline.plan.Reconciliation;
import roommembership.pipeline.plan.RosterRules;
import roommembership.pipeline.read.RosterBatch;
import roommembership.pipeline.read.RosterLines;
import roommembership.pipeline.read.RosterObjects;
import roommembership.pipeline.read.RosterTrigger;
import roommembership.pipeline.report.BatchReport.RosterNote;
import roommembership.pipeline.report.RosterPlanJson;
import roommembership.target.Target;
import roommembership.target.TargetRead;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Rosters planned and not applied: each roster of a trigger is read from its store, every target it names is read
 * whole, and the plan that would leave each target holding exactly its roster is written next to the roster as
 * {@code <key>.plan.json} and logged, one line per target. No write call is made and no letter is sent. A roster or
 * target that could not be read this time sends its record back to SQS; planning again is safe, since a plan depends
 * only on the roster and the targets as they are.
 */
final class RosterDryRuns {
    private final RosterObjects objects;
    private final RosterLines lines;
    private final Calls calls;
    private final RosterRules rules;

    RosterDryRuns(RosterObjects objects, RosterLines lines, Calls calls, RosterRules rules) {
        this.objects = Objects.requireNonNull(objects, "objects");
        this.lines = Objects.requireNonNull(lines, "lines");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /** What the records handled apart came to: those to retry, and the log's notes. */
    record Outcome(List<String> retryMessageIds, List<RosterNote> notes) {
    }

    Outcome run(List<RosterBatch.Triggered> rosters, Deadline deadline) {
        List<String> retry = new ArrayList<>();
        List<RosterNote> notes = new ArrayList<>();
        for (RosterBatch.Triggered triggered : rosters) {
            if (!(triggered.trigger() instanceof RosterTrigger.Apply apply)) {
                continue;
            }
            boolean again = false;
            for (RosterTrigger.RosterObject roster : apply.rosters()) {
                again |= !plan(roster, deadline, notes);
            }
            if (again) {
                retry.add(triggered.record().messageId());
            }
        }
        return new Outcome(retry, notes);
    }

    /** Plans one roster; false when it must be tried again. */
    private boolean plan(RosterTrigger.RosterObject roster, Deadline deadline, List<RosterNote> notes) {
        String uri = roster.uri();
        RosterObjects.Fetched<RosterLines.Read> fetched = objects.read(roster, rules.maxBytes(), deadline, lines::read);
        if (fetched instanceof RosterObjects.Unavailable<RosterLines.Read> unavailable) {
            notes.add(new RosterNote(true, "roster not read", RosterPlanJson.refused(uri, true,
                    unavailable.errorCode(), unavailable.message())));
            return false;
        }
        if (fetched instanceof RosterObjects.Refused<RosterLines.Read> refused) {
            return refused(roster, refused.errorCode(), refused.message(), deadline, notes);
        }
        RosterLines.Read read = ((RosterObjects.Done<RosterLines.Read>) fetched).value();
        if (read instanceof RosterLines.Refused bad) {
            return refused(roster, ErrorCodes.BAD_REQUEST, bad.reason(), deadline, notes);
        }
        Map<Target, Map<String, Membership>> targets = ((RosterLines.Complete) read).targets();
        Map<Target, TargetRead> states = calls.states(targets.keySet(), deadline);
        Map<Target, Reconciliation> plans = new LinkedHashMap<>();
        Map<Target, RosterPlanJson.Unreadable> unreadable = new LinkedHashMap<>();
        for (Map.Entry<Target, Map<String, Membership>> target : targets.entrySet()) {
            TargetRead state = states.get(target.getKey());
            if (state instanceof TargetRead.Known known) {
                plans.put(target.getKey(), Reconciliation.of(target.getValue(), known.state(),
                        rules.protectedMembers(), rules.removalLimit()));
                continue;
            }
            TargetRead.Unknown unknown = (TargetRead.Unknown) state;
            if (ErrorCodes.isTransient(unknown.errorCode())) {
                notes.add(new RosterNote(true, "roster not planned", RosterPlanJson.refused(uri, true,
                        unknown.errorCode(), "a target could not be read this time: " + unknown.message())));
                return false;
            }
            unreadable.put(target.getKey(), new RosterPlanJson.Unreadable(unknown.errorCode(), unknown.message()));
        }
        if (!written(roster, RosterPlanJson.document(uri, true, plans, unreadable), deadline, notes)) {
            return false;
        }
        plans.forEach((target, plan) -> notes.add(new RosterNote(false, "roster plan",
                RosterPlanJson.target(uri, true, target, plan))));
        return true;
    }

    /** A roster refused whole: its plan says why; nothing else happens. */
    private boolean refused(RosterTrigger.RosterObject roster, String errorCode, String message, Deadline deadline,
                            List<RosterNote> notes) {
        String document = RosterPlanJson.refused(roster.uri(), true, errorCode, message);
        notes.add(new RosterNote(true, "roster refused", document));
        return written(roster, document, deadline, notes);
    }

    /** Writes the plan beside the roster; false when it must be tried again. */
    private boolean written(RosterTrigger.RosterObject roster, String document, Deadline deadline,
                            List<RosterNote> notes) {
        RosterTrigger.RosterObject plan = new RosterTrigger.RosterObject(roster.bucket(), roster.key() + ".plan.json");
        if (!(objects.write(plan, document, deadline) instanceof RosterObjects.NotDone<Void> failed)) {
            return true;
        }
        notes.add(new RosterNote(true, "roster plan not written",
                RosterPlanJson.refused(plan.uri(), true, failed.errorCode(), failed.message())));
        // A plan the store refuses is not written on another try either: the record is settled, its note says why.
        return !(failed instanceof RosterObjects.Unavailable<Void>);
    }
}

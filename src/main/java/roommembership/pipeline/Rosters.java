package roommembership.pipeline;

import roommembership.model.Deadline;
import roommembership.model.ErrorCodes;
import roommembership.model.Membership;
import roommembership.pipeline.apply.Calls;
import roommembership.pipeline.plan.Reconciliation;
import roommembership.pipeline.plan.RosterRequests;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.plan.RosterRules;
import roommembership.pipeline.read.RosterBatch;
import roommembership.pipeline.read.RosterLines;
import roommembership.pipeline.read.RosterObjects;
import roommembership.pipeline.read.RosterTrigger;
import roommembership.pipeline.report.BatchReport.RosterNote;
import roommembership.pipeline.report.RosterPlanJson;
import roommembership.target.Target;
import roommembership.target.TargetRead;
import roommembership.target.TargetState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The roster stage: each roster a trigger names is read from its store, every target it names is read whole, and
 * each target is reconciled with its roster ({@link Reconciliation}). A dry run's plan is written next to the roster
 * as {@code <key>.plan.json} and logged, one line per target, with no write call and no letter. A roster to apply
 * becomes the requests that carry its plan out ({@link RosterRequests}), which the batch's later stages make like any
 * other, in the roster record's place. A roster or target that could not be read this time sends its record back to
 * SQS; planning again is safe, since a plan depends only on the roster and the targets as they are.
 */
final class Rosters {
    private final RosterObjects objects;
    private final RosterLines lines;
    private final Calls calls;
    private final RosterRules rules;

    Rosters(RosterObjects objects, RosterLines lines, Calls calls, RosterRules rules) {
        this.objects = Objects.requireNonNull(objects, "objects");
        this.lines = Objects.requireNonNull(lines, "lines");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /** What the records handled apart came to: those to retry, and the log's notes. */
    record Outcome(List<String> retryMessageIds, List<RosterNote> notes) {
    }

    /** Plans the dry runs among the records handled apart; S3's test events are settled as they are. */
    Outcome dryRuns(List<RosterBatch.Triggered> rosters, Deadline deadline) {
        List<String> retry = new ArrayList<>();
        List<RosterNote> notes = new ArrayList<>();
        for (RosterBatch.Triggered triggered : rosters) {
            if (!(triggered.trigger() instanceof RosterTrigger.Apply apply)) {
                continue;
            }
            boolean again = false;
            for (RosterTrigger.RosterObject roster : apply.rosters()) {
                again |= !dryRun(roster, deadline, notes);
            }
            if (again) {
                retry.add(triggered.record().messageId());
            }
        }
        return new Outcome(retry, notes);
    }

    /**
     * The rosters of one record as the requests that make each of their targets hold exactly its roster, planned
     * against the targets as read now; a dry run among them is planned and written. A roster refused whole is the
     * record's letter; one that could not be read this time sends the record back.
     *
     * @param earlier the messages of the batch's records before this one: the roster comes after them
     */
    ParsedMessage apply(RosterTrigger.Apply apply, List<ParsedMessage> earlier, Deadline deadline,
                        List<RosterNote> notes) {
        List<ParsedMessage.Request> requests = new ArrayList<>();
        ParsedMessage.Invalid refused = null;
        for (RosterTrigger.RosterObject roster : apply.rosters()) {
            if (RosterBatch.dryRun(roster)) {
                if (!dryRun(roster, deadline, notes)) {
                    return new ParsedMessage.Unavailable(ErrorCodes.SERVICE_UNAVAILABLE,
                            "a dry run's plan could not be made or written this time: " + roster.uri());
                }
                continue;
            }
            Planned planned = plan(roster, false, deadline, notes);
            if (planned instanceof NotNow notNow) {
                return new ParsedMessage.Unavailable(notNow.errorCode(), notNow.message());
            }
            if (planned instanceof Refusal refusal) {
                notes.add(new RosterNote(true, "roster refused", RosterPlanJson.refused(roster.uri(), false,
                        refusal.errorCode(), refusal.message())));
                if (refused == null) {
                    refused = new ParsedMessage.Invalid(refusal.message(), refusal.errorCode(),
                            Optional.of(roster.uri()));
                }
                continue;
            }
            requests.addAll(requests((Plans) planned, earlier, notes));
        }
        if (refused != null) {
            // One message asks for all its rosters: it is carried out whole or refused whole, never in part.
            return apply.rosters().size() == 1 ? refused : new ParsedMessage.Invalid(refused.reason()
                    + "; none of the message's " + apply.rosters().size() + " rosters was applied",
                    refused.errorCode(), refused.roster());
        }
        return new ParsedMessage.Roster(requests);
    }

    /** A roster's plans as requests, and one log line per target. */
    private List<ParsedMessage.Request> requests(Plans planned, List<ParsedMessage> earlier, List<RosterNote> notes) {
        String uri = planned.roster().uri();
        Map<Target, Set<String>> named = named(earlier, planned.read().targets().keySet());
        List<ParsedMessage.Request> requests = new ArrayList<>();
        planned.read().targets().forEach((target, members) -> {
            Optional<ParsedMessage.Routed> routed = Optional.ofNullable(planned.read().routes().get(target));
            Reconciliation plan = planned.plans().get(target);
            if (plan == null) {
                requests.addAll(RosterRequests.unread(uri, target, members, routed));
                return;
            }
            requests.addAll(RosterRequests.of(uri, target, members, planned.states().get(target), plan, routed,
                    named.getOrDefault(target, Set.of()), rules.protectedMembers()));
            notes.add(new RosterNote(false, "roster plan", RosterPlanJson.target(uri, false, target, plan)));
        });
        planned.unreadable().forEach((target, unreadable) -> notes.add(new RosterNote(true, "roster target not read",
                RosterPlanJson.refused(uri, false, unreadable.errorCode(), unreadable.message()))));
        return requests;
    }

    /** The members the messages ask for in each of these targets. */
    private static Map<Target, Set<String>> named(List<ParsedMessage> messages, Set<Target> targets) {
        Map<Target, Set<String>> named = new HashMap<>();
        for (ParsedMessage message : messages) {
            for (ParsedMessage.Request request : message.requests()) {
                if (targets.contains(request.target())) {
                    Set<String> ids = named.computeIfAbsent(request.target(), t -> new HashSet<>());
                    request.members().forEach(member -> ids.add(member.memberId()));
                }
            }
        }
        return named;
    }

    /** What reading a roster and its targets came to. */
    private sealed interface Planned {
    }

    /** It could not be read this time: a note says why. */
    private record NotNow(String errorCode, String message) implements Planned {
    }

    /** The roster is refused whole. */
    private record Refusal(String errorCode, String message) implements Planned {
    }

    /**
     * @param states each target read, as it is now
     * @param plans each target read, reconciled with its roster
     * @param unreadable the targets that could not be read for good (gone, or not the bearer's to read)
     */
    private record Plans(RosterTrigger.RosterObject roster, RosterLines.Complete read, Map<Target, TargetState> states,
                         Map<Target, Reconciliation> plans, Map<Target, RosterPlanJson.Unreadable> unreadable)
            implements Planned {
    }

    /** Reads the roster and its targets, and plans each target. */
    private Planned plan(RosterTrigger.RosterObject roster, boolean dryRun, Deadline deadline,
                         List<RosterNote> notes) {
        String uri = roster.uri();
        RosterObjects.Fetched<RosterLines.Read> fetched = objects.read(roster, rules.maxBytes(), deadline, lines::read);
        if (fetched instanceof RosterObjects.Unavailable<RosterLines.Read> unavailable) {
            notes.add(new RosterNote(true, "roster not read", RosterPlanJson.refused(uri, dryRun,
                    unavailable.errorCode(), unavailable.message())));
            return new NotNow(unavailable.errorCode(), unavailable.message());
        }
        if (fetched instanceof RosterObjects.Refused<RosterLines.Read> refused) {
            return new Refusal(refused.errorCode(), refused.message());
        }
        RosterLines.Read read = ((RosterObjects.Done<RosterLines.Read>) fetched).value();
        if (read instanceof RosterLines.Refused bad) {
            return new Refusal(ErrorCodes.BAD_REQUEST, bad.reason());
        }
        RosterLines.Complete complete = (RosterLines.Complete) read;
        Map<Target, TargetRead> reads = calls.states(complete.targets().keySet(), deadline);
        Map<Target, TargetState> states = new HashMap<>();
        Map<Target, Reconciliation> plans = new LinkedHashMap<>();
        Map<Target, RosterPlanJson.Unreadable> unreadable = new LinkedHashMap<>();
        for (Map.Entry<Target, Map<String, Membership>> target : complete.targets().entrySet()) {
            TargetRead state = reads.get(target.getKey());
            if (state instanceof TargetRead.Known known) {
                states.put(target.getKey(), known.state());
                plans.put(target.getKey(), Reconciliation.of(target.getValue(), known.state(),
                        rules.protectedMembers(), rules.removalLimit(), target.getKey().roleInAddCall()));
                continue;
            }
            TargetRead.Unknown unknown = (TargetRead.Unknown) state;
            if (ErrorCodes.isTransient(unknown.errorCode())) {
                String message = "a target could not be read this time: " + unknown.message();
                notes.add(new RosterNote(true, "roster not planned", RosterPlanJson.refused(uri, dryRun,
                        unknown.errorCode(), message)));
                return new NotNow(unknown.errorCode(), message);
            }
            unreadable.put(target.getKey(), new RosterPlanJson.Unreadable(unknown.errorCode(), unknown.message()));
        }
        return new Plans(roster, complete, states, plans, unreadable);
    }

    /** Plans one dry run and writes its plan; false when it must be tried again. */
    private boolean dryRun(RosterTrigger.RosterObject roster, Deadline deadline, List<RosterNote> notes) {
        String uri = roster.uri();
        Planned planned = plan(roster, true, deadline, notes);
        if (planned instanceof NotNow) {
            return false;
        }
        if (planned instanceof Refusal refusal) {
            String document = RosterPlanJson.refused(uri, true, refusal.errorCode(), refusal.message());
            notes.add(new RosterNote(true, "roster refused", document));
            return written(roster, document, deadline, notes);
        }
        Plans plans = (Plans) planned;
        if (!written(roster, RosterPlanJson.document(uri, true, plans.plans(), plans.unreadable()), deadline, notes)) {
            return false;
        }
        plans.plans().forEach((target, plan) -> notes.add(new RosterNote(false, "roster plan",
                RosterPlanJson.target(uri, true, target, plan))));
        return true;
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

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
import java.util.function.Function;
import java.util.function.Supplier;

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
        Reads reads = new Reads();
        List<String> retry = new ArrayList<>();
        List<RosterNote> notes = new ArrayList<>();
        for (RosterBatch.Triggered triggered : rosters) {
            if (!(triggered.trigger() instanceof RosterTrigger.Apply apply)) {
                continue;
            }
            boolean again = false;
            for (RosterTrigger.RosterObject roster : apply.rosters()) {
                again |= !dryRun(roster, deadline, notes, reads);
            }
            if (again) {
                retry.add(triggered.record().messageId());
            }
        }
        return new Outcome(retry, notes);
    }

    /**
     * One batch's reads of its rosters: a roster several of its records name (its targets handed on one by one) is
     * read from the store once.
     */
    static final class Reads {
        private final Map<RosterTrigger.RosterObject, RosterObjects.Fetched<RosterLines.Read>> fetched =
                new HashMap<>();
    }

    /**
     * The rosters of one record as the requests that make each of their targets hold exactly its roster, planned
     * against the targets as read now; a dry run among them is planned and written. A roster refused whole is the
     * record's letter; one that could not be read this time sends the record back.
     *
     * @param earlier the messages of the batch's records before this one: the roster comes after them
     */
    ParsedMessage apply(RosterTrigger.Apply apply, List<ParsedMessage> earlier, Deadline deadline,
                        List<RosterNote> notes, Reads reads) {
        List<ParsedMessage.Request> requests = new ArrayList<>();
        return eachRoster(apply, deadline, notes, reads, read -> {
            Planned planned = plan(read, apply.only(), false, deadline, notes);
            if (planned instanceof NotNow notNow) {
                return new ParsedMessage.Unavailable(notNow.errorCode(), notNow.message());
            }
            requests.addAll(requests((Plans) planned, earlier, notes));
            return null;
        }, () -> new ParsedMessage.Roster(requests));
    }

    /**
     * The rosters of one record handed on target by target, each to be planned and carried out where that target's
     * requests are (a deployment with a target queue), so that one invocation at a time reads and calls a target, and
     * a roster of more targets than one invocation can read still finishes. Each roster is read whole first: a bad one
     * is refused here, whole. A dry run among them is planned here.
     */
    ParsedMessage fanOut(RosterTrigger.Apply apply, Deadline deadline, List<RosterNote> notes, Reads reads) {
        List<ParsedMessage.RosterTarget> targets = new ArrayList<>();
        return eachRoster(apply, deadline, notes, reads, complete -> {
            RosterLines.Complete named = apply.only().map(complete.read()::only).orElse(complete.read());
            named.targets().keySet().forEach(target -> targets.add(
                    new ParsedMessage.RosterTarget(complete.roster().uri(), target)));
            notes.add(new RosterNote(false, "roster handed on", RosterPlanJson.handedOn(complete.roster().uri(),
                    named.targets().size(), named.lines())));
            return null;
        }, () -> new ParsedMessage.RosterFanOut(targets));
    }

    /** What reading a roster came to: read whole, refused, or not read this time; a note says which. */
    private sealed interface Got {
    }

    /** A roster read whole, every line valid. */
    private record Read(RosterTrigger.RosterObject roster, RosterLines.Complete read) implements Got {
    }

    /** A roster refused whole: the store's code, or BadRequest with its first bad lines. */
    private record Refusal(String errorCode, String reason) implements Got {
    }

    /**
     * A roster, or one of its targets, not read this time (the store or Chime unavailable, no time left): the record
     * goes back to SQS, a note says why.
     */
    private record NotNow(String errorCode, String message) implements Got, Planned {
    }

    /** Reads a roster (once per batch), noting a refusal or a failure to read it. */
    private Got read(RosterTrigger.RosterObject roster, boolean dryRun, Deadline deadline, List<RosterNote> notes,
                     Reads reads) {
        RosterObjects.Fetched<RosterLines.Read> fetched = fetch(roster, deadline, reads);
        if (fetched instanceof RosterObjects.Unavailable<RosterLines.Read> unavailable) {
            notes.add(new RosterNote(true, "roster not read", RosterPlanJson.refused(roster.uri(), dryRun,
                    unavailable.errorCode(), unavailable.message())));
            return new NotNow(unavailable.errorCode(), unavailable.message());
        }
        Refusal refusal = null;
        if (fetched instanceof RosterObjects.Refused<RosterLines.Read> store) {
            refusal = new Refusal(store.errorCode(), store.message());
        } else if (((RosterObjects.Done<RosterLines.Read>) fetched).value() instanceof RosterLines.Refused bad) {
            refusal = new Refusal(ErrorCodes.BAD_REQUEST, bad.reason());
        }
        if (refusal != null) {
            notes.add(new RosterNote(true, "roster refused", RosterPlanJson.refused(roster.uri(), dryRun,
                    refusal.errorCode(), refusal.reason())));
            return refusal;
        }
        return new Read(roster, (RosterLines.Complete) ((RosterObjects.Done<RosterLines.Read>) fetched).value());
    }

    /**
     * Reads each roster of a trigger and hands the valid ones to {@code use}, which may answer that the record must go
     * back; a dry run is planned and written instead. A record with a roster refused is that roster's letter: one
     * message asks for all its rosters, so it is carried out whole or refused whole, never in part.
     */
    private ParsedMessage eachRoster(RosterTrigger.Apply apply, Deadline deadline, List<RosterNote> notes,
                                     Reads reads, Function<Read, ParsedMessage.Unavailable> use, Supplier<ParsedMessage> done) {
        ParsedMessage.Invalid refused = null;
        List<Read> valid = new ArrayList<>();
        for (RosterTrigger.RosterObject roster : apply.rosters()) {
            if (RosterBatch.dryRun(roster)) {
                if (!dryRun(roster, deadline, notes, reads)) {
                    return new ParsedMessage.Unavailable(ErrorCodes.SERVICE_UNAVAILABLE,
                            "a dry run's plan could not be made or written this time: " + roster.uri());
                }
                continue;
            }
            Got got = read(roster, false, deadline, notes, reads);
            if (got instanceof NotNow notNow) {
                return new ParsedMessage.Unavailable(notNow.errorCode(), notNow.message());
            }
            if (got instanceof Refusal refusal) {
                if (refused == null) {
                    refused = new ParsedMessage.Invalid(refusal.reason(), refusal.errorCode(),
                            Optional.of(roster.uri()));
                }
                continue;
            }
            valid.add((Read) got);
        }
        if (refused != null) {
            return apply.rosters().size() == 1 ? refused : new ParsedMessage.Invalid(refused.reason()
                    + "; none of the message's " + apply.rosters().size() + " rosters was applied",
                    refused.errorCode(), refused.roster());
        }
        for (Read read : valid) {
            ParsedMessage.Unavailable again = use.apply(read);
            if (again != null) {
                return again;
            }
        }
        return done.get();
    }

    /** The roster read from its store, once per batch. */
    private RosterObjects.Fetched<RosterLines.Read> fetch(RosterTrigger.RosterObject roster, Deadline deadline,
                                                          Reads reads) {
        RosterObjects.Fetched<RosterLines.Read> cached = reads.fetched.get(roster);
        if (cached != null) {
            return cached;
        }
        RosterObjects.Fetched<RosterLines.Read> fetched = objects.read(roster, rules.maxBytes(), deadline,
                lines::read);
        if (!(fetched instanceof RosterObjects.Unavailable<RosterLines.Read>)) {
            reads.fetched.put(roster, fetched);
        }
        return fetched;
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

    /** What reading a roster's targets came to. */
    private sealed interface Planned {
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

    /** Reads the roster's targets (or the one target asked for) and plans each. */
    private Planned plan(Read roster, Optional<Target> only, boolean dryRun, Deadline deadline,
                         List<RosterNote> notes) {
        String uri = roster.roster().uri();
        RosterLines.Complete complete = only.map(roster.read()::only).orElse(roster.read());
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
            // A dry run's plan names a target it could not read this time rather than wait for all: it is written
            // whatever the targets, and a roster of more targets than one invocation can read still gets one.
            if (ErrorCodes.isTransient(unknown.errorCode()) && !dryRun) {
                String message = "a target could not be read this time: " + unknown.message();
                notes.add(new RosterNote(true, "roster not planned", RosterPlanJson.refused(uri, dryRun,
                        unknown.errorCode(), message)));
                return new NotNow(unknown.errorCode(), message);
            }
            unreadable.put(target.getKey(), new RosterPlanJson.Unreadable(unknown.errorCode(), unknown.message()));
        }
        return new Plans(roster.roster(), complete, states, plans, unreadable);
    }

    /** Plans one dry run and writes its plan; false when it must be tried again. */
    private boolean dryRun(RosterTrigger.RosterObject roster, Deadline deadline, List<RosterNote> notes, Reads reads) {
        String uri = roster.uri();
        Got got = read(roster, true, deadline, notes, reads);
        if (got instanceof NotNow) {
            return false;
        }
        if (got instanceof Refusal refusal) {
            return written(roster, RosterPlanJson.refused(uri, true, refusal.errorCode(), refusal.reason()), deadline,
                    notes);
        }
        Planned planned = plan((Read) got, Optional.empty(), true, deadline, notes);
        if (planned instanceof NotNow) {
            return false;
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

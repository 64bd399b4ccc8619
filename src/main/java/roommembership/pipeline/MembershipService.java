package roommembership.pipeline;

import roommembership.model.Deadline;
import roommembership.model.MemberOutcome;
import roommembership.model.SendFailure;
import roommembership.model.Sent;
import roommembership.model.SourceRecord;
import roommembership.pipeline.apply.Applied;
import roommembership.pipeline.apply.CallLimits;
import roommembership.pipeline.apply.Calls;
import roommembership.pipeline.apply.Reads;
import roommembership.pipeline.dispatch.Dispatch;
import roommembership.pipeline.dispatch.Dispatching;
import roommembership.pipeline.dispatch.TargetQueue;
import roommembership.pipeline.plan.BatchPlan;
import roommembership.pipeline.plan.RosterRules;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.read.RosterBatch;
import roommembership.pipeline.read.RosterLines;
import roommembership.pipeline.read.RosterObjects;
import roommembership.pipeline.read.Reading;
import roommembership.pipeline.report.BatchReport;
import roommembership.pipeline.report.BatchReport.RosterNote;
import roommembership.pipeline.report.Reporting;
import roommembership.pipeline.settle.DeadLetters;
import roommembership.pipeline.settle.Letter;
import roommembership.pipeline.settle.Settled;
import roommembership.pipeline.settle.Settlement;
import roommembership.pipeline.verify.LastReceive;
import roommembership.pipeline.verify.Roles;
import roommembership.pipeline.verify.Verification;
import roommembership.pipeline.verify.Verified;
import roommembership.target.MemberKey;
import roommembership.target.Memberships;
import roommembership.target.Target;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Turns one SQS batch into Chime calls and settles every request: carried out (or already true), dead-lettered with
 * an ErrorCode, or its record handed back to SQS for another delivery. It is the list of the pipeline's stages, each
 * taking and returning values.
 */
public final class MembershipService {

    /**
     * Each stage's settings, in a record of its own.
     *
     * @param reading what the read stage admits: routing to channels, the channel access and the account allowlist
     * @param calls how the apply stage paces and retries calls within the invocation's time
     * @param maxReceiveCount a record with transient failures is retried by SQS while its receive count is below this
     */
    public record Settings(Reading reading, CallLimits calls, int maxReceiveCount) {
        public Settings {
            Objects.requireNonNull(reading, "reading");
            Objects.requireNonNull(calls, "calls");
        }
    }

    private final Reading reading;
    private final Calls calls;
    private final Verification verification;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final int maxReceiveCount;
    private final Optional<TargetQueue> targetQueue;
    private final Rosters rosters;

    /** A service that carries out every batch itself, and reads no rosters. */
    public MembershipService(Memberships<Target> memberships, DeadLetters deadLetters, Executor executor, Clock clock,
                             Settings settings) {
        this(memberships, deadLetters, executor, clock, settings, Optional.empty());
    }

    /** A service that reads no rosters. */
    public MembershipService(Memberships<Target> memberships, DeadLetters deadLetters, Executor executor, Clock clock,
                             Settings settings, Optional<TargetQueue> targetQueue) {
        this(memberships, deadLetters, executor, clock, settings, targetQueue, RosterObjects.NONE,
                RosterRules.defaults());
    }

    /**
     * @param executor runs the Chime calls; its thread count bounds how many run at once
     * @param targetQueue when present, where batches from any other queue are dispatched, per target, to be carried
     *                    out by the invocations that take them from there
     * @param rosterObjects where rosters are read from and their plans written to
     * @param rosterRules the deletion brake, the protected members and the largest roster
     */
    public MembershipService(Memberships<Target> memberships, DeadLetters deadLetters, Executor executor, Clock clock,
                             Settings settings, Optional<TargetQueue> targetQueue, RosterObjects rosterObjects,
                             RosterRules rosterRules) {
        Objects.requireNonNull(settings, "settings");
        this.reading = settings.reading();
        this.calls = new Calls(memberships, executor, settings.calls());
        this.verification = new Verification(calls);
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxReceiveCount = settings.maxReceiveCount();
        this.targetQueue = Objects.requireNonNull(targetQueue, "targetQueue");
        this.rosters = new Rosters(rosterObjects, new RosterLines(reading), calls, rosterRules);
    }

    /**
     * A batch from the queue this event source names: dispatched to the target queue when the deployment has one and
     * the batch did not come from it, else carried out.
     */
    public BatchReport process(List<SourceRecord> records, Deadline deadline, String eventSourceArn) {
        Optional<TargetQueue> dispatchTo = targetQueue.filter(queue -> !queue.feeds(eventSourceArn));
        return withRostersApart(records, deadline, requests -> dispatchTo.isPresent()
                ? dispatch(requests, deadline, dispatchTo.get()) : carryOut(requests, deadline));
    }

    /** A batch carried out where it arrived: its requests, and its rosters apart. */
    public BatchReport process(List<SourceRecord> records, Deadline deadline) {
        return withRostersApart(records, deadline, requests -> carryOut(requests, deadline));
    }

    /**
     * The batch's requests (and rosters to apply) through {@code requests}, then the roster triggers handled apart
     * from them: S3's test event is settled as it is, and a dry run planned.
     */
    private BatchReport withRostersApart(List<SourceRecord> records, Deadline deadline,
                                         Function<List<SourceRecord>, BatchReport> requests) {
        RosterBatch batch = RosterBatch.of(records);
        BatchReport report = requests.apply(batch.requests());
        if (batch.rosters().isEmpty()) {
            return report;
        }
        Rosters.Outcome dryRuns = rosters.dryRuns(batch.rosters(), deadline);
        return report.withRostersApart(records.stream().map(SourceRecord::messageId).toList(),
                batch.rosters().size(), dryRuns.retryMessageIds(), dryRuns.notes());
    }

    /** The dispatching pipeline: read, plan, dispatch, settle (bad input's letters), report. */
    private BatchReport dispatch(List<SourceRecord> records, Deadline deadline, TargetQueue queue) {
        long started = System.nanoTime();
        List<RosterNote> notes = new ArrayList<>();
        Rosters.Reads rosterReads = new Rosters.Reads();
        List<ParsedMessage> messages = reading.read(records,
                (apply, earlier) -> rosters.fanOut(apply, deadline, notes, rosterReads));
        BatchPlan plan = BatchPlan.of(messages);
        List<Dispatch> dispatches = Dispatching.inOrder(records, messages, plan);
        Sent<Dispatch> sent = dispatches.isEmpty() ? Sent.allSent() : queue.send(dispatches, deadline);
        Map<MemberKey, MemberOutcome> outcomes = Dispatching.outcomes(dispatches, sent.unsent());
        messages = Dispatching.afterSending(records, messages, sent.unsent());

        Settling settling = settle(records, messages, plan, outcomes, outcomes, deadline);
        return Reporting.dispatched(records, messages, plan, outcomes, settling.settled(), settling.failures(),
                sent.failures(), (System.nanoTime() - started) / 1_000_000).withRosterNotes(notes);
    }

    /** The carrying-out pipeline: read, plan, apply, verify (and apply the roles the reads call for), settle, report. */
    private BatchReport carryOut(List<SourceRecord> records, Deadline deadline) {
        long started = System.nanoTime();
        calls.startInvocation();
        List<RosterNote> notes = new ArrayList<>();
        List<ParsedMessage> messages = read(records, deadline, notes);
        BatchPlan plan = BatchPlan.of(messages);
        Set<MemberKey> lastReceive = LastReceive.members(records, messages, maxReceiveCount);

        Applied changed = calls.apply(plan.changes(), deadline);
        Verified<Map<MemberKey, MemberOutcome>> checked =
                verification.memberships(plan, changed, lastReceive, deadline);
        Map<MemberKey, MemberOutcome> memberships = checked.value();
        Verified<Roles> roles = verification.rolesNeeded(plan, memberships, deadline);
        Applied roleChanges = calls.apply(roles.value().changes(), deadline);
        Verified<Map<MemberKey, MemberOutcome>> roleOutcomes =
                verification.roles(plan, roles.value(), roleChanges, lastReceive, deadline);
        List<Reads> reads = Stream.of(checked, roles, roleOutcomes).flatMap(step -> step.reads().stream()).toList();

        Settling settling = settle(records, messages, plan, memberships,
                Verification.withRoles(memberships, roleOutcomes.value()), deadline);

        return Reporting.of(records, messages, plan, changed.and(roleChanges), reads, memberships,
                roleOutcomes.value(), settling.settled(), settling.failures(),
                (System.nanoTime() - started) / 1_000_000).withRosterNotes(notes);
    }

    /** The read stage, with the rosters to apply read as the requests that carry them out. */
    private List<ParsedMessage> read(List<SourceRecord> records, Deadline deadline, List<RosterNote> notes) {
        Rosters.Reads rosterReads = new Rosters.Reads();
        return reading.read(records, (apply, earlier) -> rosters.apply(apply, earlier, deadline, notes, rosterReads));
    }

    /** Settles every record by the outcomes and sends the letters: a record whose letter did not go goes back. */
    private Settling settle(List<SourceRecord> records, List<ParsedMessage> messages, BatchPlan plan,
                            Map<MemberKey, MemberOutcome> memberships, Map<MemberKey, MemberOutcome> outcomes,
                            Deadline deadline) {
        Settlement settlement = Settlement.of(records, messages, plan, memberships, outcomes, maxReceiveCount, clock);
        Sent<Letter> sending = settlement.deadLetters().isEmpty()
                ? Sent.allSent()
                : deadLetters.send(settlement.deadLetters(), deadline);
        return new Settling(settlement.afterSending(records, sending.unsent()), sending.failures());
    }

    /** The records' end, and what the letters' send met. */
    private record Settling(Settled settled, List<SendFailure> failures) {
    }
}

package roommembership.pipeline.apply;

import roommembership.model.Deadline;
import roommembership.model.ErrorCodes;
import roommembership.model.MemberOutcome;
import roommembership.model.Membership;
import roommembership.pipeline.plan.Change;
import roommembership.target.CallResult;
import roommembership.target.MemberError;
import roommembership.target.MemberKey;
import roommembership.target.Memberships;
import roommembership.target.Roster;
import roommembership.target.Target;
import roommembership.target.TargetRead;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Makes the calls a batch needs, given as {@link Change} values, and the reads of targets, through the memberships
 * port: each change's call with its retries, within the invocation's time (the port keeps every call within the
 * rates Chime allows). Results come back through futures and are combined in one place.
 */
public final class Calls {
    /** What a read of a target lists. */
    public enum Read {
        MEMBERS,
        /** A room's Administrators; a channel's moderators. */
        ADMINISTRATORS
    }

    private final Memberships<Target> memberships;
    private final Executor executor;
    private final RetryPolicy retry;
    private final Duration safetyMargin;

    /** @param executor runs the calls; its thread count bounds how many run at once */
    public Calls(Memberships<Target> memberships, Executor executor, CallLimits limits) {
        this.memberships = Objects.requireNonNull(memberships, "memberships");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.retry = limits.retry();
        this.safetyMargin = limits.safetyMargin();
    }

    /** An invocation begins: its targets are this container's from now (see {@link Memberships#handOver}). */
    public void startInvocation() {
        memberships.handOver();
    }

    /**
     * Makes every change's calls on the executor, the targets taking turns, and combines their results in this one
     * place.
     */
    public Applied apply(List<? extends Change> changes, Deadline deadline) {
        List<Change> turns = byTurns(changes);
        // A member-limited target's removals first, so that a full one has room for its adds once they are made.
        Map<Target, List<CompletableFuture<Applied>>> removals = new HashMap<>();
        Map<Change, CompletableFuture<Applied>> started = new IdentityHashMap<>();
        for (Change change : turns) {
            if (change instanceof Change.Remove && change.target().memberLimited()) {
                CompletableFuture<Applied> removal = CompletableFuture.supplyAsync(() -> attempt(change, deadline),
                        executor);
                removals.computeIfAbsent(change.target(), target -> new ArrayList<>()).add(removal);
                started.put(change, removal);
            }
        }
        List<CompletableFuture<Applied>> running = new ArrayList<>(turns.size());
        for (Change change : turns) {
            CompletableFuture<Applied> future = started.get(change);
            if (future == null) {
                List<CompletableFuture<Applied>> first = change instanceof Change.Add
                        ? removals.getOrDefault(change.target(), List.of()) : List.of();
                future = first.isEmpty()
                        ? CompletableFuture.supplyAsync(() -> attempt(change, deadline), executor)
                        : CompletableFuture.allOf(first.toArray(CompletableFuture[]::new))
                                .thenApplyAsync(done -> attempt(change, deadline), executor);
            }
            running.add(future);
        }
        // Combined in one pass: folding pairwise would copy the growing map once per change.
        Map<MemberKey, MemberOutcome> outcomes = new HashMap<>();
        int calls = 0;
        int throttles = 0;
        List<CallFailure> failures = new ArrayList<>();
        List<OddEntries> oddEntries = new ArrayList<>();
        for (CompletableFuture<Applied> result : running) {
            Applied one = result.join();
            outcomes.putAll(one.outcomes());
            calls += one.calls();
            throttles += one.throttles();
            failures.addAll(one.failures());
            oddEntries.addAll(one.oddEntries());
        }
        return new Applied(outcomes, calls, throttles, failures, oddEntries);
    }

    /**
     * Reads each target once, all at once on the executor, within the invocation's time. A target
     * there was no time to read is unknown, as a transient failure.
     */
    public Reads read(Collection<Target> targets, Read read, Deadline deadline) {
        if (targets.isEmpty()) {
            return new Reads(read, Map.of());
        }
        Map<Target, CompletableFuture<Roster>> rosters = new LinkedHashMap<>();
        targets.forEach(target -> rosters.put(target, CompletableFuture.supplyAsync(
                () -> outOfTime(deadline)
                        ? new Roster.Unknown(ErrorCodes.SERVICE_UNAVAILABLE, "no time left to read the target")
                        : read(target, read, callTimeLimit(deadline)), executor)));
        Map<Target, Roster> known = new LinkedHashMap<>();
        rosters.forEach((target, future) -> known.put(target, future.join()));
        return new Reads(read, known);
    }

    /**
     * Reads each target's whole state once (its members with their types, and its administrators), all at once on
     * the executor, within the invocation's time: what a roster is planned against. A target there was no time to
     * read is unknown, as a transient failure.
     */
    public Map<Target, TargetRead> states(Collection<Target> targets, Deadline deadline) {
        Map<Target, CompletableFuture<TargetRead>> reads = new LinkedHashMap<>();
        targets.forEach(target -> reads.put(target, CompletableFuture.supplyAsync(
                () -> outOfTime(deadline)
                        ? new TargetRead.Unknown(ErrorCodes.SERVICE_UNAVAILABLE, "no time left to read the target")
                        : memberships.state(target, callTimeLimit(deadline)), executor)));
        Map<Target, TargetRead> states = new LinkedHashMap<>();
        reads.forEach((target, future) -> states.put(target, future.join()));
        return states;
    }

    /**
     * The changes with the targets taking turns: each target's first change, then each one's second, and so on. A
     * target's calls keep to a rate of its own (a channel takes one batch add a second), so one target's changes in a
     * row would hold the call threads waiting on that rate while other targets' calls could go.
     */
    static List<Change> byTurns(List<? extends Change> changes) {
        Map<Target, List<Change>> byTarget = new LinkedHashMap<>();
        changes.forEach(change -> byTarget.computeIfAbsent(change.target(), target -> new ArrayList<>()).add(change));
        List<Change> turns = new ArrayList<>(changes.size());
        for (int turn = 0; turns.size() < changes.size(); turn++) {
            for (List<Change> ofTarget : byTarget.values()) {
                if (turn < ofTarget.size()) {
                    turns.add(ofTarget.get(turn));
                }
            }
        }
        return turns;
    }

    private Roster read(Target target, Read read, Duration timeLimit) {
        return read == Read.MEMBERS
                ? memberships.members(target, timeLimit)
                : memberships.administrators(target, timeLimit);
    }

    /** The one place a change becomes a call of the port. */
    private CallResult call(Change change, List<Membership> members, Duration timeLimit) {
        if (change instanceof Change.Add add) {
            return memberships.addMembers(add.target(), members, timeLimit);
        }
        if (change instanceof Change.Remove remove) {
            return memberships.removeMember(remove.target(), remove.member().memberId(), timeLimit);
        }
        Change.SetRole setRole = (Change.SetRole) change;
        return memberships.setRole(setRole.target(), setRole.member().memberId(), setRole.member().role(), timeLimit);
    }

    /** What an answer to the change's call is named in the log: the call's kind. */
    private static String answerTo(Change change) {
        return change instanceof Change.Add ? "add" : change instanceof Change.Remove ? "remove" : "role";
    }

    /**
     * Makes one change's call, retrying the members that got a transient code, while time allows; an answer with
     * entries that named no member of the call leaves the members it did not name unknown.
     */
    private Applied attempt(Change change, Deadline deadline) {
        Map<MemberKey, MemberOutcome> outcomes = new HashMap<>();
        List<Membership> pending = change.members();
        Map<String, MemberOutcome> lastTransient = new HashMap<>();
        List<OddEntries> oddEntries = new ArrayList<>();
        int calls = 0;
        int throttles = 0;
        for (int attempt = 1; attempt <= retry.maxAttempts() && !pending.isEmpty(); attempt++) {
            if (attempt > 1 && !sleepWithin(deadline, retry.delayMillisAfter(attempt - 1))) {
                break;
            }
            if (outOfTime(deadline)) {
                break;
            }
            calls++;
            CallResult result = call(change, pending, callTimeLimit(deadline));
            throttles += result.throttledAnswers();
            if (result instanceof CallResult.Failed failed) {
                // The client has already retried the whole call; what is left is decided by SQS redelivery.
                MemberOutcome outcome = MemberOutcome.ofCallFailure(failed.errorCode(), failed.message());
                pending.forEach(member -> outcomes.put(key(change, member), outcome));
                // A removal refused as NotFound or BadRequest may only mean the member is not there, which is the
                // goal: the verify stage reads the target to tell, and a target that cannot be read is its own
                // warning. Nothing failed yet, so no call failure is reported.
                List<CallFailure> failures = change instanceof Change.Remove && ErrorCodes.mayMeanNotThere(failed.errorCode())
                        ? List.of()
                        : List.of(new CallFailure(change.target(), failed.errorCode(), failed.message(),
                                pending.size()));
                return new Applied(outcomes, calls, throttles, failures, oddEntries);
            }
            ErrorEntries errors = ErrorEntries.match(pending, ((CallResult.Answered) result).errors());
            List<Membership> retried = new ArrayList<>();
            int unaccounted = 0;
            for (Membership member : pending) {
                MemberError error = errors.byMember().get(member.memberId());
                if (error == null && errors.accountsForUnnamed()) {
                    outcomes.put(key(change, member), change.done());
                } else if (error == null) {
                    unaccounted++;
                    outcomes.put(key(change, member), errors.unaccounted());
                } else if (ErrorCodes.meansAlreadyMember(error.errorCode())) {
                    outcomes.put(key(change, member), new MemberOutcome.AlreadyMember());
                } else {
                    String code = error.errorCode() == null ? ErrorCodes.SERVICE_FAILURE : error.errorCode();
                    MemberOutcome outcome = MemberOutcome.ofError(code, error.message());
                    if (outcome instanceof MemberOutcome.TransientFailure) {
                        lastTransient.put(member.memberId(), outcome);
                        retried.add(member);
                    } else {
                        outcomes.put(key(change, member), outcome);
                    }
                }
            }
            if (!errors.accountsForUnnamed()) {
                oddEntries.add(new OddEntries(change.target(), answerTo(change), errors.unmatched(), unaccounted));
            }
            pending = retried;
        }
        for (Membership member : pending) {
            outcomes.put(key(change, member),
                    lastTransient.getOrDefault(member.memberId(), new MemberOutcome.NotAttempted()));
        }
        return new Applied(outcomes, calls, throttles, List.of(), oddEntries);
    }

    /** A started call may use the time left but half the margin; the other half is for dead letters and the reply. */
    private Duration callTimeLimit(Deadline deadline) {
        return Duration.ofMillis(Math.max(0, deadline.remainingMillis() - safetyMargin.toMillis() / 2));
    }

    private boolean outOfTime(Deadline deadline) {
        return deadline.remainingMillis() < safetyMargin.toMillis();
    }

    /** Sleeps unless the sleep would leave less than the safety margin; false when it would. */
    private boolean sleepWithin(Deadline deadline, long millis) {
        if (deadline.remainingMillis() - millis < safetyMargin.toMillis()) {
            return false;
        }
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static MemberKey key(Change change, Membership member) {
        return new MemberKey(change.target(), member.memberId());
    }
}

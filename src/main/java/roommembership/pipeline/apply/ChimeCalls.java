package roommembership.pipeline.apply;

import roommembership.model.Deadline;
import roommembership.model.ErrorCodes;
import roommembership.model.MemberOutcome;
import roommembership.model.Membership;
import roommembership.pipeline.MembershipService;
import roommembership.pipeline.plan.MemberChunk;
import roommembership.target.CallResult;
import roommembership.target.Target;
import roommembership.target.MemberError;
import roommembership.target.MemberKey;
import roommembership.target.Roster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The Chime calls of one batch, behind the memberships port: each chunk's calls with their retries, and the reads of
 * targets, within the invocation's time and the container's call rate. Results come back through futures and
 * are combined in one place.
 */
public final class ChimeCalls {
    private final Executor calls;
    private final RetryPolicy retry;
    private final Duration safetyMargin;
    private final CallRate callRate;

    /** @param calls runs the calls; its thread count bounds how many run at once */
    public ChimeCalls(Executor calls, MembershipService.Settings settings) {
        this.calls = calls;
        this.retry = settings.retry();
        this.safetyMargin = settings.safetyMargin();
        // A burst of one second's calls, then evenly spaced.
        this.callRate = settings.maxCallsPerSecond() == 0
                ? CallRate.unlimited()
                : CallRate.perSecond(settings.maxCallsPerSecond(), settings.maxCallsPerSecond());
    }

    /** One kind of call, made for the members of a chunk. */
    public interface Step {
        CallResult call(MemberChunk chunk, List<Membership> members, Duration timeLimit);
    }

    /**
     * A chunk and the call its members need.
     *
     * @param done the outcome of a member the call answered without an error
     */
    public record Task(MemberChunk chunk, Step step, MemberOutcome done) {
    }

    /** Runs every task's calls on the call executor, and combines their results in this one place. */
    public Steps run(List<Task> tasks, Deadline deadline) {
        List<CompletableFuture<ChunkResult>> running = tasks.stream()
                .map(task -> CompletableFuture.supplyAsync(() -> attempt(task, deadline), calls))
                .toList();
        Map<MemberKey, MemberOutcome> outcomes = new HashMap<>();
        int callCount = 0;
        int throttles = 0;
        List<CallFailure> failures = new ArrayList<>();
        for (CompletableFuture<ChunkResult> result : running) {
            ChunkResult chunk = result.join();
            outcomes.putAll(chunk.outcomes());
            callCount += chunk.calls();
            throttles += chunk.throttles();
            failures.addAll(chunk.failures());
        }
        return new Steps(outcomes, callCount, throttles, failures);
    }

    /** Makes one chunk's call, retrying the members that got a transient code, while time allows. */
    private ChunkResult attempt(Task task, Deadline deadline) {
        MemberChunk chunk = task.chunk();
        Map<MemberKey, MemberOutcome> outcomes = new HashMap<>();
        List<Membership> pending = chunk.members();
        Map<String, MemberOutcome> lastTransient = new HashMap<>();
        int calls = 0;
        int throttles = 0;
        for (int attempt = 1; attempt <= retry.maxAttempts() && !pending.isEmpty(); attempt++) {
            if (attempt > 1 && !sleepWithin(deadline, retry.delayMillisAfter(attempt - 1))) {
                break;
            }
            if (outOfTime(deadline) || !awaitCallSlot(deadline)) {
                break;
            }
            calls++;
            CallResult result = task.step().call(chunk, pending, callTimeLimit(deadline));
            throttles += result.throttledAnswers();
            if (result instanceof CallResult.Failed failed) {
                // The client has already retried the whole call; what is left is decided by SQS redelivery.
                MemberOutcome outcome = MemberOutcome.ofCallFailure(failed.errorCode(), failed.message());
                pending.forEach(member -> outcomes.put(key(chunk, member), outcome));
                return new ChunkResult(outcomes, calls, throttles, List.of(new CallFailure(
                        chunk.target(), failed.errorCode(), failed.message(), pending.size())));
            }
            Map<String, MemberError> errors = new HashMap<>();
            for (MemberError error : ((CallResult.Answered) result).errors()) {
                if (error.memberId() != null) {
                    errors.put(error.memberId(), error);
                }
            }
            List<Membership> retry = new ArrayList<>();
            for (Membership member : pending) {
                MemberError error = errors.get(member.memberId());
                if (error == null) {
                    outcomes.put(key(chunk, member), task.done());
                } else if (ErrorCodes.meansAlreadyMember(error.errorCode())) {
                    outcomes.put(key(chunk, member), new MemberOutcome.AlreadyMember());
                } else {
                    String code = error.errorCode() == null ? ErrorCodes.SERVICE_FAILURE : error.errorCode();
                    MemberOutcome outcome = MemberOutcome.ofError(code, error.message());
                    if (outcome instanceof MemberOutcome.TransientFailure) {
                        lastTransient.put(member.memberId(), outcome);
                        retry.add(member);
                    } else {
                        outcomes.put(key(chunk, member), outcome);
                    }
                }
            }
            pending = retry;
        }
        for (Membership member : pending) {
            outcomes.put(key(chunk, member),
                    lastTransient.getOrDefault(member.memberId(), new MemberOutcome.NotAttempted()));
        }
        return new ChunkResult(outcomes, calls, throttles, List.of());
    }

    /** Reads who holds a state in a target: its members, or its administrators. */
    public interface RosterRead {
        Roster read(Target target, Duration timeLimit);
    }

    /**
     * Reads each target once, all at once on the call executor, within the invocation's time and the call rate.
     * A target there was no time to read is unknown, as a transient failure.
     */
    public Map<Target, Roster> read(Collection<Target> targets, RosterRead roster, Deadline deadline) {
        if (targets.isEmpty()) {
            return Map.of();
        }
        Map<Target, CompletableFuture<Roster>> rosters = new LinkedHashMap<>();
        targets.forEach(target -> rosters.put(target, CompletableFuture.supplyAsync(
                () -> outOfTime(deadline) || !awaitCallSlot(deadline)
                ? new Roster.Unknown(ErrorCodes.SERVICE_UNAVAILABLE, "no time left to read the target")
                : roster.read(target, callTimeLimit(deadline)), calls)));
        Map<Target, Roster> read = new LinkedHashMap<>();
        rosters.forEach((target, future) -> read.put(target, future.join()));
        return read;
    }

    /** A started call may use the time left but half the margin; the other half is for dead letters and the reply. */
    private Duration callTimeLimit(Deadline deadline) {
        return Duration.ofMillis(Math.max(0, deadline.remainingMillis() - safetyMargin.toMillis() / 2));
    }

    private boolean outOfTime(Deadline deadline) {
        return deadline.remainingMillis() < safetyMargin.toMillis();
    }

    /** Waits for the rate limit's next slot; false when waiting would leave less than the safety margin. */
    private boolean awaitCallSlot(Deadline deadline) {
        long wait = callRate.reserveMillis();
        return wait == 0 || sleepWithin(deadline, wait);
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

    static MemberKey key(MemberChunk chunk, Membership member) {
        return new MemberKey(chunk.target(), member.memberId());
    }

    private record ChunkResult(Map<MemberKey, MemberOutcome> outcomes, int calls, int throttles,
                               List<CallFailure> failures) {
    }

    public record Steps(Map<MemberKey, MemberOutcome> outcomes, int calls, int throttles,
                         List<CallFailure> failures) {
    }
}

package roommembership.pipeline;

import roommembership.model.Deadline;
import roommembership.model.MemberOutcome;
import roommembership.model.SourceRecord;
import roommembership.pipeline.apply.Applied;
import roommembership.pipeline.apply.Calls;
import roommembership.pipeline.apply.Reads;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.pipeline.plan.BatchPlan;
import roommembership.pipeline.read.AccountAllowlist;
import roommembership.pipeline.read.ChannelAccess;
import roommembership.pipeline.read.LegacyRouting;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.read.Reading;
import roommembership.pipeline.report.BatchReport;
import roommembership.pipeline.report.Reporting;
import roommembership.pipeline.settle.DeadLetters;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.Stream;

/**
 * Turns one SQS batch into Chime calls and settles every request: carried out (or already true), dead-lettered with
 * an ErrorCode, or its record handed back to SQS for another delivery. It is the list of the pipeline's stages, each
 * taking and returning values.
 */
public final class MembershipService {

    /**
     * @param maxReceiveCount a record with transient failures is retried by SQS while its receive count is below this
     * @param safetyMargin no call starts when the invocation has less time left than this
     * @param allowedAccounts requests for any other account are dead-lettered as Forbidden without a call
     * @param maxCallsPerSecond Chime calls (of every kind, to rooms and channels) per second from this service; 0
     *                          means no limit
     * @param channelAccess channel requests it does not permit are dead-lettered as Forbidden without a call
     * @param routing when present, legacy requests go to the channels it names instead of the chat-room API
     */
    public record Settings(int maxReceiveCount, RetryPolicy retry, Duration safetyMargin,
                           AccountAllowlist allowedAccounts, int maxCallsPerSecond, ChannelAccess channelAccess,
                           Optional<LegacyRouting> routing) {
        public Settings {
            Objects.requireNonNull(retry, "retry");
            Objects.requireNonNull(safetyMargin, "safetyMargin");
            Objects.requireNonNull(allowedAccounts, "allowedAccounts");
            Objects.requireNonNull(channelAccess, "channelAccess");
            Objects.requireNonNull(routing, "routing");
            if (maxCallsPerSecond < 0) {
                throw new IllegalArgumentException("maxCallsPerSecond must be 0 (no limit) or more");
            }
        }

        /** Rooms only: no identity for channels, no routing. */
        public Settings(int maxReceiveCount, RetryPolicy retry, Duration safetyMargin,
                        AccountAllowlist allowedAccounts, int maxCallsPerSecond) {
            this(maxReceiveCount, retry, safetyMargin, allowedAccounts, maxCallsPerSecond, ChannelAccess.none(),
                    Optional.empty());
        }
    }

    private final Reading reading;
    private final Calls calls;
    private final Verification verification;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final int maxReceiveCount;

    /** @param executor runs the Chime calls; its thread count bounds how many run at once */
    public MembershipService(Memberships<Target> memberships, DeadLetters deadLetters, Executor executor, Clock clock,
                             Settings settings) {
        Objects.requireNonNull(settings, "settings");
        this.reading = new Reading(settings.routing(), settings.channelAccess(), settings.allowedAccounts());
        this.calls = new Calls(memberships, executor, settings.retry(), settings.safetyMargin(),
                settings.maxCallsPerSecond());
        this.verification = new Verification(calls);
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxReceiveCount = settings.maxReceiveCount();
    }

    /** The pipeline: read, plan, apply, verify (and apply the roles the reads call for), settle, report. */
    public BatchReport process(List<SourceRecord> records, Deadline deadline) {
        long started = System.nanoTime();
        List<ParsedMessage> messages = reading.read(records);
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

        Settlement settlement = Settlement.of(records, messages, plan, memberships,
                Verification.withRoles(memberships, roleOutcomes.value()), maxReceiveCount, clock);
        DeadLetters.Outcome sending = settlement.deadLetters().isEmpty()
                ? DeadLetters.Outcome.allSent()
                : deadLetters.send(settlement.deadLetters(), deadline);
        Settled settled = settlement.afterSending(records, sending.unsent());

        return Reporting.of(records, messages, plan, changed.and(roleChanges), reads, memberships,
                roleOutcomes.value(), settled, sending.failures(), (System.nanoTime() - started) / 1_000_000);
    }
}

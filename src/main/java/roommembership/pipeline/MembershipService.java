package roommembership.pipeline;

import roommembership.model.Deadline;
import roommembership.model.MemberOutcome;
import roommembership.model.Membership;
import roommembership.model.SourceRecord;
import roommembership.pipeline.apply.CallFailure;
import roommembership.pipeline.apply.ChimeCalls;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.pipeline.plan.BatchPlan;
import roommembership.pipeline.plan.MemberChunk;
import roommembership.pipeline.read.AccountAllowlist;
import roommembership.pipeline.read.ChannelAccess;
import roommembership.pipeline.read.LegacyRouting;
import roommembership.pipeline.read.MessageParser;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.report.BatchReport;
import roommembership.pipeline.report.Summary;
import roommembership.pipeline.settle.DeadLetters;
import roommembership.pipeline.settle.Letter;
import roommembership.pipeline.settle.Settlement;
import roommembership.pipeline.verify.Presence;
import roommembership.pipeline.verify.Roles;
import roommembership.target.CallResult;
import roommembership.target.Target;
import roommembership.target.MemberKey;
import roommembership.target.Memberships;
import roommembership.target.Roster;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;

/**
 * Turns one SQS batch into Chime calls and settles every request: added (or already a member), dead-lettered with
 * an ErrorCode, or its record handed back to SQS for another delivery.
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

    private final Memberships<Target> memberships;
    private final DeadLetters deadLetters;
    private final ChimeCalls calls;
    private final Clock clock;
    private final Settings settings;

    /** @param calls runs the Chime calls; its thread count bounds how many run at once */
    public MembershipService(Memberships<Target> memberships, DeadLetters deadLetters, Executor calls, Clock clock,
                             Settings settings) {
        this.memberships = Objects.requireNonNull(memberships, "memberships");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.calls = new ChimeCalls(Objects.requireNonNull(calls, "calls"), settings);
    }

    public BatchReport process(List<SourceRecord> records, Deadline deadline) {
        long started = System.nanoTime();
        List<ParsedMessage> messages = records.stream().map(record -> admitted(record.body())).toList();
        BatchPlan plan = BatchPlan.of(messages);
        Set<MemberKey> lastReceive = askedOnLastReceive(records, messages);

        // Adds and removals at once: the plan never names a member for both.
        List<ChimeCalls.Task> changes = new ArrayList<>();
        plan.chunks().forEach(chunk -> changes.add(new ChimeCalls.Task(chunk, this::addMembers,
                new MemberOutcome.Added())));
        plan.removals().forEach(chunk -> changes.add(new ChimeCalls.Task(chunk, this::removeMember,
                new MemberOutcome.Removed())));
        ChimeCalls.Steps changed = calls.run(changes, deadline);
        // One read of a target tells a removed member's NotFound apart, and checks the unanswered changes of
        // records on their last receive before they are dead-lettered.
        Map<MemberKey, MemberOutcome> memberships = Presence.afterChanges(plan, changed.outcomes(), lastReceive,
                calls.read(Presence.toRead(plan, changed.outcomes(), lastReceive), this.memberships::members, deadline));

        // Roles: an Administrator added to a channel is made a moderator; a named role of a member who was already
        // there is applied where the target's administrators show it differs.
        Map<Target, Roster> administrators =
                calls.read(Presence.rolesToLearn(plan, memberships), this.memberships::administrators, deadline);
        Roles roles = Roles.needed(plan, memberships, administrators, this::setRole);
        ChimeCalls.Steps roleChanges = calls.run(roles.tasks(), deadline);
        Map<MemberKey, MemberOutcome> roleOutcomes = new HashMap<>(roles.decided());
        roleOutcomes.putAll(roleChanges.outcomes());
        roleOutcomes = Roles.checked(plan, roleOutcomes, lastReceive, calls.read(
                Roles.toCheck(roleOutcomes, lastReceive), this.memberships::administrators, deadline));
        Map<MemberKey, MemberOutcome> outcomes = withRoles(memberships, roleOutcomes);

        Settlement settlement = Settlement.of(records, messages, plan, memberships, outcomes,
                settings.maxReceiveCount(), clock);
        DeadLetters.Outcome sending = settlement.deadLetters().isEmpty()
                ? DeadLetters.Outcome.allSent()
                : deadLetters.send(settlement.deadLetters(), deadline);
        List<Letter> unsent = sending.unsent();

        Set<Integer> retry = new LinkedHashSet<>(settlement.retry());
        Set<String> unsentSources = new HashSet<>();
        unsent.forEach(letter -> unsentSources.add(letter.sourceMessageId()));
        for (int i = 0; i < records.size(); i++) {
            if (unsentSources.contains(records.get(i).messageId())) {
                retry.add(i);
            }
        }
        retry = Settlement.withLaterRecordsOfFailedGroups(records, retry);

        // By identity: two letters can be equal (the same blank item twice) and still be two requests.
        Set<Letter> unsentLetters = Collections.newSetFromMap(new IdentityHashMap<>());
        unsentLetters.addAll(unsent);
        List<Letter> sent = settlement.deadLetters().stream().filter(l -> !unsentLetters.contains(l)).toList();
        Map<String, Integer> deadLettered = new TreeMap<>();
        sent.forEach(letter -> deadLettered.merge(letter.errorCode(), 1, Integer::sum));
        // A message delivered twice in one batch is reported once.
        List<String> retryIds = retry.stream().sorted().map(i -> records.get(i).messageId()).distinct().toList();

        List<CallFailure> callFailures = new ArrayList<>(changed.failures());
        callFailures.addAll(roleChanges.failures());
        Summary summary = new Summary(records.size(), plan.rooms(), plan.channels(),
                changed.calls() + roleChanges.calls(), membershipRequests(messages),
                count(memberships, MemberOutcome.Added.class), count(memberships, MemberOutcome.AlreadyMember.class),
                count(memberships, MemberOutcome.Removed.class), count(memberships, MemberOutcome.AlreadyAbsent.class),
                count(roleOutcomes, MemberOutcome.RoleChanged.class), deadLettered, retryIds.size(),
                invalidMessages(messages), changed.throttles() + roleChanges.throttles(),
                (System.nanoTime() - started) / 1_000_000);
        return new BatchReport(retryIds, sent, callFailures, sending.failures(), summary);
    }

    /** A body as a request this deployment may carry out: parsed, routed to channels if configured, and admitted. */
    private ParsedMessage admitted(String body) {
        ParsedMessage message = MessageParser.parse(body);
        if (settings.routing().isPresent()) {
            message = settings.routing().get().route(message);
        }
        // The account's refusal comes last, so its reason stands over any other.
        return settings.allowedAccounts().admit(settings.channelAccess().admit(message));
    }

    private CallResult addMembers(MemberChunk chunk, List<Membership> members, Duration timeLimit) {
        return memberships.addMembers(chunk.target(), members, timeLimit);
    }

    private CallResult removeMember(MemberChunk chunk, List<Membership> members, Duration timeLimit) {
        return memberships.removeMember(chunk.target(), members.get(0).memberId(), timeLimit);
    }

    private CallResult setRole(MemberChunk chunk, List<Membership> members, Duration timeLimit) {
        Membership member = members.get(0);
        return memberships.setRole(chunk.target(), member.memberId(), member.role(), timeLimit);
    }

    /** The members asked for by records on their last receive: a transient failure of theirs is checked first. */
    private Set<MemberKey> askedOnLastReceive(List<SourceRecord> records, List<ParsedMessage> messages) {
        Set<MemberKey> keys = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).receiveCount() >= settings.maxReceiveCount()
                    && messages.get(i) instanceof ParsedMessage.Request request) {
                request.members().forEach(member -> keys.add(new MemberKey(request.target(), member.memberId())));
            }
        }
        return keys;
    }

    /** A member's outcome once its role is known: a role that does not hold decides it, else its membership does. */
    private static Map<MemberKey, MemberOutcome> withRoles(Map<MemberKey, MemberOutcome> memberships,
                                                           Map<MemberKey, MemberOutcome> roles) {
        if (roles.isEmpty()) {
            return memberships;
        }
        Map<MemberKey, MemberOutcome> outcomes = new HashMap<>(memberships);
        roles.forEach((key, role) -> {
            if (!role.holds()) {
                outcomes.put(key, role);
            }
        });
        return outcomes;
    }

    private static int count(Map<MemberKey, MemberOutcome> outcomes, Class<? extends MemberOutcome> kind) {
        return (int) outcomes.values().stream().filter(kind::isInstance).count();
    }

    /** Member items of the readable messages; an item rejected on its own is a request too. */
    private static int membershipRequests(List<ParsedMessage> messages) {
        return messages.stream().mapToInt(message -> message instanceof ParsedMessage.Request request
                ? request.members().size() + request.rejected().size() : 0).sum();
    }

    private static int invalidMessages(List<ParsedMessage> messages) {
        return (int) messages.stream().filter(ParsedMessage.Invalid.class::isInstance).count();
    }

}

package roommembership.domain;

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

    private final Memberships<Conversation> memberships;
    private final DeadLetters deadLetters;
    private final ChimeCalls calls;
    private final Clock clock;
    private final Settings settings;

    /** @param calls runs the Chime calls; its thread count bounds how many run at once */
    public MembershipService(Memberships<Conversation> memberships, DeadLetters deadLetters, Executor calls, Clock clock,
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

        ChimeCalls.Steps adds = calls.run(plan.chunks(), this::addMembers, deadline);
        // Before the grants: an administrator the roster shows present is a member and still needs its grant.
        Map<MemberKey, MemberOutcome> added =
                calls.checkBeforeDeadLettering(records, messages, adds.outcomes(), memberships::members, deadline);
        ChimeCalls.Steps grants = calls.run(administratorsToGrant(plan, added), this::grantAdministrator, deadline);
        Map<MemberKey, MemberOutcome> granted =
                calls.checkBeforeDeadLettering(records, messages, grants.outcomes(), memberships::administrators, deadline);
        Map<MemberKey, MemberOutcome> outcomes = withGrants(added, granted);

        Settlement settlement =
                Settlement.of(records, messages, added, outcomes, settings.maxReceiveCount(), clock);
        List<DeadLetter> unsent = settlement.deadLetters().isEmpty()
                ? List.of()
                : deadLetters.send(settlement.deadLetters());

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
        Set<DeadLetter> unsentLetters = Collections.newSetFromMap(new IdentityHashMap<>());
        unsentLetters.addAll(unsent);
        List<DeadLetter> sent = settlement.deadLetters().stream().filter(l -> !unsentLetters.contains(l)).toList();
        Map<String, Integer> deadLettered = new TreeMap<>();
        sent.forEach(letter -> deadLettered.merge(letter.errorCode(), 1, Integer::sum));
        List<String> retryIds = retry.stream().sorted().map(i -> records.get(i).messageId()).toList();

        List<CallFailure> callFailures = new ArrayList<>(adds.failures());
        callFailures.addAll(grants.failures());
        Summary summary = new Summary(records.size(), plan.rooms(), plan.channels(), adds.calls() + grants.calls(),
                membershipRequests(messages), count(outcomes, MemberOutcome.Added.class),
                count(outcomes, MemberOutcome.AlreadyMember.class), deadLettered, retryIds.size(),
                invalidMessages(messages), adds.throttles() + grants.throttles(),
                (System.nanoTime() - started) / 1_000_000);
        return new BatchReport(retryIds, sent, callFailures, summary);
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
        return memberships.addMembers(chunk.conversation(), members, timeLimit);
    }

    private CallResult grantAdministrator(MemberChunk chunk, List<Membership> members, Duration timeLimit) {
        return memberships.grantAdministrator(chunk.conversation(), members.get(0).memberId(), timeLimit);
    }

    /**
     * The grants a batch needs once its adds are done: for a kind whose add call does not set the role, one per
     * requested administrator whose membership now holds.
     */
    private static List<MemberChunk> administratorsToGrant(BatchPlan plan, Map<MemberKey, MemberOutcome> added) {
        List<MemberChunk> grants = new ArrayList<>();
        for (MemberChunk chunk : plan.chunks()) {
            if (chunk.conversation().roleInAddCall()) {
                continue;
            }
            for (Membership member : chunk.members()) {
                MemberOutcome outcome = added.get(ChimeCalls.key(chunk, member));
                if (member.role() == Role.ADMINISTRATOR && (outcome instanceof MemberOutcome.Added
                        || outcome instanceof MemberOutcome.AlreadyMember)) {
                    grants.add(new MemberChunk(chunk.conversation(), List.of(member)));
                }
            }
        }
        return grants;
    }

    /** A member's outcome once its grant is known: a grant that did not hold decides it, else its add does. */
    private static Map<MemberKey, MemberOutcome> withGrants(Map<MemberKey, MemberOutcome> added,
                                                            Map<MemberKey, MemberOutcome> granted) {
        if (granted.isEmpty()) {
            return added;
        }
        Map<MemberKey, MemberOutcome> outcomes = new HashMap<>(added);
        granted.forEach((key, grant) -> {
            if (!(grant instanceof MemberOutcome.Added) && !(grant instanceof MemberOutcome.AlreadyMember)) {
                outcomes.put(key, grant);
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

package roommembership.domain;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
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
    private final Executor calls;
    private final Clock clock;
    private final Settings settings;
    private final CallRate callRate;

    /** @param calls runs the Chime calls; its thread count bounds how many run at once */
    public MembershipService(Memberships<Conversation> memberships, DeadLetters deadLetters, Executor calls, Clock clock,
                             Settings settings) {
        this.memberships = Objects.requireNonNull(memberships, "memberships");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        // A burst of one second's calls, then evenly spaced.
        this.callRate = settings.maxCallsPerSecond() == 0
                ? CallRate.unlimited()
                : CallRate.perSecond(settings.maxCallsPerSecond(), settings.maxCallsPerSecond());
    }

    public BatchReport process(List<SourceRecord> records, Deadline deadline) {
        long started = System.nanoTime();
        List<ParsedMessage> messages = records.stream().map(record -> admitted(record.body())).toList();
        BatchPlan plan = BatchPlan.of(messages);

        Steps adds = run(plan.chunks(), this::addMembers, deadline);
        // Read before the grants: a member an unanswered add did reach still needs its grant.
        Map<MemberKey, MemberOutcome> added =
                checkBeforeDeadLettering(records, messages, adds.outcomes(), memberships::members, deadline);
        Steps grants = run(administratorsToGrant(plan, added), this::grantAdministrator, deadline);
        Map<MemberKey, MemberOutcome> granted =
                checkBeforeDeadLettering(records, messages, grants.outcomes(), memberships::administrators, deadline);
        Map<MemberKey, MemberOutcome> outcomes = withGrants(added, granted);

        Settlement settlement = settle(records, messages, added, outcomes);
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
        retry = withLaterRecordsOfFailedGroups(records, retry);

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

    /** A body as a request this deployment may carry out: parsed, admitted, and routed to channels if configured. */
    private ParsedMessage admitted(String body) {
        ParsedMessage message = settings.allowedAccounts().admit(MessageParser.parse(body));
        if (settings.routing().isPresent()) {
            message = settings.routing().get().route(message);
        }
        return settings.channelAccess().admit(message);
    }

    /** One kind of call, made for the members of a chunk. */
    private interface Step {
        CallResult call(MemberChunk chunk, List<Membership> members, Duration timeLimit);
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
                MemberOutcome outcome = added.get(key(chunk, member));
                if (member.role() == Role.ADMINISTRATOR && (outcome instanceof MemberOutcome.Added
                        || outcome instanceof MemberOutcome.AlreadyMember)) {
                    grants.add(new MemberChunk(chunk.conversation(), List.of(member)));
                }
            }
        }
        return grants;
    }

    /** Runs every chunk's calls on the call executor, and combines their results in this one place. */
    private Steps run(List<MemberChunk> chunks, Step step, Deadline deadline) {
        List<CompletableFuture<ChunkResult>> running = chunks.stream()
                .map(chunk -> CompletableFuture.supplyAsync(() -> attempt(chunk, step, deadline), calls))
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
    private ChunkResult attempt(MemberChunk chunk, Step step, Deadline deadline) {
        Map<MemberKey, MemberOutcome> outcomes = new HashMap<>();
        List<Membership> pending = chunk.members();
        Map<String, MemberOutcome> lastTransient = new HashMap<>();
        int calls = 0;
        int throttles = 0;
        for (int attempt = 1; attempt <= settings.retry().maxAttempts() && !pending.isEmpty(); attempt++) {
            if (attempt > 1 && !sleepWithin(deadline, settings.retry().delayMillisAfter(attempt - 1))) {
                break;
            }
            if (outOfTime(deadline) || !awaitCallSlot(deadline)) {
                break;
            }
            calls++;
            CallResult result = step.call(chunk, pending, callTimeLimit(deadline));
            throttles += result.throttledAnswers();
            if (result instanceof CallResult.Failed failed) {
                // The client has already retried the whole call; what is left is decided by SQS redelivery.
                MemberOutcome outcome = MemberOutcome.ofCallFailure(failed.errorCode(), failed.message());
                pending.forEach(member -> outcomes.put(key(chunk, member), outcome));
                return new ChunkResult(outcomes, calls, throttles, List.of(new CallFailure(
                        chunk.conversation(), failed.errorCode(), failed.message(), pending.size())));
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
                    outcomes.put(key(chunk, member), new MemberOutcome.Added());
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

    /** Reads who holds a state in a conversation: its members, or its administrators. */
    private interface RosterRead {
        Roster read(Conversation conversation, Duration timeLimit);
    }

    /**
     * Before a member is dead-lettered with a transient code (its record is on its last receive), Chime is asked who
     * is in the conversation (or, for a grant, who administers it): a call that got no answer may have taken effect
     * after all, and another request may have made it so since. Present means the goal holds; absent means the
     * failure stands; if it cannot be read the member stays uncertain and its record goes back to SQS rather than guess.
     */
    private Map<MemberKey, MemberOutcome> checkBeforeDeadLettering(List<SourceRecord> records,
                                                                   List<ParsedMessage> messages,
                                                                   Map<MemberKey, MemberOutcome> outcomes,
                                                                   RosterRead roster, Deadline deadline) {
        Map<Conversation, Set<String>> toCheck = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).receiveCount() < settings.maxReceiveCount()
                    || !(messages.get(i) instanceof ParsedMessage.Request request)) {
                continue;
            }
            for (Membership member : request.members()) {
                MemberOutcome outcome = outcomes.get(new MemberKey(request.conversation(), member.memberId()));
                if (outcome instanceof MemberOutcome.TransientFailure || outcome instanceof MemberOutcome.Uncertain) {
                    toCheck.computeIfAbsent(request.conversation(), c -> new HashSet<>()).add(member.memberId());
                }
            }
        }
        if (toCheck.isEmpty()) {
            return outcomes;
        }
        Map<Conversation, CompletableFuture<Roster>> rosters = new LinkedHashMap<>();
        toCheck.keySet().forEach(conversation -> rosters.put(conversation, CompletableFuture.supplyAsync(
                () -> outOfTime(deadline) || !awaitCallSlot(deadline)
                ? new Roster.Unknown(ErrorCodes.SERVICE_UNAVAILABLE, "no time left to read the conversation")
                : roster.read(conversation, callTimeLimit(deadline)), calls)));
        Map<MemberKey, MemberOutcome> checked = new HashMap<>(outcomes);
        rosters.forEach((conversation, future) -> {
            Roster read = future.join();
            for (String memberId : toCheck.get(conversation)) {
                MemberKey key = new MemberKey(conversation, memberId);
                MemberOutcome.WithError was = (MemberOutcome.WithError) outcomes.get(key);
                if (read instanceof Roster.Known known) {
                    checked.put(key, known.memberIds().contains(memberId)
                            ? new MemberOutcome.AlreadyMember()
                            : new MemberOutcome.TransientFailure(was.errorCode(), was.message()));
                } else {
                    checked.put(key, new MemberOutcome.Uncertain(was.errorCode(), was.message()));
                }
            }
        });
        return checked;
    }

    /** A started call may use the time left but half the margin; the other half is for dead letters and the reply. */
    private Duration callTimeLimit(Deadline deadline) {
        return Duration.ofMillis(Math.max(0, deadline.remainingMillis() - settings.safetyMargin().toMillis() / 2));
    }

    private boolean outOfTime(Deadline deadline) {
        return deadline.remainingMillis() < settings.safetyMargin().toMillis();
    }

    /** Waits for the rate limit's next slot; false when waiting would leave less than the safety margin. */
    private boolean awaitCallSlot(Deadline deadline) {
        long wait = callRate.reserveMillis();
        return wait == 0 || sleepWithin(deadline, wait);
    }

    /** Sleeps unless the sleep would leave less than the safety margin; false when it would. */
    private boolean sleepWithin(Deadline deadline, long millis) {
        if (deadline.remainingMillis() - millis < settings.safetyMargin().toMillis()) {
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

    /**
     * Decides, per record, whether SQS must deliver it again or it is settled now with these dead letters.
     * A record handed back to SQS sends no dead letters yet, so a record is dead-lettered at most once. A record that
     * asks for a plain member is settled by the add alone: a grant another record of the batch asked for is not its own.
     *
     * @param added each member's outcome once added
     * @param outcomes the same once granted, where a grant was asked for
     */
    private Settlement settle(List<SourceRecord> records, List<ParsedMessage> messages,
                              Map<MemberKey, MemberOutcome> added, Map<MemberKey, MemberOutcome> outcomes) {
        Set<Integer> retry = new LinkedHashSet<>();
        List<List<DeadLetter>> lettersPerRecord = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            SourceRecord record = records.get(i);
            List<DeadLetter> letters = new ArrayList<>();
            lettersPerRecord.add(letters);
            if (messages.get(i) instanceof ParsedMessage.Invalid invalid) {
                letters.add(DeadLetterFormat.forUnreadableMessage(
                        invalid.reason(), record.messageId(), record.body(), clock.instant()));
                continue;
            }
            ParsedMessage.Request request = (ParsedMessage.Request) messages.get(i);
            for (RejectedItem item : request.rejected()) {
                letters.add(DeadLetterFormat.forMember(request, item.memberId(), item.role(), item.type(),
                        item.errorCode(), item.reason(), record.messageId(), clock.instant()));
            }
            // Not attempted, or attempted without an answer: only another delivery can settle it.
            boolean unsettled = false;
            boolean transientFailure = false;
            for (Membership member : request.members()) {
                MemberKey key = new MemberKey(request.conversation(), member.memberId());
                MemberOutcome outcome = member.role() == Role.ADMINISTRATOR ? outcomes.get(key) : added.get(key);
                if (outcome instanceof MemberOutcome.NotAttempted || outcome instanceof MemberOutcome.Uncertain) {
                    unsettled = true;
                } else if (outcome instanceof MemberOutcome.WithError failure) {
                    transientFailure |= failure instanceof MemberOutcome.TransientFailure;
                    letters.add(DeadLetterFormat.forMember(request, member.memberId(), member.role().wireName(),
                            member.type().wireName(), failure.errorCode(), failure.message(), record.messageId(),
                            clock.instant()));
                }
            }
            if (unsettled || (transientFailure && record.receiveCount() < settings.maxReceiveCount())) {
                retry.add(i);
            }
        }
        retry = withLaterRecordsOfFailedGroups(records, retry);
        List<DeadLetter> letters = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (!retry.contains(i)) {
                letters.addAll(lettersPerRecord.get(i));
            }
        }
        return new Settlement(retry, letters);
    }

    /** FIFO order: once a record of a message group fails, every later record of that group fails too. */
    private static Set<Integer> withLaterRecordsOfFailedGroups(List<SourceRecord> records, Set<Integer> failed) {
        Set<String> failedGroups = new HashSet<>();
        Set<Integer> result = new LinkedHashSet<>();
        for (int i = 0; i < records.size(); i++) {
            var group = records.get(i).fifoGroup();
            if (failed.contains(i) || (group.isPresent() && failedGroups.contains(group.get()))) {
                result.add(i);
                group.ifPresent(failedGroups::add);
            }
        }
        return result;
    }

    private static MemberKey key(MemberChunk chunk, Membership member) {
        return new MemberKey(chunk.conversation(), member.memberId());
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

    private record ChunkResult(Map<MemberKey, MemberOutcome> outcomes, int calls, int throttles,
                               List<CallFailure> failures) {
    }

    private record Steps(Map<MemberKey, MemberOutcome> outcomes, int calls, int throttles,
                         List<CallFailure> failures) {
    }

    private record Settlement(Set<Integer> retry, List<DeadLetter> deadLetters) {
    }
}

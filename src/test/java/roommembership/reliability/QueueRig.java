package roommembership.reliability;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import roommembership.testing.TestQuotas;
import roommembership.wiring.Configuration;
import roommembership.model.ErrorCodes;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChannelsApi.ChannelCall;
import roommembership.emulator.ChimeEmulator;
import roommembership.emulator.ChimeEmulator.RecordedCall;
import roommembership.emulator.MembershipChange;
import roommembership.handler.Handlers;
import roommembership.handler.RoomMembershipHandler;
import roommembership.mapping.EventSourceMapping;
import roommembership.mapping.SourceQueues;
import roommembership.mapping.TemplateSettings;
import roommembership.reliability.Scenario.Ask;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.SqsFaultProxy;
import roommembership.testing.TestClients;
import roommembership.testing.TestContext;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The function under the local event-source mapping, against the Chime emulator (chat rooms and messaging channels)
 * and ElasticMQ, with faults armed invocation by invocation; at the end every requested (target, member) is checked
 * against the last request the function was handed for it, and every dead-letter record against what its message
 * asked and against the emulator's history.
 */
public final class QueueRig implements AutoCloseable {
    /** Production attempt count, short delays. */
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20));
    private static final long SAFETY_MARGIN_MILLIS = 200;
    private static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TRANSIENT = Set.of(ErrorCodes.THROTTLED, ErrorCodes.SERVICE_UNAVAILABLE,
            ErrorCodes.SERVICE_FAILURE);
    private static final String ADMINISTRATOR = "Administrator";
    /** The adapters' page sizes: ListRoomMemberships pages of 99, ListChannelModerators pages of 50. */
    private static final int ROOM_PAGE = 99;
    private static final int MODERATOR_PAGE = 50;
    /** The calls a batch makes after its adds: removals, role changes, and the reads that tell absence or roles. */
    private static final List<String> FOLLOW_UP_OPERATIONS = List.of(ChannelsApi.CREATE_CHANNEL_MODERATOR,
            ChimeEmulator.LIST_ROOM_MEMBERSHIPS, ChannelsApi.LIST_CHANNEL_MEMBERSHIPS,
            ChannelsApi.LIST_CHANNEL_MODERATORS, ChimeEmulator.UPDATE_ROOM_MEMBERSHIP,
            ChimeEmulator.DELETE_ROOM_MEMBERSHIP, ChannelsApi.DELETE_CHANNEL_MEMBERSHIP,
            ChannelsApi.DELETE_CHANNEL_MODERATOR);
    private static final List<ChimeEmulator.Fault> FOLLOW_UP_FAULTS = List.of(ChimeEmulator.Fault.THROTTLED,
            ChimeEmulator.Fault.SERVICE_UNAVAILABLE, ChimeEmulator.Fault.SERVICE_FAILURE,
            ChimeEmulator.Fault.RESET_MID_RESPONSE, ChimeEmulator.Fault.CONNECTION_RESET);
    private static final List<ChimeEmulator.Fault> MODERATOR_FAULTS = List.of(ChimeEmulator.Fault.THROTTLED,
            ChimeEmulator.Fault.SERVICE_UNAVAILABLE, ChimeEmulator.Fault.RESET_MID_RESPONSE);
    private static final List<ChimeEmulator.Fault> MEMBER_CALL_FAULTS = List.of(ChimeEmulator.Fault.THROTTLED,
            ChimeEmulator.Fault.SERVICE_UNAVAILABLE, ChimeEmulator.Fault.SERVICE_FAILURE,
            ChimeEmulator.Fault.RESET_MID_RESPONSE);
    private static final List<String> ROOM_OPERATIONS = List.of(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP,
            ChimeEmulator.LIST_ROOM_MEMBERSHIPS, ChimeEmulator.UPDATE_ROOM_MEMBERSHIP,
            ChimeEmulator.DELETE_ROOM_MEMBERSHIP);
    private static final List<String> CHANNEL_OPERATIONS = List.of(ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP,
            ChannelsApi.CREATE_CHANNEL_MODERATOR, ChannelsApi.LIST_CHANNEL_MEMBERSHIPS,
            ChannelsApi.LIST_CHANNEL_MODERATORS, ChannelsApi.DELETE_CHANNEL_MEMBERSHIP,
            ChannelsApi.DELETE_CHANNEL_MODERATOR);
    /** The operations about one member that a member call fault reaches. */
    private static final List<String> MEMBER_CALL_OPERATIONS = List.of(ChannelsApi.CREATE_CHANNEL_MODERATOR,
            ChimeEmulator.UPDATE_ROOM_MEMBERSHIP, ChimeEmulator.DELETE_ROOM_MEMBERSHIP,
            ChannelsApi.DELETE_CHANNEL_MEMBERSHIP, ChannelsApi.DELETE_CHANNEL_MODERATOR);

    private final TemplateSettings template = TemplateSettings.read();
    private final ChimeEmulator chime = ChimeEmulator.start().quotas(TestQuotas.EMULATED);
    private final ChannelsApi channels = chime.channels();
    private final EmbeddedSqs sqs = EmbeddedSqs.start();
    private final SqsFaultProxy proxy = SqsFaultProxy.start(sqs.endpoint());
    private final ChimeClient chimeClient = TestClients.chime(chime.endpoint());
    private final Map<Region, ChimeSdkMessagingClient> messagingClients = new ConcurrentHashMap<>();
    private final SqsClient functionSqs = TestClients.sqs(proxy.endpoint());
    private final String deadLetterUrl = sqs.createQueue("failed-members");
    private final Map<String, RoomMembershipHandler> handlers = new HashMap<>();

    /**
     * How a run is shaped beyond the scenario: batch size (at most the template's), Chime concurrency, and the chance
     * that an invocation's batch holds one of its records twice (the same messageId, as an at-least-once delivery can
     * give on a standard queue).
     */
    public record RunSettings(int batchSize, int chimeConcurrency, double repeatedRecord) {
    }

    /**
     * Everything a run came to, and every broken rule found.
     *
     * @param requests requests by the target they go to (see {@link Scenario.Message#target()})
     * @param requestsByKind member requests by what they ask: adds (with a named role or none) and removals
     * @param repeatedRecords invocations whose batch held one record twice
     * @param added distinct memberships that joined their room or channel during the run, by target
     * @param alreadyMembers distinct requested memberships there before the run, by target
     * @param removed distinct memberships that left their room or channel during the run, by target
     * @param rolesChanged distinct members whose role changed during the run: room roles set, moderators made and
     *                     removed
     * @param lost requests whose goal does not hold with nothing to say why: a wanted membership absent, or a bad
     *             item or unreadable message without its record
     * @param wrongFinalState (target, member)s present although the last request wanted them absent, or with another
     *                        role than the one asked, with nothing to say why
     * @param staleDeadLetters dead-letter records whose goal did not hold when written but came to hold later (another
     *                         message's request took effect)
     * @param calls calls received, by operation
     * @param faultedCalls whole-call faults injected, by operation
     */
    public record Result(Map<String, Integer> requests, Map<String, Integer> requestsByKind, int messages,
                         int invocations, int repeatedRecords, Map<String, Integer> faultsInjected,
                         Map<String, Integer> added, Map<String, Integer> alreadyMembers,
                         Map<String, Integer> removed, Map<String, Integer> rolesChanged,
                         Map<String, Integer> deadLetteredByErrorCode, int redrivenMessages, int lost,
                         int wrongFinalState, int staleDeadLetters, int duplicateDeadLetters,
                         Map<String, Integer> calls, Map<String, Integer> faultedCalls, List<String> violations,
                         Duration wallTime) {

        public int requestCount() {
            return requests.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** Two runs' figures together. */
        public Result plus(Result other) {
            List<String> both = new ArrayList<>(violations);
            both.addAll(other.violations);
            return new Result(sum(requests, other.requests), sum(requestsByKind, other.requestsByKind),
                    messages + other.messages, invocations + other.invocations,
                    repeatedRecords + other.repeatedRecords, sum(faultsInjected, other.faultsInjected),
                    sum(added, other.added), sum(alreadyMembers, other.alreadyMembers), sum(removed, other.removed),
                    sum(rolesChanged, other.rolesChanged),
                    sum(deadLetteredByErrorCode, other.deadLetteredByErrorCode),
                    redrivenMessages + other.redrivenMessages, lost + other.lost,
                    wrongFinalState + other.wrongFinalState, staleDeadLetters + other.staleDeadLetters,
                    duplicateDeadLetters + other.duplicateDeadLetters, sum(calls, other.calls),
                    sum(faultedCalls, other.faultedCalls), List.copyOf(both), wallTime.plus(other.wallTime));
        }

        Result took(Duration time) {
            return new Result(requests, requestsByKind, messages, invocations, repeatedRecords, faultsInjected, added,
                    alreadyMembers, removed, rolesChanged, deadLetteredByErrorCode, redrivenMessages, lost,
                    wrongFinalState, staleDeadLetters, duplicateDeadLetters, calls, faultedCalls, violations, time);
        }

        private static Map<String, Integer> sum(Map<String, Integer> a, Map<String, Integer> b) {
            Map<String, Integer> total = new TreeMap<>(a);
            b.forEach((key, count) -> total.merge(key, count, Integer::sum));
            return total;
        }
    }

    public TemplateSettings template() {
        return template;
    }

    /** One request as the function was handed it: the message of the record, in processing order. */
    private record Handed(String messageId, Ask ask) {
    }

    /**
     * What the rig saw of the invocations: every request handed to the function, in the order it processed them (batch
     * by batch, record by record; a record delivered again is a later event); for each channel member, the type of
     * the batch that last made it join (fault-free runs only); and how many batches held a record twice.
     */
    private static final class Seen {
        final List<Handed> handed = new ArrayList<>();
        final Map<String, String> joinType = new HashMap<>();
        int repeatedRecords;
    }

    /** A member's standing before an invocation: in its room or channel, and an administrator (a moderator). */
    private record Standing(boolean present, boolean administrator) {
    }

    public Result run(Scenario scenario, FaultPlan plan, Random random, RunSettings settings) {
        long started = System.nanoTime();
        chime.reset();
        proxy.resetCounts();
        sqs.drain(deadLetterUrl);
        scenario.seed(chime);
        Instant seededBy = Instant.now();

        SourceQueues queues = SourceQueues.create(sqs.client(), scenario.fifo(), template.maxReceiveCount(), 30);
        Map<String, Scenario.Message> sent = send(queues, scenario);
        RoomMembershipHandler handler = handlers.computeIfAbsent(settings.chimeConcurrency() + " "
                + scenario.routed(), key -> handler(settings.chimeConcurrency(), scenario.routed()));
        List<Ask> administrators = scenario.messages().stream().flatMap(message -> message.valid().stream())
                .filter(ask -> ask.toChannel() && ask.administrator() && !ask.removal() && !ask.forbidden()).toList();
        // Removals and named roles: the requests whose calls are about one member.
        List<Ask> oneMemberCalls = scenario.messages().stream().flatMap(message -> message.valid().stream())
                .filter(ask -> !ask.forbidden() && (ask.removal() || ask.role() != null)).toList();

        Map<String, Integer> faults = new TreeMap<>();
        List<String> violations = new ArrayList<>();
        Seen seen = new Seen();
        EventSourceMapping.Run run;
        try (EventSourceMapping mapping = new EventSourceMapping(sqs.client(), queues,
                new EventSourceMapping.Settings(settings.batchSize(), FUNCTION_TIMEOUT, true, 20_000),
                TestClients.REGION.id())) {
            run = mapping.drain((event, context) -> {
                if (!scenario.fifo() && random.nextDouble() < settings.repeatedRecord()) {
                    List<SQSEvent.SQSMessage> records = new ArrayList<>(event.getRecords());
                    records.add(random.nextInt(records.size() + 1), records.get(random.nextInt(records.size())));
                    event.setRecords(records);
                    seen.repeatedRecords++;
                }
                List<Scenario.Message> records = event.getRecords().stream()
                        .map(record -> sent.get(record.getMessageId())).toList();
                for (SQSEvent.SQSMessage record : event.getRecords()) {
                    sent.get(record.getMessageId()).valid().stream().filter(ask -> !ask.forbidden())
                            .forEach(ask -> seen.handed.add(new Handed(record.getMessageId(), ask)));
                }
                Map<String, Ask> merged = merged(records);
                Map<String, Standing> before = plan.any() ? Map.of() : standings(merged.values());
                Map<String, Integer> moderatorsBefore = new HashMap<>();
                if (!plan.any()) {
                    merged.values().stream().filter(Ask::toChannel).forEach(ask -> moderatorsBefore.computeIfAbsent(
                            ask.channelArn(), channel -> channels.moderators(channel).size()));
                }
                Map<String, Integer> callsBefore = plan.any() ? Map.of() : callCounts();
                arm(plan, random, scenario, administrators, oneMemberCalls, faults);
                boolean loseResponse = random.nextDouble() < plan.lostResponse();
                SQSBatchResponse response;
                try {
                    response = handler.handleRequest(event, context);
                } finally {
                    chime.latency(Duration.ZERO);
                }
                if (!plan.any()) {
                    Map<String, Integer> expected = expectedCalls(scenario, merged, before, moderatorsBefore);
                    Map<String, Integer> made = callCounts();
                    callsBefore.forEach((operation, count) -> made.merge(operation, -count, Integer::sum));
                    made.values().removeIf(count -> count == 0);
                    if (!made.equals(expected)) {
                        violations.add("an invocation of " + records.size() + " records made the calls " + made
                                + ", not the " + expected + " its requests need");
                    }
                    merged.values().stream().filter(ask -> ask.toChannel() && !ask.removal()
                                    && !before.get(ask.target()).present())
                            .forEach(ask -> seen.joinType.put(ask.target(), ask.type()));
                }
                if (loseResponse) {
                    faults.merge("lost response", 1, Integer::sum);
                    throw new IllegalStateException("the runtime died after the function ran");
                }
                return response;
            }, n -> {
                if (random.nextDouble() < plan.deadline()) {
                    faults.merge("deadline", 1, Integer::sum);
                    return TestContext.withDeadlineIn(SAFETY_MARGIN_MILLIS + random.nextInt(300));
                }
                return TestContext.withDeadlineIn(FUNCTION_TIMEOUT.toMillis());
            });
        }
        chime.faultsInjected().forEach((fault, count) -> faults.merge(fault.name(), count, Integer::sum));
        chime.memberErrorsInjected(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP).forEach((code, count) ->
                faults.merge("room member " + code, count, Integer::sum));
        chime.memberErrorsInjected(ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP).forEach((code, count) ->
                faults.merge("channel member " + code, count, Integer::sum));
        for (String operation : MEMBER_CALL_OPERATIONS) {
            String name = operation.equals(ChannelsApi.CREATE_CHANNEL_MODERATOR) ? "moderator" : operation;
            chime.memberCallFaultsInjected(operation).forEach((fault, count) ->
                    faults.merge(name + " " + fault.name(), count, Integer::sum));
        }
        if (proxy.refused() > 0) {
            faults.put("dead-letter send refused", proxy.refused());
        }
        return account(scenario, plan, sent, run, seen, seededBy, faults, violations)
                .took(Duration.ofNanos(System.nanoTime() - started));
    }

    private RoomMembershipHandler handler(int concurrency, boolean routed) {
        Map<String, String> env = new HashMap<>();
        env.put(Configuration.DEAD_LETTER_QUEUE_URL, deadLetterUrl);
        env.put(Configuration.MAX_RECEIVE_COUNT, Integer.toString(template.functionMaxReceiveCount()));
        env.put(Configuration.CHIME_MAX_CONCURRENCY, Integer.toString(concurrency));
        env.put(Configuration.DEADLINE_SAFETY_MARGIN_MS, Long.toString(SAFETY_MARGIN_MILLIS));
        env.put("AWS_REGION", TestClients.REGION.id());
        env.put(Configuration.ALLOWED_ACCOUNT_IDS, String.join(",", Scenario.MANAGED_ACCOUNTS));
        env.put(Configuration.CHIME_BEARER_ARN, Scenario.BEARER);
        env.put(Configuration.ALLOWED_APP_INSTANCE_ARNS, Scenario.APP_INSTANCE);
        if (routed) {
            env.put(Configuration.CHANNEL_ARN_TEMPLATE, Scenario.CHANNEL_ARN_TEMPLATE);
            env.put(Configuration.MEMBER_ARN_TEMPLATE, Scenario.MEMBER_ARN_TEMPLATE);
        }
        // Limited, so the limit takes part, but well above the emulator's pace, so trials stay short.
        env.put(Configuration.CHIME_MAX_TPS, "500");
        env.putAll(TestQuotas.functionSettings());
        return Handlers.wired(Configuration.fromEnvironment(env), chimeClient,
                region -> messagingClients.computeIfAbsent(region, r -> TestClients.messaging(chime.endpoint(), r)),
                functionSqs, FAST_RETRY);
    }

    private Map<String, Scenario.Message> send(SourceQueues queues, Scenario scenario) {
        Map<String, Scenario.Message> byMessageId = new HashMap<>();
        List<Scenario.Message> messages = scenario.messages();
        for (int from = 0; from < messages.size(); from += 10) {
            List<Scenario.Message> slice = messages.subList(from, Math.min(from + 10, messages.size()));
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < slice.size(); i++) {
                Scenario.Message message = slice.get(i);
                SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i)).messageBody(message.body());
                if (message.group() != null) {
                    entry.messageGroupId(message.group()).messageDeduplicationId("m-" + (from + i));
                }
                entries.add(entry.build());
            }
            var response = sqs.client().sendMessageBatch(request -> request.queueUrl(queues.sourceUrl())
                    .entries(entries));
            if (!response.failed().isEmpty()) {
                throw new IllegalStateException("SQS refused test messages: " + response.failed());
            }
            response.successful().forEach(ok -> byMessageId.put(ok.messageId(), slice.get(Integer.parseInt(ok.id()))));
        }
        return byMessageId;
    }

    /** Arms this invocation's faults, drawn from the plan. */
    private void arm(FaultPlan plan, Random random, Scenario scenario, List<Ask> administrators,
                     List<Ask> oneMemberCalls, Map<String, Integer> faults) {
        if (random.nextDouble() < plan.throttleBurst()) {
            chime.failNextCalls(1 + random.nextInt(6), ChimeEmulator.Fault.THROTTLED);
        }
        if (random.nextDouble() < plan.serverErrors()) {
            chime.failNextCalls(1 + random.nextInt(6), random.nextBoolean()
                    ? ChimeEmulator.Fault.SERVICE_UNAVAILABLE : ChimeEmulator.Fault.SERVICE_FAILURE);
        }
        if (random.nextDouble() < plan.resetMidResponse()) {
            chime.failNextCalls(1 + random.nextInt(3), ChimeEmulator.Fault.RESET_MID_RESPONSE);
        }
        if (random.nextDouble() < plan.connectionReset()) {
            chime.failNextCalls(1 + random.nextInt(3), ChimeEmulator.Fault.CONNECTION_RESET);
        }
        if (random.nextDouble() < plan.followUpCalls()) {
            chime.failNextCalls(1 + random.nextInt(3), FOLLOW_UP_FAULTS.get(random.nextInt(FOLLOW_UP_FAULTS.size())),
                    FOLLOW_UP_OPERATIONS.get(random.nextInt(FOLLOW_UP_OPERATIONS.size())));
        }
        if (random.nextDouble() < plan.latencySpike()) {
            chime.latency(Duration.ofMillis(10 + random.nextInt(70)));
            faults.merge("latency spike", 1, Integer::sum);
        }
        if (random.nextDouble() < plan.memberTransient()) {
            randomMember(scenario, random).ifPresent(member ->
                    chime.failMember(member, transientCode(random), 1 + random.nextInt(4)));
        }
        if (random.nextDouble() < plan.persistentMember()) {
            randomMember(scenario, random).ifPresent(member ->
                    chime.failMember(member, transientCode(random), Integer.MAX_VALUE));
        }
        if (random.nextDouble() < plan.moderatorFault() && !administrators.isEmpty()) {
            Ask ask = administrators.get(random.nextInt(administrators.size()));
            channels.failModerator(ask.memberArn(), MODERATOR_FAULTS.get(random.nextInt(MODERATOR_FAULTS.size())),
                    random.nextInt(5) == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(4));
        }
        if (random.nextDouble() < plan.memberCallFault() && !oneMemberCalls.isEmpty()) {
            Ask ask = oneMemberCalls.get(random.nextInt(oneMemberCalls.size()));
            chime.failMemberCall(memberCallOperation(ask, random), ask.member(),
                    MEMBER_CALL_FAULTS.get(random.nextInt(MEMBER_CALL_FAULTS.size())),
                    random.nextInt(5) == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(4));
        }
        if (random.nextDouble() < plan.deadLetterRefusal()) {
            proxy.refuseSends(1 + random.nextInt(12));
        }
    }

    /** The one-member operation a removal or a named role of this request may need. */
    private static String memberCallOperation(Ask ask, Random random) {
        if (ask.toChannel()) {
            return ask.removal() ? ChannelsApi.DELETE_CHANNEL_MEMBERSHIP
                    : ask.administrator() ? ChannelsApi.CREATE_CHANNEL_MODERATOR : ChannelsApi.DELETE_CHANNEL_MODERATOR;
        }
        return ask.removal() ? ChimeEmulator.DELETE_ROOM_MEMBERSHIP : ChimeEmulator.UPDATE_ROOM_MEMBERSHIP;
    }

    private static String transientCode(Random random) {
        return List.of(ErrorCodes.THROTTLED, ErrorCodes.SERVICE_UNAVAILABLE, ErrorCodes.SERVICE_FAILURE)
                .get(random.nextInt(3));
    }

    /** A requested member as the emulator's per-member faults key it: the MemberId in a room, the ARN in a channel. */
    private static Optional<String> randomMember(Scenario scenario, Random random) {
        Scenario.Message message = scenario.messages().get(random.nextInt(scenario.messages().size()));
        return message.valid().isEmpty() ? Optional.empty()
                : Optional.of(message.valid().get(random.nextInt(message.valid().size())).member());
    }

    /**
     * The requests of one batch as the function must merge them, per (target, member) in record order: the last
     * record's action, and for an add the role the last add named since the last removal (null if none did);
     * requests it must refuse without a call are left out.
     */
    private static Map<String, Ask> merged(List<Scenario.Message> records) {
        Map<String, Ask> merged = new LinkedHashMap<>();
        Map<String, String> named = new HashMap<>();
        for (Scenario.Message message : records) {
            for (Ask ask : message.valid()) {
                if (ask.forbidden()) {
                    continue;
                }
                if (ask.removal()) {
                    named.remove(ask.target());
                } else if (ask.role() != null) {
                    named.put(ask.target(), ask.role());
                }
                merged.put(ask.target(), ask.removal() ? ask : ask.withRole(named.get(ask.target())));
            }
        }
        return merged;
    }

    /** Each member's standing now, read from the emulator. */
    private Map<String, Standing> standings(Iterable<Ask> asks) {
        Map<String, Standing> standings = new HashMap<>();
        for (Ask ask : asks) {
            standings.put(ask.target(), ask.toChannel()
                    ? new Standing(channels.memberSince(ask.channelArn(), ask.memberArn()).isPresent(),
                    channels.moderatorSince(ask.channelArn(), ask.memberArn()).isPresent())
                    : chime.role(ask.legacy().accountId(), ask.legacy().roomId(), ask.legacy().memberId())
                    .map(role -> new Standing(true, role.equals(ADMINISTRATOR)))
                    .orElse(new Standing(false, false)));
        }
        return standings;
    }

    /**
     * The calls a batch needs without faults, by operation: the adds as ever (Σ⌈n/50⌉ per room, Σ⌈n/100⌉ per channel
     * and type); one delete per removal; a read of the room's members (every page) where a removal is answered
     * NotFound (a member not there, or no room), of the channel's where a removal is answered BadRequest (no
     * channel); a read of the roles (the room's members, or the channel's moderators, every page) where a member
     * already there named a role, and one role call per such member whose role differs; and a grant per new channel
     * member asked as an Administrator; for a channel with removals or with new members asked as a plain Member, a
     * read of its moderators and a DeleteChannelModerator per such leaver or new member who moderates. Room pages are counted after the batch's changes, which is when
     * they are read.
     */
    private Map<String, Integer> expectedCalls(Scenario scenario, Map<String, Ask> merged,
                                               Map<String, Standing> before, Map<String, Integer> moderatorsBefore) {
        Map<String, Integer> members = new HashMap<>();
        Map<String, Ask> readMembers = new LinkedHashMap<>();
        Map<String, Ask> learnRoles = new LinkedHashMap<>();
        Map<String, Integer> calls = new TreeMap<>();
        for (Ask ask : merged.values()) {
            Standing was = before.get(ask.target());
            if (ask.removal()) {
                calls.merge(ask.toChannel() ? ChannelsApi.DELETE_CHANNEL_MEMBERSHIP
                        : ChimeEmulator.DELETE_ROOM_MEMBERSHIP, 1, Integer::sum);
                if (ask.toChannel() ? !scenario.conversationExists(ask) : !was.present()) {
                    readMembers.putIfAbsent(ask.conversation(), ask);
                }
                if (ask.toChannel() && scenario.conversationExists(ask)) {
                    // Moderators outlive memberships: the channel's are read once, and a leaver among them unmade.
                    learnRoles.putIfAbsent(ask.conversation(), ask);
                    if (was.administrator()) {
                        calls.merge(ChannelsApi.DELETE_CHANNEL_MODERATOR, 1, Integer::sum);
                    }
                }
                continue;
            }
            members.merge(ask.toChannel() ? ask.conversation() + " " + ask.type() : ask.conversation(), 1,
                    Integer::sum);
            if (ask.role() != null && was.present()) {
                learnRoles.putIfAbsent(ask.conversation(), ask);
                if (was.administrator() != ask.administrator()) {
                    calls.merge(!ask.toChannel() ? ChimeEmulator.UPDATE_ROOM_MEMBERSHIP
                            : ask.administrator() ? ChannelsApi.CREATE_CHANNEL_MODERATOR
                            : ChannelsApi.DELETE_CHANNEL_MODERATOR, 1, Integer::sum);
                }
            } else if (ask.toChannel() && !was.present() && ask.administrator() && scenario.attainable(ask)) {
                calls.merge(ChannelsApi.CREATE_CHANNEL_MODERATOR, 1, Integer::sum);
            } else if (ask.toChannel() && !was.present() && ask.role() != null && scenario.attainable(ask)) {
                // A new member asked as a plain Member: a moderation may have outlived an earlier membership.
                learnRoles.putIfAbsent(ask.conversation(), ask);
                if (was.administrator()) {
                    calls.merge(ChannelsApi.DELETE_CHANNEL_MODERATOR, 1, Integer::sum);
                }
            }
        }
        members.forEach((conversation, n) -> {
            boolean channel = conversation.startsWith("arn:");
            calls.merge(channel ? ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP : ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP,
                    channel ? (n + 99) / 100 : (n + 49) / 50, Integer::sum);
        });
        readMembers.values().forEach(ask -> calls.merge(ask.toChannel() ? ChannelsApi.LIST_CHANNEL_MEMBERSHIPS
                : ChimeEmulator.LIST_ROOM_MEMBERSHIPS, ask.toChannel() ? 1 : roomPages(ask), Integer::sum));
        learnRoles.values().forEach(ask -> calls.merge(ask.toChannel() ? ChannelsApi.LIST_CHANNEL_MODERATORS
                        : ChimeEmulator.LIST_ROOM_MEMBERSHIPS,
                ask.toChannel() ? pages(moderatorsBefore.get(ask.channelArn()), MODERATOR_PAGE) : roomPages(ask),
                Integer::sum));
        return calls;
    }

    private int roomPages(Ask ask) {
        return pages(chime.members(ask.legacy().accountId(), ask.legacy().roomId()).size(), ROOM_PAGE);
    }

    /** A listing reads at least one page, and a last full page ends it. */
    private static int pages(int entries, int pageSize) {
        return Math.max(1, (entries + pageSize - 1) / pageSize);
    }

    /** Calls received so far, by operation. */
    private Map<String, Integer> callCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (String operation : ROOM_OPERATIONS) {
            counts.put(operation, chime.calls(operation).size());
        }
        CHANNEL_OPERATIONS.forEach(operation -> counts.put(operation, 0));
        channels.calls().forEach(call -> counts.merge(call.operation(), 1, Integer::sum));
        return counts;
    }

    /** A dead-letter record as read back from the failed-member queue; key as {@link Ask#key()}, null if none. */
    private record Letter(String sourceMessageId, String errorCode, String key, boolean unreadable, Instant failedAt,
                          JsonNode body) {
        String text(String field) {
            JsonNode value = body.get(field);
            return value == null || value.isNull() ? null : value.asText();
        }

        /** The Role the record names; null when it names none. */
        String role() {
            JsonNode holder = body.has("MembershipItemList") ? body.path("MembershipItemList").path(0) : body;
            JsonNode role = holder.get("Role");
            return role == null || role.isNull() ? null : role.asText();
        }

        boolean removal() {
            return "Remove".equals(text("Action"));
        }
    }

    /** The emulator's history of one (target, member), read once. */
    private final class Histories {
        private final Map<String, List<MembershipChange>> members = new HashMap<>();
        private final Map<String, List<MembershipChange>> moderators = new HashMap<>();

        List<MembershipChange> members(Ask ask) {
            return members.computeIfAbsent(ask.target(), key -> ask.toChannel()
                    ? channels.memberHistory(ask.channelArn(), ask.memberArn())
                    : chime.history(ask.legacy().accountId(), ask.legacy().roomId(), ask.legacy().memberId()));
        }

        List<MembershipChange> moderators(Ask ask) {
            return !ask.toChannel() ? List.of() : moderators.computeIfAbsent(ask.target(),
                    key -> channels.moderatorHistory(ask.channelArn(), ask.memberArn()));
        }

        /** Whether the request's goal held at this moment: there (with the Role it named) or, for a removal, not. */
        boolean held(Ask ask, Instant moment) {
            Optional<MembershipChange> member = MembershipChange.asOf(members(ask), moment);
            boolean present = member.map(MembershipChange::present).orElse(false);
            if (ask.removal() && ask.toChannel() && !present) {
                // A channel's leaver also stops moderating: the goal holds once neither is left.
                return !MembershipChange.asOf(moderators(ask), moment).map(MembershipChange::present).orElse(false);
            }
            if (ask.removal() || !present) {
                return ask.removal() != present;
            }
            if (ask.role() == null) {
                return true;
            }
            boolean administrator = ask.toChannel()
                    ? MembershipChange.asOf(moderators(ask), moment).map(MembershipChange::present).orElse(false)
                    : ADMINISTRATOR.equals(member.get().role());
            return administrator == ask.administrator();
        }

        /** Whether the goal came to hold at some moment after this one. */
        boolean heldLater(Ask ask, Instant moment) {
            List<MembershipChange> changes = new ArrayList<>(members(ask));
            changes.addAll(moderators(ask));
            return changes.stream().filter(change -> change.at().isAfter(moment))
                    .anyMatch(change -> held(ask, change.at()));
        }

        /** Whether the member is an administrator now (a room's, or a channel's moderator). */
        boolean administratorNow(Ask ask) {
            return ask.toChannel()
                    ? channels.moderators(ask.channelArn()).contains(ask.memberArn())
                    : chime.role(ask.legacy().accountId(), ask.legacy().roomId(), ask.legacy().memberId())
                    .map(ADMINISTRATOR::equals).orElse(false);
        }

        boolean presentNow(Ask ask) {
            return ask.toChannel()
                    ? channels.memberSince(ask.channelArn(), ask.memberArn()).isPresent()
                    : chime.memberSince(ask.legacy().accountId(), ask.legacy().roomId(), ask.legacy().memberId())
                    .isPresent();
        }

        boolean changedAfter(List<MembershipChange> changes, Instant moment, boolean present) {
            return changes.stream().anyMatch(change -> change.at().isAfter(moment) && change.present() == present);
        }
    }

    /**
     * What the requests for one (target, member) came to in processing order: the last one handed to the function,
     * and the last add that named a role since the last removal.
     */
    private static final class Expected {
        Handed last;
        Handed named;
        boolean everAdministrator;

        void then(Handed handed) {
            last = handed;
            if (handed.ask().removal()) {
                named = null;
            } else if (handed.ask().role() != null) {
                named = handed;
                everAdministrator |= handed.ask().administrator();
            }
        }
    }

    private Result account(Scenario scenario, FaultPlan plan, Map<String, Scenario.Message> sent,
                           EventSourceMapping.Run run, Seen seen, Instant seededBy, Map<String, Integer> faults,
                           List<String> violations) {
        List<Letter> letters = sqs.drain(deadLetterUrl).stream().map(QueueRig::letter).toList();
        Set<String> redriven = new HashSet<>();
        for (Message message : run.redriven()) {
            redriven.add(message.messageId());
        }
        Map<String, List<Letter>> lettersBySource = new HashMap<>();
        letters.forEach(letter -> lettersBySource.computeIfAbsent(letter.sourceMessageId(), id -> new ArrayList<>())
                .add(letter));
        Histories histories = new Histories();

        int lost = 0;
        int duplicates = 0;
        int stale = 0;
        for (Map.Entry<String, Scenario.Message> entry : sent.entrySet()) {
            String id = entry.getKey();
            Scenario.Message message = entry.getValue();
            List<Letter> own = lettersBySource.getOrDefault(id, List.of());
            boolean inRedrive = redriven.contains(id);
            if (message.unreadable()) {
                if (own.size() != 1 || !own.get(0).unreadable()
                        || !ErrorCodes.BAD_REQUEST.equals(own.get(0).errorCode())) {
                    if (own.isEmpty() && inRedrive) {
                        continue;
                    }
                    if (own.isEmpty()) {
                        lost++;
                        violations.add("unreadable message " + id + " left no BadRequest record: " + message.body());
                    } else if (own.stream().allMatch(l -> l.unreadable()
                            && ErrorCodes.BAD_REQUEST.equals(l.errorCode()))) {
                        duplicates += own.size() - 1;
                    } else {
                        violations.add("unreadable message " + id + " got records " + own);
                    }
                }
                continue;
            }
            Map<String, Ask> asked = new HashMap<>();
            message.valid().forEach(ask -> asked.put(ask.key(), ask));
            int rejectedLetters = 0;
            Map<String, Integer> lettersPerAsk = new HashMap<>();
            for (Letter letter : own) {
                Ask ask = letter.key() == null ? null : asked.get(letter.key());
                if (ask != null) {
                    lettersPerAsk.merge(letter.key(), 1, Integer::sum);
                    checkExplained(scenario, plan, ask, letter, violations);
                    checkForm(message, ask, letter, violations);
                    if (!ask.forbidden() && scenario.conversationExists(ask)) {
                        if (histories.held(ask, letter.failedAt())) {
                            violations.add(ask + " of message " + id + " was dead-lettered (" + letter.errorCode()
                                    + " at " + letter.failedAt() + ") although its goal held then: "
                                    + histories.members(ask) + " " + histories.moderators(ask));
                        } else if (histories.heldLater(ask, letter.failedAt())) {
                            stale++;
                        }
                    }
                } else if (message.rejectionCode().equals(letter.errorCode()) && !letter.unreadable()) {
                    rejectedLetters++;
                    checkRejectedForm(message, letter, violations);
                } else {
                    violations.add("message " + id + " got a record it did not ask for: " + letter);
                }
            }
            duplicates += lettersPerAsk.values().stream().mapToInt(n -> n - 1).sum();
            if (rejectedLetters > message.rejectedItems()) {
                duplicates += rejectedLetters - message.rejectedItems();
            } else if (rejectedLetters < message.rejectedItems() && !inRedrive) {
                lost += message.rejectedItems() - rejectedLetters;
                violations.add("message " + id + " had " + message.rejectedItems() + " bad items but "
                        + rejectedLetters + " " + message.rejectionCode() + " records");
            }
            // A request the deployment refuses never reaches a room or channel: only its record accounts for it.
            for (Ask ask : asked.values()) {
                if (ask.forbidden() && !lettersPerAsk.containsKey(ask.key()) && !inRedrive) {
                    lost++;
                    violations.add(ask + " of message " + id + " is lost: refused, but no Forbidden record");
                }
            }
        }
        if (!plan.mayDuplicateDeadLetters() && duplicates > 0) {
            violations.add(duplicates + " duplicate dead-letter records without a fault that explains them");
        }

        // Per (target, member): the final state the last request handed to the function wants, or a reason why not.
        Map<String, Expected> expectations = new LinkedHashMap<>();
        seen.handed.forEach(handed -> expectations.computeIfAbsent(handed.ask().target(), t -> new Expected())
                .then(handed));
        Set<String> lettered = new HashSet<>();
        letters.forEach(letter -> lettered.add(letter.sourceMessageId() + " " + letter.key()));
        int wrong = 0;
        Set<String> sentIds = sent.keySet();
        for (Scenario.Message message : scenario.messages()) {
            message.valid().stream().filter(ask -> !ask.forbidden() && !expectations.containsKey(ask.target()))
                    .findFirst().ifPresent(ask -> violations.add(ask + " was never handed to the function"));
        }
        for (Expected expected : expectations.values()) {
            Ask last = expected.last.ask();
            boolean present = histories.presentNow(last);
            String wrongState = null;
            if (last.removal()) {
                wrongState = present ? "present although the last request removes it" : null;
            } else if (!present) {
                wrongState = "absent although the last request adds it";
            } else {
                boolean administrator = histories.administratorNow(last);
                String role = administrator ? ADMINISTRATOR : "Member";
                if (expected.named != null && administrator != expected.named.ask().administrator()) {
                    wrongState = role + " although " + expected.named.messageId() + " asked for "
                            + expected.named.ask().role() + " last";
                } else if (expected.named == null && administrator && !expected.everAdministrator
                        && !scenario.initiallyAdministrator(last)) {
                    wrongState = "an Administrator although nobody asked for one";
                }
            }
            if (present && !scenario.attainable(last)) {
                violations.add(last + " is a member although Chime cannot hold it");
            }
            if (wrongState == null) {
                continue;
            }
            boolean explained = explains(expected.last, lettered, redriven)
                    || (expected.named != null && explains(expected.named, lettered, redriven));
            if (!explained) {
                if (!last.removal() && !present) {
                    lost++;
                } else {
                    wrong++;
                }
                violations.add(last.target() + " is " + wrongState + " (message " + expected.last.messageId()
                        + ": " + last + "), with no dead-letter record and no message in the redrive queue; history "
                        + histories.members(last) + " " + histories.moderators(last));
            }
        }
        checkChannelStates(scenario, plan, seen, histories, violations);
        checkRoomStates(scenario, violations);
        checkCalls(scenario, violations);

        Map<String, Integer> added = new TreeMap<>();
        Map<String, Integer> already = new TreeMap<>();
        Map<String, Integer> removed = new TreeMap<>();
        Map<String, Integer> rolesChanged = new TreeMap<>();
        Map<String, Integer> byKind = new TreeMap<>();
        for (Scenario.Message message : scenario.messages()) {
            message.valid().forEach(ask -> byKind.merge(ask.removal() ? "removals" : ask.role() == null
                    ? "adds naming no role" : "adds as " + ask.role(), 1, Integer::sum));
        }
        for (Expected expected : expectations.values()) {
            Ask ask = expected.last.ask();
            String target = ask.toChannel() ? "channels" : "rooms";
            List<MembershipChange> history = histories.members(ask);
            if (histories.changedAfter(history, seededBy, true)) {
                added.merge(target, 1, Integer::sum);
            }
            if (scenario.initiallyPresent(ask)) {
                already.merge(target, 1, Integer::sum);
            }
            if (histories.changedAfter(history, seededBy, false)) {
                removed.merge(target, 1, Integer::sum);
            }
            if (ask.toChannel()) {
                if (histories.changedAfter(histories.moderators(ask), seededBy, true)) {
                    rolesChanged.merge("moderators made", 1, Integer::sum);
                }
                if (histories.changedAfter(histories.moderators(ask), seededBy, false)) {
                    rolesChanged.merge("moderators removed", 1, Integer::sum);
                }
            } else if (roleChangedAfter(history, seededBy)) {
                rolesChanged.merge("room roles set", 1, Integer::sum);
            }
        }
        Map<String, Integer> byCode = new TreeMap<>();
        letters.forEach(letter -> byCode.merge(letter.errorCode(), 1, Integer::sum));
        Map<String, Integer> faultedCalls = new TreeMap<>();
        for (String operation : ROOM_OPERATIONS) {
            faultedCalls.put(operation, chime.faultsInjected(operation).values().stream().mapToInt(n -> n).sum());
        }
        for (String operation : CHANNEL_OPERATIONS) {
            faultedCalls.put(operation, chime.faultsInjected(operation).values().stream().mapToInt(n -> n).sum());
        }
        return new Result(scenario.requestsByTarget(), byKind, scenario.messages().size(), run.invocations().size(),
                seen.repeatedRecords, faults, added, already, removed, rolesChanged, byCode, run.redriven().size(),
                lost, wrong, stale, duplicates, callCounts(), faultedCalls, List.copyOf(violations), Duration.ZERO);
    }

    /** A dead-letter record of the message for this request, or the message in the redrive queue. */
    private static boolean explains(Handed handed, Set<String> lettered, Set<String> redriven) {
        return lettered.contains(handed.messageId() + " " + handed.ask().key()) || redriven.contains(handed.messageId());
    }

    /** Whether an UpdateRoomMembership changed the member's role after this moment (a join sets none). */
    private static boolean roleChangedAfter(List<MembershipChange> history, Instant moment) {
        for (int i = 1; i < history.size(); i++) {
            MembershipChange change = history.get(i);
            if (change.at().isAfter(moment) && change.present() && history.get(i - 1).present()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Who is in each channel, with which type, and who moderates it: only members and moderators that were there or
     * were asked for by an add; a member that never left keeps the type it had; one that joined during the run has a
     * type it was asked with, and without faults the type of the batch that made it join; the foreign AppInstance's
     * channel untouched.
     */
    private void checkChannelStates(Scenario scenario, FaultPlan plan, Seen seen, Histories histories,
                                    List<String> violations) {
        Map<String, Set<String>> askedTypes = new HashMap<>();
        Set<String> askedModerators = new HashSet<>();
        Map<String, Ask> anAsk = new HashMap<>();
        for (Scenario.Message message : scenario.messages()) {
            for (Ask ask : message.valid()) {
                if (ask.toChannel() && !ask.forbidden() && !ask.removal()) {
                    askedTypes.computeIfAbsent(ask.target(), key -> new TreeSet<>()).add(ask.type());
                    anAsk.putIfAbsent(ask.target(), ask);
                    if (ask.administrator()) {
                        askedModerators.add(ask.target());
                    }
                }
            }
        }
        for (String channel : scenario.messaging().channels()) {
            channels.members(channel).forEach((member, type) -> {
                String target = channel + " " + member;
                String initial = scenario.initialType(channel, member);
                boolean left = !channels.leftAt(channel, member).isEmpty();
                if (initial != null && !left) {
                    if (!initial.equals(type)) {
                        violations.add(member + " was " + initial + " in " + channel + " and is now " + type);
                    }
                } else if (!askedTypes.containsKey(target)) {
                    violations.add(member + " is in " + channel + " although no add asked for it");
                } else if (!askedTypes.get(target).contains(type)) {
                    violations.add(member + " is " + type + " in " + channel + ", asked only as "
                            + askedTypes.get(target));
                } else if (!plan.any() && !type.equals(seen.joinType.get(target))) {
                    violations.add(member + " is " + type + " in " + channel + ", but the batch that made it join"
                            + " wanted " + seen.joinType.get(target));
                }
            });
            for (String moderator : channels.moderators(channel)) {
                if (!scenario.initiallyModerator(channel, moderator)
                        && !askedModerators.contains(channel + " " + moderator)) {
                    violations.add(moderator + " moderates " + channel + " although nobody asked for it");
                }
            }
        }
        for (String channel : scenario.messaging().foreignChannels()) {
            if (!channels.members(channel).isEmpty()) {
                violations.add("the foreign channel " + channel + " has members " + channels.members(channel).keySet());
            }
        }
    }

    /** Who is in each room: only members that were there or were asked for by an add; an Administrator only if asked. */
    private void checkRoomStates(Scenario scenario, List<String> violations) {
        Set<String> asked = new HashSet<>();
        Set<String> askedAdministrators = new HashSet<>();
        for (Scenario.Message message : scenario.messages()) {
            for (Ask ask : message.valid()) {
                if (!ask.toChannel() && !ask.forbidden() && !ask.removal()) {
                    asked.add(ask.target());
                    if (ask.administrator()) {
                        askedAdministrators.add(ask.target());
                    }
                }
            }
        }
        for (Scenario.Account account : scenario.accounts()) {
            for (String room : account.rooms()) {
                chime.members(account.id(), room).forEach((member, role) -> {
                    String target = account.id() + "/" + room + " " + member;
                    boolean initial = account.initialMembers().getOrDefault(room, Set.of()).contains(member);
                    if (!initial && !asked.contains(target)) {
                        violations.add(member + " is in room " + account.id() + "/" + room
                                + " although no add asked for it");
                    }
                    if (ADMINISTRATOR.equals(role) && !askedAdministrators.contains(target)) {
                        violations.add(member + " administers room " + account.id() + "/" + room
                                + " although nobody asked for it");
                    }
                });
            }
        }
    }

    /** Every call: within its API's limit, to a managed account or AppInstance, as the configured bearer. */
    private void checkCalls(Scenario scenario, List<String> violations) {
        List<RecordedCall> roomCalls = chime.calls();
        roomCalls.stream().filter(call -> call.items().size() > 50).findFirst().ifPresent(call ->
                violations.add("a room call carried " + call.items().size() + " items"));
        roomCalls.stream().filter(call -> !Scenario.managed(call.accountId())).findFirst().ifPresent(call ->
                violations.add("a call reached account " + call.accountId() + ", which is not allowed"));
        if (scenario.routed() && !roomCalls.isEmpty()) {
            violations.add(roomCalls.size() + " calls reached the chat-room API although legacy requests are routed");
        }
        List<ChannelCall> channelCalls = channels.calls();
        channelCalls.stream().filter(call -> call.memberArns().size() > ChannelsApi.MAX_MEMBER_ARNS).findFirst()
                .ifPresent(call -> violations.add("a channel call carried " + call.memberArns().size() + " ARNs"));
        channelCalls.stream().filter(call -> call.channelArn() == null
                        || !call.channelArn().startsWith(Scenario.APP_INSTANCE + "/channel/")).findFirst()
                .ifPresent(call -> violations.add("a call reached channel " + call.channelArn()
                        + ", whose AppInstance is not allowed"));
        channelCalls.stream().filter(call -> !Scenario.BEARER.equals(call.bearer())).findFirst().ifPresent(call ->
                violations.add("a channel call was made as " + call.bearer() + ", not the configured bearer"));
    }

    /**
     * A dead-letter record's ErrorCode must say why: an account or AppInstance not allowed, what the organisation
     * lacks (for a removal only a room or channel: a member that is not there is already absent), or a fault that
     * was injected.
     */
    private static void checkExplained(Scenario scenario, FaultPlan plan, Ask ask, Letter letter,
                                       List<String> violations) {
        boolean transientCode = TRANSIENT.contains(letter.errorCode()) && plan.chimeFaults();
        boolean possible = ask.removal() ? scenario.conversationExists(ask) : scenario.attainable(ask);
        boolean explained = ask.forbidden()
                ? ErrorCodes.FORBIDDEN.equals(letter.errorCode())
                : possible ? transientCode : ErrorCodes.NOT_FOUND.equals(letter.errorCode()) || transientCode;
        if (!explained) {
            violations.add(ask + " was dead-lettered with " + letter.errorCode()
                    + ", which nothing in this run explains");
        }
    }

    /**
     * A member's record is a request for what its message asked, in the message's form: Action Remove for a removal
     * and no Action otherwise, the Role its request named and none when it named none; a legacy one keeps its legacy
     * fields (and, routed, names the channel and member ARN it went to); a channel one is form 4.
     */
    private static void checkForm(Scenario.Message message, Ask ask, Letter letter, List<String> violations) {
        List<String> wrong = new ArrayList<>();
        if (!Objects.equals(ask.role(), letter.role())) {
            wrong.add("Role " + letter.role());
        }
        if (!Objects.equals(ask.removal() ? "Remove" : null, letter.text("Action"))) {
            wrong.add("Action " + letter.text("Action"));
        }
        if (message.legacy()) {
            if (!Objects.equals(message.channelArn(), letter.text("ChannelArn"))) {
                wrong.add("ChannelArn " + letter.text("ChannelArn"));
            }
            String memberArn = letter.text("MemberArn");
            // Routed, refused for its account or not: the record names the member ARN its MemberId translates to.
            if (message.channelArn() != null ? !ask.memberArn().equals(memberArn) : memberArn != null) {
                wrong.add("MemberArn " + memberArn);
            }
        } else if (!ask.type().equals(letter.text("Type")) || letter.body().has("AccountId")) {
            wrong.add("Type " + letter.text("Type") + (letter.body().has("AccountId") ? " and an AccountId" : ""));
        }
        if (!wrong.isEmpty()) {
            violations.add("the record for " + ask + " has " + wrong + ": " + letter.body());
        }
    }

    /** A rejected item's record names the message's room or channel too, and its Action. */
    private static void checkRejectedForm(Scenario.Message message, Letter letter, List<String> violations) {
        boolean right = Objects.equals(message.channelArn(), letter.text("ChannelArn"))
                && message.legacy() == letter.body().has("AccountId")
                && message.removal() == letter.removal();
        if (!right) {
            violations.add("a rejected item's record does not name its message's conversation and action: "
                    + letter.body());
        }
    }

    private static Letter letter(Message message) {
        try {
            JsonNode body = JSON.readTree(message.body());
            JsonNode item = body.path("MembershipItemList").path(0);
            String key = body.has("AccountId") && item.path("MemberId").isTextual()
                    ? Scenario.roomKey(body.path("AccountId").asText(), body.path("RoomId").asText(),
                    item.path("MemberId").asText())
                    : !body.has("AccountId") && body.path("ChannelArn").isTextual() && body.path("MemberArn").isTextual()
                    ? Scenario.channelKey(body.path("ChannelArn").asText(), body.path("MemberArn").asText())
                    : null;
            String attribute = message.messageAttributes().containsKey("ErrorCode")
                    ? message.messageAttributes().get("ErrorCode").stringValue() : null;
            String code = body.path("ErrorCode").asText();
            if (!code.equals(attribute)) {
                throw new IllegalStateException("ErrorCode attribute " + attribute + " differs from the body's " + code);
            }
            return new Letter(body.path("SourceMessageId").asText(), code, key, body.has("Body"),
                    Instant.parse(body.path("FailedAt").asText()), body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        chimeClient.close();
        messagingClients.values().forEach(ChimeSdkMessagingClient::close);
        functionSqs.close();
        proxy.close();
        sqs.close();
        chime.close();
    }
}

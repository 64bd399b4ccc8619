package roommembership.reliability;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import roommembership.adapter.Configuration;
import roommembership.domain.ErrorCodes;
import roommembership.domain.RetryPolicy;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChannelsApi.ChannelCall;
import roommembership.emulator.ChimeEmulator;
import roommembership.emulator.ChimeEmulator.RecordedCall;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * The function under the local event-source mapping, against the Chime emulator (chat rooms and messaging channels)
 * and ElasticMQ, with faults armed invocation by invocation; at the end every request of the scenario is accounted
 * for.
 */
public final class QueueRig implements AutoCloseable {
    /** Production attempt count, short delays. */
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20));
    private static final long SAFETY_MARGIN_MILLIS = 200;
    private static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TRANSIENT = Set.of(ErrorCodes.THROTTLED, ErrorCodes.SERVICE_UNAVAILABLE,
            ErrorCodes.SERVICE_FAILURE);
    /** The calls a batch makes after its adds: grants, and the reads before a last receive dead-letters. */
    private static final List<String> FOLLOW_UP_OPERATIONS = List.of(ChannelsApi.CREATE_CHANNEL_MODERATOR,
            ChimeEmulator.LIST_ROOM_MEMBERSHIPS, ChannelsApi.LIST_CHANNEL_MEMBERSHIPS,
            ChannelsApi.LIST_CHANNEL_MODERATORS);
    private static final List<ChimeEmulator.Fault> FOLLOW_UP_FAULTS = List.of(ChimeEmulator.Fault.THROTTLED,
            ChimeEmulator.Fault.SERVICE_UNAVAILABLE, ChimeEmulator.Fault.SERVICE_FAILURE,
            ChimeEmulator.Fault.RESET_MID_RESPONSE, ChimeEmulator.Fault.CONNECTION_RESET);
    private static final List<ChimeEmulator.Fault> MODERATOR_FAULTS = List.of(ChimeEmulator.Fault.THROTTLED,
            ChimeEmulator.Fault.SERVICE_UNAVAILABLE, ChimeEmulator.Fault.RESET_MID_RESPONSE);
    private static final List<String> ROOM_OPERATIONS = List.of(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP,
            ChimeEmulator.LIST_ROOM_MEMBERSHIPS);
    private static final List<String> CHANNEL_OPERATIONS = List.of(ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP,
            ChannelsApi.CREATE_CHANNEL_MODERATOR, ChannelsApi.LIST_CHANNEL_MEMBERSHIPS,
            ChannelsApi.LIST_CHANNEL_MODERATORS);

    private final TemplateSettings template = TemplateSettings.read();
    private final ChimeEmulator chime = ChimeEmulator.start();
    private final ChannelsApi channels = chime.channels();
    private final EmbeddedSqs sqs = EmbeddedSqs.start();
    private final SqsFaultProxy proxy = SqsFaultProxy.start(sqs.endpoint());
    private final ChimeClient chimeClient = TestClients.chime(chime.endpoint());
    private final Map<Region, ChimeSdkMessagingClient> messagingClients = new ConcurrentHashMap<>();
    private final SqsClient functionSqs = TestClients.sqs(proxy.endpoint());
    private final String deadLetterUrl = sqs.createQueue("failed-members");
    private final Map<String, RoomMembershipHandler> handlers = new HashMap<>();

    /** How a run is shaped beyond the scenario: batch size (at most the template's) and Chime concurrency. */
    public record RunSettings(int batchSize, int chimeConcurrency) {
    }

    /**
     * Everything a run came to, and every broken rule found.
     *
     * @param requests requests by the target they go to (see {@link Scenario.Message#target()})
     * @param added distinct memberships new in their room or channel, by target ("rooms", "channels")
     * @param alreadyMembers distinct requested memberships there before the run, by target
     * @param moderatorsMade distinct channel members made moderators by the run
     * @param calls calls received, by operation
     * @param faultedCalls whole-call faults injected, by operation
     */
    public record Result(Map<String, Integer> requests, int messages, int invocations,
                         Map<String, Integer> faultsInjected, Map<String, Integer> added,
                         Map<String, Integer> alreadyMembers, int moderatorsMade,
                         Map<String, Integer> deadLetteredByErrorCode, int redrivenMessages, int lost,
                         int duplicateDeadLetters, Map<String, Integer> calls, Map<String, Integer> faultedCalls,
                         List<String> violations, Duration wallTime) {

        public int requestCount() {
            return requests.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** Two runs' figures together. */
        public Result plus(Result other) {
            List<String> both = new ArrayList<>(violations);
            both.addAll(other.violations);
            return new Result(sum(requests, other.requests), messages + other.messages,
                    invocations + other.invocations, sum(faultsInjected, other.faultsInjected),
                    sum(added, other.added), sum(alreadyMembers, other.alreadyMembers),
                    moderatorsMade + other.moderatorsMade,
                    sum(deadLetteredByErrorCode, other.deadLetteredByErrorCode),
                    redrivenMessages + other.redrivenMessages, lost + other.lost,
                    duplicateDeadLetters + other.duplicateDeadLetters, sum(calls, other.calls),
                    sum(faultedCalls, other.faultedCalls), List.copyOf(both), wallTime.plus(other.wallTime));
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

    /**
     * What the rig saw of the invocations: for each message, the requests its last invocation merged (the one that
     * settled it, or after which SQS moved it); and for each channel member, the type the first invocation that
     * asked for it merged to.
     */
    private static final class Seen {
        final Map<String, Map<String, Ask>> settledWith = new HashMap<>();
        final Map<String, String> firstType = new HashMap<>();
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
                .filter(ask -> ask.toChannel() && ask.administrator() && !ask.forbidden()).toList();

        Map<String, Integer> faults = new TreeMap<>();
        List<String> violations = new ArrayList<>();
        Seen seen = new Seen();
        EventSourceMapping.Run run;
        try (EventSourceMapping mapping = new EventSourceMapping(sqs.client(), queues,
                new EventSourceMapping.Settings(settings.batchSize(), FUNCTION_TIMEOUT, true, 20_000),
                TestClients.REGION.id())) {
            run = mapping.drain((event, context) -> {
                List<Scenario.Message> records = event.getRecords().stream()
                        .map(record -> sent.get(record.getMessageId())).toList();
                Map<String, Ask> merged = merged(records);
                event.getRecords().forEach(record -> seen.settledWith.put(record.getMessageId(), merged));
                merged.values().stream().filter(Ask::toChannel).forEach(ask ->
                        seen.firstType.putIfAbsent(Scenario.channelKey(ask.channelArn(), ask.memberArn()), ask.type()));
                Map<String, Integer> callsBefore = plan.any() ? Map.of() : callCounts();
                arm(plan, random, scenario, administrators, faults);
                boolean loseResponse = random.nextDouble() < plan.lostResponse();
                SQSBatchResponse response;
                try {
                    response = handler.handleRequest(event, context);
                } finally {
                    chime.latency(Duration.ZERO);
                }
                if (!plan.any()) {
                    Map<String, Integer> expected = expectedCalls(scenario, merged);
                    Map<String, Integer> made = callCounts();
                    callsBefore.forEach((operation, before) -> made.merge(operation, -before, Integer::sum));
                    made.values().removeIf(count -> count == 0);
                    if (!made.equals(expected)) {
                        violations.add("an invocation of " + records.size() + " records made the calls " + made
                                + ", not the " + expected + " its requests need");
                    }
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
        channels.moderatorFaultsInjected().forEach((fault, count) ->
                faults.merge("moderator " + fault.name(), count, Integer::sum));
        if (proxy.refused() > 0) {
            faults.put("dead-letter send refused", proxy.refused());
        }
        Result result = account(scenario, plan, sent, run, seen, seededBy, faults, violations);
        return new Result(result.requests(), result.messages(), result.invocations(), result.faultsInjected(),
                result.added(), result.alreadyMembers(), result.moderatorsMade(), result.deadLetteredByErrorCode(),
                result.redrivenMessages(), result.lost(), result.duplicateDeadLetters(), result.calls(),
                result.faultedCalls(), result.violations(), Duration.ofNanos(System.nanoTime() - started));
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
                     Map<String, Integer> faults) {
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
        if (random.nextDouble() < plan.deadLetterRefusal()) {
            proxy.refuseSends(1 + random.nextInt(12));
        }
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
     * The requests of one batch as the function must merge them: per conversation and member, as the last record
     * asking wants it; requests it must refuse without a call are left out.
     */
    private static Map<String, Ask> merged(List<Scenario.Message> records) {
        Map<String, Ask> merged = new LinkedHashMap<>();
        for (Scenario.Message message : records) {
            for (Ask ask : message.valid()) {
                if (!ask.forbidden()) {
                    merged.put(ask.conversation() + " " + ask.member(), ask);
                }
            }
        }
        return merged;
    }

    /**
     * The calls a batch needs without faults, by operation: Σ⌈n/50⌉ per room, Σ⌈n/100⌉ per channel and type, and a
     * moderator call per administrator whose membership holds; no reads.
     */
    static Map<String, Integer> expectedCalls(Scenario scenario, Map<String, Ask> merged) {
        Map<String, Integer> members = new HashMap<>();
        int moderators = 0;
        for (Ask ask : merged.values()) {
            members.merge(ask.toChannel() ? ask.conversation() + " " + ask.type() : ask.conversation(), 1,
                    Integer::sum);
            if (ask.toChannel() && ask.administrator() && scenario.attainable(ask)) {
                moderators++;
            }
        }
        Map<String, Integer> calls = new TreeMap<>();
        members.forEach((conversation, n) -> {
            boolean channel = conversation.startsWith("arn:");
            calls.merge(channel ? ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP : ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP,
                    channel ? (n + 99) / 100 : (n + 49) / 50, Integer::sum);
        });
        if (moderators > 0) {
            calls.put(ChannelsApi.CREATE_CHANNEL_MODERATOR, moderators);
        }
        return calls;
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

        String role() {
            return body.has("MembershipItemList") ? body.path("MembershipItemList").path(0).path("Role").asText()
                    : text("Role");
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
        Goals goals = new Goals(chime);

        int lost = 0;
        int duplicates = 0;
        Map<String, Ask> requested = new HashMap<>();
        Map<String, Set<String>> askedTypes = new HashMap<>();
        Set<String> askedModerators = new HashSet<>();
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
            Map<String, Ask> settledWith = seen.settledWith.getOrDefault(id, Map.of());
            for (Ask ask : asked.values()) {
                if (!ask.forbidden()) {
                    requested.putIfAbsent(ask.conversation() + " " + ask.member(), ask);
                    if (ask.toChannel()) {
                        askedTypes.computeIfAbsent(Scenario.channelKey(ask.channelArn(), ask.memberArn()),
                                key -> new HashSet<>()).add(ask.type());
                        if (ask.administrator()) {
                            askedModerators.add(Scenario.channelKey(ask.channelArn(), ask.memberArn()));
                        }
                    }
                }
                // An Administrator asked for in a batch whose later record asks for a Member is added as a Member.
                Ask effective = settledWith.getOrDefault(ask.conversation() + " " + ask.member(), ask);
                boolean wantsModerator = ask.toChannel() && ask.administrator() && effective.administrator();
                Optional<Instant> member = goals.memberSince(ask);
                Optional<Instant> goal = wantsModerator ? goals.moderatorSince(ask) : member;
                int ownLetters = lettersPerAsk.getOrDefault(ask.key(), 0);
                if (member.isPresent() && !scenario.attainable(ask)) {
                    violations.add(ask + " is a member although Chime cannot hold it");
                }
                if (goal.isPresent()) {
                    for (Letter letter : own) {
                        if (ask.key().equals(letter.key()) && !letter.failedAt().isBefore(goal.get())) {
                            violations.add(ask + " was dead-lettered (" + letter.errorCode() + " at "
                                    + letter.failedAt() + ") while " + (wantsModerator ? "a moderator" : "a member")
                                    + " since " + goal.get());
                        }
                    }
                } else if (ownLetters == 0 && !inRedrive) {
                    lost++;
                    violations.add(ask + " of message " + id + " is lost: not " + (wantsModerator
                            ? "a moderator" : "a member") + ", no dead-letter record, message not in the redrive queue");
                }
            }
        }
        if (!plan.mayDuplicateDeadLetters() && duplicates > 0) {
            violations.add(duplicates + " duplicate dead-letter records without a fault that explains them");
        }
        checkChannelStates(scenario, plan, seen, askedTypes, askedModerators, violations);
        checkCalls(scenario, violations);

        Map<String, Integer> added = new TreeMap<>();
        Map<String, Integer> already = new TreeMap<>();
        int moderatorsMade = 0;
        for (Ask ask : requested.values()) {
            String target = ask.toChannel() ? "channels" : "rooms";
            Optional<Instant> since = goals.memberSince(ask);
            if (since.isPresent()) {
                (since.get().isAfter(seededBy) ? added : already).merge(target, 1, Integer::sum);
            }
            if (ask.toChannel() && goals.moderatorSince(ask).filter(t -> t.isAfter(seededBy)).isPresent()) {
                moderatorsMade++;
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
        return new Result(scenario.requestsByTarget(), scenario.messages().size(), run.invocations().size(), faults,
                added, already, moderatorsMade, byCode, run.redriven().size(), lost, duplicates, callCounts(),
                faultedCalls, List.copyOf(violations), Duration.ZERO);
    }

    /** When each requested membership and moderator came to hold, read from the emulator once each. */
    private static final class Goals {
        private final ChimeEmulator chime;
        private final Map<String, Optional<Instant>> members = new HashMap<>();
        private final Map<String, Optional<Instant>> moderators = new HashMap<>();

        Goals(ChimeEmulator chime) {
            this.chime = chime;
        }

        Optional<Instant> memberSince(Ask ask) {
            return members.computeIfAbsent(ask.conversation() + " " + ask.member(), key -> ask.toChannel()
                    ? chime.channels().memberSince(ask.channelArn(), ask.memberArn())
                    : chime.memberSince(ask.legacy().accountId(), ask.legacy().roomId(), ask.legacy().memberId()));
        }

        Optional<Instant> moderatorSince(Ask ask) {
            return moderators.computeIfAbsent(ask.conversation() + " " + ask.member(),
                    key -> chime.channels().moderatorSince(ask.channelArn(), ask.memberArn()));
        }
    }

    /**
     * Who is in each channel, with which type, and who moderates it: only members and moderators that were there or
     * were asked for; a member's type the one it had, else one it was asked with, and without faults the one the
     * last record asking for it in the first batch that did wanted.
     */
    private void checkChannelStates(Scenario scenario, FaultPlan plan, Seen seen, Map<String, Set<String>> askedTypes,
                                    Set<String> askedModerators, List<String> violations) {
        for (String channel : scenario.messaging().channels()) {
            channels.members(channel).forEach((member, type) -> {
                String key = Scenario.channelKey(channel, member);
                String initial = scenario.initialType(channel, member);
                if (initial != null) {
                    if (!initial.equals(type)) {
                        violations.add(member + " was " + initial + " in " + channel + " and is now " + type);
                    }
                } else if (!askedTypes.containsKey(key)) {
                    violations.add(member + " is in " + channel + " although nobody asked for it");
                } else if (!askedTypes.get(key).contains(type)) {
                    violations.add(member + " is " + type + " in " + channel + ", asked only as " + askedTypes.get(key));
                } else if (!plan.any() && !type.equals(seen.firstType.get(key))) {
                    violations.add(member + " is " + type + " in " + channel + ", but the last record asking for it"
                            + " in the first batch wanted " + seen.firstType.get(key));
                }
            });
            for (String moderator : channels.moderators(channel)) {
                String key = Scenario.channelKey(channel, moderator);
                if (!scenario.initiallyModerator(channel, moderator) && !askedModerators.contains(key)) {
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
     * lacks, or a fault that was injected.
     */
    private static void checkExplained(Scenario scenario, FaultPlan plan, Ask ask, Letter letter,
                                       List<String> violations) {
        boolean transientCode = TRANSIENT.contains(letter.errorCode());
        boolean explained = ask.forbidden()
                ? ErrorCodes.FORBIDDEN.equals(letter.errorCode())
                : scenario.attainable(ask)
                ? transientCode && plan.chimeFaults()
                : ErrorCodes.NOT_FOUND.equals(letter.errorCode()) || (transientCode && plan.chimeFaults());
        if (!explained) {
            violations.add(ask + " was dead-lettered with " + letter.errorCode()
                    + ", which nothing in this run explains");
        }
    }

    /**
     * A member's record is a request for what its message asked, in the message's form: a legacy one keeps its
     * legacy fields (and, routed, names the channel and member ARN it went to); a channel one is form 4.
     */
    private static void checkForm(Scenario.Message message, Ask ask, Letter letter, List<String> violations) {
        List<String> wrong = new ArrayList<>();
        if (!Objects.equals(ask.role(), letter.role())) {
            wrong.add("Role " + letter.role());
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

    /** A rejected item's record names the message's room or channel too. */
    private static void checkRejectedForm(Scenario.Message message, Letter letter, List<String> violations) {
        boolean right = Objects.equals(message.channelArn(), letter.text("ChannelArn"))
                && message.legacy() == letter.body().has("AccountId");
        if (!right) {
            violations.add("a rejected item's record does not name its message's conversation: " + letter.body());
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

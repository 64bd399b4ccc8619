package roommembership.reliability;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import roommembership.adapter.Configuration;
import roommembership.domain.ErrorCodes;
import roommembership.domain.RetryPolicy;
import roommembership.emulator.ChimeEmulator;
import roommembership.handler.Handlers;
import roommembership.handler.RoomMembershipHandler;
import roommembership.mapping.EventSourceMapping;
import roommembership.mapping.SourceQueues;
import roommembership.mapping.TemplateSettings;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.SqsFaultProxy;
import roommembership.testing.TestClients;
import roommembership.testing.TestContext;
import software.amazon.awssdk.services.chime.ChimeClient;
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
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The function under the local event-source mapping, against the Chime emulator and ElasticMQ, with faults armed
 * invocation by invocation; at the end every request of the scenario is accounted for.
 */
public final class QueueRig implements AutoCloseable {
    /** Production attempt count, short delays. */
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20));
    private static final long SAFETY_MARGIN_MILLIS = 200;
    private static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TRANSIENT = Set.of(ErrorCodes.THROTTLED, ErrorCodes.SERVICE_UNAVAILABLE,
            ErrorCodes.SERVICE_FAILURE);

    private final TemplateSettings template = TemplateSettings.read();
    private final ChimeEmulator chime = ChimeEmulator.start();
    private final EmbeddedSqs sqs = EmbeddedSqs.start();
    private final SqsFaultProxy proxy = SqsFaultProxy.start(sqs.endpoint());
    private final ChimeClient chimeClient = TestClients.chime(chime.endpoint());
    private final SqsClient functionSqs = TestClients.sqs(proxy.endpoint());
    private final String deadLetterUrl = sqs.createQueue("failed-members");
    private final Map<Integer, RoomMembershipHandler> handlers = new HashMap<>();

    /** How a run is shaped beyond the scenario: batch size (at most the template's) and Chime concurrency. */
    public record RunSettings(int batchSize, int chimeConcurrency) {
    }

    /** Everything a run came to, and every broken rule found. */
    public record Result(int requests, int messages, int invocations, Map<String, Integer> faultsInjected,
                         int added, int alreadyMembers, Map<String, Integer> deadLetteredByErrorCode,
                         int redrivenMessages, int lost, int duplicateDeadLetters, int chimeCalls,
                         List<String> violations, Duration wallTime) {
    }

    public TemplateSettings template() {
        return template;
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
        RoomMembershipHandler handler = handlers.computeIfAbsent(settings.chimeConcurrency(), this::handler);

        Map<String, Integer> faults = new TreeMap<>();
        List<String> violations = new ArrayList<>();
        EventSourceMapping.Run run;
        try (EventSourceMapping mapping = new EventSourceMapping(sqs.client(), queues,
                new EventSourceMapping.Settings(settings.batchSize(), FUNCTION_TIMEOUT, true, 20_000),
                TestClients.REGION.id())) {
            run = mapping.drain((event, context) -> {
                int callsBefore = chime.calls().size();
                arm(plan, random, scenario, faults);
                boolean loseResponse = random.nextDouble() < plan.lostResponse();
                SQSBatchResponse response;
                try {
                    response = handler.handleRequest(event, context);
                } finally {
                    chime.latency(Duration.ZERO);
                }
                if (!plan.any()) {
                    int expected = expectedCalls(event.getRecords().stream().map(r -> sent.get(r.getMessageId()))
                            .toList());
                    int made = chime.calls().size() - callsBefore;
                    if (made != expected) {
                        violations.add("an invocation of " + event.getRecords().size() + " records made " + made
                                + " calls, not the " + expected + " its rooms need");
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
        chime.memberErrorsInjected().forEach((code, count) -> faults.merge("member " + code, count, Integer::sum));
        if (proxy.refused() > 0) {
            faults.put("dead-letter send refused", proxy.refused());
        }
        Result result = account(scenario, plan, sent, run, seededBy, faults, violations);
        return new Result(result.requests(), result.messages(), result.invocations(), result.faultsInjected(),
                result.added(), result.alreadyMembers(), result.deadLetteredByErrorCode(), result.redrivenMessages(),
                result.lost(), result.duplicateDeadLetters(), result.chimeCalls(), result.violations(),
                Duration.ofNanos(System.nanoTime() - started));
    }

    private RoomMembershipHandler handler(int concurrency) {
        Map<String, String> env = new HashMap<>();
        env.put(Configuration.DEAD_LETTER_QUEUE_URL, deadLetterUrl);
        env.put(Configuration.MAX_RECEIVE_COUNT, Integer.toString(template.functionMaxReceiveCount()));
        env.put(Configuration.CHIME_MAX_CONCURRENCY, Integer.toString(concurrency));
        env.put(Configuration.DEADLINE_SAFETY_MARGIN_MS, Long.toString(SAFETY_MARGIN_MILLIS));
        env.put("AWS_REGION", TestClients.REGION.id());
        env.put(Configuration.ALLOWED_ACCOUNT_IDS, String.join(",", Scenario.MANAGED_ACCOUNTS));
        // Limited, so the limit takes part, but well above the emulator's pace, so trials stay short.
        env.put(Configuration.CHIME_MAX_TPS, "500");
        return Handlers.wired(Configuration.fromEnvironment(env), chimeClient, functionSqs, FAST_RETRY);
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
    private void arm(FaultPlan plan, Random random, Scenario scenario, Map<String, Integer> faults) {
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
        if (random.nextDouble() < plan.deadLetterRefusal()) {
            proxy.refuseSends(1 + random.nextInt(12));
        }
    }

    private static String transientCode(Random random) {
        return List.of(ErrorCodes.THROTTLED, ErrorCodes.SERVICE_UNAVAILABLE, ErrorCodes.SERVICE_FAILURE)
                .get(random.nextInt(3));
    }

    private static Optional<String> randomMember(Scenario scenario, Random random) {
        Scenario.Message message = scenario.messages().get(random.nextInt(scenario.messages().size()));
        return message.valid().isEmpty() ? Optional.empty()
                : Optional.of(message.valid().get(random.nextInt(message.valid().size())).memberId());
    }

    /** Σ⌈n/50⌉ over the rooms of these messages, n the distinct members asked for per room. */
    static int expectedCalls(List<Scenario.Message> messages) {
        Map<String, Set<String>> rooms = new HashMap<>();
        for (Scenario.Message message : messages) {
            for (Scenario.Triple triple : message.valid()) {
                if (!Scenario.managed(triple.accountId())) {
                    continue;
                }
                rooms.computeIfAbsent(triple.accountId() + "/" + triple.roomId(), room -> new HashSet<>())
                        .add(triple.memberId());
            }
        }
        return rooms.values().stream().mapToInt(members -> (members.size() + 49) / 50).sum();
    }

    /** A dead-letter record as read back from the failed-member queue. */
    private record Letter(String sourceMessageId, String errorCode, Scenario.Triple triple, boolean unreadable,
                          Instant failedAt) {
    }

    private Result account(Scenario scenario, FaultPlan plan, Map<String, Scenario.Message> sent,
                           EventSourceMapping.Run run, Instant seededBy, Map<String, Integer> faults,
                           List<String> violations) {
        List<Letter> letters = sqs.drain(deadLetterUrl).stream().map(QueueRig::letter).toList();
        Set<String> redriven = new HashSet<>();
        for (Message message : run.redriven()) {
            redriven.add(message.messageId());
        }
        Map<String, List<Letter>> lettersBySource = new HashMap<>();
        letters.forEach(letter -> lettersBySource.computeIfAbsent(letter.sourceMessageId(), id -> new ArrayList<>())
                .add(letter));

        Map<Scenario.Triple, Optional<Instant>> membership = new HashMap<>();
        int lost = 0;
        int duplicates = 0;
        Set<Scenario.Triple> requested = new HashSet<>();
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
            Set<Scenario.Triple> asked = new HashSet<>(message.valid());
            requested.addAll(asked);
            int rejectedLetters = 0;
            Map<Scenario.Triple, Integer> lettersPerTriple = new HashMap<>();
            for (Letter letter : own) {
                if (letter.triple() != null && asked.contains(letter.triple())) {
                    lettersPerTriple.merge(letter.triple(), 1, Integer::sum);
                    checkExplained(scenario, plan, letter, violations);
                } else if (rejectionCode(message).equals(letter.errorCode()) && !letter.unreadable()) {
                    rejectedLetters++;
                } else {
                    violations.add("message " + id + " got a record it did not ask for: " + letter);
                }
            }
            duplicates += lettersPerTriple.values().stream().mapToInt(n -> n - 1).sum();
            if (rejectedLetters > message.rejectedItems()) {
                duplicates += rejectedLetters - message.rejectedItems();
            } else if (rejectedLetters < message.rejectedItems() && !inRedrive) {
                lost += message.rejectedItems() - rejectedLetters;
                violations.add("message " + id + " had " + message.rejectedItems() + " bad items but "
                        + rejectedLetters + " " + rejectionCode(message) + " records");
            }
            for (Scenario.Triple triple : asked) {
                Optional<Instant> since = membership.computeIfAbsent(triple,
                        t -> chime.memberSince(t.accountId(), t.roomId(), t.memberId()));
                int own_ = lettersPerTriple.getOrDefault(triple, 0);
                if (since.isPresent()) {
                    if (!scenario.attainable(triple)) {
                        violations.add(triple + " is a member although Chime cannot hold it");
                    }
                    for (Letter letter : own) {
                        if (triple.equals(letter.triple()) && !letter.failedAt().isBefore(since.get())) {
                            violations.add(triple + " was dead-lettered (" + letter.errorCode() + " at "
                                    + letter.failedAt() + ") while a member since " + since.get());
                        }
                    }
                } else if (own_ == 0 && !inRedrive) {
                    lost++;
                    violations.add(triple + " of message " + id + " is lost: not a member, no dead-letter record,"
                            + " message not in the redrive queue");
                }
            }
        }
        if (!plan.mayDuplicateDeadLetters() && duplicates > 0) {
            violations.add(duplicates + " duplicate dead-letter records without a fault that explains them");
        }
        chime.calls().stream().filter(call -> call.items().size() > 50).findFirst().ifPresent(call ->
                violations.add("a call carried " + call.items().size() + " items"));
        chime.calls().stream().filter(call -> !Scenario.managed(call.accountId())).findFirst().ifPresent(call ->
                violations.add("a call reached account " + call.accountId() + ", which is not allowed"));

        int added = 0;
        int already = 0;
        for (Scenario.Triple triple : requested) {
            Optional<Instant> since = membership.get(triple);
            if (since != null && since.isPresent()) {
                if (since.get().isAfter(seededBy)) {
                    added++;
                } else {
                    already++;
                }
            }
        }
        Map<String, Integer> byCode = new TreeMap<>();
        letters.forEach(letter -> byCode.merge(letter.errorCode(), 1, Integer::sum));
        return new Result(scenario.requests(), scenario.messages().size(), run.invocations().size(), faults,
                added, already, byCode, run.redriven().size(), lost, duplicates, chime.calls().size(),
                List.copyOf(violations), Duration.ZERO);
    }

    /** Items a message must have rejected are BadRequest, or Forbidden when the whole account is not allowed. */
    private static String rejectionCode(Scenario.Message message) {
        return Scenario.managed(message.accountId()) ? ErrorCodes.BAD_REQUEST : ErrorCodes.FORBIDDEN;
    }

    /**
     * A dead-letter record's ErrorCode must say why: an account not allowed, what the organisation lacks, or a
     * fault that was injected.
     */
    private static void checkExplained(Scenario scenario, FaultPlan plan, Letter letter, List<String> violations) {
        boolean transientCode = TRANSIENT.contains(letter.errorCode());
        boolean explained = !Scenario.managed(letter.triple().accountId())
                ? ErrorCodes.FORBIDDEN.equals(letter.errorCode())
                : scenario.attainable(letter.triple())
                ? transientCode && plan.chimeFaults()
                : ErrorCodes.NOT_FOUND.equals(letter.errorCode()) || (transientCode && plan.chimeFaults());
        if (!explained) {
            violations.add(letter.triple() + " was dead-lettered with " + letter.errorCode()
                    + ", which nothing in this run explains");
        }
    }

    private static Letter letter(Message message) {
        try {
            JsonNode body = JSON.readTree(message.body());
            JsonNode item = body.path("MembershipItemList").path(0);
            Scenario.Triple triple = body.has("AccountId") && item.path("MemberId").isTextual()
                    ? new Scenario.Triple(body.path("AccountId").asText(), body.path("RoomId").asText(),
                    item.path("MemberId").asText())
                    : null;
            String attribute = message.messageAttributes().containsKey("ErrorCode")
                    ? message.messageAttributes().get("ErrorCode").stringValue() : null;
            String code = body.path("ErrorCode").asText();
            if (!code.equals(attribute)) {
                throw new IllegalStateException("ErrorCode attribute " + attribute + " differs from the body's " + code);
            }
            return new Letter(body.path("SourceMessageId").asText(), code, triple, body.has("Body"),
                    Instant.parse(body.path("FailedAt").asText()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        chimeClient.close();
        functionSqs.close();
        proxy.close();
        sqs.close();
        chime.close();
    }
}

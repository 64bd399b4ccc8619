package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import roommembership.adapter.Configuration;
import roommembership.adapter.FunctionWiring;
import roommembership.adapter.InvocationLog;
import roommembership.adapter.InvocationMetrics;
import roommembership.domain.BatchPlan;
import roommembership.domain.MessageParser;
import roommembership.domain.RetryPolicy;
import roommembership.domain.MemberChunk;
import roommembership.domain.RoomKey;
import roommembership.emulator.ChimeEmulator.RecordedCall;
import roommembership.testing.DeadLetterQueue;
import roommembership.testing.DeadLetterQueue.Letter;
import roommembership.testing.Directory;
import roommembership.testing.TestContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the function once on an event file against the Chime emulator and an embedded SQS, then prints what happened:
 * {@code mvn -q test-compile exec:java -Devent=events/hr-batch.json}.
 */
public final class LocalRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalRun() {
    }

    public static void main(String[] args) throws Exception {
        String eventFile = args.length > 0 ? args[0] : "events/hr-batch.json";
        if (!Files.isReadable(Path.of(eventFile))) {
            System.err.println("No event file at " + eventFile + " (give one of events/*.json)");
            System.exit(2);
        }
        SQSEvent event = EventLoader.loadSQSEvent(eventFile);
        try (HandlerFixture fixture = new HandlerFixture()) {
            fixture.resetChime();
            Map<String, String> roomNames = Directory.seed(fixture.chime);
            DeadLetterQueue deadLetters = fixture.newDeadLetterQueue();
            BatchPlan plan = BatchPlan.of(event.getRecords().stream()
                    .map(record -> MessageParser.parse(record.getBody() == null ? "" : record.getBody()))
                    .toList());
            Map<RoomKey, Map<String, String>> before = new HashMap<>();
            plan.chunks().forEach(chunk -> before.computeIfAbsent((RoomKey) chunk.conversation(),
                    room -> fixture.chime.members(room.accountId(), room.roomId())));

            Configuration config = Configuration.fromEnvironment(
                    Map.of(Configuration.DEAD_LETTER_QUEUE_URL, deadLetters.url()));
            List<String> metrics = new ArrayList<>();
            RoomMembershipHandler handler = new RoomMembershipHandler(FunctionWiring.service(
                    config, fixture.chimeClient, fixture.sqs.client(), RetryPolicy.standard()),
                    new InvocationLog(Clock.systemUTC()),
                    new InvocationMetrics(config.metricsNamespace(), Clock.systemUTC(), metrics::add));
            TestContext context = TestContext.withMinutesLeft(1);
            SQSBatchResponse response = handler.handleRequest(event, context);
            List<Letter> letters = deadLetters.drain();

            StringBuilder out = new StringBuilder();
            out.append("Room membership: local run of ").append(eventFile).append('\n')
                    .append("  Chime: emulator at ").append(fixture.chime.endpoint())
                    .append(" (the legacy Chime chat-room API reached end of support on 2026-02-20)\n")
                    .append("  SQS:   embedded ElasticMQ at ").append(fixture.sqs.endpoint()).append('\n')
                    .append('\n')
                    .append(String.format("%d records, %d rooms, %d Chime calls%n%n", event.getRecords().size(),
                            plan.rooms(), fixture.chime.calls().size()));
            rooms(out, plan, before, fixture, roomNames, letters);
            deadLettered(out, letters, roomNames);
            out.append("Batch response\n  ").append(JSON.writeValueAsString(batchResponse(response))).append("\n\n");
            out.append("Function log (JSON lines, as Lambda's JSON log format keeps them)\n");
            context.logLines().forEach(line -> out.append("  ").append(line).append('\n'));
            out.append('\n').append("Metrics (Embedded Metric Format documents, written to stdout)\n");
            metrics.forEach(line -> out.append("  ").append(line).append('\n'));
            System.out.print(out);
        }
        // ElasticMQ's actor system keeps non-daemon threads alive.
        System.exit(0);
    }

    private static void rooms(StringBuilder out, BatchPlan plan, Map<RoomKey, Map<String, String>> before,
                              HandlerFixture fixture, Map<String, String> roomNames, List<Letter> letters) {
        Map<RoomKey, List<MemberChunk>> chunks = new LinkedHashMap<>();
        plan.chunks().forEach(chunk -> chunks.computeIfAbsent((RoomKey) chunk.conversation(), room -> new ArrayList<>())
                .add(chunk));
        out.append(String.format("%-26s %9s %6s %8s %6s %8s %14s%n",
                "Room", "requested", "calls", "ceil/50", "added", "already", "dead-lettered"));
        chunks.forEach((room, roomChunks) -> {
            Set<String> requested = new HashSet<>();
            roomChunks.forEach(chunk -> chunk.members().forEach(member -> requested.add(member.memberId())));
            Map<String, String> was = before.get(room);
            Map<String, String> now = fixture.chime.members(room.accountId(), room.roomId());
            long calls = fixture.chime.calls().stream().filter(call -> matches(call, room)).count();
            long added = now.keySet().stream().filter(member -> !was.containsKey(member)).count();
            long already = requested.stream().filter(was::containsKey).count();
            long failed = letters.stream().filter(letter -> room.roomId().equals(letter.body().path("RoomId").asText())
                    && room.accountId().equals(letter.body().path("AccountId").asText())).count();
            out.append(String.format("%-26s %9d %6d %8d %6d %8d %14d%n", name(room.roomId(), roomNames),
                    requested.size(), calls, (requested.size() + 49) / 50, added, already, failed));
        });
        out.append('\n');
    }

    private static void deadLettered(StringBuilder out, List<Letter> letters, Map<String, String> roomNames) {
        out.append("Dead-lettered (").append(letters.size()).append(")\n");
        for (Letter letter : letters) {
            String who = letter.memberId() == null
                    ? "whole message " + letter.sourceMessageId()
                    : letter.memberId() + " in " + name(letter.body().path("RoomId").asText(), roomNames);
            out.append(String.format("  %-16s %s: %s%n", letter.errorCode(), who,
                    letter.body().path("ErrorMessage").asText()));
        }
        out.append('\n').append("Dead-letter messages, as sent to the failed-member queue\n");
        letters.forEach(letter -> out.append("  ").append(letter.body()).append('\n'));
        out.append('\n');
    }

    private static Map<String, Object> batchResponse(SQSBatchResponse response) {
        List<Map<String, String>> failures = response.getBatchItemFailures().stream()
                .map(failure -> Map.of("itemIdentifier", failure.getItemIdentifier()))
                .toList();
        return Map.of("batchItemFailures", failures);
    }

    private static boolean matches(RecordedCall call, RoomKey room) {
        return room.accountId().equals(call.accountId()) && room.roomId().equals(call.roomId());
    }

    private static String name(String roomId, Map<String, String> roomNames) {
        String name = roomNames.get(roomId);
        String shortId = roomId.length() > 8 ? "…" + roomId.substring(roomId.length() - 6) : roomId;
        return name == null ? roomId : name + " (" + shortId + ")";
    }
}

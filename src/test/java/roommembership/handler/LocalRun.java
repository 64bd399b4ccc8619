package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import roommembership.adapter.Configuration;
import roommembership.adapter.InvocationLog;
import roommembership.adapter.InvocationMetrics;
import roommembership.domain.BatchPlan;
import roommembership.domain.ChannelKey;
import roommembership.domain.Conversation;
import roommembership.domain.MemberChunk;
import roommembership.domain.Membership;
import roommembership.domain.MessageParser;
import roommembership.domain.RetryPolicy;
import roommembership.domain.Role;
import roommembership.domain.RoomKey;
import roommembership.emulator.ChannelsApi;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the function once on an event file against the Chime emulators (chat rooms and Chime SDK messaging) and an
 * embedded SQS, then prints what happened: {@code mvn -q test-compile exec:exec -Devent=events/hr-batch.json}. The
 * function has the sample organisation's bearer, so channel requests are carried out; {@code -Droute=channels} sets
 * the templates that send legacy requests to the rooms' channels.
 */
public final class LocalRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalRun() {
    }

    public static void main(String[] args) throws Exception {
        String eventFile = args.length > 0 ? args[0] : "events/hr-batch.json";
        boolean routed = args.length > 1 && "channels".equals(args[1]);
        if (!Files.isReadable(Path.of(eventFile))) {
            System.err.println("No event file at " + eventFile + " (give one of events/*.json)");
            System.exit(2);
        }
        SQSEvent event = EventLoader.loadSQSEvent(eventFile);
        try (HandlerFixture fixture = new HandlerFixture()) {
            fixture.resetChime();
            Map<String, String> names = Directory.seed(fixture.chime);
            DeadLetterQueue deadLetters = fixture.newDeadLetterQueue();
            Map<String, String> env = new HashMap<>(routed ? Directory.routedToChannels()
                    : Map.of(Configuration.CHIME_BEARER_ARN, Directory.BEARER));
            env.put(Configuration.DEAD_LETTER_QUEUE_URL, deadLetters.url());
            env.put("AWS_REGION", "us-east-1");
            Configuration config = Configuration.fromEnvironment(env);
            BatchPlan plan = BatchPlan.of(event.getRecords().stream()
                    .map(record -> MessageParser.parse(record.getBody() == null ? "" : record.getBody()))
                    .map(message -> config.routing().map(routing -> routing.route(message)).orElse(message))
                    .toList());
            Before before = Before.of(plan, fixture);

            List<String> metrics = new ArrayList<>();
            RoomMembershipHandler handler = new RoomMembershipHandler(
                    fixture.service(config, RetryPolicy.standard()),
                    new InvocationLog(Clock.systemUTC()),
                    new InvocationMetrics(config.metricsNamespace(), Clock.systemUTC(), metrics::add));
            TestContext context = TestContext.withMinutesLeft(1);
            SQSBatchResponse response = handler.handleRequest(event, context);
            List<Letter> letters = deadLetters.drain();

            ChannelsApi channels = fixture.chime.channels();
            StringBuilder out = new StringBuilder();
            out.append("Room membership: local run of ").append(eventFile)
                    .append(routed ? ", legacy requests routed to channels" : "").append('\n')
                    .append("  Chime: emulators at ").append(fixture.chime.endpoint())
                    .append(" (chat rooms, which reached end of support on 2026-02-20, and Chime SDK messaging)\n")
                    .append("  SQS:   embedded ElasticMQ at ").append(fixture.sqs.endpoint()).append('\n')
                    .append('\n')
                    .append(String.format("%d records, %d rooms, %d channels, %d room calls, %d channel calls%n%n",
                            event.getRecords().size(), plan.rooms(), plan.channels(), fixture.chime.calls().size(),
                            channels.calls(ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP).size()
                                    + channels.calls(ChannelsApi.CREATE_CHANNEL_MODERATOR).size()));
            if (plan.rooms() > 0) {
                rooms(out, plan, before, fixture, names, letters);
            }
            if (plan.channels() > 0) {
                channels(out, plan, before, channels, names, letters);
            }
            deadLettered(out, letters, names);
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

    /** Who was in each planned room or channel, and who moderated each channel, before the run. */
    private record Before(Map<Conversation, Map<String, String>> members, Map<ChannelKey, Set<String>> moderators) {
        static Before of(BatchPlan plan, HandlerFixture fixture) {
            Map<Conversation, Map<String, String>> members = new HashMap<>();
            Map<ChannelKey, Set<String>> moderators = new HashMap<>();
            for (MemberChunk chunk : plan.chunks()) {
                if (chunk.conversation() instanceof RoomKey room) {
                    members.computeIfAbsent(room, r -> fixture.chime.members(room.accountId(), room.roomId()));
                } else {
                    ChannelKey channel = (ChannelKey) chunk.conversation();
                    members.computeIfAbsent(channel, c -> fixture.chime.channels().members(channel.arn()));
                    moderators.computeIfAbsent(channel, c -> fixture.chime.channels().moderators(channel.arn()));
                }
            }
            return new Before(members, moderators);
        }
    }

    private static Map<Conversation, List<MemberChunk>> chunksOf(BatchPlan plan, Class<? extends Conversation> kind) {
        Map<Conversation, List<MemberChunk>> chunks = new LinkedHashMap<>();
        plan.chunks().stream().filter(chunk -> kind.isInstance(chunk.conversation()))
                .forEach(chunk -> chunks.computeIfAbsent(chunk.conversation(), c -> new ArrayList<>()).add(chunk));
        return chunks;
    }

    private static void rooms(StringBuilder out, BatchPlan plan, Before before, HandlerFixture fixture,
                              Map<String, String> names, List<Letter> letters) {
        out.append(String.format("%-26s %9s %6s %8s %6s %8s %14s%n",
                "Room", "requested", "calls", "ceil/50", "added", "already", "dead-lettered"));
        chunksOf(plan, RoomKey.class).forEach((conversation, chunks) -> {
            RoomKey room = (RoomKey) conversation;
            List<String> requested = chunks.stream().flatMap(chunk -> chunk.members().stream())
                    .map(Membership::memberId).toList();
            Map<String, String> was = before.members().get(room);
            Map<String, String> now = fixture.chime.members(room.accountId(), room.roomId());
            long calls = fixture.chime.calls().stream().filter(call -> matches(call, room)).count();
            long added = now.keySet().stream().filter(member -> !was.containsKey(member)).count();
            long already = requested.stream().filter(was::containsKey).count();
            long failed = letters.stream().filter(letter -> letter.body().path("ChannelArn").isMissingNode()
                    && room.roomId().equals(letter.body().path("RoomId").asText())
                    && room.accountId().equals(letter.body().path("AccountId").asText())).count();
            out.append(String.format("%-26s %9d %6d %8d %6d %8d %14d%n", name(room.roomId(), names),
                    requested.size(), calls, (requested.size() + 49) / 50, added, already, failed));
        });
        out.append('\n');
    }

    private static void channels(StringBuilder out, BatchPlan plan, Before before, ChannelsApi channels,
                                 Map<String, String> names, List<Letter> letters) {
        out.append(String.format("%-26s %9s %6s %9s %6s %8s %6s %11s %14s%n", "Channel", "requested", "calls",
                "ceil/100", "added", "already", "hidden", "moderators", "dead-lettered"));
        chunksOf(plan, ChannelKey.class).forEach((conversation, chunks) -> {
            ChannelKey channel = (ChannelKey) conversation;
            List<Membership> requested = chunks.stream().flatMap(chunk -> chunk.members().stream()).toList();
            Map<String, String> was = before.members().get(channel);
            Map<String, String> now = channels.members(channel.arn());
            long calls = channels.calls(ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP).stream()
                    .filter(call -> channel.arn().equals(call.channelArn())).count();
            // One call takes one type: the ideal is ⌈n/100⌉ per type.
            Map<String, Integer> perType = new HashMap<>();
            requested.forEach(member -> perType.merge(member.type().wireName(), 1, Integer::sum));
            int ideal = perType.values().stream().mapToInt(n -> (n + 99) / 100).sum();
            long added = now.keySet().stream().filter(member -> !was.containsKey(member)).count();
            long already = requested.stream().filter(member -> was.containsKey(member.memberId())).count();
            long hidden = now.entrySet().stream()
                    .filter(entry -> !was.containsKey(entry.getKey()) && ChannelsApi.HIDDEN.equals(entry.getValue()))
                    .count();
            long madeModerators = channels.moderators(channel.arn()).stream()
                    .filter(moderator -> !before.moderators().get(channel).contains(moderator)).count();
            long administrators = requested.stream().filter(member -> member.role() == Role.ADMINISTRATOR).count();
            long failed = letters.stream()
                    .filter(letter -> channel.arn().equals(letter.body().path("ChannelArn").asText())).count();
            out.append(String.format("%-26s %9d %6d %9d %6d %8d %6d %11s %14d%n", name(channel.arn(), names),
                    requested.size(), calls, ideal, added, already, hidden, madeModerators + " of " + administrators,
                    failed));
        });
        int moderatorCalls = channels.calls(ChannelsApi.CREATE_CHANNEL_MODERATOR).size();
        out.append(String.format("(moderators: new of requested administrators; %d CreateChannelModerator calls)%n%n",
                moderatorCalls));
    }

    private static void deadLettered(StringBuilder out, List<Letter> letters, Map<String, String> names) {
        out.append("Dead-lettered (").append(letters.size()).append(")\n");
        for (Letter letter : letters) {
            String channelArn = letter.body().path("ChannelArn").asText(null);
            String memberArn = letter.body().path("MemberArn").asText(null);
            String who;
            if (letter.memberId() != null) {
                who = letter.memberId() + " in " + name(letter.body().path("RoomId").asText(), names)
                        + (channelArn == null ? "" : ", routed to " + name(channelArn, names));
            } else if (memberArn != null) {
                who = memberArn.substring(memberArn.lastIndexOf('/') + 1) + " in " + name(channelArn, names);
            } else {
                who = "whole message " + letter.sourceMessageId();
            }
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

    /** A room's or channel's name, with the end of its id, from the sample organisation. */
    private static String name(String id, Map<String, String> names) {
        String name = names.get(id);
        if (name == null) {
            return id;
        }
        String shortId = id.length() > 8 ? "…" + id.substring(id.length() - 6) : id;
        return id.startsWith("arn:") ? "#" + name : name + " (" + shortId + ")";
    }
}

package roommembership.handler;

import roommembership.pipeline.read.RosterBatch;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import roommembership.wiring.Configuration;
import roommembership.pipeline.plan.BatchPlan;
import roommembership.target.ChannelKey;
import roommembership.target.Target;
import roommembership.pipeline.plan.Change;
import roommembership.model.Membership;
import roommembership.pipeline.read.MessageParser;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.model.Role;
import roommembership.target.RoomKey;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChimeEmulator;
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
import java.util.TreeMap;

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
        if (args.length > 2 && !args[2].isBlank()) {
            Path roster = Path.of(args[2].trim());
            if (!Files.isReadable(roster)) {
                System.err.println("No roster at " + roster + " (give a JSON Lines file such as events/roster.jsonl)");
                System.exit(2);
            }
            System.out.print(dryRun(roster));
            System.exit(0);
        }
        // Several event files, comma-separated, run one after the other on the same emulator state.
        List<String> eventFiles = List.of((args.length > 0 ? args[0] : "events/hr-batch.json").split(","));
        boolean routed = args.length > 1 && "channels".equals(args[1]);
        for (String eventFile : eventFiles) {
            if (!Files.isReadable(Path.of(eventFile.trim()))) {
                System.err.println("No event file at " + eventFile + " (give one or more of events/*.json)");
                System.exit(2);
            }
        }
        try (EmulatedServices services = new EmulatedServices()) {
            Map<String, String> names = services.resetToSampleOrganisation();
            for (String eventFile : eventFiles) {
                run(eventFile.trim(), routed, services, names);
            }
        }
        // ElasticMQ's actor system keeps non-daemon threads alive.
        System.exit(0);
    }

    /**
     * A roster planned, then applied ({@code -Droster=events/roster.jsonl}): the file is put in the embedded S3 under
     * dry-run/, the function is asked for it as a message would ask, and the plan it writes beside the roster is
     * printed; then the same roster is put outside dry-run/ and asked for again, and the calls it made, its letters
     * and each target's members afterwards are printed.
     */
    static String dryRun(Path roster) throws Exception {
        try (EmulatedServices services = new EmulatedServices()) {
            services.resetToSampleOrganisation();
            String bucket = "local-rosters";
            String key = RosterBatch.DRY_RUN_PREFIX + roster.getFileName();
            services.s3().createBucket(bucket);
            services.s3().put(bucket, key, Files.readString(roster));
            DeadLetterQueue deadLetters = services.newDeadLetterQueue();
            Map<String, String> env = new HashMap<>(Map.of(Configuration.CHIME_BEARER_ARN, Directory.BEARER,
                    Configuration.DEAD_LETTER_QUEUE_URL, deadLetters.url(), "AWS_REGION", "us-east-1"));
            Configuration config = Configuration.fromEnvironment(env);
            RoomMembershipHandler handler = Handlers.around(services.service(config, RetryPolicy.standard()), config,
                    Clock.systemUTC(), line -> {
                    });
            TestContext context = TestContext.withMinutesLeft(1);
            SQSEvent event = new SQSEvent();
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId("local-roster-1");
            record.setBody("{\"Roster\": \"s3://" + bucket + "/" + key + "\"}");
            record.setAttributes(Map.of("ApproximateReceiveCount", "1"));
            record.setEventSourceArn("arn:aws:sqs:us-east-1:111122223333:room-membership-requests");
            event.setRecords(List.of(record));
            SQSBatchResponse response = handler.handleRequest(event, context);

            StringBuilder out = new StringBuilder();
            JsonNode plan = JSON.readTree(services.s3().get(bucket, key + ".plan.json"));
            out.append("Room membership: dry run of ").append(roster).append(" (as s3://").append(bucket).append('/')
                    .append(key).append(")\n")
                    .append("  Chime: emulators at ").append(services.chime.endpoint()).append('\n')
                    .append("  S3:    embedded S3Proxy at ").append(services.s3().endpoint()).append("\n\n")
                    .append("Plan, written to s3://").append(bucket).append('/').append(key).append(".plan.json\n  ")
                    .append(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(plan).replace("\n", "\n  "))
                    .append("\n\nChanges made: none (a dry run makes no write call; calls to Chime: ")
                    .append(new TreeMap<>(services.chime.callCounts())).append(")\n")
                    .append("Dead letters: ").append(deadLetters.drain().size()).append('\n')
                    .append("Batch response\n  ").append(JSON.writeValueAsString(batchResponse(response)))
                    .append("\n\nFunction log (JSON lines)\n");
            context.logLines().forEach(line -> out.append("  ").append(line).append('\n'));

            // The same roster applied: put outside dry-run/, and asked for again.
            String applied = roster.getFileName().toString();
            services.s3().put(bucket, applied, Files.readString(roster));
            Map<String, Integer> before = services.chime.callCounts();
            TestContext applying = TestContext.withMinutesLeft(1);
            record.setMessageId("local-roster-2");
            record.setBody("{\"Roster\": \"s3://" + bucket + "/" + applied + "\"}");
            SQSBatchResponse appliedResponse = handler.handleRequest(event, applying);
            Map<String, Integer> calls = new TreeMap<>(services.chime.callCounts());
            before.forEach((operation, count) -> calls.merge(operation, -count, Integer::sum));
            calls.values().removeIf(count -> count == 0);
            out.append("\nApplied as s3://").append(bucket).append('/').append(applied).append('\n')
                    .append("Calls to Chime: ").append(calls).append('\n');
            List<DeadLetterQueue.Letter> letters = deadLetters.drain();
            out.append("Dead letters: ").append(letters.size()).append('\n');
            letters.forEach(letter -> out.append("  ").append(letter.rawBody()).append('\n'));
            out.append("Batch response\n  ").append(JSON.writeValueAsString(batchResponse(appliedResponse)))
                    .append("\nEach target now\n");
            for (JsonNode target : plan.path("Targets")) {
                if (target.has("ChannelArn")) {
                    String arn = target.path("ChannelArn").asText();
                    out.append("  ").append(arn).append("\n    members ")
                            .append(new TreeMap<>(services.chime.channels().members(arn)))
                            .append("\n    moderators ").append(new java.util.TreeSet<>(
                                    services.chime.channels().moderators(arn))).append('\n');
                } else {
                    String account = target.path("AccountId").asText();
                    String room = target.path("RoomId").asText();
                    out.append("  room ").append(room).append("\n    members ")
                            .append(new TreeMap<>(services.chime.members(account, room))).append('\n');
                }
            }
            out.append("Function log (JSON lines)\n");
            applying.logLines().forEach(line -> out.append("  ").append(line).append('\n'));
            return out.toString();
        }
    }

    private static void run(String eventFile, boolean routed, EmulatedServices services, Map<String, String> names)
            throws Exception {
        SQSEvent event = EventLoader.loadSQSEvent(eventFile);
        RunCalls calls = new RunCalls(services);
        DeadLetterQueue deadLetters = services.newDeadLetterQueue();
        Map<String, String> env = new HashMap<>(routed ? Directory.routedToChannels()
                : Map.of(Configuration.CHIME_BEARER_ARN, Directory.BEARER));
        env.put(Configuration.DEAD_LETTER_QUEUE_URL, deadLetters.url());
        env.put("AWS_REGION", "us-east-1");
        Configuration config = Configuration.fromEnvironment(env);
        BatchPlan plan = BatchPlan.of(event.getRecords().stream()
                .map(record -> MessageParser.parse(record.getBody() == null ? "" : record.getBody()))
                .map(message -> config.routing().map(routing -> routing.route(message)).orElse(message))
                .toList());
        State before = State.of(plan, services);

        List<String> metrics = new ArrayList<>();
        RoomMembershipHandler handler = Handlers.around(services.service(config, RetryPolicy.standard()), config,
                Clock.systemUTC(), metrics::add);
        TestContext context = TestContext.withMinutesLeft(1);
        SQSBatchResponse response = handler.handleRequest(event, context);
        List<Letter> letters = deadLetters.drain();
        State after = State.of(plan, services);

        ChannelsApi channels = services.chime.channels();
        int roomCalls = RunCalls.ROOM_CHANGES.stream().mapToInt(operation -> calls.room(operation).size()).sum();
        int channelCalls = RunCalls.CHANNEL_CHANGES.stream().mapToInt(operation -> calls.channel(operation).size()).sum();
        StringBuilder out = new StringBuilder();
        out.append("Room membership: local run of ").append(eventFile)
                .append(routed ? ", legacy requests routed to channels" : "").append('\n')
                .append("  Chime: emulators at ").append(services.chime.endpoint())
                .append(" (chat rooms, which reached end of support on 2026-02-20, and Chime SDK messaging)\n")
                .append("  SQS:   embedded ElasticMQ at ").append(services.sqs.endpoint()).append('\n')
                .append('\n')
                .append(String.format("%d records, %d rooms, %d channels, %d room calls, %d channel calls"
                                + " (calls that change memberships; reads not counted)%n%n",
                        event.getRecords().size(), plan.rooms(), plan.channels(), roomCalls, channelCalls));
        if (chunksOf(plan.adds(), RoomKey.class).size() > 0) {
            rooms(out, plan, before, after, calls, names, letters);
        }
        if (chunksOf(plan.adds(), ChannelKey.class).size() > 0) {
            channels(out, plan, before, after, calls, names, letters);
        }
        if (!plan.removals().isEmpty()) {
            removals(out, plan, before, after, calls, names, letters);
        }
        roleChanges(out, before, after, names);
        deadLettered(out, letters, names);
        out.append("Batch response\n  ").append(JSON.writeValueAsString(batchResponse(response))).append("\n\n");
        out.append("Function log (JSON lines, as Lambda's JSON log format keeps them)\n");
        context.logLines().forEach(line -> out.append("  ").append(line).append('\n'));
        out.append('\n').append("Metrics (Embedded Metric Format documents, written to stdout)\n");
        metrics.forEach(line -> out.append("  ").append(line).append('\n'));
        out.append('\n');
        System.out.print(out);
    }

    /**
     * Who was in each room or channel the batch names, with their roles (a channel's Administrators are its
     * moderators), and each channel member's type.
     */
    private record State(Map<Target, Map<String, String>> roles, Map<Target, Map<String, String>> types) {
        static State of(BatchPlan plan, EmulatedServices services) {
            Map<Target, Map<String, String>> roles = new LinkedHashMap<>();
            Map<Target, Map<String, String>> types = new LinkedHashMap<>();
            List<Change> all = new ArrayList<>(plan.adds());
            all.addAll(plan.removals());
            for (Change chunk : all) {
                if (chunk.target() instanceof RoomKey room) {
                    roles.computeIfAbsent(room, r -> services.chime.members(room.accountId(), room.roomId()));
                } else {
                    ChannelKey channel = (ChannelKey) chunk.target();
                    types.computeIfAbsent(channel, c -> services.chime.channels().members(channel.arn()));
                    roles.computeIfAbsent(channel, c -> {
                        Set<String> moderators = services.chime.channels().moderators(channel.arn());
                        Map<String, String> members = new LinkedHashMap<>();
                        services.chime.channels().members(channel.arn()).keySet().forEach(member -> members.put(member,
                                moderators.contains(member) ? Role.ADMINISTRATOR.wireName() : Role.MEMBER.wireName()));
                        return members;
                    });
                }
            }
            return new State(roles, types);
        }
    }

    private static <C extends Change> Map<Target, List<C>> chunksOf(List<C> planned, Class<? extends Target> kind) {
        Map<Target, List<C>> chunks = new LinkedHashMap<>();
        planned.stream().filter(chunk -> kind.isInstance(chunk.target()))
                .forEach(chunk -> chunks.computeIfAbsent(chunk.target(), c -> new ArrayList<>()).add(chunk));
        return chunks;
    }

    private static void rooms(StringBuilder out, BatchPlan plan, State before, State after, RunCalls runCalls,
                              Map<String, String> names, List<Letter> letters) {
        out.append(String.format("%-26s %9s %6s %8s %6s %8s %14s%n",
                "Room: adds", "requested", "calls", "ceil/50", "added", "already", "dead-lettered"));
        chunksOf(plan.adds(), RoomKey.class).forEach((conversation, chunks) -> {
            RoomKey room = (RoomKey) conversation;
            List<String> requested = chunks.stream().flatMap(chunk -> chunk.members().stream())
                    .map(Membership::memberId).toList();
            Map<String, String> was = before.roles().get(room);
            Map<String, String> now = after.roles().get(room);
            long calls = runCalls.room(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP).stream()
                    .filter(call -> matches(call, room)).count();
            long added = requested.stream().filter(member -> !was.containsKey(member) && now.containsKey(member)).count();
            long already = requested.stream().filter(was::containsKey).count();
            long failed = letters.stream().filter(letter -> isAdd(letter) && inRoom(letter, room)).count();
            out.append(String.format("%-26s %9d %6d %8d %6d %8d %14d%n", name(room.roomId(), names),
                    requested.size(), calls, (requested.size() + 49) / 50, added, already, failed));
        });
        out.append('\n');
    }

    private static void channels(StringBuilder out, BatchPlan plan, State before, State after, RunCalls runCalls,
                                 Map<String, String> names, List<Letter> letters) {
        out.append(String.format("%-26s %9s %6s %9s %6s %8s %6s %11s %14s%n", "Channel: adds", "requested", "calls",
                "ceil/100", "added", "already", "hidden", "moderators", "dead-lettered"));
        chunksOf(plan.adds(), ChannelKey.class).forEach((conversation, chunks) -> {
            ChannelKey channel = (ChannelKey) conversation;
            List<Membership> requested = chunks.stream().flatMap(chunk -> chunk.members().stream()).toList();
            Map<String, String> was = before.types().get(channel);
            Map<String, String> now = after.types().get(channel);
            long calls = runCalls.channel(ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP).stream()
                    .filter(call -> channel.arn().equals(call.channelArn())).count();
            // One call takes one type: the ideal is ⌈n/100⌉ per type.
            Map<String, Integer> perType = new HashMap<>();
            requested.forEach(member -> perType.merge(member.type().wireName(), 1, Integer::sum));
            int ideal = perType.values().stream().mapToInt(n -> (n + 99) / 100).sum();
            long added = requested.stream()
                    .filter(member -> !was.containsKey(member.memberId()) && now.containsKey(member.memberId())).count();
            long already = requested.stream().filter(member -> was.containsKey(member.memberId())).count();
            long hidden = now.entrySet().stream()
                    .filter(entry -> !was.containsKey(entry.getKey()) && ChannelsApi.HIDDEN.equals(entry.getValue()))
                    .count();
            long madeModerators = requested.stream().filter(member -> !was.containsKey(member.memberId())
                    && Role.ADMINISTRATOR.wireName().equals(after.roles().get(channel).get(member.memberId()))).count();
            long administrators = requested.stream()
                    .filter(member -> member.role() == Role.ADMINISTRATOR && !was.containsKey(member.memberId())).count();
            long failed = letters.stream().filter(letter -> isAdd(letter)
                    && channel.arn().equals(letter.body().path("ChannelArn").asText())).count();
            out.append(String.format("%-26s %9d %6d %9d %6d %8d %6d %11s %14d%n", name(channel.arn(), names),
                    requested.size(), calls, ideal, added, already, hidden, madeModerators + " of " + administrators,
                    failed));
        });
        out.append(String.format("(moderators: new members made moderators, of the new members asked for as"
                + " Administrator)%n%n"));
    }

    private static void removals(StringBuilder out, BatchPlan plan, State before, State after, RunCalls runCalls,
                                 Map<String, String> names, List<Letter> letters) {
        out.append(String.format("%-26s %9s %6s %8s %15s %14s%n",
                "Removals", "requested", "calls", "removed", "already absent", "dead-lettered"));
        chunksOf(plan.removals(), Target.class).forEach((conversation, chunks) -> {
            List<String> requested = chunks.stream().map(chunk -> chunk.members().get(0).memberId()).toList();
            Map<String, String> was = before.roles().get(conversation);
            Map<String, String> now = after.roles().get(conversation);
            long calls;
            long failed;
            String name;
            if (conversation instanceof RoomKey room) {
                calls = runCalls.room(ChimeEmulator.DELETE_ROOM_MEMBERSHIP).stream()
                        .filter(call -> matches(call, room)).count();
                failed = letters.stream().filter(letter -> !isAdd(letter) && inRoom(letter, room)).count();
                name = name(room.roomId(), names);
            } else {
                ChannelKey channel = (ChannelKey) conversation;
                calls = runCalls.channel(ChannelsApi.DELETE_CHANNEL_MEMBERSHIP).stream()
                        .filter(call -> channel.arn().equals(call.channelArn())).count();
                failed = letters.stream().filter(letter -> !isAdd(letter)
                        && channel.arn().equals(letter.body().path("ChannelArn").asText())).count();
                name = name(channel.arn(), names);
            }
            long removed = requested.stream().filter(member -> was.containsKey(member) && !now.containsKey(member))
                    .count();
            long absent = requested.stream().filter(member -> !was.containsKey(member)).count();
            out.append(String.format("%-26s %9d %6d %8d %15d %14d%n", name, requested.size(), calls, removed, absent,
                    failed));
        });
        out.append('\n');
    }

    /** Every member there before and after whose role changed: a room's role, a channel's moderator. */
    private static void roleChanges(StringBuilder out, State before, State after, Map<String, String> names) {
        List<String> changes = new ArrayList<>();
        before.roles().forEach((conversation, was) -> was.forEach((member, role) -> {
            String now = after.roles().get(conversation).get(member);
            if (now != null && !now.equals(role)) {
                String where = conversation instanceof RoomKey room ? name(room.roomId(), names)
                        : name(((ChannelKey) conversation).arn(), names);
                changes.add(String.format("  %s in %s: %s -> %s", member.substring(member.lastIndexOf('/') + 1),
                        where, role, now));
            }
        }));
        if (!changes.isEmpty()) {
            out.append("Roles changed (").append(changes.size()).append(")\n");
            changes.forEach(change -> out.append(change).append('\n'));
            out.append('\n');
        }
    }

    /** The calls of one run: the emulator's log from where it stood when the run began. */
    private static final class RunCalls {
        static final List<String> ROOM_CHANGES = List.of(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP,
                ChimeEmulator.UPDATE_ROOM_MEMBERSHIP, ChimeEmulator.DELETE_ROOM_MEMBERSHIP);
        static final List<String> CHANNEL_CHANGES = List.of(ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP,
                ChannelsApi.CREATE_CHANNEL_MODERATOR, ChannelsApi.DELETE_CHANNEL_MODERATOR,
                ChannelsApi.DELETE_CHANNEL_MEMBERSHIP);
        private final EmulatedServices services;
        private final Map<String, Integer> start = new HashMap<>();

        RunCalls(EmulatedServices services) {
            this.services = services;
            ROOM_CHANGES.forEach(operation -> start.put(operation, services.chime.calls(operation).size()));
            CHANNEL_CHANGES.forEach(operation -> start.put(operation, services.chime.channels().calls(operation).size()));
        }

        List<RecordedCall> room(String operation) {
            List<RecordedCall> all = services.chime.calls(operation);
            return all.subList(start.get(operation), all.size());
        }

        List<ChannelsApi.ChannelCall> channel(String operation) {
            List<ChannelsApi.ChannelCall> all = services.chime.channels().calls(operation);
            return all.subList(start.get(operation), all.size());
        }
    }

    private static boolean isAdd(Letter letter) {
        return !"Remove".equals(letter.body().path("Action").asText());
    }

    private static boolean inRoom(Letter letter, RoomKey room) {
        return letter.body().path("ChannelArn").isMissingNode()
                && room.roomId().equals(letter.body().path("RoomId").asText())
                && room.accountId().equals(letter.body().path("AccountId").asText());
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

package roommembership.handler;

import roommembership.pipeline.read.RosterBatch;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import roommembership.wiring.Configuration;
import roommembership.pipeline.plan.BatchPlan;
import roommembership.target.ChannelKey;
import roommembership.target.Target;
import roommembership.pipeline.plan.Change;
import roommembership.model.Membership;
import roommembership.pipeline.read.MessageParser;
import roommembership.pipeline.read.ParsedMessage;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Runs the function once on an event file against the Chime emulators (chat rooms and Chime SDK messaging) and an
 * embedded SQS, then prints what happened: {@code mvn test-compile exec:exec -Devent=events/hr-batch.json}. The
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
        run(eventFiles, routed, System.out::print);
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

    /**
     * Runs the event files in turn on one emulated state, from the sample organisation, and hands each run's text to
     * {@code print} as the run ends.
     */
    static void run(List<String> eventFiles, boolean routed, Consumer<String> print) throws Exception {
        try (EmulatedServices services = new EmulatedServices()) {
            Map<String, String> names = services.resetToSampleOrganisation();
            for (String eventFile : eventFiles) {
                print.accept(run(eventFile.trim(), routed, services, names));
            }
        }
    }

    /** What {@code mvn test-compile exec:exec -Devent=...} prints for these event files. */
    static String run(List<String> eventFiles, boolean routed) throws Exception {
        StringBuilder out = new StringBuilder();
        run(eventFiles, routed, out::append);
        return out.toString();
    }

    private static String run(String eventFile, boolean routed, EmulatedServices services, Map<String, String> names)
            throws Exception {
        SQSEvent event = EventLoader.loadSQSEvent(eventFile);
        RunCalls calls = new RunCalls(services);
        DeadLetterQueue deadLetters = services.newDeadLetterQueue();
        Map<String, String> env = new HashMap<>(routed ? Directory.routedToChannels()
                : Map.of(Configuration.CHIME_BEARER_ARN, Directory.BEARER));
        env.put(Configuration.DEAD_LETTER_QUEUE_URL, deadLetters.url());
        env.put("AWS_REGION", "us-east-1");
        Configuration config = Configuration.fromEnvironment(env);
        List<ParsedMessage> messages = event.getRecords().stream()
                .map(record -> MessageParser.parse(record.getBody() == null ? "" : record.getBody()))
                .map(message -> config.routing().map(routing -> routing.route(message)).orElse(message))
                .toList();
        BatchPlan plan = BatchPlan.of(messages);
        State before = State.of(plan, services);

        List<String> metrics = new ArrayList<>();
        RoomMembershipHandler handler = Handlers.around(services.service(config, RetryPolicy.standard()), config,
                Clock.systemUTC(), metrics::add);
        TestContext context = TestContext.withMinutesLeft(1);
        SQSBatchResponse response = handler.handleRequest(event, context);
        // A standard queue hands its messages back in no set order: the letters are printed in batch order.
        List<Letter> letters = inBatchOrder(deadLetters.drain(), event);
        State after = State.of(plan, services);
        JsonNode summary = context.logged("invocation summary").get(0);
        List<TargetCalls> targetCalls = TargetCalls.of(plan, before, after, calls);

        StringBuilder out = new StringBuilder();
        out.append("Room membership: local run of ").append(eventFile)
                .append(routed ? ", legacy requests routed to channels" : "").append('\n')
                .append("  Chime: emulators at ").append(services.chime.endpoint())
                .append(" (chat rooms, which reached end of support on 2026-02-20, and Chime SDK messaging)\n")
                .append("  SQS:   embedded ElasticMQ at ").append(services.sqs.endpoint()).append('\n')
                .append('\n');
        summary(out, summary, messages, plan, targetCalls);
        callsPerTarget(out, targetCalls, names);
        if (!chunksOf(plan.adds(), RoomKey.class).isEmpty()) {
            rooms(out, plan, before, after, names, letters);
        }
        if (!chunksOf(plan.adds(), ChannelKey.class).isEmpty()) {
            channels(out, plan, before, after, names, letters);
        }
        if (!plan.removals().isEmpty()) {
            removals(out, plan, before, after, names, letters);
        }
        roleChanges(out, before, after, names);
        deadLettered(out, letters, event, names);
        out.append("Batch response\n  ").append(JSON.writeValueAsString(batchResponse(response))).append("\n\n");
        out.append("Function log (JSON lines, as Lambda's JSON log format keeps them)\n");
        context.logLines().forEach(line -> out.append("  ").append(line).append('\n'));
        out.append('\n').append("Metrics (Embedded Metric Format documents, written to stdout)\n");
        metrics.forEach(line -> out.append("  ").append(line).append('\n'));
        out.append('\n');
        return out.toString();
    }

    /**
     * The function's own figures, from its invocation summary line, each sum written out: the requests by how they
     * ended, the dead letters by what they are for, and the calls against the fewest the requests need.
     */
    private static void summary(StringBuilder out, JsonNode summary, List<ParsedMessage> messages, BatchPlan plan,
                                List<TargetCalls> targetCalls) {
        int invalid = summary.path("invalidMessages").asInt();
        out.append("Summary: ").append(count(summary.path("records").asInt(), "record", "records"))
                .append(invalid == 0 ? "" : " (" + invalid + " of them could not be read as requests)")
                .append(", ").append(count(summary.path("rooms").asInt(), "room", "rooms"))
                .append(", ").append(count(summary.path("channels").asInt(), "channel", "channels")).append('\n');

        JsonNode ended = summary.path("membershipRequestsEnded");
        List<String> ends = new ArrayList<>(List.of(
                ended.path("carriedOut").asInt() + " carried out",
                ended.path("alreadySo").asInt() + " already so",
                ended.path("deadLettered").asInt() + " dead-lettered",
                ended.path("handedBack").asInt() + " handed back to SQS"));
        if (ended.path("dispatched").asInt() > 0) {
            ends.add(ended.path("dispatched").asInt() + " handed on to the target queue");
        }
        if (ended.path("leftToAnotherRequest").asInt() > 0) {
            ends.add(ended.path("leftToAnotherRequest").asInt() + " left to another request for the same member");
        }
        out.append("  ").append(count(summary.path("membershipRequests").asInt(), "membership request",
                "membership requests")).append(" = ").append(String.join(" + ", ends)).append('\n');

        // The tables count members, each sent once however many requests name it.
        List<ParsedMessage.Request> requests = messages.stream().flatMap(message -> message.requests().stream())
                .toList();
        int named = requests.stream().mapToInt(request -> request.members().size()).sum();
        int refused = requests.stream().mapToInt(request -> request.rejected().size()).sum();
        int members = plan.intents().size();
        out.append("  ").append(count(named + refused, "membership request", "membership requests")).append(" = ")
                .append(members).append(" for the members sent to Chime, once each + ").append(named - members)
                .append(" naming a member another request names + ").append(refused)
                .append(" refused before any call (the tables below count members)\n");

        int letters = summary.path("deadLettered").asInt();
        int forRequests = ended.path("deadLettered").asInt();
        out.append("  ").append(count(letters, "dead letter", "dead letters")).append(" = ").append(forRequests)
                .append(" for membership requests + ").append(letters - forRequests)
                .append(" for whole records that could not be read as requests\n");

        TargetCalls rooms = TargetCalls.total(targetCalls, RoomKey.class);
        TargetCalls channels = TargetCalls.total(targetCalls, ChannelKey.class);
        out.append("  ").append(count(summary.path("calls").asInt(), "call", "calls"))
                .append(" that change memberships = ").append(rooms.calls()).append(" to rooms + ")
                .append(channels.calls()).append(" to channels; the fewest the requests need: ")
                .append(rooms.needed() + channels.needed()).append(" (reads not counted)\n\n");
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** Each target's calls by kind, against the fewest its requests need, then the rooms' and channels' sums. */
    private static void callsPerTarget(StringBuilder out, List<TargetCalls> targetCalls, Map<String, String> names) {
        if (targetCalls.isEmpty()) {
            return;
        }
        String row = "%-26s %6s %7s %9s %7s %6s %7s%n";
        out.append(String.format(row, "Calls per target", "adds", "needed", "removals", "needed", "roles", "needed"));
        for (TargetCalls target : targetCalls) {
            out.append(target.row(row, name(target.target(), names)));
        }
        out.append(TargetCalls.total(targetCalls, RoomKey.class).row(row, "all rooms"))
                .append(TargetCalls.total(targetCalls, ChannelKey.class).row(row, "all channels"))
                .append(String.format("(needed: ⌈n/50⌉ add calls per room, ⌈n/100⌉ per channel and type; one call per"
                        + " removal; one per role changed: a room member's role, a channel's moderator granted or"
                        + " revoked)%n%n"));
    }

    /**
     * One target's calls that change memberships, as the emulator logged them, and the fewest its requests need:
     * the adds in calls as full as the API takes, one call per removal, one per role that changed.
     */
    private record TargetCalls(Target target, int adds, int addsNeeded, int removals, int removalsNeeded, int roles,
                               int rolesNeeded) {
        static List<TargetCalls> of(BatchPlan plan, State before, State after, RunCalls runCalls) {
            Map<Target, List<Membership>> adds = new LinkedHashMap<>();
            Map<Target, List<Membership>> removals = new LinkedHashMap<>();
            plan.adds().forEach(chunk -> adds.computeIfAbsent(chunk.target(), t -> new ArrayList<>())
                    .addAll(chunk.members()));
            plan.removals().forEach(chunk -> removals.computeIfAbsent(chunk.target(), t -> new ArrayList<>())
                    .addAll(chunk.members()));
            Set<Target> targets = new LinkedHashSet<>(adds.keySet());
            targets.addAll(removals.keySet());
            List<TargetCalls> all = new ArrayList<>();
            for (Target target : targets) {
                List<Membership> added = adds.getOrDefault(target, List.of());
                int removed = removals.getOrDefault(target, List.of()).size();
                if (target instanceof RoomKey room) {
                    all.add(new TargetCalls(room,
                            runCalls.rooms(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, room), fewest(added, 50),
                            runCalls.rooms(ChimeEmulator.DELETE_ROOM_MEMBERSHIP, room), removed,
                            runCalls.rooms(ChimeEmulator.UPDATE_ROOM_MEMBERSHIP, room),
                            rolesChanged(before.roles().get(room), after.roles().get(room))));
                } else {
                    ChannelKey channel = (ChannelKey) target;
                    Set<String> moderated = new HashSet<>(before.moderators().get(channel));
                    Set<String> moderates = new HashSet<>(after.moderators().get(channel));
                    // A moderation is a list of its own: granted or revoked, one call each.
                    int moderationsChanged = (int) (moderated.stream().filter(m -> !moderates.contains(m)).count()
                            + moderates.stream().filter(m -> !moderated.contains(m)).count());
                    all.add(new TargetCalls(channel,
                            runCalls.channels(ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP, channel), fewest(added, 100),
                            runCalls.channels(ChannelsApi.DELETE_CHANNEL_MEMBERSHIP, channel), removed,
                            runCalls.channels(ChannelsApi.CREATE_CHANNEL_MODERATOR, channel)
                                    + runCalls.channels(ChannelsApi.DELETE_CHANNEL_MODERATOR, channel),
                            moderationsChanged));
                }
            }
            return all;
        }

        /** One call takes one membership type: ⌈n/limit⌉ per type. */
        private static int fewest(List<Membership> members, int limit) {
            Map<String, Integer> perType = new HashMap<>();
            members.forEach(member -> perType.merge(member.type().wireName(), 1, Integer::sum));
            return perType.values().stream().mapToInt(n -> (n + limit - 1) / limit).sum();
        }

        private static int rolesChanged(Map<String, String> was, Map<String, String> now) {
            return (int) was.entrySet().stream()
                    .filter(entry -> now.containsKey(entry.getKey()) && !now.get(entry.getKey()).equals(entry.getValue()))
                    .count();
        }

        static TargetCalls total(List<TargetCalls> all, Class<? extends Target> kind) {
            List<TargetCalls> ofKind = all.stream().filter(calls -> kind.isInstance(calls.target())).toList();
            return new TargetCalls(null, sum(ofKind, TargetCalls::adds), sum(ofKind, TargetCalls::addsNeeded),
                    sum(ofKind, TargetCalls::removals), sum(ofKind, TargetCalls::removalsNeeded),
                    sum(ofKind, TargetCalls::roles), sum(ofKind, TargetCalls::rolesNeeded));
        }

        private static int sum(List<TargetCalls> all, ToIntFunction<TargetCalls> figure) {
            return all.stream().mapToInt(figure).sum();
        }

        int calls() {
            return adds + removals + roles;
        }

        int needed() {
            return addsNeeded + removalsNeeded + rolesNeeded;
        }

        String row(String format, String name) {
            return String.format(format, name, adds, addsNeeded, removals, removalsNeeded, roles, rolesNeeded);
        }
    }

    /**
     * Who was in each room or channel the batch names, with their roles (a channel's Administrators are its
     * moderators), each channel member's type, and each channel's moderators, members or not.
     */
    private record State(Map<Target, Map<String, String>> roles, Map<Target, Map<String, String>> types,
                         Map<Target, Set<String>> moderators) {
        static State of(BatchPlan plan, EmulatedServices services) {
            Map<Target, Map<String, String>> roles = new LinkedHashMap<>();
            Map<Target, Map<String, String>> types = new LinkedHashMap<>();
            Map<Target, Set<String>> moderators = new LinkedHashMap<>();
            List<Change> all = new ArrayList<>(plan.adds());
            all.addAll(plan.removals());
            for (Change chunk : all) {
                if (chunk.target() instanceof RoomKey room) {
                    roles.computeIfAbsent(room, r -> services.chime.members(room.accountId(), room.roomId()));
                } else {
                    ChannelKey channel = (ChannelKey) chunk.target();
                    types.computeIfAbsent(channel, c -> services.chime.channels().members(channel.arn()));
                    moderators.computeIfAbsent(channel, c -> services.chime.channels().moderators(channel.arn()));
                    roles.computeIfAbsent(channel, c -> {
                        Set<String> moderating = moderators.get(channel);
                        Map<String, String> members = new LinkedHashMap<>();
                        services.chime.channels().members(channel.arn()).keySet().forEach(member -> members.put(member,
                                moderating.contains(member) ? Role.ADMINISTRATOR.wireName() : Role.MEMBER.wireName()));
                        return members;
                    });
                }
            }
            return new State(roles, types, moderators);
        }
    }

    private static <C extends Change> Map<Target, List<C>> chunksOf(List<C> planned, Class<? extends Target> kind) {
        Map<Target, List<C>> chunks = new LinkedHashMap<>();
        planned.stream().filter(chunk -> kind.isInstance(chunk.target()))
                .forEach(chunk -> chunks.computeIfAbsent(chunk.target(), c -> new ArrayList<>()).add(chunk));
        return chunks;
    }

    /**
     * The members a room's adds sent, and how each ended in the room: added, there already, or dead-lettered. Items
     * refused before any call are no member sent; the dead letters list them.
     */
    private static void rooms(StringBuilder out, BatchPlan plan, State before, State after,
                              Map<String, String> names, List<Letter> letters) {
        out.append(String.format("%-26s %8s %6s %8s %14s%n", "Room: adds", "members", "added", "already",
                "dead-lettered"));
        chunksOf(plan.adds(), RoomKey.class).forEach((conversation, chunks) -> {
            RoomKey room = (RoomKey) conversation;
            List<String> sent = chunks.stream().flatMap(chunk -> chunk.members().stream())
                    .map(Membership::memberId).toList();
            Map<String, String> was = before.roles().get(room);
            Map<String, String> now = after.roles().get(room);
            long added = sent.stream().filter(member -> !was.containsKey(member) && now.containsKey(member)).count();
            long already = sent.stream().filter(was::containsKey).count();
            long failed = deadLettered(sent, letters, letter -> isAdd(letter) && inRoom(letter, room));
            out.append(String.format("%-26s %8d %6d %8d %14d%n", name(room, names), sent.size(), added, already,
                    failed));
        });
        out.append('\n');
    }

    private static void channels(StringBuilder out, BatchPlan plan, State before, State after,
                                 Map<String, String> names, List<Letter> letters) {
        out.append(String.format("%-26s %8s %6s %8s %6s %11s %14s%n", "Channel: adds", "members", "added", "already",
                "hidden", "moderators", "dead-lettered"));
        chunksOf(plan.adds(), ChannelKey.class).forEach((conversation, chunks) -> {
            ChannelKey channel = (ChannelKey) conversation;
            List<Membership> sent = chunks.stream().flatMap(chunk -> chunk.members().stream()).toList();
            Map<String, String> was = before.types().get(channel);
            Map<String, String> now = after.types().get(channel);
            long added = sent.stream()
                    .filter(member -> !was.containsKey(member.memberId()) && now.containsKey(member.memberId())).count();
            long already = sent.stream().filter(member -> was.containsKey(member.memberId())).count();
            long hidden = now.entrySet().stream()
                    .filter(entry -> !was.containsKey(entry.getKey()) && ChannelsApi.HIDDEN.equals(entry.getValue()))
                    .count();
            long madeModerators = sent.stream().filter(member -> !was.containsKey(member.memberId())
                    && Role.ADMINISTRATOR.wireName().equals(after.roles().get(channel).get(member.memberId()))).count();
            long administrators = sent.stream()
                    .filter(member -> member.role() == Role.ADMINISTRATOR && !was.containsKey(member.memberId())).count();
            long failed = deadLettered(sent.stream().map(Membership::memberId).toList(), letters,
                    letter -> isAdd(letter) && channel.arn().equals(letter.body().path("ChannelArn").asText()));
            out.append(String.format("%-26s %8d %6d %8d %6d %11s %14d%n", name(channel, names), sent.size(), added,
                    already, hidden, madeModerators + " of " + administrators, failed));
        });
        out.append(String.format("(moderators: new members made moderators, of the new members asked for as"
                + " Administrator)%n%n"));
    }

    private static void removals(StringBuilder out, BatchPlan plan, State before, State after,
                                 Map<String, String> names, List<Letter> letters) {
        out.append(String.format("%-26s %8s %8s %15s %14s%n",
                "Removals", "members", "removed", "already absent", "dead-lettered"));
        int channelDeletesOfAbsentMembers = 0;
        for (Map.Entry<Target, List<Change.Remove>> removal : chunksOf(plan.removals(), Target.class).entrySet()) {
            Target conversation = removal.getKey();
            List<String> sent = removal.getValue().stream().map(chunk -> chunk.members().get(0).memberId()).toList();
            Map<String, String> was = before.roles().get(conversation);
            Map<String, String> now = after.roles().get(conversation);
            Predicate<Letter> forTarget = conversation instanceof RoomKey room
                    ? letter -> !isAdd(letter) && inRoom(letter, room)
                    : letter -> !isAdd(letter)
                    && ((ChannelKey) conversation).arn().equals(letter.body().path("ChannelArn").asText());
            long removed = sent.stream().filter(member -> was.containsKey(member) && !now.containsKey(member))
                    .count();
            long absent = sent.stream().filter(member -> !was.containsKey(member)).count();
            long failed = deadLettered(sent, letters, forTarget);
            if (conversation instanceof ChannelKey) {
                channelDeletesOfAbsentMembers += (int) (absent - deadLettered(
                        sent.stream().filter(member -> !was.containsKey(member)).toList(), letters, forTarget));
            }
            out.append(String.format("%-26s %8d %8d %15d %14d%n", name(conversation, names), sent.size(), removed,
                    absent, failed));
        }
        if (channelDeletesOfAbsentMembers > 0) {
            // The function cannot tell these apart: DeleteChannelMembership answers 204 for a member not there.
            out.append(String.format("(a channel answers the delete of a member who is not there as done: the summary"
                    + " counts those %d as carried out)%n", channelDeletesOfAbsentMembers));
        }
        out.append('\n');
    }

    /** How many of the members sent have a letter among these: a member named by two records has two. */
    private static long deadLettered(List<String> sent, List<Letter> letters, Predicate<Letter> forTarget) {
        Set<String> members = new HashSet<>(sent);
        return letters.stream().filter(forTarget).map(LocalRun::memberOf)
                .filter(member -> member != null && (members.contains(member)
                        || members.stream().anyMatch(sentAs -> sentAs.endsWith("/user/" + member))))
                .distinct().count();
    }

    /** Every member there before and after whose role changed: a room's role, a channel's moderator. */
    private static void roleChanges(StringBuilder out, State before, State after, Map<String, String> names) {
        List<String> changes = new ArrayList<>();
        before.roles().forEach((conversation, was) -> was.forEach((member, role) -> {
            String now = after.roles().get(conversation).get(member);
            if (now != null && !now.equals(role)) {
                changes.add(String.format("  %s in %s: %s -> %s", member.substring(member.lastIndexOf('/') + 1),
                        name(conversation, names), role, now));
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

        int rooms(String operation, RoomKey room) {
            List<RecordedCall> all = services.chime.calls(operation);
            return (int) all.subList(start.get(operation), all.size()).stream()
                    .filter(call -> room.accountId().equals(call.accountId()) && room.roomId().equals(call.roomId()))
                    .count();
        }

        int channels(String operation, ChannelKey channel) {
            List<ChannelsApi.ChannelCall> all = services.chime.channels().calls(operation);
            return (int) all.subList(start.get(operation), all.size()).stream()
                    .filter(call -> channel.arn().equals(call.channelArn())).count();
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

    /** A letter for a whole record names no room and no channel. */
    private static boolean forWholeRecord(Letter letter) {
        return !letter.body().has("RoomId") && !letter.body().has("ChannelArn");
    }

    /** The member a letter is for, as its producer wrote it; null for a whole record or an item without one. */
    private static String memberOf(Letter letter) {
        if (letter.body().has("MembershipItemList")) {
            return letter.memberId();
        }
        return letter.body().path("MemberArn").asText(null);
    }

    /**
     * The letters in the order of the requests they are for: by the record each came from, then by the member's
     * place in that record (a roster's members, which no record names, after the record's own, by member).
     */
    private static List<Letter> inBatchOrder(List<Letter> letters, SQSEvent event) {
        List<String> messageIds = event.getRecords().stream().map(SQSEvent.SQSMessage::getMessageId).toList();
        Comparator<Letter> byRecord = Comparator.comparingInt(letter -> messageIds.indexOf(letter.sourceMessageId()));
        Comparator<Letter> byPlace = Comparator.comparingInt(letter -> {
            int place = membersNamed(event.getRecords().get(messageIds.indexOf(letter.sourceMessageId())))
                    .indexOf(memberOf(letter));
            return place < 0 ? Integer.MAX_VALUE : place;
        });
        return letters.stream().sorted(byRecord.thenComparing(byPlace)
                        .thenComparing(letter -> String.valueOf(memberOf(letter)))
                        .thenComparing(letter -> letter.bodyBesidesFailedAt().toString()))
                .toList();
    }

    /** The member ids and ARNs a record's body names, in its order; none if the body is not JSON. */
    private static List<String> membersNamed(SQSEvent.SQSMessage record) {
        List<String> named = new ArrayList<>();
        try {
            collectMembers(JSON.readTree(record.getBody() == null ? "" : record.getBody()), named);
        } catch (JsonProcessingException e) {
            return List.of();
        }
        return named;
    }

    private static void collectMembers(JsonNode node, List<String> named) {
        if (node.isArray()) {
            node.forEach(child -> collectMembers(child, named));
            return;
        }
        node.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (value.isTextual() && Set.of("MemberId", "MemberArn").contains(field.getKey())) {
                named.add(value.asText());
            } else if ("MemberArns".equals(field.getKey())) {
                value.forEach(arn -> named.add(arn.asText()));
            } else if (value.isContainerNode()) {
                collectMembers(value, named);
            }
        });
    }

    private static void deadLettered(StringBuilder out, List<Letter> letters, SQSEvent event,
                                     Map<String, String> names) {
        List<String> messageIds = event.getRecords().stream().map(SQSEvent.SQSMessage::getMessageId).toList();
        long whole = letters.stream().filter(LocalRun::forWholeRecord).count();
        out.append("Dead letters (").append(letters.size()).append(": ").append(letters.size() - whole)
                .append(" for membership requests, ").append(whole).append(" for whole records), in batch order\n");
        for (Letter letter : letters) {
            String channelArn = letter.body().path("ChannelArn").asText(null);
            String who;
            if (forWholeRecord(letter)) {
                who = "the whole record (message " + letter.sourceMessageId() + ")";
            } else {
                String member = memberOf(letter);
                String shown = member == null ? "(no member id)" : member.isBlank() ? "(blank member id)"
                        : member.substring(member.lastIndexOf('/') + 1);
                who = letter.body().has("RoomId")
                        ? shown + " in " + name(letter.body().path("RoomId").asText(), names)
                        + (channelArn == null ? "" : ", routed to " + name(channelArn, names))
                        : shown + " in " + name(channelArn, names);
            }
            out.append(String.format("  record %-3d %-16s %s: %s%n", messageIds.indexOf(letter.sourceMessageId()) + 1,
                    letter.errorCode(), who, letter.body().path("ErrorMessage").asText()));
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

    private static String name(Target target, Map<String, String> names) {
        return target instanceof RoomKey room ? name(room.roomId(), names) : name(((ChannelKey) target).arn(), names);
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

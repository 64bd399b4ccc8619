package roommembership.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChimeEmulator;
import roommembership.emulator.MessagingQuotas;
import roommembership.mapping.EventSourceMapping;
import roommembership.mapping.FailedMemberQueue;
import roommembership.mapping.FunctionContainer;
import roommembership.mapping.SourceQueues;
import roommembership.mapping.TemplateSettings;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.TestClients;
import roommembership.wiring.Configuration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An onboarding wave: a backlog of channel requests on the source queue, drained by several Lambda containers at once
 * through the local event-source mapping, every container calling as the one bearer, against the messaging emulator
 * holding every call to the published quotas. What it measures: how close the function comes to the throughput the
 * quotas allow, and what it costs on the way (throttles, dead letters, function time); and that no member is lost.
 */
final class OnboardingWave {
    static final String APP_INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/onboarding";
    static final String BEARER = APP_INSTANCE + "/user/onboarding-sync";
    /** The most members one BatchCreateChannelMembership takes. */
    static final int MEMBERS_PER_CALL = ChannelsApi.MAX_MEMBER_ARNS;
    static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(60);
    /** A bound on the drain, so a function that never settles its records fails the run instead of hanging it. */
    private static final int MAX_INVOCATIONS = 20_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private OnboardingWave() {
    }

    /**
     * What the wave asks for: {@code channels} channels of {@code membersPerChannel} members, sent as messages of
     * {@code membersPerMessage} members of one channel each, in an order shuffled with {@code seed}.
     */
    record Workload(int channels, int membersPerChannel, int membersPerMessage, long seed) {
        /** 20,000 members over 50 channels of 400, in 400 messages of 50. */
        static Workload onboarding() {
            return new Workload(50, 400, 50, 20_240_601L);
        }

        int members() {
            return channels * membersPerChannel;
        }

        int messagesPerChannel() {
            return ceilDiv(membersPerChannel, membersPerMessage);
        }

        int messages() {
            return channels * messagesPerChannel();
        }

        /** Σ⌈n/100⌉ over the channels: the fewest BatchCreateChannelMembership calls that add everyone. */
        int minimumCalls() {
            return channels * ceilDiv(membersPerChannel, MEMBERS_PER_CALL);
        }

        /** The fewest calls over the bearer at its rate: the shortest time the bearer quota allows. */
        double bearerSeconds(MessagingQuotas quotas) {
            return minimumCalls() / quotas.bearerPerSecond();
        }

        /** The largest channel's fewest calls at one channel's batch-add rate. */
        double channelSeconds(MessagingQuotas quotas) {
            return ceilDiv(membersPerChannel, MEMBERS_PER_CALL) / quotas.batchAddsPerChannelPerSecond();
        }

        /** Members a second the quotas allow this workload at best: its members over the longer of the two times. */
        double ceilingMembersPerSecond(MessagingQuotas quotas) {
            return members() / Math.max(bearerSeconds(quotas), channelSeconds(quotas));
        }

        String channelArn(int channel) {
            return APP_INSTANCE + "/channel/onboarding-" + channel;
        }

        String memberArn(int channel, int member) {
            return APP_INSTANCE + "/user/new-" + channel + "-" + member;
        }

        /** Every message, in the order they are sent. */
        List<Request> requests() {
            List<Request> requests = new ArrayList<>();
            for (int channel = 0; channel < channels; channel++) {
                for (int part = 0; part < messagesPerChannel(); part++) {
                    requests.add(request(channel, part));
                }
            }
            Collections.shuffle(requests, new Random(seed));
            return requests;
        }

        private Request request(int channel, int part) {
            List<String> arns = new ArrayList<>();
            int from = part * membersPerMessage;
            for (int member = from; member < Math.min(from + membersPerMessage, membersPerChannel); member++) {
                arns.add("\"" + memberArn(channel, member) + "\"");
            }
            return new Request(channelArn(channel), "channel-" + channel + "-part-" + part,
                    "{\"ChannelArn\":\"" + channelArn(channel) + "\",\"MemberArns\":[" + String.join(",", arns) + "]}");
        }

        /** A fresh emulator state: the AppInstance, the bearer, every channel (empty) and every member's user. */
        void seed(ChimeEmulator chime) {
            chime.reset();
            ChannelsApi api = chime.channels();
            api.appInstance(APP_INSTANCE).user(BEARER);
            for (int channel = 0; channel < channels; channel++) {
                api.channel(channelArn(channel));
                for (int member = 0; member < membersPerChannel; member++) {
                    api.user(memberArn(channel, member));
                }
            }
        }
    }

    /** One message: its channel (a FIFO queue's message group), a deduplication id, and the body. */
    record Request(String channelArn, String id, String body) {
    }

    /**
     * How the wave is drained.
     *
     * @param note what the settings stand for, e.g. "template defaults"; empty for none
     * @param containers the event source's maximum concurrency: that many containers, each with its own handler and
     *     SDK clients, so each has its own in-memory call limits
     * @param batchingWindow not used on a FIFO queue, as Lambda has none there
     * @param env set in every container's environment besides the wave's own (queue, bearer, region), and over them
     * @param expireVisibilityAtOnce records that must reappear are made visible at once, instead of after the
     *     template's visibility timeout
     * @param targetContainers 0: the containers draining the source queue carry out its batches; more: they dispatch
     *     them to a target queue (FIFO, one message group per channel), which that many containers drain and carry
     *     out, at the template's target-queue settings
     */
    record Variant(String note, boolean fifo, int containers, int batchSize, Duration batchingWindow,
                   Map<String, String> env, boolean expireVisibilityAtOnce, int targetContainers) {
        Variant {
            env = Collections.unmodifiableMap(new TreeMap<>(env));
        }

        Variant(String note, boolean fifo, int containers, int batchSize, Duration batchingWindow,
                Map<String, String> env, boolean expireVisibilityAtOnce) {
            this(note, fifo, containers, batchSize, batchingWindow, env, expireVisibilityAtOnce, 0);
        }

        /**
         * The template's defaults: a standard source queue whose batches are dispatched to the target queue, with
         * the template's concurrency for each, or {@code targetContainers} for the target queue's.
         */
        static Variant dispatching(int targetContainers) {
            TemplateSettings source = TemplateSettings.read(false);
            TemplateSettings.Target target = TemplateSettings.Target.read();
            return new Variant(targetContainers == target.maxConcurrency() ? "template defaults" : "", false,
                    source.maxConcurrency(), source.batchSize(), Duration.ofSeconds(source.batchingWindowSeconds()),
                    Map.of(), true, targetContainers);
        }

        /**
         * The template's event source settings for the queue type, at this many containers, each batch carried out
         * where it arrives: for a standard queue, the deployment without its target queue.
         */
        static Variant template(boolean fifo, int containers) {
            TemplateSettings template = TemplateSettings.read(fifo);
            return new Variant(fifo ? "template defaults" : "template's event source, no target queue", fifo,
                    containers, template.batchSize(),
                    Duration.ofSeconds(template.batchingWindowSeconds()), Map.of(), true);
        }

        static Variant standard(int containers, int batchSize, Duration batchingWindow) {
            return new Variant("", false, containers, batchSize, batchingWindow, Map.of(), true);
        }

        /** FIFO, each channel's messages one message group: Lambda's largest FIFO batch, 10, and no window. */
        static Variant fifo(int containers) {
            return new Variant("grouped by channel", true, containers, 10, Duration.ZERO, Map.of(), true);
        }

        /** A standard source queue of these event source settings, dispatched to the template's target queue. */
        static Variant dispatching(int containers, int batchSize, Duration batchingWindow, int targetContainers) {
            return new Variant("", false, containers, batchSize, batchingWindow, Map.of(), true, targetContainers);
        }

        Variant withEnv(String name, String value) {
            Map<String, String> more = new TreeMap<>(env);
            more.put(name, value);
            return new Variant(note, fifo, containers, batchSize, batchingWindow, more, expireVisibilityAtOnce,
                    targetContainers);
        }

        Variant withNote(String text) {
            return new Variant(text, fifo, containers, batchSize, batchingWindow, env, expireVisibilityAtOnce,
                    targetContainers);
        }

        String name() {
            StringBuilder name = new StringBuilder(fifo ? "FIFO" : "Standard");
            if (!note.isEmpty()) {
                name.append(" (").append(note).append(')');
            }
            name.append(", batch ").append(batchSize);
            if (!fifo) {
                name.append(", window ").append(batchingWindow.toMillis() % 1000 == 0 ? batchingWindow.toSeconds()
                        : String.format(Locale.ROOT, "%.1f", seconds(batchingWindow))).append(" s");
            }
            name.append(", ").append(containers).append(containers == 1 ? " container" : " containers");
            if (targetContainers > 0) {
                name.append(", dispatched to the target queue (FIFO, batch 10), ").append(targetContainers)
                        .append(" containers");
            }
            env.forEach((key, value) -> name.append(", ").append(key).append('=').append(value));
            if (!expireVisibilityAtOnce) {
                name.append(", visibility timeout waited out");
            }
            return name.toString();
        }
    }

    /**
     * One wave's figures.
     *
     * @param wall from the first invocation's start until the last one's records were settled
     * @param added members asked for that are in their channel at the end
     * @param callsSent BatchCreateChannelMembership requests the emulator received, throttled ones and the SDK's
     *     retries included
     * @param callsAccepted those of them answered 2xx
     * @param throttled calls a quota refused (429 ThrottledClientException), every operation
     * @param deadLettered members on the failed-member queue, by ErrorCode
     * @param lost members asked for that are neither in their channel nor dead-lettered
     * @param lostButRedriven those of them a record on the redrive queue still asks for
     * @param redrivenRecords records SQS moved to the redrive queue (received too often)
     * @param redeliveredRecords records an invocation got again after an earlier one did not settle them
     * @param functionTime the invocations' durations added up
     */
    record Result(Variant variant, Workload workload, double ceilingMembersPerSecond, Duration wall, int added,
                  int callsSent, int callsAccepted, long throttled, Map<String, Integer> deadLettered, int lost,
                  int lostButRedriven, int redrivenRecords, int invocations, int redeliveredRecords, Duration functionTime) {

        double membersPerSecond() {
            return added / seconds(wall);
        }

        double percentOfCeiling() {
            return 100 * membersPerSecond() / ceilingMembersPerSecond;
        }

        int deadLetteredMembers() {
            return deadLettered.values().stream().mapToInt(Integer::intValue).sum();
        }

        double functionSecondsPerThousandMembers() {
            return seconds(functionTime) / (workload.members() / 1000.0);
        }
    }

    /** One wave, on a fresh emulator state and fresh queues; the emulator's quotas are off again afterwards. */
    static Result run(ChimeEmulator chime, EmbeddedSqs sqs, Workload workload, Variant variant) {
        TemplateSettings template = TemplateSettings.read(variant.fifo());
        MessagingQuotas quotas = MessagingQuotas.published();
        workload.seed(chime);
        SourceQueues queues = SourceQueues.create(sqs.client(), variant.fifo(), template.maxReceiveCount(),
                template.visibilityTimeoutSeconds());
        FailedMemberQueue failed = FailedMemberQueue.create(sqs.client(), variant.fifo());
        send(sqs.client(), queues, workload.requests());
        EventSourceMapping.Run run = deployed(chime, sqs, variant, queues, failed, () -> {
            throw new IllegalStateException("a wave reads no roster");
        });

        Set<String> asked = new HashSet<>();
        Set<String> present = new HashSet<>();
        for (int channel = 0; channel < workload.channels(); channel++) {
            Set<String> members = chime.channels().members(workload.channelArn(channel)).keySet();
            for (int member = 0; member < workload.membersPerChannel(); member++) {
                String key = workload.channelArn(channel) + " " + workload.memberArn(channel, member);
                asked.add(key);
                if (members.contains(workload.memberArn(channel, member))) {
                    present.add(key);
                }
            }
        }
        Map<String, Integer> byCode = new TreeMap<>();
        Set<String> deadLettered = new HashSet<>();
        for (Message letter : sqs.drain(failed.url())) {
            JsonNode body = read(letter.body());
            MessageAttributeValue code = letter.messageAttributes().get("ErrorCode");
            byCode.merge(code == null ? body.path("ErrorCode").asText("(none)") : code.stringValue(), 1,
                    Integer::sum);
            deadLettered.add(body.path("ChannelArn").asText() + " " + body.path("MemberArn").asText());
        }
        Set<String> lost = new HashSet<>(asked);
        lost.removeAll(present);
        lost.removeAll(deadLettered);
        Set<String> redriven = new HashSet<>();
        for (Message record : run.redriven()) {
            JsonNode body = read(record.body());
            body.path("MemberArns").forEach(arn -> redriven.add(body.path("ChannelArn").asText() + " " + arn.asText()));
        }
        Set<String> lostButRedriven = new HashSet<>(lost);
        lostButRedriven.retainAll(redriven);
        List<ChannelsApi.ChannelCall> calls = chime.channels().calls(ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP);
        int accepted = (int) calls.stream().filter(call -> call.status() >= 200 && call.status() < 300).count();
        int redelivered = (int) run.invocations().stream()
                .flatMap(invocation -> invocation.receiveCounts().values().stream()).filter(count -> count > 1)
                .count();
        return new Result(variant, workload, workload.ceilingMembersPerSecond(quotas), run.wall(), present.size(),
                calls.size(), accepted, chime.channels().throttledAnswers(), byCode, lost.size(),
                lostButRedriven.size(), run.redriven().size(), run.invocations().size(), redelivered, run.functionTime());
    }

    /** Two runs at once as one: their invocations and redriven records, on the clock of the one that started first. */
    private static EventSourceMapping.Run together(EventSourceMapping.Run a, EventSourceMapping.Run b) {
        long origin = Math.min(a.originNanos(), b.originNanos());
        List<EventSourceMapping.Invocation> invocations = new ArrayList<>();
        Duration settled = Duration.ZERO;
        for (EventSourceMapping.Run run : List.of(a, b)) {
            Duration shift = Duration.ofNanos(run.originNanos() - origin);
            for (EventSourceMapping.Invocation invocation : run.invocations()) {
                invocations.add(new EventSourceMapping.Invocation(invocation.receiveCounts(), invocation.ending(),
                        invocation.reportedFailures(), invocation.container(), invocation.startedAt().plus(shift),
                        invocation.duration()));
            }
            if (!run.invocations().isEmpty() && run.settledAt().plus(shift).compareTo(settled) > 0) {
                settled = run.settledAt().plus(shift);
            }
        }
        invocations.sort(Comparator.comparing(EventSourceMapping.Invocation::startedAt));
        List<Message> redriven = new ArrayList<>(a.redriven());
        redriven.addAll(b.redriven());
        return new EventSourceMapping.Run(invocations, redriven, settled, origin);
    }

    /** The wave's section of the report: what it is, and a row for each variant. */
    /**
     * The function deployed as the variant says, on queues already holding their messages: the source queue's event
     * source, and with a target queue the target queue's too, both at once, under the published quotas, until
     * nothing more can come. The emulator's quotas are off again afterwards.
     *
     * @param s3 the client rosters are read with, built when the first one arrives
     */
    static EventSourceMapping.Run deployed(ChimeEmulator chime, EmbeddedSqs sqs, Variant variant, SourceQueues queues,
                                           FailedMemberQueue failed, Supplier<S3Client> s3) {
        TemplateSettings template = TemplateSettings.read(variant.fifo());
        MessagingQuotas quotas = MessagingQuotas.published();
        Map<String, String> env = new LinkedHashMap<>();
        env.put(Configuration.DEAD_LETTER_QUEUE_URL, failed.url());
        env.put(Configuration.MAX_RECEIVE_COUNT, Integer.toString(template.functionMaxReceiveCount()));
        env.put(Configuration.CHIME_BEARER_ARN, BEARER);
        env.put(Configuration.CHIME_MESSAGING_REGION, Region.US_EAST_1.id());
        env.put("AWS_REGION", TestClients.REGION.id());
        // As the template passes them: the containers the event source may run, and whether a FIFO queue's message
        // group (here the channel) gives one container a channel's whole rate.
        env.put(Configuration.EVENT_SOURCE_MAX_CONCURRENCY, Integer.toString(variant.containers()));
        env.put(Configuration.SOURCE_GROUPED_BY_TARGET, Boolean.toString(variant.fifo()));
        boolean dispatching = variant.targetContainers() > 0;
        TemplateSettings.Target target = TemplateSettings.Target.read();
        SourceQueues targets = dispatching ? SourceQueues.create(sqs.client(), true, target.maxReceiveCount(),
                target.visibilityTimeoutSeconds()) : null;
        if (dispatching) {
            // As the template passes them: the target queue, and its event source's concurrency for the share.
            env.put(Configuration.TARGET_QUEUE_URL, targets.sourceUrl());
            env.put(Configuration.EVENT_SOURCE_MAX_CONCURRENCY, Integer.toString(variant.targetContainers()));
        }
        env.putAll(variant.env());
        List<FunctionContainer> containers = new ArrayList<>();
        List<FunctionContainer> targetContainers = new ArrayList<>();
        EventSourceMapping.Run run;
        try {
            for (int container = 0; container < variant.containers(); container++) {
                containers.add(FunctionContainer.start(chime.endpoint(), sqs.endpoint(), Configuration.fromEnvironment(env), s3));
            }
            for (int container = 0; container < variant.targetContainers(); container++) {
                targetContainers.add(FunctionContainer.start(chime.endpoint(), sqs.endpoint(), Configuration.fromEnvironment(env), s3));
            }
            EventSourceMapping.Settings settings = new EventSourceMapping.Settings(variant.batchSize(),
                    FUNCTION_TIMEOUT, variant.expireVisibilityAtOnce(), MAX_INVOCATIONS)
                    .withMaxConcurrency(variant.containers()).withBatchingWindow(variant.batchingWindow());
            chime.channels().enforceQuotas(quotas);
            try (EventSourceMapping mapping = new EventSourceMapping(sqs.client(), queues, settings,
                    TestClients.REGION.id())) {
                if (!dispatching) {
                    run = mapping.drain(container -> containers.get(container).handler()::handleRequest,
                            mapping.timeoutContexts());
                } else {
                    EventSourceMapping.Settings targetSettings = new EventSourceMapping.Settings(target.batchSize(),
                            FUNCTION_TIMEOUT, variant.expireVisibilityAtOnce(), MAX_INVOCATIONS)
                            .withMaxConcurrency(variant.targetContainers());
                    try (EventSourceMapping targetMapping = new EventSourceMapping(sqs.client(), targets,
                            targetSettings, TestClients.REGION.id())) {
                        // Both event sources at once, as deployed: the target queue's until the source queue's is
                        // drained and nothing more can come.
                        AtomicBoolean sourceDrained = new AtomicBoolean();
                        CompletableFuture<EventSourceMapping.Run> source = CompletableFuture.supplyAsync(() -> {
                            try {
                                return mapping.drain(container -> containers.get(container).handler()::handleRequest,
                                        mapping.timeoutContexts());
                            } finally {
                                sourceDrained.set(true);
                            }
                        });
                        EventSourceMapping.Run carried = targetMapping.drain(
                                container -> targetContainers.get(container).handler()::handleRequest,
                                targetMapping.timeoutContexts(), sourceDrained::get);
                        run = together(source.join(), carried);
                    }
                }
            }
        } finally {
            chime.channels().stopEnforcingQuotas();
            containers.forEach(FunctionContainer::close);
            targetContainers.forEach(FunctionContainer::close);
        }

        return run;
    }

    static String report(Workload workload, List<Result> results) {
        MessagingQuotas quotas = MessagingQuotas.published();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, """
                ### onboarding wave
                %,d members over %d channels of %d, sent before the drain starts as %d messages of %d members of \
                one channel each, in a shuffled order (seed %d); on a FIFO queue each message's group is its \
                channel. Every container is a handler of its own with its own SDK clients, all calling as one \
                bearer; the emulator holds every call to the published quotas (%.0f calls/s per bearer, \
                %.0f BatchCreateChannelMembership/s per channel; 429 beyond). Ceiling: the fewest calls are \
                Σ⌈n/%d⌉ = %d, which take the bearer %.1f s at %.0f/s; the largest channel's ⌈%d/%d⌉ = %d calls \
                take %.1f s at %.0f/s; so at best %,d members / %.1f s = %,.0f members/s (the emulator's buckets \
                start full, one second's calls, so a run short enough can beat this by that burst). Wall time \
                runs from the first invocation's start until the last one's records are settled. Records not \
                settled are made visible again at once, not after the template's %d s visibility timeout: each of \
                the records redelivered would add that wait when deployed. Records redriven: those SQS moved to \
                the redrive queue after %d receives. Lost: members asked for that are neither in their channel at \
                the end nor on the failed-member queue.

                | variant | wall | members/s | ceiling | of ceiling | batch adds: accepted / sent (fewest) \
                | throttled (429) | dead-lettered | lost | records redelivered | records redriven | invocations \
                | function-s | function-s / 1,000 members |
                |---|---|---|---|---|---|---|---|---|---|---|---|---|---|
                """, workload.members(), workload.channels(), workload.membersPerChannel(), workload.messages(),
                workload.membersPerMessage(), workload.seed(), quotas.bearerPerSecond(),
                quotas.batchAddsPerChannelPerSecond(), MEMBERS_PER_CALL, workload.minimumCalls(),
                workload.bearerSeconds(quotas), quotas.bearerPerSecond(), workload.membersPerChannel(),
                MEMBERS_PER_CALL, ceilDiv(workload.membersPerChannel(), MEMBERS_PER_CALL),
                workload.channelSeconds(quotas), quotas.batchAddsPerChannelPerSecond(), workload.members(),
                Math.max(workload.bearerSeconds(quotas), workload.channelSeconds(quotas)),
                workload.ceilingMembersPerSecond(quotas), TemplateSettings.read().visibilityTimeoutSeconds(),
                TemplateSettings.read().maxReceiveCount()));
        for (Result r : results) {
            out.append(row(r)).append('\n');
        }
        return out.toString();
    }

    static String row(Result r) {
        String deadLettered = r.deadLettered().isEmpty() ? "0" : String.format(Locale.ROOT, "%,d (%s)",
                r.deadLetteredMembers(), String.join(", ", r.deadLettered().entrySet().stream()
                        .map(entry -> String.format(Locale.ROOT, "%s %,d", entry.getKey(), entry.getValue()))
                        .toList()));
        String lost = r.lost() == 0 ? "0" : String.format(Locale.ROOT, "**%,d** (%,d in records redriven)",
                r.lost(), r.lostButRedriven());
        return String.format(Locale.ROOT,
                "| %s | %.1f s | %,.0f | %,.0f | %.0f%% | %,d / %,d (%,d) | %,d | %s | %s | %,d | %,d | %,d | %,.1f "
                        + "| %,.2f |",
                r.variant().name(), seconds(r.wall()), r.membersPerSecond(), r.ceilingMembersPerSecond(),
                r.percentOfCeiling(), r.callsAccepted(), r.callsSent(), r.workload().minimumCalls(), r.throttled(),
                deadLettered, lost, r.redeliveredRecords(), r.redrivenRecords(), r.invocations(),
                seconds(r.functionTime()), r.functionSecondsPerThousandMembers());
    }

    /**
     * Runs the variants whose names contain one of the arguments (all of {@link Benchmarks#WAVE} without arguments)
     * on the full workload, printing each row as it is measured.
     */
    public static void main(String[] args) {
        List<Variant> chosen = Benchmarks.WAVE.stream().filter(variant -> args.length == 0
                || List.of(args).stream().anyMatch(variant.name()::contains)).toList();
        Workload standard = Workload.onboarding();
        // -Dwave.membersPerMessage=100: the same wave in messages of another size
        Workload workload = new Workload(standard.channels(), standard.membersPerChannel(),
                Integer.getInteger("wave.membersPerMessage", standard.membersPerMessage()), standard.seed());
        List<Result> results = new ArrayList<>();
        try (ChimeEmulator chime = ChimeEmulator.start(); EmbeddedSqs sqs = EmbeddedSqs.start()) {
            for (Variant variant : chosen) {
                Result result = run(chime, sqs, workload, variant);
                results.add(result);
                System.out.println(row(result));
            }
        }
        System.out.println(report(workload, results));
    }

    private static void send(SqsClient sqs, SourceQueues queues, List<Request> requests) {
        for (int from = 0; from < requests.size(); from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (Request request : requests.subList(from, Math.min(from + 10, requests.size()))) {
                SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(entries.size())).messageBody(request.body());
                if (queues.fifo()) {
                    entry.messageGroupId(request.channelArn()).messageDeduplicationId(request.id());
                }
                entries.add(entry.build());
            }
            var result = sqs.sendMessageBatch(batch -> batch.queueUrl(queues.sourceUrl()).entries(entries));
            if (!result.failed().isEmpty()) {
                throw new IllegalStateException("SQS refused to send: " + result.failed());
            }
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}

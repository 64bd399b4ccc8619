package roommembership.bench;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChimeEmulator;
import roommembership.handler.Handlers;
import roommembership.handler.RoomMembershipHandler;
import roommembership.mapping.EventSourceMapping;
import roommembership.mapping.FailedMemberQueue;
import roommembership.mapping.SourceQueues;
import roommembership.mapping.TemplateSettings;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.testing.EmbeddedS3;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.SqsEvents;
import roommembership.testing.TestClients;
import roommembership.testing.TestContext;
import roommembership.wiring.Configuration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static roommembership.bench.OnboardingWave.APP_INSTANCE;
import static roommembership.bench.OnboardingWave.BEARER;

/**
 * A roster at scale: read and planned (a dry run in one invocation, the quotas out of the way, so that the figure is
 * the function's own cost), then applied as the template deploys the function (a standard source queue dispatching to
 * the target queue, both event sources at once, the published quotas held by the emulator), with every call counted
 * against the fewest the diff needs and the end state checked member by member.
 */
final class RosterBenchmark {
    private static final String BUCKET = "hr-rosters";
    /** The service model's largest page of ListChannelMemberships and ListChannelModerators. */
    private static final int PAGE = ChannelsApi.MAX_RESULTS;

    private RosterBenchmark() {
    }

    /**
     * Channels that each hold the first {@code present} of their roster's {@code members} and {@code leavers} more;
     * the roster names {@code administrators} members from {@code administratorsFrom} on as Administrator, and the
     * channel has {@code moderators} moderators now, from member {@code moderatorsFrom} on.
     */
    record Scenario(String name, String channelPrefix, int channels, int members, int present, int leavers,
                    int administratorsFrom, int administrators, int moderatorsFrom, int moderators) {

        String channelArn(int channel) {
            return APP_INSTANCE + "/channel/" + channelPrefix + "-" + channel;
        }

        String member(int member) {
            return APP_INSTANCE + "/user/staff-" + member;
        }

        String leaver(int leaver) {
            return APP_INSTANCE + "/user/leaver-" + leaver;
        }

        int lines() {
            return channels * members;
        }

        /** The members it asks for now, absent: the adds. */
        int adds() {
            return members - present;
        }

        boolean administrator(int member) {
            return member >= administratorsFrom && member < administratorsFrom + administrators;
        }

        boolean moderatorNow(int member) {
            return member >= moderatorsFrom && member < moderatorsFrom + moderators;
        }

        /** Administrators the roster names who are members now and do not moderate. */
        int promotions() {
            int count = 0;
            for (int member = 0; member < present; member++) {
                count += administrator(member) && !moderatorNow(member) ? 1 : 0;
            }
            return count;
        }

        /** Administrators the roster names who are not members yet: each is added, then made a moderator. */
        int newAdministrators() {
            int count = 0;
            for (int member = present; member < members; member++) {
                count += administrator(member) ? 1 : 0;
            }
            return count;
        }

        int demotions() {
            int count = 0;
            for (int member = 0; member < members; member++) {
                count += moderatorNow(member) && !administrator(member) ? 1 : 0;
            }
            return count;
        }

        /** The fewest write calls per channel: Σ⌈adds/100⌉, a removal, a promotion or a demotion each one call. */
        int minimumWritesPerChannel() {
            return ceilDiv(adds(), ChannelsApi.MAX_MEMBER_ARNS) + leavers + promotions() + newAdministrators()
                    + demotions();
        }

        /** The fewest reads per channel: its members of each type and its moderators, in pages of 50. */
        int minimumReadsPerChannel() {
            return Math.max(1, ceilDiv(present + leavers, PAGE)) + 1 + Math.max(1, ceilDiv(moderators, PAGE));
        }

        String roster() {
            StringBuilder roster = new StringBuilder(lines() * 160);
            for (int channel = 0; channel < channels; channel++) {
                for (int member = 0; member < members; member++) {
                    roster.append("{\"ChannelArn\":\"").append(channelArn(channel)).append("\",\"MemberArn\":\"")
                            .append(member(member)).append('"');
                    if (administrator(member)) {
                        roster.append(",\"Role\":\"Administrator\"");
                    }
                    roster.append("}\n");
                }
            }
            return roster.toString();
        }

        /** Adds to the emulator's state the AppInstance, the bearer, every user, and each channel as it is now. */
        void seed(ChimeEmulator chime) {
            ChannelsApi api = chime.channels();
            api.appInstance(APP_INSTANCE).user(BEARER);
            for (int member = 0; member < members; member++) {
                api.user(member(member));
            }
            for (int leaver = 0; leaver < leavers; leaver++) {
                api.user(leaver(leaver));
            }
            for (int channel = 0; channel < channels; channel++) {
                String arn = channelArn(channel);
                api.channel(arn);
                for (int member = 0; member < present; member++) {
                    api.member(arn, member(member), "DEFAULT");
                }
                for (int leaver = 0; leaver < leavers; leaver++) {
                    api.member(arn, leaver(leaver), "DEFAULT");
                }
                for (int member = moderatorsFrom; member < moderatorsFrom + moderators; member++) {
                    api.moderator(arn, member(member));
                }
            }
        }

        /** The members, by channel, that do not end as the roster says: absent, present too many, wrong role. */
        int wrong(ChimeEmulator chime) {
            int wrong = 0;
            for (int channel = 0; channel < channels; channel++) {
                Map<String, String> now = chime.channels().members(channelArn(channel));
                Set<String> moderatorsNow = chime.channels().moderators(channelArn(channel));
                wrong += Math.abs(now.size() - members);
                for (int member = 0; member < members; member++) {
                    wrong += now.containsKey(member(member)) ? 0 : 1;
                    wrong += moderatorsNow.contains(member(member)) == administrator(member) ? 0 : 1;
                }
                wrong += moderatorsNow.size() - (int) moderatorsNow.stream().filter(now::containsKey).count();
            }
            return wrong;
        }
    }

    /** A channel of 10,000 (its quota) whose roster turns 300 over and changes 40 roles. */
    static Scenario oneLargeChannel() {
        return new Scenario("one channel, 10,000 members", "roster", 1, 10_000, 9_700, 200, 0, 50, 20, 50);
    }

    /**
     * {@code channels} channels of 20 (2,000 by default), each with 2 joiners (one of them its administrator), 2
     * leavers and a demotion.
     */
    static Scenario manySmallChannels(int channels) {
        return new Scenario(String.format(Locale.ROOT, "%,d channels × 20 members", channels), "roster", channels, 20,
                18, 2, 19, 1, 5, 1);
    }

    /** {@code channels} channels of 20 like {@link #manySmallChannels(int)}'s, named apart from them. */
    static Scenario busyChannels(int channels) {
        return new Scenario(String.format(Locale.ROOT, "%,d channels × 20 members", channels), "busy", channels, 20,
                18, 2, 19, 1, 5, 1);
    }

    /**
     * @param beside a roster applied at the same time, sent after this one, to keep the other containers calling
     * @param planMillis the dry run's invocation, the quotas out of the way: reading the roster and every target,
     *                   and planning
     * @param planPeakHeapBytes the sum of the heap pools' peaks during it, after a GC before
     * @param writes the write calls the apply made (both rosters'), by operation; {@code reads} likewise
     * @param wrong members that did not end as the rosters say (0 when they were applied exactly)
     */
    record Result(Scenario scenario, Optional<Scenario> beside, int targetContainers, long rosterBytes,
                  double planMillis, long planPeakHeapBytes, Map<String, Integer> planReads, Duration applyWall,
                  Duration functionTime, int invocations, Map<String, Integer> writes, Map<String, Integer> reads,
                  int throttles, int letters, int wrong) {
        int totalWrites() {
            return writes.values().stream().mapToInt(Integer::intValue).sum();
        }

        int totalReads() {
            return reads.values().stream().mapToInt(Integer::intValue).sum();
        }

        List<Scenario> applied() {
            return beside.map(other -> List.of(scenario, other)).orElse(List.of(scenario));
        }

        String name() {
            return scenario.name() + beside.map(other -> ", beside " + other.name() + " (sent after it)").orElse("");
        }
    }

    /** @param targetContainers the target queue's event source's maximum concurrency (the template's: 5) */
    static Result run(ChimeEmulator chime, EmbeddedSqs sqs, EmbeddedS3 s3, Scenario scenario, int targetContainers) {
        return run(chime, sqs, s3, scenario, Optional.empty(), targetContainers);
    }

    /**
     * As {@link #run(ChimeEmulator, EmbeddedSqs, EmbeddedS3, Scenario, int)}, with a second roster, of other
     * channels, sent right after the first: its targets keep the other containers calling while the first is applied.
     */
    static Result run(ChimeEmulator chime, EmbeddedSqs sqs, EmbeddedS3 s3, Scenario scenario,
                      Optional<Scenario> beside, int targetContainers) {
        String roster = scenario.roster();
        s3.createBucket(BUCKET);
        s3.put(BUCKET, "dry-run/bench.jsonl", roster);
        s3.put(BUCKET, "rosters/bench.jsonl", roster);
        beside.ifPresent(other -> s3.put(BUCKET, "rosters/beside.jsonl", other.roster()));
        long rosterBytes = roster.length();
        roster = null;

        // The plan: a dry run in one invocation, with the quotas and the function's rates out of the way.
        chime.reset();
        scenario.seed(chime);
        chime.channels().stopEnforcingQuotas();
        double planMillis;
        long peak;
        String failedUrl = sqs.createQueue("roster-bench-failed");
        Map<Region, ChimeSdkMessagingClient> messaging = new ConcurrentHashMap<>();
        try (ChimeClient rooms = TestClients.chime(chime.endpoint())) {
            Map<String, String> env = new HashMap<>(Map.of(Configuration.DEAD_LETTER_QUEUE_URL, failedUrl,
                    Configuration.CHIME_BEARER_ARN, BEARER, Configuration.CHIME_MESSAGING_REGION, "us-east-1",
                    "AWS_REGION", TestClients.REGION.id(), Configuration.CHIME_BEARER_TPS, "10000",
                    Configuration.CHIME_CHANNEL_READ_TPS, "10000"));
            RoomMembershipHandler handler = Handlers.wired(Configuration.fromEnvironment(env), rooms,
                    region -> messaging.computeIfAbsent(region, r -> TestClients.messaging(chime.endpoint(), r)),
                    sqs.client(), RetryPolicy.standard(), () -> TestClients.s3(s3.endpoint()));
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
            SQSEvent dryRun = SqsEvents.batch().record("{\"Roster\":\"s3://" + BUCKET + "/dry-run/bench.jsonl\"}")
                    .build();
            System.gc();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            long started = System.nanoTime();
            SQSBatchResponse response = handler.handleRequest(dryRun, TestContext.withMinutesLeft(15));
            planMillis = (System.nanoTime() - started) / 1e6;
            peak = heap.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
            if (!response.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("the dry run was handed back");
            }
        } finally {
            messaging.values().forEach(ChimeSdkMessagingClient::close);
        }
        Map<String, Integer> planReads = chime.callCounts();

        // The apply, as deployed.
        chime.reset();
        scenario.seed(chime);
        beside.ifPresent(other -> other.seed(chime));
        TemplateSettings template = TemplateSettings.read(false);
        SourceQueues queues = SourceQueues.create(sqs.client(), false, template.maxReceiveCount(),
                template.visibilityTimeoutSeconds());
        FailedMemberQueue failed = FailedMemberQueue.create(sqs.client(), false);
        sqs.client().sendMessage(send -> send.queueUrl(queues.sourceUrl())
                .messageBody("{\"Roster\":\"s3://" + BUCKET + "/rosters/bench.jsonl\"}"));
        beside.ifPresent(other -> sqs.client().sendMessage(send -> send.queueUrl(queues.sourceUrl())
                .messageBody("{\"Roster\":\"s3://" + BUCKET + "/rosters/beside.jsonl\"}")));
        OnboardingWave.Variant variant = OnboardingWave.Variant.dispatching(targetContainers);
        EventSourceMapping.Run run = OnboardingWave.deployed(chime, sqs, variant, queues, failed,
                () -> TestClients.s3(s3.endpoint()));
        Map<String, Integer> writes = new TreeMap<>();
        Map<String, Integer> reads = new TreeMap<>();
        chime.callCounts().forEach((operation, count) ->
                (operation.startsWith("List") ? reads : writes).put(operation, count));
        int letters = sqs.drain(failed.url()).size();
        int wrong = scenario.wrong(chime) + beside.map(other -> other.wrong(chime)).orElse(0);
        return new Result(scenario, beside, targetContainers, rosterBytes, planMillis, peak, planReads, run.wall(),
                run.functionTime(), run.invocations().size(), writes, reads,
                (int) chime.channels().throttledAnswers(), letters, wrong + run.redriven().size());
    }

    static String report(List<Result> results) {
        StringBuilder out = new StringBuilder("""
                ### rosters at scale: planned (dry run, one invocation, quotas out of the way), then applied as deployed
                | roster | lines, bytes | plan: time, peak heap, reads | target containers | apply: wall, invocations, function time | write calls (fewest), every roster's | read calls (fewest) | throttled | letters | not as the rosters say |
                |---|---|---|---|---|---|---|---|---|---|
                """);
        for (Result r : results) {
            Scenario s = r.scenario();
            int fewestWrites = r.applied().stream().mapToInt(a -> a.channels() * a.minimumWritesPerChannel()).sum();
            int fewestReads = r.applied().stream().mapToInt(a -> a.channels() * a.minimumReadsPerChannel()).sum();
            int planReads = r.planReads().values().stream().mapToInt(Integer::intValue).sum();
            out.append(String.format(Locale.ROOT,
                    "| %s | %,d, %,d | %,.0f ms, %,.0f MiB, %,d | %d%s | %,.0f s, %,d, %,.0f s | %,d (%,d): %s "
                            + "| %,d (%,d): %s | %,d | %,d | %,d |%n",
                    r.name(), s.lines(), r.rosterBytes(), r.planMillis(), r.planPeakHeapBytes() / 1048576.0,
                    planReads, r.targetContainers(),
                    r.targetContainers() == TemplateSettings.Target.read().maxConcurrency() ? " (template)" : "",
                    seconds(r.applyWall()), r.invocations(), seconds(r.functionTime()), r.totalWrites(),
                    fewestWrites, compact(r.writes()), r.totalReads(), fewestReads, compact(r.reads()), r.throttles(), r.letters(),
                    r.wrong()));
        }
        return out.toString();
    }

    private static String compact(Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        new LinkedHashMap<>(counts).forEach((operation, count) -> parts.add(
                String.format(Locale.ROOT, "%s %,d", operation.replace("Channel", "").replace("Membership", ""),
                        count)));
        return String.join(", ", parts);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}

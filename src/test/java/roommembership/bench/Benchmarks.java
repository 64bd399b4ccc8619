package roommembership.bench;

import roommembership.emulator.ChimeEmulator;
import roommembership.emulator.MessagingQuotas;
import roommembership.mapping.TemplateSettings;
import roommembership.wiring.Configuration;
import roommembership.runtime.LambdaLaunch;
import roommembership.testing.EmbeddedS3;
import roommembership.testing.EmbeddedSqs;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Map;

/**
 * Every benchmark of BENCHMARKS.md in one run, printed as Markdown and written to {@code target/benchmarks.md}:
 * {@code mvn -Pbench -DskipTests verify}. With the argument {@code smoke}, each runs once at a tiny size, to show
 * the harness works; with {@code coldstart} ({@code -Dbench.mode=coldstart}), only the cold-start part runs; with
 * {@code wave} ({@code -Dbench.mode=wave}), only the onboarding wave; with {@code roster}, only the rosters at scale.
 */
public final class Benchmarks {
    /**
     * The onboarding wave's variants, in the order they run: the template's event source settings first. A variant's
     * {@code withEnv} sets any of the function's settings in every container.
     */
    static final List<OnboardingWave.Variant> WAVE = List.of(
            OnboardingWave.Variant.dispatching(TemplateSettings.Target.read().maxConcurrency()),
            OnboardingWave.Variant.dispatching(10),
            OnboardingWave.Variant.dispatching(2, 1000, Duration.ofSeconds(5), 5),
            OnboardingWave.Variant.template(false, 5),
            OnboardingWave.Variant.standard(2, 1000, Duration.ofSeconds(5)),
            OnboardingWave.Variant.fifo(10));

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "full";
        Path basedir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        Path scratch = Files.createTempDirectory("benchmarks");
        String report;
        try (ChimeEmulator chime = ChimeEmulator.start(); EmbeddedSqs sqs = EmbeddedSqs.start()) {
            report = switch (mode) {
                case "smoke" -> smoke(chime, sqs, basedir, scratch);
                case "full" -> full(chime, sqs, basedir, scratch);
                case "coldstart" -> environment() + "\n" + coldStart(chime, sqs, basedir, scratch);
                case "wave" -> environment() + "\n" + wave(chime, sqs);
                case "roster" -> environment() + "\n" + rosters(chime, sqs);
                default -> throw new IllegalArgumentException("mode is smoke, full, coldstart, wave or roster, not "
                        + mode);
            };
        }
        System.out.println(report);
        Path out = basedir.resolve("target").resolve(switch (mode) {
            case "smoke" -> "benchmarks-smoke.md";
            case "coldstart" -> "benchmarks-coldstart.md";
            case "wave" -> "benchmarks-wave.md";
            case "roster" -> "benchmarks-roster.md";
            default -> "benchmarks.md";
        });
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    static String smoke(ChimeEmulator chime, EmbeddedSqs sqs, Path basedir, Path scratch) throws Exception {
        List<String> out = new ArrayList<>();
        out.add(endToEnd("end to end", EndToEndBenchmark.run(chime, sqs, new Organisation(2, 60, 30), 1, 8, 0, 1)));
        out.add(endToEnd("end to end, channels",
                EndToEndBenchmark.run(chime, sqs, new ChannelOrganisation(2, 30, 60, 30), 1, 8, 0, 1)));
        out.add(footprint(Footprint.measure(chime, sqs, new Organisation(4, 10, 5))));
        out.add(planning(PlanningBenchmark.run(100, 5, 10, 1, 1)));
        try (EmbeddedS3 s3 = EmbeddedS3.start()) {
            out.add(RosterBenchmark.report(List.of(RosterBenchmark.run(chime, sqs, s3,
                    RosterBenchmark.manySmallChannels(3), TemplateSettings.Target.read().maxConcurrency()))));
        }
        OnboardingWave.Workload wave = new OnboardingWave.Workload(2, 200, 50, 1);
        out.add(OnboardingWave.report(wave, List.of(OnboardingWave.run(chime, sqs, wave,
                OnboardingWave.Variant.standard(2, 100, Duration.ofSeconds(1))))));
        ColdStartBenchmark cold = new ColdStartBenchmark(chime, sqs, basedir, scratch);
        List<ColdStartBenchmark.Result> results = cold.side(
                List.of(new ColdStartBenchmark.Variant("function, JVM defaults", "")),
                ColdStartBenchmark.boto3Available(), 1);
        out.add(coldStart(results));
        out.add(classLoading(List.of(cold.classLoading(roomsOnly("function, JVM defaults", "")))));
        out.add(breakdown(ColdStartBreakdown.measure(cold, roomsOnly("function, JVM defaults", ""), scratch, 1)));
        return String.join("\n", out);
    }

    static String full(ChimeEmulator chime, EmbeddedSqs sqs, Path basedir, Path scratch) throws Exception {
        List<String> out = new ArrayList<>();
        out.add(environment());
        // The shipped CHIME_MAX_TPS first; the first run's first invocation is this JVM's first use of the SDK clients.
        Organisation rooms = new Organisation(40, 250, 50);
        out.add(endToEnd("end to end, rooms, CHIME_MAX_TPS 20 (the default)",
                EndToEndBenchmark.run(chime, sqs, rooms, 20, 8, 20, 3)));
        out.add(endToEnd("end to end, rooms, no call-rate limit (CHIME_MAX_TPS 0)",
                EndToEndBenchmark.run(chime, sqs, rooms, 20, 8, 0, 7)));
        // 20 channels of 200 and 20 of 300: 10,000 members in Σ⌈n/100⌉ = 100 calls.
        ChannelOrganisation channels = new ChannelOrganisation(40, 200, 300, 50);
        // Channels keep to the published quotas, which the emulator holds: 100 calls at the bearer's 10 a second.
        out.add(endToEnd("end to end, channels, the published quotas (the default)",
                EndToEndBenchmark.run(chime, sqs, channels, 20, 8, 20, 3)));
        // What the function itself costs: quotas raised out of the way on both sides.
        chime.channels().stopEnforcingQuotas();
        out.add(endToEnd("end to end, channels, no call-rate limit (quotas raised to 10,000 a second)",
                EndToEndBenchmark.run(chime, sqs, channels, 20, 8, 0, 7, Map.of(Configuration.CHIME_BEARER_TPS,
                        "10000", Configuration.CHIME_CHANNEL_BATCH_ADD_TPS, "10000",
                        Configuration.CHIME_CHANNEL_WRITE_TPS, "10000", Configuration.CHIME_CHANNEL_READ_TPS, "10000"))));
        chime.channels().enforceQuotas(MessagingQuotas.published());
        out.add(planning(PlanningBenchmark.run(10_000, 5, 500, 10, 21)));
        out.add(wave(chime, sqs));
        out.add(rosters(chime, sqs));
        out.add(footprint(Footprint.measure(chime, sqs, new Organisation(500, 100, 5))));
        out.add(coldStart(chime, sqs, basedir, scratch));
        return String.join("\n", out);
    }

    /** The cold-start tables: the breakdown of the template's start, then whole starts side by side. */
    static String coldStart(ChimeEmulator chime, EmbeddedSqs sqs, Path basedir, Path scratch) throws Exception {
        List<String> out = new ArrayList<>();
        ColdStartBenchmark cold = new ColdStartBenchmark(chime, sqs, basedir, scratch);
        int runs = Integer.getInteger("bench.coldRuns", 7);
        String tiered = LambdaLaunch.javaToolOptionsFromTemplate(basedir.resolve("template.yaml"));
        Path archive = scratch.resolve("function.jsa");
        List<ColdStartBenchmark.Variant> variants = new ArrayList<>();
        // Earlier builds, for before/after in the same run: -Dbench.beforeJar=<jar>[|<jar>...]
        for (String before : System.getProperty("bench.beforeJar", "").split("\\|")) {
            if (before.isBlank()) {
                continue;
            }
            Path beforeJar = Path.of(before.trim());
            String label = beforeJar.getParent() == null ? beforeJar.toString()
                    : beforeJar.getParent().getFileName().toString();
            out.add(String.format(Locale.ROOT, "Earlier build `%s` for comparison: %,d bytes.%n", label,
                    Files.size(beforeJar)));
            variants.add(new ColdStartBenchmark.Variant("before: build `" + label + "`, " + tiered, tiered)
                    .withJar(beforeJar));
            variants.add(new ColdStartBenchmark.Variant("before: build `" + label + "`, template + priming at init",
                    tiered).withJar(beforeJar).withEnv(Map.of("PRIME_ON_INIT", "true")));
        }
        // The template's settings first, rooms only and then with a bearer; other settings after.
        ColdStartBenchmark.Variant template = roomsOnly("function, " + tiered + " (template)", tiered);
        ColdStartBenchmark.Variant withBearer = new ColdStartBenchmark.Variant(
                "function, template, CHIME_BEARER_ARN set, events/channel-batch.json", tiered)
                .withEvent(ColdStartBenchmark.SampleEvent.CHANNEL_BATCH);
        out.add(breakdown(ColdStartBreakdown.measure(cold, template, scratch, Integer.getInteger("bench.stepRuns", 5))));
        variants.add(template);
        variants.add(roomsOnly("function, template, unpacked in LAMBDA_TASK_ROOT (the zip sam build makes)", tiered)
                .withLayout(ColdStartBenchmark.Layout.TASK_ROOT_UNPACKED));
        variants.add(withBearer);
        variants.add(new ColdStartBenchmark.Variant("function, JVM defaults", ""));
        // Options to try beside the template's, separated by '|': -Dbench.tryOptions="-XX:+UseSerialGC|-Xss512k"
        for (String option : System.getProperty("bench.tryOptions", "").split("\\|")) {
            if (!option.isBlank()) {
                variants.add(new ColdStartBenchmark.Variant("function, template + " + option.trim(),
                        tiered + " " + option.trim()));
            }
        }
        cold.train(tiered + " -XX:ArchiveClassesAtExit=" + archive);
        if (Files.exists(archive)) {
            variants.add(new ColdStartBenchmark.Variant("function, template + AppCDS archive",
                    tiered + " -XX:SharedArchiveFile=" + archive));
        }
        variants.add(new ColdStartBenchmark.Variant(
                "function, template + priming at init (what a SnapStart snapshot holds)", tiered)
                .withEnv(Map.of("PRIME_ON_INIT", "true")));
        variants.add(ColdStartBreakdown.bare(new ColdStartBenchmark.Variant(
                "floor: a handler that only answers {\"batchItemFailures\":[]}, same jar and runtime client", tiered),
                scratch));
        List<ColdStartBenchmark.Result> results = cold.side(variants, ColdStartBenchmark.boto3Available(), runs);
        out.add(coldStart(results));
        out.add(classLoading(List.of(cold.classLoading(template), cold.classLoading(withBearer))));
        return String.join("\n", out);
    }

    /** The onboarding wave, every variant of {@link #WAVE} on the full workload. */
    static String wave(ChimeEmulator chime, EmbeddedSqs sqs) {
        OnboardingWave.Workload workload = OnboardingWave.Workload.onboarding();
        List<OnboardingWave.Result> results = new ArrayList<>();
        for (OnboardingWave.Variant variant : WAVE) {
            results.add(OnboardingWave.run(chime, sqs, workload, variant));
        }
        // The same wave with a channel's members in messages of 100, one call's worth each.
        OnboardingWave.Workload fuller = new OnboardingWave.Workload(workload.channels(), workload.membersPerChannel(),
                100, workload.seed());
        List<OnboardingWave.Result> fullerResults = List.of(
                OnboardingWave.run(chime, sqs, fuller,
                        OnboardingWave.Variant.dispatching(TemplateSettings.Target.read().maxConcurrency())),
                OnboardingWave.run(chime, sqs, fuller, OnboardingWave.Variant.template(false, 5)),
                OnboardingWave.run(chime, sqs, fuller, OnboardingWave.Variant.fifo(10)));
        return OnboardingWave.report(workload, results) + "\n" + OnboardingWave.report(fuller, fullerResults);
    }

    /**
     * Rosters at scale, each planned and then applied as deployed: 2,000 channels of 20 ({@code -Dbench.rosterChannels}
     * for another count, 0 for none), and one channel of 10,000, at the template's target-queue concurrency and at the
     * least it allows, 2: alone, and while a roster of 200 other channels keeps the other containers calling.
     */
    static String rosters(ChimeEmulator chime, EmbeddedSqs sqs) {
        int template = TemplateSettings.Target.read().maxConcurrency();
        int channels = Integer.getInteger("bench.rosterChannels", 2_000);
        try (EmbeddedS3 s3 = EmbeddedS3.start()) {
            List<RosterBenchmark.Result> results = new ArrayList<>();
            if (channels > 0) {
                results.add(RosterBenchmark.run(chime, sqs, s3, RosterBenchmark.manySmallChannels(channels), template));
            }
            int least = TemplateSettings.Target.read().minConcurrency();
            Optional<RosterBenchmark.Scenario> busy = Optional.of(RosterBenchmark.busyChannels(200));
            results.add(RosterBenchmark.run(chime, sqs, s3, RosterBenchmark.oneLargeChannel(), template));
            results.add(RosterBenchmark.run(chime, sqs, s3, RosterBenchmark.oneLargeChannel(), least));
            results.add(RosterBenchmark.run(chime, sqs, s3, RosterBenchmark.oneLargeChannel(), busy, template));
            results.add(RosterBenchmark.run(chime, sqs, s3, RosterBenchmark.oneLargeChannel(), busy, least));
            return RosterBenchmark.report(results);
        }
    }

    private static ColdStartBenchmark.Variant roomsOnly(String name, String javaToolOptions) {
        return new ColdStartBenchmark.Variant(name + ", CHIME_BEARER_ARN unset", javaToolOptions);
    }

    private static String environment() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return String.format(Locale.ROOT, "Run %s on %s %s, %d cores, Java %s (%s).%n", LocalDate.now(ZoneOffset.UTC),
                os.getName(), os.getArch(), os.getAvailableProcessors(), Runtime.version(),
                System.getProperty("java.vm.name"));
    }

    private static String endToEnd(String title, EndToEndBenchmark.Result r) {
        return String.format(Locale.ROOT, """
                ### %s
                | figure | value |
                |---|---|
                | requests, %s | %,d over %d %s |
                | Chime calls (Σ⌈n/%d⌉) | %,d (expected %,d) |
                | concurrency, latency per call | %d, %d ms |
                | ideal ⌈calls/concurrency⌉ × latency | %,.0f ms |
                | first (cold) invocation | %,.0f ms |
                | warm invocation | %s |
                | warm median / ideal | %.2f× |
                """, title, r.conversationKind(), r.requests(), r.conversations(), r.conversationKind(),
                r.membersPerCall(), r.calls(), r.expectedCalls(), r.concurrency(),
                r.latencyMillis(), r.idealMillis(), r.coldMillis(), r.warmMillis().format("ms", 0),
                r.warmMillis().median() / r.idealMillis());
    }

    private static String planning(PlanningBenchmark.Result r) {
        return String.format(Locale.ROOT, """
                ### planning (parse + group + chunk), one thread
                | figure | value |
                |---|---|
                | event | %,d records, %,d member requests, %d rooms → %,d chunks |
                | throughput | %s |
                """, r.records(), r.requests(), r.rooms(), r.chunks(), r.requestsPerSecond().format("requests/s", 0));
    }

    private static String footprint(Footprint.Result r) {
        return String.format(Locale.ROOT, """
                ### artifact and heap
                | figure | value |
                |---|---|
                | target/room-membership.jar | %,d bytes |
                | event | %,d records, %,d member requests |
                | heap in use before the invocation (after a GC; the event included) | %,.1f MiB |
                | peak heap during the invocation (sum of the heap pools' peaks) | %,.1f MiB |
                """, r.jarBytes(), r.records(), r.requests(), r.heapBeforeBytes() / 1048576.0,
                r.peakHeapBytes() / 1048576.0);
    }

    private static String classLoading(List<ColdStartBenchmark.ClassLoading> results) {
        StringBuilder out = new StringBuilder("""
                ### classes loaded by one cold start (-Xlog:class+load)
                | how | classes loaded | of them %s* |
                |---|---|---|
                """.formatted(ColdStartBenchmark.MESSAGING_PACKAGE));
        for (ColdStartBenchmark.ClassLoading r : results) {
            out.append(String.format(Locale.ROOT, "| %s | %,d | %,d |%n", r.name(), r.loaded(), r.messaging()));
        }
        return out.toString();
    }

    private static String breakdown(ColdStartBreakdown.Result r) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, """
                ### cold start, step by step: %s, events/hr-batch.json
                | step | time | classes loaded |
                |---|---|---|
                """, r.name()));
        for (ColdStartBreakdown.Step step : r.steps()) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %,d |%n", step.name(), step.millis().format("ms", 1),
                    step.classes()));
        }
        out.append(String.format(Locale.ROOT, "| **process start → response** | %s | %,d |%n",
                r.totalMillis().format("ms", 0), r.totalClasses()));
        return out.toString();
    }

    private static String coldStart(List<ColdStartBenchmark.Result> results) {
        StringBuilder out = new StringBuilder("""
                ### cold start: process start → first response, events/hr-batch.json unless the row names another
                | how | start → response | init (start → first poll) | first invocation (poll → response) |
                |---|---|---|---|
                """);
        for (ColdStartBenchmark.Result r : results) {
            out.append("| ").append(r.name()).append(" | ").append(r.totalMillis().format("ms", 0)).append(" | ")
                    .append(r.initMillis() == null ? "–" : r.initMillis().format("ms", 0)).append(" | ")
                    .append(r.invocationMillis() == null ? "–" : r.invocationMillis().format("ms", 0)).append(" |\n");
        }
        return out.toString();
    }
}

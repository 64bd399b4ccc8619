package roommembership.bench;

import roommembership.handler.ColdStartSteps;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One cold start cut into steps: the function jar with {@link ColdStartSteps} added runs under the runtime interface
 * client on the sample event, and the marks it takes (monotonic clock, shared with this process) are turned into the
 * time of each step, from process start to the response received here. One more start with
 * {@code -Xlog:class+load} counts the classes loaded between the marks.
 */
final class ColdStartBreakdown {
    static final String HANDLER = "roommembership.handler.ColdStartSteps::handleRequest";
    static final String BARE_HANDLER = "roommembership.handler.ColdStartSteps$Bare::handleRequest";
    private static final String INTERCEPTORS = "software/amazon/awssdk/global/handlers/execution.interceptors";
    private static final Pattern MARKER = Pattern.compile("roommembership\\.handler\\.ColdStartSteps\\$M(\\d\\d) ");
    static final String FIRST_STEP = "JVM and runtime client up, handler class loaded";
    static final String LAST_STEP = "runtime client: response posted, received by the caller";

    /** A step: its median time over the runs, with the spread, and the classes loaded during it. */
    record Step(String name, Stats millis, int classes) {
    }

    record Result(String name, List<Step> steps, Stats totalMillis, int totalClasses) {
    }

    private ColdStartBreakdown() {
    }

    /** The variant with a handler that does nothing: the runtime's floor, in the same jar, settings and layout. */
    static ColdStartBenchmark.Variant bare(ColdStartBenchmark.Variant variant, Path scratch) throws Exception {
        Path jar = withSteps(variant.jar(), scratch.resolve("with-bare-" + System.nanoTime() + ".jar"));
        return variant.withHandler(jar, BARE_HANDLER);
    }

    static Result measure(ColdStartBenchmark cold, ColdStartBenchmark.Variant variant, Path scratch, int runs)
            throws Exception {
        Path jar = withSteps(variant.jar(), scratch.resolve("with-steps-" + System.nanoTime() + ".jar"));
        ColdStartBenchmark.Variant steps = variant.withHandler(jar, HANDLER);
        Map<String, List<Double>> times = new LinkedHashMap<>();
        List<Double> totals = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            Path marks = scratch.resolve("marks-" + System.nanoTime() + ".tsv");
            ColdStartBenchmark.Timing timing =
                    cold.functionOnce(steps.withEnv(Map.of("COLD_START_MARKS", marks.toString())), "steps-" + run);
            List<Mark> read = read(marks);
            long previous = timing.started();
            add(times, FIRST_STEP, read.get(0).nanos - previous);
            for (int i = 1; i < read.size(); i++) {
                add(times, read.get(i).step, read.get(i).nanos - read.get(i - 1).nanos);
            }
            add(times, LAST_STEP, timing.answered() - read.get(read.size() - 1).nanos);
            totals.add(timing.totalMillis());
        }
        Map<String, Integer> classes = classes(cold, steps, scratch);
        List<Step> result = new ArrayList<>();
        int totalClasses = 0;
        for (Map.Entry<String, List<Double>> step : times.entrySet()) {
            int loaded = classes.getOrDefault(step.getKey(), 0);
            totalClasses += loaded;
            result.add(new Step(step.getKey(), Stats.of(step.getValue()), loaded));
        }
        return new Result(variant.name(), result, Stats.of(totals), totalClasses);
    }

    private static void add(Map<String, List<Double>> times, String step, long nanos) {
        times.computeIfAbsent(step, ignored -> new ArrayList<>()).add(nanos / 1e6);
    }

    private record Mark(long nanos, String step) {
    }

    private static List<Mark> read(Path marks) throws IOException {
        if (!Files.exists(marks)) {
            throw new IllegalStateException("the function wrote no marks to " + marks);
        }
        List<Mark> out = new ArrayList<>();
        for (String line : Files.readAllLines(marks, StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            out.add(new Mark(Long.parseLong(line.substring(0, tab)), line.substring(tab + 1)));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no marks in " + marks);
        }
        return out;
    }

    /**
     * Classes loaded per step, from one start with {@code -Xlog:class+load}: the lines before the first marker class
     * belong to the first step, those between marker n-1 and n to mark n's step, the rest (up to the process's end)
     * to the last. The marker classes themselves are not counted. Steps that overlap on several threads (the calls)
     * share their classes by time.
     */
    private static Map<String, Integer> classes(ColdStartBenchmark cold, ColdStartBenchmark.Variant steps,
                                                Path scratch) throws Exception {
        Path log = scratch.resolve("steps-class-load-" + System.nanoTime() + ".txt");
        Path marks = scratch.resolve("steps-class-load-marks-" + System.nanoTime() + ".tsv");
        cold.functionOnce(steps.withJavaToolOptions("-Xlog:class+load:file=" + log)
                .withEnv(Map.of("COLD_START_MARKS", marks.toString())), "steps-class-load");
        List<Mark> read = read(marks);
        int[] counts = new int[read.size() + 1];
        int current = 0;
        try (Stream<String> lines = Files.lines(log)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.contains("[class,load]")) {
                    continue;
                }
                Matcher marker = MARKER.matcher(line);
                if (marker.find()) {
                    current = Integer.parseInt(marker.group(1)) + 1;
                    continue;
                }
                counts[Math.min(current, counts.length - 1)]++;
            }
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        out.merge(FIRST_STEP, counts[0], Integer::sum);
        for (int i = 1; i < read.size(); i++) {
            out.merge(read.get(i).step, counts[i], Integer::sum);
        }
        out.merge(LAST_STEP, counts[read.size()], Integer::sum);
        return out;
    }

    /**
     * The function jar with the step harness's classes added, and the SDK's global interceptor list naming the harness's
     * first-call interceptor: the function's own classes and settings, unchanged.
     */
    static Path withSteps(Path functionJar, Path out) throws IOException, URISyntaxException {
        Path testClasses = Path.of(ColdStartSteps.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path handlerPackage = testClasses.resolve("roommembership/handler");
        Set<String> written = new HashSet<>();
        try (JarFile in = new JarFile(functionJar.toFile());
             JarOutputStream jar = new JarOutputStream(Files.newOutputStream(out))) {
            if (in.getEntry(INTERCEPTORS) != null) {
                throw new IllegalStateException(functionJar + " has a global interceptor list of its own");
            }
            for (JarEntry entry : (Iterable<JarEntry>) in.stream()::iterator) {
                if (!written.add(entry.getName())) {
                    continue;
                }
                jar.putNextEntry(new JarEntry(entry.getName()));
                if (!entry.isDirectory()) {
                    try (InputStream content = in.getInputStream(entry)) {
                        content.transferTo(jar);
                    }
                }
                jar.closeEntry();
            }
            try (Stream<Path> files = Files.list(handlerPackage)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("ColdStartSteps"))
                        .sorted().toList()) {
                    jar.putNextEntry(new JarEntry("roommembership/handler/" + file.getFileName()));
                    Files.copy(file, jar);
                    jar.closeEntry();
                }
            }
            jar.putNextEntry(new JarEntry(INTERCEPTORS));
            OutputStream body = jar;
            body.write((ColdStartSteps.FirstCalls.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return out;
    }
}

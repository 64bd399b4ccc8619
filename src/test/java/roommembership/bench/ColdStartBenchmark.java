package roommembership.bench;

import roommembership.emulator.ChimeEmulator;
import roommembership.runtime.LambdaLaunch;
import roommembership.runtime.LambdaRuntimeApi;
import roommembership.testing.Directory;
import roommembership.testing.EmbeddedSqs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Cold start: a fresh JVM running the packaged jar under the Lambda runtime interface client, from process start to
 * the first response for a small event; and, on the same event and servers, a Python script with boto3 doing the
 * same grouping and calls, from process start to its last call.
 */
final class ColdStartBenchmark {
    /** A sample event of {@code events/}, and what the emulator and the dead-letter queue hold once it is done. */
    enum SampleEvent {
        /** Rooms only: the engineering room ends with 120 members, two members are dead-lettered. */
        HR_BATCH("events/hr-batch.json", Map.of()),
        /** Channels, with the function's bearer: new-joiners ends with 151 members, three are dead-lettered. */
        CHANNEL_BATCH("events/channel-batch.json",
                Map.of("CHIME_BEARER_ARN", Directory.BEARER, "CHIME_MESSAGING_REGION", "us-east-1"));

        final String file;
        final Map<String, String> settings;

        SampleEvent(String file, Map<String, String> settings) {
            this.file = file;
            this.settings = settings;
        }
    }

    /**
     * One way of starting the function: a name, its {@code JAVA_TOOL_OPTIONS}, its environment, jar and event, the
     * handler (blank: the template's) and where its classes are.
     */
    record Variant(String name, String javaToolOptions, Map<String, String> env, Path jar, SampleEvent event,
                   String handler, Layout layout) {
        Variant(String name, String javaToolOptions) {
            this(name, javaToolOptions, Map.of(), LambdaLaunch.functionJar(), SampleEvent.HR_BATCH, "",
                    Layout.CLASS_PATH);
        }

        Variant withEnv(Map<String, String> extra) {
            Map<String, String> merged = new LinkedHashMap<>(env);
            merged.putAll(extra);
            return new Variant(name, javaToolOptions, Map.copyOf(merged), jar, event, handler, layout);
        }

        Variant withJar(Path other) {
            return new Variant(name, javaToolOptions, env, other, event, handler, layout);
        }

        Variant withEvent(SampleEvent other) {
            return new Variant(name, javaToolOptions, env, jar, other, handler, layout);
        }

        Variant withHandler(Path otherJar, String otherHandler) {
            return new Variant(name, javaToolOptions, env, otherJar, event, otherHandler, layout);
        }

        Variant withJavaToolOptions(String more) {
            return new Variant(name, (javaToolOptions + " " + more).trim(), env, jar, event, handler, layout);
        }

        Variant withLayout(Layout other) {
            return new Variant(name, javaToolOptions, env, jar, event, handler, other);
        }
    }

    /** Where the function's classes are when the runtime client starts. */
    enum Layout {
        /** The jar on the JVM's class path, beside the runtime client. */
        CLASS_PATH,
        /** The jar's entries unpacked in {@code LAMBDA_TASK_ROOT}, as Lambda unpacks the zip {@code sam build} makes. */
        TASK_ROOT_UNPACKED
    }

    /** One cold start in the parent's {@link System#nanoTime()}: process started, first poll (init done), answer. */
    record Timing(long started, long initDone, long answered) {
        double totalMillis() {
            return (answered - started) / 1e6;
        }

        double initMillis() {
            return (initDone - started) / 1e6;
        }
    }

    /** The classes one cold start loaded, and how many of them are of the messaging client's package. */
    record ClassLoading(String name, int loaded, int messaging) {
    }

    static final String MESSAGING_PACKAGE = "software.amazon.awssdk.services.chimesdkmessaging.";

    /** Start to first response; the part before the runtime asked for its first event (init); and the rest. */
    record Result(String name, Stats totalMillis, Stats initMillis, Stats invocationMillis) {
    }

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final ChimeEmulator chime;
    private final EmbeddedSqs sqs;
    private final Path basedir;
    private final Path scratch;
    private final String deadLetters;
    private final String handler;
    private final Map<SampleEvent, String> events = new EnumMap<>(SampleEvent.class);

    ColdStartBenchmark(ChimeEmulator chime, EmbeddedSqs sqs, Path basedir, Path scratch) throws IOException {
        this.chime = chime;
        this.sqs = sqs;
        this.basedir = basedir;
        this.scratch = scratch;
        this.deadLetters = sqs.createQueue("cold-start-failed-members");
        this.handler = LambdaLaunch.handlerFromTemplate(basedir.resolve("template.yaml"));
        for (SampleEvent event : SampleEvent.values()) {
            events.put(event, Files.readString(basedir.resolve(event.file)));
        }
    }

    /**
     * Each variant (and the boto3 script, if asked) started {@code runs} times, in turns: run 1 of each, then run 2
     * of each, and so on, so that a drift of the machine's speed during the run affects every row alike.
     */
    List<Result> side(List<Variant> variants, boolean withBoto3, int runs) throws Exception {
        int rows = variants.size() + (withBoto3 ? 1 : 0);
        List<List<Double>> totals = new ArrayList<>();
        List<List<Double>> inits = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            totals.add(new ArrayList<>());
            inits.add(new ArrayList<>());
        }
        for (int run = 0; run < runs; run++) {
            for (int row = 0; row < variants.size(); row++) {
                Timing timing = functionOnce(variants.get(row), "run-" + run);
                totals.get(row).add(timing.totalMillis());
                inits.get(row).add(timing.initMillis());
            }
            if (withBoto3) {
                totals.get(rows - 1).add(boto3Once());
            }
        }
        List<Result> results = new ArrayList<>();
        for (int row = 0; row < variants.size(); row++) {
            List<Double> invocations = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                invocations.add(totals.get(row).get(run) - inits.get(row).get(run));
            }
            results.add(new Result(variants.get(row).name(), Stats.of(totals.get(row)), Stats.of(inits.get(row)),
                    Stats.of(invocations)));
        }
        if (withBoto3) {
            results.add(new Result(BOTO3, Stats.of(totals.get(rows - 1)), null, null));
        }
        return results;
    }

    static final String BOTO3 = "Python 3 + boto3 script";

    /** Runs the function once with these options so that it exits; used to write an AppCDS archive at exit. */
    void train(String javaToolOptions) throws Exception {
        functionOnce(new Variant("training", javaToolOptions), "training");
    }

    /**
     * One cold start with {@code -Xlog:class+load}: every class the JVM loaded, and those of the messaging client,
     * of which a function without a bearer is to load none.
     */
    ClassLoading classLoading(Variant variant) throws Exception {
        Path log = scratch.resolve("class-load-" + System.nanoTime() + ".txt");
        functionOnce(variant.withJavaToolOptions("-Xlog:class+load:file=" + log), "class-load");
        List<String> loaded;
        try (var lines = Files.lines(log)) {
            loaded = lines.filter(line -> line.contains("[class,load]")).toList();
        }
        int messaging = (int) loaded.stream().filter(line -> line.contains(" " + MESSAGING_PACKAGE)).count();
        return new ClassLoading(variant.name(), loaded.size(), messaging);
    }

    Timing functionOnce(Variant variant, String name) throws Exception {
        reset();
        Path taskRoot = switch (variant.layout()) {
            case CLASS_PATH -> Files.createDirectories(scratch.resolve(name + "-" + System.nanoTime()));
            case TASK_ROOT_UNPACKED -> unpacked(variant.jar());
        };
        try (LambdaRuntimeApi api = new LambdaRuntimeApi(LambdaLaunch.FUNCTION_ARN, WAIT).start()) {
            CompletableFuture<LambdaRuntimeApi.Result> response = api.invoke(events.get(variant.event()));
            String handlerName = variant.handler().isBlank() ? handler : variant.handler();
            List<String> command = variant.layout() == Layout.CLASS_PATH
                    ? LambdaLaunch.command(List.of(), handlerName, variant.jar())
                    : LambdaLaunch.commandForTaskRoot(List.of(), handlerName);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(taskRoot.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(scratch.resolve(name + ".log").toFile());
            Map<String, String> env = builder.environment();
            LambdaLaunch.clearInherited(env);
            env.putAll(LambdaLaunch.environment(api.hostAndPort(), handlerName, taskRoot, scratch, chime.endpoint(),
                    sqs.endpoint()));
            env.put("DEAD_LETTER_QUEUE_URL", deadLetters);
            if (!variant.event().settings.isEmpty()) {
                env.put("AWS_ENDPOINT_URL_CHIME_SDK_MESSAGING", chime.endpoint().toString());
                env.putAll(variant.event().settings);
            }
            env.putAll(variant.env());
            if (!variant.javaToolOptions().isBlank()) {
                env.put("JAVA_TOOL_OPTIONS", variant.javaToolOptions());
            }
            long started = System.nanoTime();
            Process process = builder.start();
            try {
                CompletableFuture<Long> initDone = api.firstPoll().thenApply(ignored -> System.nanoTime());
                // A process that ends before it answers (a JVM option it refuses, say) fails the run at once.
                CompletableFuture.anyOf(response, process.onExit()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                if (!response.isDone()) {
                    throw new IllegalStateException("the function's process ended (exit " + process.exitValue()
                            + ") before it answered; see " + scratch.resolve(name + ".log"));
                }
                LambdaRuntimeApi.Result result = response.join();
                long answered = System.nanoTime();
                if (result.isError()) {
                    throw new IllegalStateException("the function failed: " + result.body());
                }
                if (!variant.handler().equals(ColdStartBreakdown.BARE_HANDLER)) {
                    checkTheJobWasDone(variant.event());
                } else if (!result.body().equals("{\"batchItemFailures\":[]}")) {
                    throw new IllegalStateException("the bare handler answered " + result.body());
                }
                return new Timing(started, initDone.join(), answered);
            } finally {
                // SIGTERM, as Lambda ends an environment: the JVM runs its shutdown hooks.
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    private final Map<String, Path> taskRoots = new HashMap<>();

    /** The jar's entries unpacked in a task root, once per jar and run. */
    private Path unpacked(Path jar) throws IOException {
        Path existing = taskRoots.get(jar.toAbsolutePath().toString());
        if (existing != null) {
            return existing;
        }
        Path root = Files.createDirectories(scratch.resolve("task-root-" + taskRoots.size()));
        try (JarFile in = new JarFile(jar.toFile())) {
            for (JarEntry entry : (Iterable<JarEntry>) in.stream()::iterator) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("entry outside the task root: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream content = in.getInputStream(entry)) {
                        Files.copy(content, target);
                    }
                }
            }
        }
        taskRoots.put(jar.toAbsolutePath().toString(), root);
        return root;
    }

    /** The boto3 script once, from process start to its last call, in milliseconds. */
    private double boto3Once() throws Exception {
        reset();
        ProcessBuilder builder = new ProcessBuilder("python3",
                basedir.resolve("src/test/python/boto3_reference.py").toString(),
                basedir.resolve("events/hr-batch.json").toString(), deadLetters)
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        LambdaLaunch.clearInherited(env);
        env.putAll(LambdaLaunch.environment("127.0.0.1:9", handler, scratch, scratch, chime.endpoint(),
                sqs.endpoint()));
        long started = System.nanoTime();
        Process process = builder.start();
        String last = "";
        double millis;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("done")) {
                last = line;
            }
            long done = System.nanoTime();
            if (line == null) {
                throw new IllegalStateException("the boto3 script ended without finishing: " + last);
            }
            millis = (done - started) / 1e6;
        }
        process.waitFor(30, TimeUnit.SECONDS);
        checkTheJobWasDone(SampleEvent.HR_BATCH);
        return millis;
    }

    static boolean boto3Available() {
        try {
            Process probe = new ProcessBuilder("python3", "-c", "import boto3").redirectErrorStream(true).start();
            return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private void reset() {
        chime.reset();
        Directory.seed(chime);
        sqs.drain(deadLetters);
    }

    /** A timing only counts if the run did the job: the sample batch's members added and its letters sent. */
    private void checkTheJobWasDone(SampleEvent event) {
        int letters = sqs.drain(deadLetters).size();
        boolean done = switch (event) {
            case HR_BATCH -> chime.members(Directory.ACME, Directory.ENGINEERING).size() == 120 && letters == 2;
            case CHANNEL_BATCH -> chime.channels().members(Directory.NEW_JOINERS).size() == 151 && letters == 3;
        };
        if (!done) {
            throw new IllegalStateException("the run of " + event.file + " did not do the job: " + letters
                    + " dead letters, engineering " + chime.members(Directory.ACME, Directory.ENGINEERING).size()
                    + ", new-joiners " + chime.channels().members(Directory.NEW_JOINERS).size());
        }
    }

    static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package roommembership.bench;

import roommembership.emulator.ChimeEmulator;
import roommembership.runtime.LambdaLaunch;
import roommembership.runtime.LambdaRuntimeApi;
import roommembership.testing.Directory;
import roommembership.testing.EmbeddedSqs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cold start: a fresh JVM running the packaged jar under the Lambda runtime interface client, from process start to
 * the first response for a small event; and, on the same event and servers, a Python script with boto3 doing the
 * same grouping and calls, from process start to its last call.
 */
final class ColdStartBenchmark {
    /** One way of starting the function: a name, its {@code JAVA_TOOL_OPTIONS}, its environment and its jar. */
    record Variant(String name, String javaToolOptions, Map<String, String> env, Path jar) {
        Variant(String name, String javaToolOptions) {
            this(name, javaToolOptions, Map.of(), LambdaLaunch.functionJar());
        }

        Variant withEnv(Map<String, String> extra) {
            return new Variant(name, javaToolOptions, extra, jar);
        }

        Variant withJar(Path other) {
            return new Variant(name, javaToolOptions, env, other);
        }
    }

    /** Start to first response; the part before the runtime asked for its first event (init); and the rest. */
    record Result(String name, Stats totalMillis, Stats initMillis, Stats invocationMillis) {
    }

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String EXPECTED_DEAD_LETTERS = "2";

    private final ChimeEmulator chime;
    private final EmbeddedSqs sqs;
    private final Path basedir;
    private final Path scratch;
    private final String deadLetters;
    private final String handler;
    private final String event;

    ColdStartBenchmark(ChimeEmulator chime, EmbeddedSqs sqs, Path basedir, Path scratch) throws IOException {
        this.chime = chime;
        this.sqs = sqs;
        this.basedir = basedir;
        this.scratch = scratch;
        this.deadLetters = sqs.createQueue("cold-start-failed-members");
        this.handler = LambdaLaunch.handlerFromTemplate(basedir.resolve("template.yaml"));
        this.event = Files.readString(basedir.resolve("events/hr-batch.json"));
    }

    Result function(Variant variant, int runs) throws Exception {
        List<Double> totals = new ArrayList<>();
        List<Double> inits = new ArrayList<>();
        List<Double> invocations = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            double[] times = functionOnce(variant, "run-" + run);
            totals.add(times[0]);
            inits.add(times[1]);
            invocations.add(times[0] - times[1]);
        }
        return new Result(variant.name(), Stats.of(totals), Stats.of(inits), Stats.of(invocations));
    }

    /** Runs the function once with these options so that it exits; used to write an AppCDS archive at exit. */
    void train(String javaToolOptions) throws Exception {
        functionOnce(new Variant("training", javaToolOptions), "training");
    }

    private double[] functionOnce(Variant variant, String name) throws Exception {
        reset();
        Path taskRoot = Files.createDirectories(scratch.resolve(name + "-" + System.nanoTime()));
        try (LambdaRuntimeApi api = new LambdaRuntimeApi(LambdaLaunch.FUNCTION_ARN, WAIT).start()) {
            CompletableFuture<LambdaRuntimeApi.Result> response = api.invoke(event);
            ProcessBuilder builder = new ProcessBuilder(LambdaLaunch.command(List.of(), handler, variant.jar()))
                    .directory(taskRoot.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(scratch.resolve(name + ".log").toFile());
            Map<String, String> env = builder.environment();
            LambdaLaunch.clearInherited(env);
            env.putAll(LambdaLaunch.environment(api.hostAndPort(), handler, taskRoot, scratch, chime.endpoint(),
                    sqs.endpoint()));
            env.put("DEAD_LETTER_QUEUE_URL", deadLetters);
            env.putAll(variant.env());
            if (!variant.javaToolOptions().isBlank()) {
                env.put("JAVA_TOOL_OPTIONS", variant.javaToolOptions());
            }
            long started = System.nanoTime();
            Process process = builder.start();
            try {
                CompletableFuture<Long> initDone = api.firstPoll().thenApply(ignored -> System.nanoTime());
                LambdaRuntimeApi.Result result = response.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                long answered = System.nanoTime();
                if (result.isError()) {
                    throw new IllegalStateException("the function failed: " + result.body());
                }
                checkTheJobWasDone();
                return new double[] {(answered - started) / 1e6, (initDone.join() - started) / 1e6};
            } finally {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    Result boto3(int runs) throws Exception {
        List<Double> totals = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
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
                totals.add((done - started) / 1e6);
            }
            process.waitFor(30, TimeUnit.SECONDS);
            checkTheJobWasDone();
        }
        return new Result("Python 3 + boto3 script", Stats.of(totals), null, null);
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

    /** A timing only counts if the run did the job: the sample batch's members added and its two letters sent. */
    private void checkTheJobWasDone() {
        int engineering = chime.members(Directory.ACME, Directory.ENGINEERING).size();
        int letters = sqs.drain(deadLetters).size();
        if (engineering != 120 || !Integer.toString(letters).equals(EXPECTED_DEAD_LETTERS)) {
            throw new IllegalStateException("the run did not do the job: " + engineering
                    + " engineering members, " + letters + " dead letters");
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

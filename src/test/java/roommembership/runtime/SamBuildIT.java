package roommembership.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import roommembership.emulator.ChimeEmulator;
import roommembership.runtime.LambdaLaunch.TemplateFunction;
import roommembership.runtime.LambdaRuntimeApi.Result;
import roommembership.testing.DeadLetterQueue;
import roommembership.testing.DeadLetterQueue.Letter;
import roommembership.testing.Directory;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.SqsEvents;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static roommembership.testing.Directory.ACME;
import static roommembership.testing.Directory.ENGINEERING;
import static roommembership.testing.Directory.LEADERSHIP;
import static roommembership.testing.Directory.SALES;

/**
 * What {@code sam build} deploys, built the way it builds it: the template names {@code BuildMethod: makefile}, so
 * SAM copies the project (all but {@code .aws-sam} and {@code .git}) to a scratch folder and runs
 * {@code make --makefile <project>/Makefile build-<function>} there, with its own environment plus
 * {@code ARTIFACTS_DIR}; it then zips that folder. This runs the same command with the same variables, checks that
 * the folder holds exactly the entries of the jar the other ITs run and that no test ran, and runs the folder as
 * Lambda runs an unpacked zip: the runtime interface client with {@code LAMBDA_TASK_ROOT} pointing at it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamBuildIT {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What SAM's copy leaves out, and target/: the make target's first goal is clean, which deletes it anyway. */
    private static final Set<String> NOT_COPIED = Set.of(".aws-sam", ".git", "target");

    private final Path basedir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    private Path scratch;
    private Path source;
    private Path artifacts;
    private TemplateFunction function;
    private String buildOutput;

    @BeforeAll
    void buildAsSamBuildDoes() throws IOException, InterruptedException {
        assumeTrue(onPath("make"), "make is not on PATH: sam build's makefile method needs it, so this IT is skipped");
        assumeTrue(onPath("mvn"), "mvn is not on PATH: the Makefile's build-RoomMembershipFunction calls it, so this"
                + " IT is skipped");
        function = LambdaLaunch.functionFromTemplate(basedir.resolve("template.yaml"));
        scratch = Files.createTempDirectory("sam-build-it");
        source = copyProject(basedir, scratch.resolve("source"));
        artifacts = Files.createDirectories(scratch.resolve("artifacts").resolve(function.logicalId()));

        ProcessBuilder make = new ProcessBuilder("make", "--makefile", basedir.resolve("Makefile").toString(),
                "build-" + function.logicalId())
                .directory(source.toFile())
                .redirectErrorStream(true)
                .redirectOutput(scratch.resolve("make.log").toFile());
        make.environment().put("ARTIFACTS_DIR", artifacts.toString());
        long started = System.nanoTime();
        Process process = make.start();
        boolean ended = process.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        long buildMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        buildOutput = Files.readString(scratch.resolve("make.log"));
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended).as("make ended within %s; output:%n%s", BUILD_TIMEOUT, buildOutput).isTrue();
        assertThat(process.exitValue()).as("make's exit code; output:%n%s", buildOutput).isZero();

        Map<String, byte[]> files = folderEntries(artifacts);
        System.out.printf("sam build's make target: %d ms; %s holds %d files, %d bytes; zipped %d bytes%n",
                buildMillis, function.logicalId(), files.size(),
                files.values().stream().mapToLong(bytes -> bytes.length).sum(), zippedSize(artifacts));
    }

    @AfterAll
    void removeScratch() throws IOException {
        if (scratch != null) {
            try (Stream<Path> paths = Files.walk(scratch)) {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void theTemplateBuildsTheFunctionWithTheMakefile() {
        assertThat(function.buildMethod()).contains("makefile");
    }

    @Test
    void theDeployedFolderHoldsExactlyTheEntriesOfTheTestedJar() throws IOException {
        Map<String, byte[]> deployed = folderEntries(artifacts);
        Map<String, byte[]> tested = jarEntries(LambdaLaunch.functionJar());

        assertThat(deployed.keySet()).containsExactlyElementsOf(tested.keySet());
        assertThat(deployed.keySet().stream().filter(name -> !Arrays.equals(deployed.get(name),
                tested.get(name)))).as("entries whose bytes differ").isEmpty();
    }

    @Test
    void noTestWasCompiledOrRun() {
        Path target = source.resolve("target");
        assertThat(target.resolve("room-membership.jar")).isRegularFile();
        assertThat(List.of("test-classes", "surefire-reports", "failsafe-reports").stream()
                .filter(name -> Files.exists(target.resolve(name)))).as("test output in the build's target/").isEmpty();
    }

    @Test
    void theDeployedFolderAnswersTheHrBatchUnderTheRuntimeClient() throws Exception {
        try (ChimeEmulator chime = ChimeEmulator.start(); EmbeddedSqs sqs = EmbeddedSqs.start();
             LambdaRuntimeApi api = new LambdaRuntimeApi(LambdaLaunch.FUNCTION_ARN, FUNCTION_TIMEOUT).start()) {
            Directory.seed(chime);
            DeadLetterQueue deadLetters = new DeadLetterQueue(sqs, sqs.createQueue("failed-members"));
            Path log = scratch.resolve("function.log");
            ProcessBuilder builder = new ProcessBuilder(LambdaLaunch.commandForTaskRoot(List.of(), function.handler()))
                    .directory(artifacts.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            LambdaLaunch.clearInherited(env);
            env.putAll(LambdaLaunch.environment(api.hostAndPort(), function.handler(), artifacts, scratch,
                    chime.endpoint(), sqs.endpoint()));
            env.put("DEAD_LETTER_QUEUE_URL", deadLetters.url());
            env.put("MAX_RECEIVE_COUNT", "5");
            env.put("CHIME_MAX_CONCURRENCY", "8");
            Process process = builder.start();
            try {
                CompletableFuture<Result> invocation = api.invoke(
                        Files.readString(basedir.resolve("events/hr-batch.json")));
                CompletableFuture.anyOf(invocation, process.onExit(), api.initError())
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                String output = Files.readString(log);
                assertThat(invocation).as("answer of the function process; its output:%n%s", output).isDone();
                Result result = invocation.join();

                assertThat(result.isError()).as("error posted by the runtime: %s", result.body()).isFalse();
                assertThat(JSON.readTree(result.body())).isEqualTo(JSON.readTree("{\"batchItemFailures\":[]}"));
                Map<String, String> engineering = chime.members(ACME, ENGINEERING);
                assertThat(engineering).hasSize(120)
                        .containsKeys(SqsEvents.ids("eng", 1, 120).toArray(String[]::new))
                        .containsEntry("eng-010", "Administrator").containsEntry("eng-011", "Member")
                        .containsEntry("eng-001", "Administrator");
                assertThat(chime.members(ACME, SALES)).hasSize(10).containsEntry("sales-003", "Administrator");
                assertThat(chime.members(ACME, LEADERSHIP)).hasSize(5).containsEntry("lead-001", "Administrator");
                assertThat(deadLetters.drain())
                        .extracting(Letter::memberId, Letter::errorCode, Letter::errorCodeAttribute)
                        .containsExactlyInAnyOrder(
                                tuple("contractor-901", "NotFound", "NotFound"),
                                tuple("contractor-902", "NotFound", "NotFound"));
                assertThat(summaryLine(log)).as("summary line in the function's output").hasValueSatisfying(line -> {
                    JsonNode summary = readJson(line);
                    assertThat(summary.path("AWSRequestId").asText()).isEqualTo(result.requestId());
                    assertThat(Stream.of("records", "rooms", "calls", "added", "deadLettered")
                            .map(name -> summary.path(name).asInt(-1)).toList()).containsExactly(8, 3, 5, 133, 2);
                });
            } finally {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** The project as SAM's copy step takes it: every file but those under {@link #NOT_COPIED}. */
    private static Path copyProject(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.filter(path -> !excluded(from.relativize(path))).toList()) {
                Path copy = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy);
                }
            }
        }
        return to;
    }

    private static boolean excluded(Path relative) {
        return relative.getNameCount() > 0 && NOT_COPIED.contains(relative.getName(0).toString());
    }

    /** Every regular file under the folder, by its path relative to it with '/', to its bytes. */
    private static Map<String, byte[]> folderEntries(Path folder) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                entries.put(folder.relativize(path).toString().replace(File.separatorChar, '/'),
                        Files.readAllBytes(path));
            }
        }
        return entries;
    }

    /** Every file entry of the jar (directories left out, as a folder holds them only as paths) to its bytes. */
    private static Map<String, byte[]> jarEntries(Path jar) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : zip.stream().filter(entry -> !entry.isDirectory()).toList()) {
                entries.put(entry.getName(), zip.getInputStream(entry).readAllBytes());
            }
        }
        return entries;
    }

    /** The size of the folder zipped with the default deflate level, as the upload sam deploy makes. */
    private static long zippedSize(Path folder) throws IOException {
        Path zip = Files.createTempFile("sam-build-it", ".zip");
        try {
            try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
                for (Map.Entry<String, byte[]> entry : folderEntries(folder).entrySet()) {
                    out.putNextEntry(new ZipEntry(entry.getKey()));
                    out.write(entry.getValue());
                    out.closeEntry();
                }
            }
            return Files.size(zip);
        } finally {
            Files.delete(zip);
        }
    }

    private static Optional<String> summaryLine(Path log) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Optional<String> line = Files.readString(log, StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(text -> text.contains("\"invocation summary\"")).findFirst();
            if (line.isPresent() || System.nanoTime() > deadline) {
                return line;
            }
            Thread.sleep(100);
        }
    }

    private static boolean onPath(String program) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    private static JsonNode readJson(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not one JSON object: " + line, e);
        }
    }
}

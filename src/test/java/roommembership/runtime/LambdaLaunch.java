package roommembership.runtime;

import roommembership.testing.TestClients;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a Lambda Java runtime starts the packaged function: the command line, with only the function jar and the
 * runtime interface client on the class path, and the environment Lambda sets, pointed at local servers.
 */
public final class LambdaLaunch {
    public static final String ENTRY_POINT = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    public static final String FUNCTION_NAME = "room-membership";
    public static final String FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:" + FUNCTION_NAME;
    private static final String RUNTIME_CLIENT_PROPERTY = "runtime.client.jar";
    private static final Pattern RUNTIME_CLIENT_EXTRA_PROPERTY = Pattern.compile("runtime\\.client\\.[\\w.-]+\\.jar");

    private LambdaLaunch() {
    }

    /** {@code java [jvmOptions] -cp <function jar + runtime client> AWSLambda <handler>} */
    public static List<String> command(List<String> jvmOptions, String handler) {
        return command(jvmOptions, handler, functionJar());
    }

    /** The same with another build of the function, e.g. an earlier one to compare with. */
    public static List<String> command(List<String> jvmOptions, String handler, Path functionJar) {
        List<Path> classPath = new ArrayList<>(childClassPath());
        classPath.set(0, functionJar);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList()));
        command.add(ENTRY_POINT);
        command.add(handler);
        return command;
    }

    /**
     * {@code java [jvmOptions] -cp <runtime client> AWSLambda <handler>}: the function is not on the class path, so
     * the runtime client loads it from {@code LAMBDA_TASK_ROOT}, as Lambda does from a zip unpacked in /var/task.
     */
    public static List<String> commandForTaskRoot(List<String> jvmOptions, String handler) {
        List<Path> withFunction = childClassPath();
        List<Path> classPath = withFunction.subList(1, withFunction.size());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList()));
        command.add(ENTRY_POINT);
        command.add(handler);
        return command;
    }

    /** What Lambda sets for a function process, plus local endpoints and throw-away credentials. */
    public static Map<String, String> environment(String runtimeApi, String handler, Path taskRoot, Path scratch,
                                                  URI chimeEndpoint, URI sqsEndpoint) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("_HANDLER", handler);
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java" + Runtime.version().feature());
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + FUNCTION_NAME);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern(
                "yyyy/MM/dd")) + "/[$LATEST]" + UUID.randomUUID().toString().replace("-", ""));
        env.put("AWS_REGION", TestClients.REGION.id());
        env.put("AWS_DEFAULT_REGION", TestClients.REGION.id());
        env.put("AWS_ACCESS_KEY_ID", "AKIDLOCALTEST");
        env.put("AWS_SECRET_ACCESS_KEY", "local-test-secret");
        env.put("AWS_SESSION_TOKEN", "local-test-session-token");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        // No shared config or credentials file of the machine may add settings.
        env.put("AWS_CONFIG_FILE", scratch.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", scratch.resolve("no-aws-credentials").toString());
        env.put("AWS_ENDPOINT_URL_CHIME", chimeEndpoint.toString());
        env.put("AWS_ENDPOINT_URL_SQS", sqsEndpoint.toString());
        // What template.yaml's LoggingConfig (LogFormat JSON, ApplicationLogLevel INFO) makes Lambda set.
        env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
        env.put("AWS_LAMBDA_LOG_LEVEL", "INFO");
        env.put("TZ", ":UTC");
        env.put("LANG", "en_US.UTF-8");
        return env;
    }

    /** Removes what the parent's environment could add to a child: AWS settings and JVM options. */
    public static void clearInherited(Map<String, String> env) {
        env.keySet().removeIf(key -> key.startsWith("AWS_") || key.startsWith("LAMBDA_")
                || key.equals("_HANDLER") || key.equals("JAVA_TOOL_OPTIONS") || key.equals("JDK_JAVA_OPTIONS")
                || key.equals("_JAVA_OPTIONS"));
    }

    public static Path functionJar() {
        return requiredJar("function.jar");
    }

    /**
     * The function jar, then the runtime interface client and every further {@code runtime.client.*.jar} the build
     * names: nothing of the test class path.
     */
    public static List<Path> childClassPath() {
        List<Path> jars = new ArrayList<>();
        jars.add(functionJar());
        jars.add(requiredJar(RUNTIME_CLIENT_PROPERTY));
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> RUNTIME_CLIENT_EXTRA_PROPERTY.matcher(name).matches())
                .filter(name -> !name.equals(RUNTIME_CLIENT_PROPERTY))
                .sorted()
                .map(LambdaLaunch::requiredJar)
                .forEach(jars::add);
        return jars;
    }

    private static Path requiredJar(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank() || value.contains("${")) {
            throw new IllegalStateException("system property " + property + " is not set by the build");
        }
        Path jar = Path.of(value);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(property + " names no file: " + jar);
        }
        return jar;
    }

    /** The {@code JAVA_TOOL_OPTIONS} the template's {@code Globals} give the function. */
    public static String javaToolOptionsFromTemplate(Path template) {
        Pattern line = Pattern.compile("^\\s+JAVA_TOOL_OPTIONS:\\s*\"([^\"]*)\"\\s*(#.*)?$");
        try {
            for (String text : Files.readAllLines(template, StandardCharsets.UTF_8)) {
                Matcher matcher = line.matcher(text);
                if (matcher.matches()) {
                    return matcher.group(1);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(template + " sets no JAVA_TOOL_OPTIONS");
    }

    /** The {@code Handler} of the template's one {@code AWS::Serverless::Function} resource. */
    public static String handlerFromTemplate(Path template) {
        return functionFromTemplate(template).handler();
    }

    /** The template's one {@code AWS::Serverless::Function}: its logical id, handler and {@code BuildMethod}. */
    public record TemplateFunction(String logicalId, String handler, Optional<String> buildMethod) {
    }

    public static TemplateFunction functionFromTemplate(Path template) {
        List<String> lines;
        try {
            lines = Files.readAllLines(template, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Pattern topLevel = Pattern.compile("^[^\\s#][^:]*:.*$");
        Pattern resource = Pattern.compile("^ {2}([A-Za-z0-9]+):\\s*(#.*)?$");
        Pattern type = Pattern.compile("^ {4}Type:\\s*[\"']?([^\"'\\s#]+)[\"']?\\s*(#.*)?$");
        Pattern handlerLine = Pattern.compile("^\\s+Handler:\\s*[\"']?([^\"'\\s#]+)[\"']?\\s*(#.*)?$");
        Pattern buildMethodLine = Pattern.compile("^ {6}BuildMethod:\\s*[\"']?([^\"'\\s#]+)[\"']?\\s*(#.*)?$");
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> handlers = new LinkedHashMap<>();
        Map<String, String> buildMethods = new LinkedHashMap<>();
        boolean inResources = false;
        String current = null;
        for (String line : lines) {
            if (topLevel.matcher(line).matches()) {
                inResources = line.startsWith("Resources:");
                current = null;
                continue;
            }
            if (!inResources) {
                continue;
            }
            Matcher matcher = resource.matcher(line);
            if (matcher.matches()) {
                current = matcher.group(1);
                continue;
            }
            if (current == null) {
                continue;
            }
            matcher = type.matcher(line);
            if (matcher.matches()) {
                types.put(current, matcher.group(1));
                continue;
            }
            matcher = handlerLine.matcher(line);
            if (matcher.matches()) {
                handlers.put(current, matcher.group(1));
                continue;
            }
            matcher = buildMethodLine.matcher(line);
            if (matcher.matches()) {
                buildMethods.put(current, matcher.group(1));
            }
        }
        List<String> functions = types.entrySet().stream()
                .filter(entry -> entry.getValue().equals("AWS::Serverless::Function"))
                .map(Map.Entry::getKey)
                .toList();
        if (functions.size() != 1) {
            throw new IllegalStateException(template + " has " + functions.size() + " function resources, not one");
        }
        String found = handlers.get(functions.get(0));
        if (found == null || !found.matches("[\\w.$]+::\\w+")) {
            throw new IllegalStateException("Handler of " + functions.get(0) + " is not Class::method: " + found);
        }
        return new TemplateFunction(functions.get(0), found, Optional.ofNullable(buildMethods.get(functions.get(0))));
    }
}

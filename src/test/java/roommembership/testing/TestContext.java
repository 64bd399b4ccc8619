package roommembership.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;

import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/** A Lambda context whose remaining time is chosen by the test and whose log lines are kept, with their levels. */
public final class TestContext implements Context {
    /** One line as the function logged it; UNDEFINED when it gave no level. */
    public record LogLine(LogLevel level, String text) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LongSupplier remainingMillis;
    private final List<LogLine> logLines = new CopyOnWriteArrayList<>();

    private TestContext(LongSupplier remainingMillis) {
        this.remainingMillis = remainingMillis;
    }

    public static TestContext withMinutesLeft(int minutes) {
        return new TestContext(() -> minutes * 60_000L);
    }

    /** A deadline that really passes: this many milliseconds from now. */
    public static TestContext withDeadlineIn(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        return new TestContext(() -> deadline - System.currentTimeMillis());
    }

    public List<String> logLines() {
        return logLines.stream().map(LogLine::text).toList();
    }

    /** The JSON log lines with this message, in the order logged. */
    public List<JsonNode> logged(String message) {
        List<JsonNode> found = new ArrayList<>();
        for (LogLine line : logLines) {
            try {
                JsonNode json = JSON.readTree(line.text());
                if (json.path("message").asText().equals(message)) {
                    found.add(json);
                }
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    public List<LogLine> logLinesWithLevels() {
        return List.copyOf(logLines);
    }

    @Override
    public String getAwsRequestId() {
        return "00000000-0000-4000-8000-000000000001";
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/room-membership";
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return "room-membership";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:eu-west-1:123456789012:function:room-membership";
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, remainingMillis.getAsLong()));
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                log(message, LogLevel.UNDEFINED);
            }

            @Override
            public void log(byte[] message) {
                log(message, LogLevel.UNDEFINED);
            }

            @Override
            public void log(String message, LogLevel level) {
                logLines.add(new LogLine(level, message.strip()));
            }

            @Override
            public void log(byte[] message, LogLevel level) {
                log(new String(message, StandardCharsets.UTF_8), level);
            }
        };
    }
}

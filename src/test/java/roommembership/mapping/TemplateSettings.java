package roommembership.mapping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The queue and event-source settings of {@code template.yaml} that decide how records come back: read from the
 * template itself, so the local mapping cannot drift from what is deployed.
 *
 * @param batchSize the SQS event's BatchSize
 * @param maxReceiveCount the source queue's redrive policy: receives before SQS moves a message to the redrive queue
 * @param visibilityTimeoutSeconds the source queue's visibility timeout
 * @param functionTimeoutSeconds the function's timeout
 * @param functionMaxReceiveCount the function's {@code MAX_RECEIVE_COUNT}
 */
public record TemplateSettings(int batchSize, int maxReceiveCount, int visibilityTimeoutSeconds,
                               int functionTimeoutSeconds, int functionMaxReceiveCount) {

    public static TemplateSettings read() {
        return read(Path.of(System.getProperty("basedir", ".")).resolve("template.yaml"));
    }

    public static TemplateSettings read(Path template) {
        String text;
        try {
            text = Files.readString(template);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TemplateSettings(
                single(text, "BatchSize"),
                single(resource(text, "SourceQueue"), "maxReceiveCount"),
                single(resource(text, "SourceQueue"), "VisibilityTimeout"),
                single(text, "Timeout"),
                single(text, "MAX_RECEIVE_COUNT"));
    }

    /** The lines of one resource: from its name, two spaces in, to the next line indented as little. */
    private static String resource(String template, String name) {
        Matcher start = Pattern.compile("(?m)^  " + name + ":\\s*$").matcher(template);
        if (!start.find()) {
            throw new IllegalStateException("template.yaml has no resource '" + name + "'");
        }
        Matcher next = Pattern.compile("(?m)^ {0,2}\\S").matcher(template);
        int end = next.find(start.end()) ? next.start() : template.length();
        return template.substring(start.start(), end);
    }

    /** The one line {@code key: N} (N optionally quoted) of the template; two or none is an error. */
    private static int single(String template, String key) {
        Matcher matcher = Pattern.compile("(?m)^\\s+" + key + ":\\s*\"?(\\d+)\"?\\s*(#.*)?$").matcher(template);
        if (!matcher.find()) {
            throw new IllegalStateException("template.yaml has no '" + key + ": <number>' line");
        }
        int value = Integer.parseInt(matcher.group(1));
        if (matcher.find()) {
            throw new IllegalStateException("template.yaml has more than one '" + key + ":' line");
        }
        return value;
    }
}

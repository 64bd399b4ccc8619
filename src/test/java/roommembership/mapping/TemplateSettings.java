package roommembership.mapping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The queue and event-source settings of {@code template.yaml} that decide how records come back: read from the
 * template itself, so the local mapping cannot drift from what is deployed. Read for one {@code QueueType}: the
 * template's {@code IsFifo} condition resolved as CloudFormation would ({@link TemplateVariant}).
 *
 * @param fifo whether these are the settings of {@code QueueType=Fifo}
 * @param batchSize the SQS event's BatchSize
 * @param batchingWindowSeconds the SQS event's MaximumBatchingWindowInSeconds; 0 when not set, Lambda's default
 * @param maxReceiveCount the source queue's redrive policy: receives before SQS moves a message to the redrive queue
 * @param visibilityTimeoutSeconds the source queue's visibility timeout
 * @param functionTimeoutSeconds the function's timeout
 * @param functionMaxReceiveCount the function's {@code MAX_RECEIVE_COUNT}
 * @param maxConcurrency the SQS event's MaximumConcurrency: the default of {@code SqsMaximumConcurrency}
 */
public record TemplateSettings(boolean fifo, int batchSize, int batchingWindowSeconds, int maxReceiveCount,
                               int visibilityTimeoutSeconds, int functionTimeoutSeconds, int functionMaxReceiveCount,
                               int maxConcurrency) {

    /**
     * The target queue of {@code QueueType=Standard}, to which the source queue's batches are dispatched, and its
     * event source: read from the template as the source queue's are.
     *
     * @param batchSize the event source mapping's BatchSize
     * @param maxReceiveCount the target queue's redrive policy
     * @param visibilityTimeoutSeconds the target queue's visibility timeout
     * @param maxConcurrency the mapping's MaximumConcurrency: the default of {@code TargetMaximumConcurrency}
     * @param minConcurrency the least {@code TargetMaximumConcurrency} allows (Lambda's least MaximumConcurrency)
     */
    public record Target(int batchSize, int maxReceiveCount, int visibilityTimeoutSeconds, int maxConcurrency,
                         int minConcurrency) {
        public static Target read() {
            String text = variant(Path.of(System.getProperty("basedir", ".")).resolve("template.yaml"), false);
            String mapping = resource(text, "TargetQueueEvents");
            String queue = resource(text, "TargetQueue");
            return new Target(single(mapping, "BatchSize"), single(queue, "maxReceiveCount"),
                    single(queue, "VisibilityTimeout"), parameterDefault(text, "TargetMaximumConcurrency"),
                    single(resource(text, "TargetMaximumConcurrency"), "MinValue"));
        }
    }

    /** The settings of the default deployment, {@code QueueType=Standard}. */
    public static TemplateSettings read() {
        return read(false);
    }

    public static TemplateSettings read(boolean fifo) {
        return read(Path.of(System.getProperty("basedir", ".")).resolve("template.yaml"), fifo);
    }

    public static TemplateSettings read(Path template, boolean fifo) {
        String text = variant(template, fifo);
        String function = resource(text, "RoomMembershipFunction");
        return new TemplateSettings(
                fifo,
                single(function, "BatchSize"),
                optional(function, "MaximumBatchingWindowInSeconds", 0),
                single(resource(text, "SourceQueue"), "maxReceiveCount"),
                single(resource(text, "SourceQueue"), "VisibilityTimeout"),
                single(text, "Timeout"),
                single(text, "MAX_RECEIVE_COUNT"),
                parameterDefault(text, "SqsMaximumConcurrency"));
    }

    /** The Default of a parameter of the template. */
    static int parameterDefault(String template, String name) {
        return single(resource(template, name), "Default");
    }

    /** The template's text with {@code IsFifo} resolved. */
    static String variant(Path template, boolean fifo) {
        try {
            return TemplateVariant.of(Files.readString(template), fifo);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of one resource: from its name, two spaces in, to the next line indented as little. */
    static String resource(String template, String name) {
        Matcher start = Pattern.compile("(?m)^  " + name + ":\\s*$").matcher(template);
        if (!start.find()) {
            throw new IllegalStateException("template.yaml has no resource '" + name + "'");
        }
        Matcher next = Pattern.compile("(?m)^ {0,2}\\S").matcher(template);
        int end = next.find(start.end()) ? next.start() : template.length();
        return template.substring(start.start(), end);
    }

    /** The one line {@code key: N} of the template, or {@code absent} when it has none; two is an error. */
    private static int optional(String template, String key, int absent) {
        return Pattern.compile("(?m)^\\s+" + key + ":").matcher(template).find() ? single(template, key) : absent;
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

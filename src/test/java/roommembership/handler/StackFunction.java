package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import roommembership.mapping.EventSourceMapping;
import roommembership.mapping.FunctionContainer;
import roommembership.mapping.SourceQueues;
import roommembership.mapping.TemplateSettings;
import roommembership.testing.TestContext;
import roommembership.wiring.Configuration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The function as the template deploys it with its defaults (a standard source queue dispatching to the FIFO target
 * queue), on queues named and set as the template sets them: both event sources poll until the stack stops, with the
 * template's batch sizes, batching window, concurrency, function timeout, visibility timeouts and redrive after
 * maxReceiveCount, and each invocation is told in one line.
 *
 * <p>Queue names: those the template gives ({@code <stack>-requests}, {@code <stack>-targets.fifo}, ...), and for
 * the queues CloudFormation would name, {@code <stack>-redrive} and {@code <stack>-failed-members}.
 */
final class StackFunction implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    /** One line per invocation, for the whole life of the stack. */
    private static final int NO_BOUND = Integer.MAX_VALUE;

    private final Map<String, String> queueUrls;
    private final Map<String, String> queueArns;
    private final List<FunctionContainer> containers = new ArrayList<>();
    private final List<EventSourceMapping> mappings = new ArrayList<>();
    private final ExecutorService polling = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "event-source");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean stopped = new AtomicBoolean();

    private StackFunction(Map<String, String> queueUrls, Map<String, String> queueArns) {
        this.queueUrls = queueUrls;
        this.queueArns = queueArns;
    }

    /**
     * Creates the stack's queues and starts both event sources.
     *
     * @param sqs a client of the stack's SQS, to make the queues and poll them
     * @param sqsEndpoint where the function's own SQS clients send
     * @param bearer the {@code CHIME_BEARER_ARN} the function is given
     * @param told receives one line for each invocation, as it ends
     */
    static StackFunction start(String stack, SqsClient sqs, URI chimeEndpoint, URI sqsEndpoint,
                               Supplier<S3Client> s3, String bearer, Consumer<String> told) {
        TemplateSettings source = TemplateSettings.read(false);
        TemplateSettings.Target target = TemplateSettings.Target.read();
        Map<String, String> urls = new LinkedHashMap<>();
        Map<String, String> arns = new LinkedHashMap<>();
        queue(sqs, urls, arns, "RedriveQueue", stack + "-redrive", Map.of());
        queue(sqs, urls, arns, "SourceQueue", stack + "-requests", Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(source.visibilityTimeoutSeconds()),
                QueueAttributeName.REDRIVE_POLICY, redrive(arns.get("RedriveQueue"), source.maxReceiveCount())));
        queue(sqs, urls, arns, "FailedMemberQueue", stack + "-failed-members", Map.of());
        queue(sqs, urls, arns, "FailedMemberHoldingQueue", stack + "-failed-members-holding", Map.of(
                QueueAttributeName.REDRIVE_POLICY, redrive(arns.get("FailedMemberQueue"), 1)));
        queue(sqs, urls, arns, "TargetRedriveQueue", stack + "-targets-redrive.fifo",
                Map.of(QueueAttributeName.FIFO_QUEUE, "true"));
        queue(sqs, urls, arns, "TargetQueue", stack + "-targets.fifo", Map.of(
                QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(target.visibilityTimeoutSeconds()),
                QueueAttributeName.REDRIVE_POLICY, redrive(arns.get("TargetRedriveQueue"), target.maxReceiveCount())));

        StackFunction function = new StackFunction(Map.copyOf(urls), Map.copyOf(arns));
        // As the template passes them, with its default parameters.
        Map<String, String> env = new HashMap<>();
        env.put(Configuration.DEAD_LETTER_QUEUE_URL, urls.get("FailedMemberQueue"));
        env.put(Configuration.TARGET_QUEUE_URL, urls.get("TargetQueue"));
        env.put(Configuration.MAX_RECEIVE_COUNT, Integer.toString(source.functionMaxReceiveCount()));
        env.put(Configuration.EVENT_SOURCE_MAX_CONCURRENCY, Integer.toString(target.maxConcurrency()));
        env.put(Configuration.CHIME_BEARER_ARN, bearer);
        env.put(Configuration.CHIME_MESSAGING_REGION, "us-east-1");
        env.put("AWS_REGION", "us-east-1");
        Configuration config = Configuration.fromEnvironment(env);
        Duration timeout = Duration.ofSeconds(source.functionTimeoutSeconds());

        function.run("source queue", new SourceQueues(urls.get("SourceQueue"), arns.get("SourceQueue"),
                        urls.get("RedriveQueue"), false), sqs,
                new EventSourceMapping.Settings(source.batchSize(), timeout, false, NO_BOUND)
                        .withMaxConcurrency(source.maxConcurrency())
                        .withBatchingWindow(Duration.ofSeconds(source.batchingWindowSeconds())),
                chimeEndpoint, sqsEndpoint, config, s3, told);
        function.run("target queue", new SourceQueues(urls.get("TargetQueue"), arns.get("TargetQueue"),
                        urls.get("TargetRedriveQueue"), true), sqs,
                new EventSourceMapping.Settings(target.batchSize(), timeout, false, NO_BOUND)
                        .withMaxConcurrency(target.maxConcurrency()),
                chimeEndpoint, sqsEndpoint, config, s3, told);
        return function;
    }

    /** The URL of a queue, by the template's logical id. */
    String url(String logicalId) {
        return queueUrls.get(logicalId);
    }

    String arn(String logicalId) {
        return queueArns.get(logicalId);
    }

    private void run(String name, SourceQueues queues, SqsClient sqs, EventSourceMapping.Settings settings,
                     URI chimeEndpoint, URI sqsEndpoint, Configuration config, Supplier<S3Client> s3,
                     Consumer<String> told) {
        List<FunctionContainer> own = new ArrayList<>();
        for (int container = 0; container < settings.maxConcurrency(); container++) {
            own.add(FunctionContainer.start(chimeEndpoint, sqsEndpoint, config, s3));
        }
        containers.addAll(own);
        EventSourceMapping mapping = new EventSourceMapping(sqs, queues, settings, "us-east-1");
        mappings.add(mapping);
        long timeoutMillis = settings.functionTimeout().toMillis();
        polling.submit(() -> mapping.drain(container -> (event, context) -> {
            SQSBatchResponse response = own.get(container).handler().handleRequest(event, context);
            told.accept(told(name, event.getRecords().size(), response, (TestContext) context));
            return response;
        }, n -> TestContext.withDeadlineIn(timeoutMillis), stopped::get));
    }

    /** One invocation in a line: what its summary log line says, in words. */
    static String told(String queue, int records, SQSBatchResponse response, TestContext context) {
        int handedBack = response == null || response.getBatchItemFailures() == null ? 0
                : response.getBatchItemFailures().size();
        StringBuilder line = new StringBuilder(LocalTime.now().format(TIME)).append(' ').append(queue).append(": ")
                .append(plural(records, "record"));
        List<JsonNode> summaries = context.logged("invocation summary");
        if (!summaries.isEmpty()) {
            JsonNode summary = summaries.get(0);
            List<String> parts = new ArrayList<>();
            count(parts, summary, "dispatched", "members handed to the target queue");
            count(parts, summary, "added", "added");
            count(parts, summary, "alreadyMembers", "already members");
            count(parts, summary, "removed", "removed");
            count(parts, summary, "alreadyAbsent", "already absent");
            count(parts, summary, "rolesChanged", "roles changed");
            if (summary.path("deadLettered").asInt() > 0) {
                List<String> codes = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> code = summary.path("deadLetteredByErrorCode").fields();
                     code.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = code.next();
                    codes.add(entry.getKey() + " " + entry.getValue().asInt());
                }
                parts.add(summary.path("deadLettered").asInt() + " to the failed-member queue ("
                        + String.join(", ", codes) + ")");
            }
            count(parts, summary, "invalidMessages", "unreadable messages");
            line.append(parts.isEmpty() ? "" : ": " + String.join(", ", parts));
            line.append(" (").append(summary.path("durationMs").asLong()).append(" ms)");
        }
        if (handedBack > 0) {
            line.append("; ").append(plural(handedBack, "record")).append(" handed back to SQS, to be received again");
        }
        return line.toString();
    }

    private static void count(List<String> parts, JsonNode summary, String field, String words) {
        int count = summary.path(field).asInt();
        if (count > 0) {
            parts.add(count + " " + words);
        }
    }

    private static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    private static void queue(SqsClient sqs, Map<String, String> urls, Map<String, String> arns, String logicalId,
                              String name, Map<QueueAttributeName, String> attributes) {
        String url = sqs.createQueue(request -> request.queueName(name).attributes(attributes)).queueUrl();
        urls.put(logicalId, url);
        arns.put(logicalId, sqs.getQueueAttributes(request -> request.queueUrl(url)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN));
    }

    private static String redrive(String deadLetterArn, int maxReceiveCount) {
        return "{\"deadLetterTargetArn\":\"" + deadLetterArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
    }

    @Override
    public void close() {
        stopped.set(true);
        mappings.forEach(EventSourceMapping::close);
        polling.shutdownNow();
        containers.forEach(FunctionContainer::close);
    }
}

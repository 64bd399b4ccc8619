package roommembership.mapping;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQS queues of {@code template.yaml} for one {@code QueueType}, as CloudFormation would create them in a stack
 * named {@link #STACK}: read from the template itself, so a test can check what SQS requires of them together.
 *
 * @param queues by logical id, in the template's order
 */
public record TemplateQueues(boolean fifo, Map<String, Queue> queues) {
    static final String STACK = "stack";
    private static final Pattern QUEUE = Pattern.compile("(?m)^  (\\w+):\\n    Type: AWS::SQS::Queue\\s*$");
    private static final Pattern NAME = Pattern.compile("(?m)^      QueueName: !Sub \"([^\"]+)\"\\s*$");
    private static final Pattern FIFO = Pattern.compile("(?m)^      FifoQueue: true\\s*$");
    private static final Pattern CONDITION = Pattern.compile("(?m)^    Condition: (\\w+)\\s*$");
    private static final Pattern DEAD_LETTER_TARGET = Pattern.compile("(?m)^\\s+deadLetterTargetArn: !GetAtt (\\w+)\\.Arn\\s*$");
    private static final Pattern ALLOWED_SOURCE = Pattern.compile(
            "(?m)^\\s+- !Sub \"arn:\\$\\{AWS::Partition}:sqs:\\$\\{AWS::Region}:\\$\\{AWS::AccountId}:([^\"]+)\"\\s*$");

    /**
     * One queue.
     *
     * @param name its QueueName; empty when CloudFormation makes one up
     * @param deadLetterQueue the logical id of its RedrivePolicy's dead-letter queue
     * @param allowedSources the queue names its RedriveAllowPolicy lets use it as their dead-letter queue
     */
    public record Queue(String logicalId, Optional<String> name, boolean fifo, Optional<String> deadLetterQueue,
                        List<String> allowedSources) {
    }

    public static TemplateQueues read(boolean fifo) {
        String text = TemplateSettings.variant(
                Path.of(System.getProperty("basedir", ".")).resolve("template.yaml"), fifo);
        Map<String, Queue> queues = new LinkedHashMap<>();
        Matcher queue = QUEUE.matcher(text);
        while (queue.find()) {
            String id = queue.group(1);
            String resource = TemplateSettings.resource(text, id);
            if (!created(first(CONDITION, resource), fifo)) {
                continue;
            }
            List<String> allowed = new ArrayList<>();
            Matcher source = ALLOWED_SOURCE.matcher(resource);
            while (source.find()) {
                allowed.add(stackName(source.group(1)));
            }
            queues.put(id, new Queue(id, first(NAME, resource).map(TemplateQueues::stackName),
                    FIFO.matcher(resource).find(), first(DEAD_LETTER_TARGET, resource), List.copyOf(allowed)));
        }
        return new TemplateQueues(fifo, queues);
    }

    /** Whether a resource of this Condition is created for the QueueType: the template's conditions, resolved. */
    private static boolean created(Optional<String> condition, boolean fifo) {
        return condition.map(name -> switch (name) {
            case "IsFifo" -> fifo;
            case "DispatchesByTarget" -> !fifo;
            default -> throw new IllegalStateException("a queue of an unknown Condition: " + name);
        }).orElse(true);
    }

    public Queue queue(String logicalId) {
        Queue queue = queues.get(logicalId);
        if (queue == null) {
            throw new IllegalStateException("template.yaml has no queue '" + logicalId + "'");
        }
        return queue;
    }

    /** The queues whose RedrivePolicy names this one as their dead-letter queue. */
    public List<Queue> sourcesOf(String logicalId) {
        return queues.values().stream()
                .filter(queue -> queue.deadLetterQueue().filter(logicalId::equals).isPresent()).toList();
    }

    private static Optional<String> first(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static String stackName(String value) {
        return value.replace("${AWS::StackName}", STACK);
    }
}

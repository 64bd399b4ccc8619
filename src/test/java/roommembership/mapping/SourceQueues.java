package roommembership.mapping;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The template's source queue and its redrive queue, on a real SQS server: the redrive policy and its
 * maxReceiveCount are SQS's own, so SQS itself moves a message that was received too often.
 */
public record SourceQueues(String sourceUrl, String sourceArn, String redriveUrl, boolean fifo) {

    /**
     * @param visibilityTimeoutSeconds short in tests; the template's is minutes
     */
    public static SourceQueues create(SqsClient sqs, boolean fifo, int maxReceiveCount, int visibilityTimeoutSeconds) {
        String suffix = UUID.randomUUID().toString().substring(0, 8) + (fifo ? ".fifo" : "");
        String redriveUrl = sqs.createQueue(request -> request
                .queueName("requests-redrive-" + suffix)
                .attributes(fifo ? Map.of(QueueAttributeName.FIFO_QUEUE, "true") : Map.of())).queueUrl();
        String redriveArn = arn(sqs, redriveUrl);
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds));
        attributes.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + redriveArn
                + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}");
        if (fifo) {
            attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
        }
        String sourceUrl = sqs.createQueue(request -> request
                .queueName("requests-" + suffix).attributes(attributes)).queueUrl();
        return new SourceQueues(sourceUrl, arn(sqs, sourceUrl), redriveUrl, fifo);
    }

    private static String arn(SqsClient sqs, String url) {
        return sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }
}

package roommembership.mapping;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The template's failed-member queue on a real SQS server: the function sends it letters, and it is the dead-letter
 * queue of a holding queue nothing sends to or reads, which is what lets SQS's message-move task take letters from it.
 */
public record FailedMemberQueue(String url, String arn, String holdingUrl) {

    public static FailedMemberQueue create(SqsClient sqs) {
        return create(sqs, false);
    }

    /** @param fifo as template.yaml makes both queues for {@code QueueType=Fifo}: FIFO, their names ending in .fifo */
    public static FailedMemberQueue create(SqsClient sqs, boolean fifo) {
        String suffix = UUID.randomUUID().toString().substring(0, 8) + (fifo ? ".fifo" : "");
        String holdingName = "failed-members-holding-" + suffix;
        Map<QueueAttributeName, String> type = fifo ? Map.of(QueueAttributeName.FIFO_QUEUE, "true") : Map.of();
        String url = sqs.createQueue(request -> request.queueName("failed-members-" + suffix).attributes(type))
                .queueUrl();
        String arn = arn(sqs, url);
        // template.yaml also gives this queue a RedriveAllowPolicy naming the holding queue; ElasticMQ has no such
        // attribute and refuses it.
        Map<QueueAttributeName, String> holding = new HashMap<>(type);
        holding.put(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + arn + "\",\"maxReceiveCount\":\"1\"}");
        String holdingUrl = sqs.createQueue(request -> request.queueName(holdingName).attributes(holding)).queueUrl();
        return new FailedMemberQueue(url, arn, holdingUrl);
    }

    private static String arn(SqsClient sqs, String url) {
        return sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }
}

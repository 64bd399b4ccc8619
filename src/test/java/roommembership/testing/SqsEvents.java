package roommembership.testing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** SQS events built in a test, shaped as Lambda's poller builds them. */
public final class SqsEvents {
    public static final String STANDARD_QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:room-membership-requests";
    public static final String FIFO_QUEUE_ARN = STANDARD_QUEUE_ARN + ".fifo";

    private final List<SQSEvent.SQSMessage> records = new ArrayList<>();

    public static SqsEvents batch() {
        return new SqsEvents();
    }

    public SqsEvents record(String body) {
        return record(body, 1);
    }

    public SqsEvents record(String body, int receiveCount) {
        records.add(message(body, receiveCount, STANDARD_QUEUE_ARN, Map.of()));
        return this;
    }

    public SqsEvents fifoRecord(String group, String body) {
        records.add(message(body, 1, FIFO_QUEUE_ARN, Map.of("MessageGroupId", group)));
        return this;
    }

    public SQSEvent build() {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.copyOf(records));
        return event;
    }

    /** A queue's ARN from its URL, in the account and region the embedded SQS serves. */
    public static String arnOf(String queueUrl) {
        return "arn:aws:sqs:us-east-1:000000000000:" + queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    /** A message received from a queue, as the poller hands it to the function. */
    public static SQSEvent.SQSMessage received(Message received, String queueArn) {
        Map<String, String> attributes = new HashMap<>();
        received.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
        SQSEvent.SQSMessage message = message(received.body(), 1, queueArn, attributes);
        message.setMessageId(received.messageId());
        message.getAttributes().putAll(attributes);
        return message;
    }

    /** The message id of the record at this position. */
    public String idOf(int index) {
        return records.get(index).getMessageId();
    }

    private static SQSEvent.SQSMessage message(String body, int receiveCount, String arn, Map<String, String> extra) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(UUID.randomUUID().toString());
        message.setReceiptHandle("AQEB" + UUID.randomUUID());
        message.setBody(body);
        Map<String, String> attributes = new HashMap<>(extra);
        attributes.put("ApproximateReceiveCount", Integer.toString(receiveCount));
        attributes.put("SentTimestamp", "1764151200000");
        message.setAttributes(attributes);
        message.setMessageAttributes(Map.of());
        message.setEventSource("aws:sqs");
        message.setEventSourceArn(arn);
        message.setAwsRegion("eu-west-1");
        return message;
    }

    /** Form 1: {"AccountId", "RoomId", "MembershipItemList": [{"MemberId", "Role"}...]} with every member as Member. */
    public static String members(String accountId, String roomId, List<String> memberIds) {
        StringBuilder items = new StringBuilder();
        for (String memberId : memberIds) {
            items.append(items.isEmpty() ? "" : ",").append("{\"MemberId\":\"").append(memberId)
                    .append("\",\"Role\":\"Member\"}");
        }
        return "{\"AccountId\":\"" + accountId + "\",\"RoomId\":\"" + roomId + "\",\"MembershipItemList\":["
                + items + "]}";
    }

    /** Form 2: one member. */
    public static String member(String accountId, String roomId, String memberId, String role) {
        return "{\"AccountId\":\"" + accountId + "\",\"RoomId\":\"" + roomId + "\",\"MemberId\":\"" + memberId
                + "\",\"Role\":\"" + role + "\"}";
    }

    public static List<String> ids(String prefix, int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            ids.add(String.format("%s-%03d", prefix, n));
        }
        return ids;
    }
}

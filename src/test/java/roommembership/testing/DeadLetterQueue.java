package roommembership.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The failed-member queue as a test reads it. */
public final class DeadLetterQueue {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbeddedSqs sqs;
    private final String url;

    public DeadLetterQueue(EmbeddedSqs sqs, String url) {
        this.sqs = sqs;
        this.url = url;
    }

    public String url() {
        return url;
    }

    /** One dead-letter message: its body, its ErrorCode message attribute and the body as SQS holds it. */
    public record Letter(JsonNode body, String errorCodeAttribute, String rawBody) {
        /** What SQS counts against its 256 KiB limit: the body, and the attribute's name, type and value. */
        public int sqsBytes() {
            return rawBody.getBytes(StandardCharsets.UTF_8).length + "ErrorCode".length() + "String".length()
                    + (errorCodeAttribute == null ? 0 : errorCodeAttribute.getBytes(StandardCharsets.UTF_8).length);
        }

        public String memberId() {
            return body.path("MembershipItemList").path(0).path("MemberId").asText(null);
        }

        public String errorCode() {
            return body.path("ErrorCode").asText();
        }

        public String sourceMessageId() {
            return body.path("SourceMessageId").asText();
        }

        public String errorMessage() {
            return body.path("ErrorMessage").asText(null);
        }

        /** The whole body but its FailedAt, which the function stamps with the wall clock: what a test compares. */
        public JsonNode bodyBesidesFailedAt() {
            ObjectNode copy = body.deepCopy();
            copy.remove("FailedAt");
            return copy;
        }
    }

    /** A letter's body as a test writes it, to compare with {@link Letter#bodyBesidesFailedAt()}. */
    public static JsonNode letterBody(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }

    /**
     * Everything now on the queue, removed from it. Every letter is held to {@code schema/dead-letter.schema.json}
     * first, so each one any test produces is a record of the published contract.
     */
    public List<Letter> drain() {
        List<Message> messages = sqs.drain(url);
        for (Message message : messages) {
            List<String> problems = ContractSchemas.deadLetterProblems(message.body());
            if (!problems.isEmpty()) {
                throw new AssertionError("a dead letter does not match schema/dead-letter.schema.json: " + problems
                        + "\n" + start(message.body()));
            }
        }
        return messages.stream().map(DeadLetterQueue::letter).toList();
    }

    private static String start(String body) {
        return body.length() <= 2_000 ? body : body.substring(0, 2_000) + "... (" + body.length() + " characters)";
    }

    private static Letter letter(Message message) {
        try {
            var attribute = message.messageAttributes().get("ErrorCode");
            return new Letter(JSON.readTree(message.body()), attribute == null ? null : attribute.stringValue(),
                    message.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

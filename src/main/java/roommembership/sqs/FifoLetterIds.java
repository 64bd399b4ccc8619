package roommembership.sqs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import roommembership.pipeline.settle.DeadLetter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The message group and deduplication ids of a letter on a FIFO failed-member queue. The group is the member in its
 * room or channel, so that one member's letters stay in order (an add's, then a removal's) while others' go on in
 * parallel, and a message-move task takes them back to a FIFO source queue in that order.
 */
final class FifoLetterIds {
    private static final JsonFactory JSON = new JsonFactory();

    private FifoLetterIds() {
    }

    /**
     * The SHA-256 of the member's key, in hex: ids and ARNs can be longer than a group id's 128 characters and hold
     * characters it may not. A letter for a message that could not be read has no member; its message is the key.
     */
    static String groupId(DeadLetter letter) {
        return sha256(memberKey(letter));
    }

    /** The SHA-256 of the body: a letter sent again after a lost answer is dropped by SQS, a different one never. */
    static String deduplicationId(DeadLetter letter) {
        return sha256(letter.body());
    }

    static String memberKey(DeadLetter letter) {
        Map<String, String> fields = topLevelStrings(letter.body());
        if (fields.containsKey("AccountId")) {
            // A legacy letter, routed to a channel or not: its producer's room and MemberId are the member's key.
            return String.join("\n", "room", fields.get("AccountId"), fields.getOrDefault("RoomId", ""),
                    fields.getOrDefault("MemberId", ""));
        }
        if (fields.containsKey("ChannelArn")) {
            return String.join("\n", "channel", fields.get("ChannelArn"), fields.getOrDefault("MemberArn", ""));
        }
        return String.join("\n", "message", letter.sourceMessageId());
    }

    /**
     * The body's top-level string fields, and the first {@code MembershipItemList} item's {@code MemberId} as
     * {@code MemberId} (a room letter names its one member there). Empty for a body that is not a JSON object.
     */
    private static Map<String, String> topLevelStrings(String body) {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Map.of();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_STRING) {
                    fields.putIfAbsent(name, parser.getText());
                } else if (name.equals("MembershipItemList") && value == JsonToken.START_ARRAY) {
                    firstMemberId(parser).ifPresent(id -> fields.put("MemberId", id));
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return fields;
    }

    /** Reads the array the parser is at to its end; the MemberId of its first item, if that is an object with one. */
    private static Optional<String> firstMemberId(JsonParser parser) throws IOException {
        Optional<String> memberId = Optional.empty();
        boolean first = true;
        for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY && item != null; item = parser.nextToken()) {
            if (first && item == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    if (parser.nextToken() == JsonToken.VALUE_STRING && name.equals("MemberId")) {
                        memberId = Optional.of(parser.getText());
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
            first = false;
        }
        return memberId;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

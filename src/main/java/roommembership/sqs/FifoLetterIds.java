package roommembership.sqs;

import roommembership.pipeline.settle.Letter;
import roommembership.target.Target;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The message group and deduplication ids of a letter on a FIFO failed-member queue. The group is the member in its
 * room or channel, so that one member's letters stay in order (an add's, then a removal's) while others' go on in
 * parallel, and a message-move task takes them back to a FIFO source queue in that order.
 */
final class FifoLetterIds {
    private FifoLetterIds() {
    }

    /**
     * The SHA-256 of the member's key, in hex: ids and ARNs can be longer than a group id's 128 characters and hold
     * characters it may not. A letter for a message that could not be read has no member; its message is the key.
     */
    static String groupId(Letter letter) {
        return sha256(memberKey(letter));
    }

    /** The SHA-256 of the body: a letter sent again after a lost answer is dropped by SQS, a different one never. */
    static String deduplicationId(String body) {
        return sha256(body);
    }

    /**
     * The member in the target its producer named: a legacy letter routed to a channel keeps its room and MemberId,
     * so its letters and those of the same request before routing share a group.
     */
    static String memberKey(Letter letter) {
        if (letter instanceof Letter.ForMember member) {
            Target form = member.form();
            // The request form's own field names keep a room's and a channel's keys apart.
            List<String> parts = new ArrayList<>();
            form.idFields().forEach(id -> parts.add(id.getKey() + "=" + id.getValue()));
            parts.add(form.memberField() + "=" + Objects.requireNonNullElse(member.producersMemberId(), ""));
            return String.join("\n", parts);
        }
        return String.join("\n", "message", letter.sourceMessageId());
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

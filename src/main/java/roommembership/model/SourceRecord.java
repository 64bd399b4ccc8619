package roommembership.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One SQS record as the domain sees it.
 *
 * @param fifoGroup the MessageGroupId when the source queue is FIFO, empty otherwise
 */
public record SourceRecord(String messageId, String body, int receiveCount, Optional<String> fifoGroup) {
    public SourceRecord {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(fifoGroup, "fifoGroup");
    }

    public static SourceRecord standard(String messageId, String body, int receiveCount) {
        return new SourceRecord(messageId, body, receiveCount, Optional.empty());
    }
}

package roommembership.handler;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import roommembership.model.SourceRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lambda's SQS event and batch response as JSON, read and written with a streaming parser: the runtime's own
 * object mapping (reflection, mixins, Joda-Time) stays off the cold-start path.
 */
final class SqsEventJson {
    private static final JsonFactory JSON = new JsonFactory();

    private SqsEventJson() {
    }

    /**
     * An SQS event: its records, and the queue they came from (one event source mapping gives one queue's records).
     *
     * @param eventSourceArn the queue's ARN as the first record names it; null when no record names one
     */
    record Batch(List<SourceRecord> records, String eventSourceArn) {
    }

    /** The records of an SQS event: message id, body, receive count and, on a FIFO queue, the message group. */
    static List<SourceRecord> read(InputStream event) throws IOException {
        return readBatch(event).records();
    }

    static Batch readBatch(InputStream event) throws IOException {
        List<SourceRecord> records = new ArrayList<>();
        String[] eventSourceArn = new String[1];
        try (JsonParser parser = JSON.createParser(event)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the event is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("Records".equals(field) && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        records.add(record(parser, eventSourceArn));
                    }
                } else {
                    parser.skipChildren();
                }
            }
        }
        return new Batch(records, eventSourceArn[0]);
    }

    private static SourceRecord record(JsonParser parser, String[] eventSourceArn) throws IOException {
        String messageId = null;
        String body = null;
        String receiveCount = null;
        String group = null;
        String sourceArn = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "messageId" -> messageId = text(parser, value);
                case "body" -> body = text(parser, value);
                case "eventSourceARN" -> sourceArn = text(parser, value);
                case "attributes" -> {
                    if (value != JsonToken.START_OBJECT) {
                        parser.skipChildren();
                        continue;
                    }
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        JsonToken attribute = parser.nextToken();
                        if ("ApproximateReceiveCount".equals(name)) {
                            receiveCount = text(parser, attribute);
                        } else if ("MessageGroupId".equals(name)) {
                            group = text(parser, attribute);
                        } else {
                            parser.skipChildren();
                        }
                    }
                }
                default -> parser.skipChildren();
            }
        }
        if (eventSourceArn[0] == null) {
            eventSourceArn[0] = sourceArn;
        }
        return RoomMembershipHandler.sourceRecord(messageId, body, receiveCount, sourceArn, group);
    }

    private static String text(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        parser.skipChildren();
        return null;
    }

    /** {@code {"batchItemFailures":[{"itemIdentifier":"..."}]}} */
    static void writeResponse(List<String> retryMessageIds, OutputStream out) throws IOException {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("batchItemFailures");
            for (String id : retryMessageIds) {
                json.writeStartObject();
                json.writeStringField("itemIdentifier", id);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    static Optional<String> fifoGroup(String sourceArn, String group) {
        return sourceArn != null && sourceArn.endsWith(".fifo") ? Optional.ofNullable(group) : Optional.empty();
    }
}

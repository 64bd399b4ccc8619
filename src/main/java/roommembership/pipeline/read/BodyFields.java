package roommembership.pipeline.read;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static roommembership.pipeline.read.MessageParser.MAX_BODY_CHARS;
import static roommembership.model.Text.MAX_QUOTED_CHARS;

/**
 * The fields of one JSON object that matter to a request, read with a streaming parser within fixed limits; null
 * means absent. A body that is no JSON object at all is a {@link Rejection}.
 */
final class BodyFields {
    /** The reader of every body: bounded in depth, length and names; used for roster triggers too. */
    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    // Nothing legitimate nests deeper than three levels; depth is what overflows a parser's stack.
                    .maxNestingDepth(64)
                    // A backstop for the body-length check, which also bounds an SNS Message parsed on its own.
                    .maxDocumentLength(MAX_BODY_CHARS)
                    // An SNS Message holds a whole request, so one string may be as long as a body.
                    .maxStringLength(MAX_BODY_CHARS)
                    // No request field is a number; long digit strings only ever attack number parsing.
                    .maxNumberLength(100)
                    // Request field names have at most 18 characters; this leaves room for producers' own fields.
                    .maxNameLength(100)
                    // The token count stays unlimited: the document length already bounds the work linearly.
                    .build())
            // Jackson's messages quote the offending token; a reason must not echo unbounded input.
            .errorReportConfiguration(ErrorReportConfiguration.builder()
                    .maxErrorTokenLength(MAX_QUOTED_CHARS)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    boolean accountIdPresent;
    String accountId;
    boolean roomIdPresent;
    String roomId;
    boolean memberIdPresent;
    String memberId;
    String memberIdProblem;
    String role;
    String type;
    /** The Action as written (a non-string as its JSON text); null when absent. */
    String action;
    String message;
    boolean itemsPresent;
    final List<RawItem> items = new ArrayList<>();
    boolean channelArnPresent;
    String channelArn;
    boolean memberArnsPresent;
    final List<RawItem> arns = new ArrayList<>();
    /** The first ChannelArn or MemberArns of the wrong JSON type, or too many MemberArns. */
    String channelFieldProblem;
    boolean memberArnPresent;
    String memberArn;
    String memberArnProblem;
    boolean chimeBearerPresent;
    boolean subChannelIdPresent;

    void channelFieldProblem(String problem) {
        if (channelFieldProblem == null) {
            channelFieldProblem = problem;
        }
    }

    /** A body that names any field of forms 1 and 2 is a legacy request, whatever else it holds. */
    boolean isLegacy() {
        return accountIdPresent || roomIdPresent || itemsPresent || memberIdPresent;
    }

    boolean isChannel() {
        return channelArnPresent || memberArnsPresent || memberArnPresent;
    }

    static BodyFields read(String text, String what) {
        try (JsonParser parser = JSON.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new Rejection(what + " is not a JSON object");
            }
            BodyFields fields = new BodyFields();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "AccountId" -> {
                        fields.accountIdPresent = true;
                        fields.accountId = requireString(parser, value, "AccountId");
                    }
                    case "RoomId" -> {
                        fields.roomIdPresent = true;
                        fields.roomId = requireString(parser, value, "RoomId");
                    }
                    case "MemberId" -> {
                        fields.memberIdPresent = true;
                        if (value == JsonToken.VALUE_STRING) {
                            fields.memberId = parser.getText();
                        } else {
                            fields.memberIdProblem = "MemberId must be a string";
                            parser.skipChildren();
                        }
                    }
                    case "Role" -> fields.role = roleText(parser, value);
                    case "MembershipItemList" -> {
                        fields.itemsPresent = true;
                        MemberLists.readItems(parser, value, fields.items);
                    }
                    case "Type" -> fields.type = roleText(parser, value);
                    case "Action" -> fields.action = roleText(parser, value);
                    // A channel field's problem is the request's only once the body is no legacy one.
                    case "ChannelArn" -> {
                        fields.channelArnPresent = true;
                        if (value == JsonToken.VALUE_STRING) {
                            fields.channelArn = parser.getText();
                        } else if (value != JsonToken.VALUE_NULL) {
                            fields.channelFieldProblem("ChannelArn must be a string");
                            parser.skipChildren();
                        }
                    }
                    case "MemberArns" -> {
                        fields.memberArnsPresent = true;
                        fields.channelFieldProblem(MemberLists.readArns(parser, value, fields.arns));
                    }
                    case "MemberArn" -> {
                        fields.memberArnPresent = true;
                        if (value == JsonToken.VALUE_STRING) {
                            fields.memberArn = parser.getText();
                        } else {
                            fields.memberArnProblem = "MemberArn must be a string";
                            parser.skipChildren();
                        }
                    }
                    case "ChimeBearer" -> {
                        fields.chimeBearerPresent = true;
                        parser.skipChildren();
                    }
                    case "SubChannelId" -> {
                        fields.subChannelIdPresent = true;
                        parser.skipChildren();
                    }
                    case "Message" -> fields.message = value == JsonToken.VALUE_STRING ? parser.getText() : skip(parser);
                    default -> parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new Rejection(what + " has content after the JSON object");
            }
            return fields;
        } catch (JsonProcessingException e) {
            throw new Rejection(what + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Rejection(what + " could not be read: " + e.getMessage());
        }
    }

    private static String requireString(JsonParser parser, JsonToken value, String field) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        throw new Rejection(field + " must be a string");
    }

    /** A non-string role is kept as its JSON text so the rejection names it. */
    static String roleText(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value.isStructStart()) {
            parser.skipChildren();
            return value == JsonToken.START_OBJECT ? "{...}" : "[...]";
        }
        return parser.getText();
    }

    private static String skip(JsonParser parser) throws IOException {
        parser.skipChildren();
        return null;
    }

    record RawItem(String memberId, String role, String problem) {
    }

    static final class Rejection extends RuntimeException {
        Rejection(String message) {
            super(message, null, false, false);
        }
    }
}

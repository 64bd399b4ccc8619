package roommembership.pipeline.read;

import roommembership.model.Text;

import roommembership.model.Action;
import roommembership.model.ErrorCodes;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a message body in any of the four request forms, optionally inside an SNS notification: forms 1 and 2 for a
 * legacy chat room, forms 3 and 4 for a Chime SDK messaging channel.
 * A pure function: the same body always gives the same result.
 */
public final class MessageParser {
    public static final int MAX_ITEMS = 1_000;
    /** SQS's message size limit, 256 KiB; a body has at most as many characters as bytes. */
    public static final int MAX_BODY_CHARS = 256 * 1024;
    /** Chime user and bot ids are UUIDs; this leaves room for other ids without letting a value grow unbounded. */
    public static final int MAX_MEMBER_ID_CHARS = 256;
    /** How much of an offending value a reason quotes. */
    static final int MAX_QUOTED_CHARS = Text.MAX_QUOTED_CHARS;

    private static final JsonFactory JSON = JsonFactory.builder()
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

    private MessageParser() {
    }

    public static ParsedMessage parse(String body) {
        if (body.length() > MAX_BODY_CHARS) {
            return new ParsedMessage.Invalid("body has " + body.length() + " characters, more than the "
                    + MAX_BODY_CHARS + " an SQS message can hold");
        }
        try {
            Fields fields = readObject(body, "body");
            if ("Notification".equals(fields.type) && fields.message != null) {
                Fields inner;
                try {
                    inner = readObject(fields.message, "SNS Message");
                } catch (Rejection rejection) {
                    return new ParsedMessage.Invalid(rejection.getMessage());
                }
                return toRequest(inner);
            }
            return toRequest(fields);
        } catch (Rejection rejection) {
            return new ParsedMessage.Invalid(rejection.getMessage());
        }
    }

    private static ParsedMessage toRequest(Fields fields) {
        // The caller's identity comes from the deployment's configuration only.
        if (fields.chimeBearerPresent) {
            return new ParsedMessage.Invalid("ChimeBearer is not a request field: the function calls Chime only as "
                    + "the AppInstanceUser or AppInstanceBot its CHIME_BEARER_ARN names");
        }
        if (fields.subChannelIdPresent) {
            return new ParsedMessage.Invalid("SubChannelId is not a request field: the function manages whole "
                    + "channels, not the sub-channels of elastic channels");
        }
        Action action;
        if (fields.action == null) {
            action = Action.ADD;
        } else {
            Optional<Action> named = Action.fromWireName(fields.action);
            if (named.isEmpty()) {
                return new ParsedMessage.Invalid("Action must be Add or Remove, not " + quoted(fields.action));
            }
            action = named.get();
        }
        if (!fields.isLegacy() && fields.isChannel()) {
            return toChannelRequest(fields, action);
        }
        if (isBlank(fields.accountId)) {
            return new ParsedMessage.Invalid("AccountId is missing or blank");
        }
        if (isBlank(fields.roomId)) {
            return new ParsedMessage.Invalid("RoomId is missing or blank");
        }
        // Both ids become path segments of the Chime call: anything but a plain id is refused, never escaped.
        if (!RoomKey.isId(fields.accountId)) {
            return new ParsedMessage.Invalid(
                    "AccountId must be " + RoomKey.ID_RULE + ", not " + quoted(fields.accountId));
        }
        if (!RoomKey.isId(fields.roomId)) {
            return new ParsedMessage.Invalid(
                    "RoomId must be " + RoomKey.ID_RULE + ", not " + quoted(fields.roomId));
        }
        List<RawItem> items = new ArrayList<>(fields.items);
        if (fields.memberIdPresent) {
            items.add(new RawItem(fields.memberId, fields.role, fields.memberIdProblem));
        }
        if (items.isEmpty()) {
            return new ParsedMessage.Invalid("no members: give a non-empty MembershipItemList or a MemberId");
        }
        if (items.size() > MAX_ITEMS) {
            return new ParsedMessage.Invalid(
                    "too many members: " + items.size() + " items, at most " + MAX_ITEMS + " per message");
        }
        // A member named twice in one message is sent once, as for two messages of a batch: the later item's role
        // decides, and a later item without one keeps the role an earlier one named.
        Map<String, Membership> members = new LinkedHashMap<>();
        List<RejectedItem> rejected = new ArrayList<>();
        for (RawItem item : items) {
            Optional<String> problem = problemOf(item);
            if (problem.isPresent()) {
                rejected.add(RejectedItem.badRequest(item.memberId, item.role, problem.get()));
            } else {
                Membership earlier = members.remove(item.memberId);
                members.put(item.memberId, item.role != null
                        ? new Membership(item.memberId, Role.fromWireName(item.role).orElseThrow())
                        : earlier != null ? earlier : Membership.withoutRole(item.memberId));
            }
        }
        return new ParsedMessage.Request(
                new RoomKey(fields.accountId, fields.roomId), List.copyOf(members.values()), rejected, action);
    }

    /** Forms 3 and 4: the shape of a BatchCreateChannelMembership request, or one member of it. */
    private static ParsedMessage toChannelRequest(Fields fields, Action action) {
        if (fields.channelFieldProblem != null) {
            return new ParsedMessage.Invalid(fields.channelFieldProblem);
        }
        Optional<String> channelProblem = ChannelKey.problemOf(fields.channelArn);
        if (channelProblem.isPresent()) {
            return new ParsedMessage.Invalid(channelProblem.get());
        }
        ChannelKey channel = ChannelKey.of(fields.channelArn).orElseThrow();
        List<RawItem> items = new ArrayList<>(fields.arns);
        if (fields.memberArnPresent) {
            items.add(new RawItem(fields.memberArn, null, fields.memberArnProblem));
        }
        if (items.isEmpty()) {
            return new ParsedMessage.Invalid("no members: give a non-empty MemberArns or a MemberArn");
        }
        if (items.size() > MAX_ITEMS) {
            return new ParsedMessage.Invalid(
                    "too many members: " + items.size() + " items, at most " + MAX_ITEMS + " per message");
        }
        // Role and Type apply to every member of the message; a wrong one rejects each member, as a wrong Role does
        // the one member of form 2.
        Optional<String> shared = fields.role != null && Role.fromWireName(fields.role).isEmpty()
                ? Optional.of("Role must be Administrator or Member, not " + quoted(fields.role))
                : fields.type != null && MembershipType.fromWireName(fields.type).isEmpty()
                ? Optional.of("Type must be DEFAULT or HIDDEN, not " + quoted(fields.type))
                : Optional.empty();
        Map<String, Membership> members = new LinkedHashMap<>();
        List<RejectedItem> rejected = new ArrayList<>();
        for (RawItem item : items) {
            Optional<String> problem = item.problem != null ? Optional.of(item.problem)
                    : shared.isPresent() ? shared : channel.memberProblem(item.memberId);
            if (problem.isPresent()) {
                rejected.add(new RejectedItem(item.memberId, fields.role, fields.type, ErrorCodes.BAD_REQUEST,
                        problem.get()));
            } else {
                MembershipType type = fields.type == null
                        ? MembershipType.DEFAULT : MembershipType.fromWireName(fields.type).orElseThrow();
                members.remove(item.memberId);
                members.put(item.memberId, fields.role == null ? Membership.withoutRole(item.memberId, type)
                        : new Membership(item.memberId, Role.fromWireName(fields.role).orElseThrow(), type));
            }
        }
        return new ParsedMessage.Request(channel, List.copyOf(members.values()), rejected, action);
    }

    private static Optional<String> problemOf(RawItem item) {
        if (item.problem != null) {
            return Optional.of(item.problem);
        }
        if (isBlank(item.memberId)) {
            return Optional.of("MemberId is missing or blank");
        }
        Optional<String> memberIdProblem = memberIdProblem(item.memberId);
        if (memberIdProblem.isPresent()) {
            return memberIdProblem;
        }
        if (item.role != null && Role.fromWireName(item.role).isEmpty()) {
            return Optional.of("Role must be Administrator or Member, not " + quoted(item.role));
        }
        return Optional.empty();
    }

    /** A MemberId is sent as JSON text: it must be short, printable and encodable as UTF-8. */
    private static Optional<String> memberIdProblem(String memberId) {
        int length = memberId.codePointCount(0, memberId.length());
        if (length > MAX_MEMBER_ID_CHARS) {
            return Optional.of("MemberId has " + length + " characters, more than " + MAX_MEMBER_ID_CHARS + ": "
                    + quoted(memberId));
        }
        for (int i = 0; i < memberId.length(); i++) {
            char c = memberId.charAt(i);
            if (Character.isISOControl(c)) {
                return Optional.of(String.format("MemberId contains the control character U+%04X", (int) c));
            }
            if (Character.isHighSurrogate(c) && i + 1 < memberId.length()
                    && Character.isLowSurrogate(memberId.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of(String.format(
                        "MemberId contains the unpaired surrogate U+%04X, which has no UTF-8 encoding", (int) c));
            }
        }
        return Optional.empty();
    }

    /** The value in quotes, cut to its first characters when it is long, so a reason never echoes unbounded input. */
    public static String quoted(String value) {
        return Text.quoted(value);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static Fields readObject(String text, String what) {
        try (JsonParser parser = JSON.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new Rejection(what + " is not a JSON object");
            }
            Fields fields = new Fields();
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
                        readItems(parser, value, fields.items);
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
                        fields.channelFieldProblem(readArns(parser, value, fields.arns));
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

    /** Reads MemberArns into {@code arns}; returns what makes them no list of members, or null. */
    private static String readArns(JsonParser parser, JsonToken value, List<RawItem> arns) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return "MemberArns must be an array";
        }
        String problem = null;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (arns.size() > MAX_ITEMS) {
                // Read on but keep nothing: the body's length bounds the work.
                problem = "too many members: more than " + MAX_ITEMS + " items per message";
                parser.skipChildren();
                continue;
            }
            if (token == JsonToken.VALUE_STRING) {
                arns.add(new RawItem(parser.getText(), null, null));
            } else {
                parser.skipChildren();
                arns.add(new RawItem(null, null, "MemberArns item " + (arns.size() + 1) + " is not a string"));
            }
        }
        return problem;
    }

    private static void readItems(JsonParser parser, JsonToken value, List<RawItem> items) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        if (value != JsonToken.START_ARRAY) {
            throw new Rejection("MembershipItemList must be an array");
        }
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (items.size() > MAX_ITEMS) {
                throw new Rejection("too many members: more than " + MAX_ITEMS + " items per message");
            }
            if (token != JsonToken.START_OBJECT) {
                parser.skipChildren();
                items.add(new RawItem(null, null, "item " + (items.size() + 1) + " is not a JSON object"));
                continue;
            }
            String memberId = null;
            String role = null;
            String problem = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken itemValue = parser.nextToken();
                if ("MemberId".equals(name)) {
                    if (itemValue == JsonToken.VALUE_STRING) {
                        memberId = parser.getText();
                    } else if (itemValue != JsonToken.VALUE_NULL) {
                        problem = "MemberId must be a string";
                        parser.skipChildren();
                    }
                } else if ("Role".equals(name)) {
                    role = roleText(parser, itemValue);
                } else {
                    parser.skipChildren();
                }
            }
            items.add(new RawItem(memberId, role, problem));
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
    private static String roleText(JsonParser parser, JsonToken value) throws IOException {
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

    /** The fields of one JSON object that matter here; null means absent. */
    private static final class Fields {
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
    }

    private record RawItem(String memberId, String role, String problem) {
    }

    private static final class Rejection extends RuntimeException {
        Rejection(String message) {
            super(message, null, false, false);
        }
    }
}

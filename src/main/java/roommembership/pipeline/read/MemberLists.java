package roommembership.pipeline.read;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.List;

import static roommembership.pipeline.read.MessageParser.MAX_ITEMS;

/** The two member lists of a body: a legacy MembershipItemList of objects, and a channel's MemberArns of strings. */
final class MemberLists {
    private MemberLists() {
    }

    /** Reads MemberArns into {@code arns}; returns what makes them no list of members, or null. */
    static String readArns(JsonParser parser, JsonToken value, List<BodyFields.RawItem> arns) throws IOException {
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
                arns.add(new BodyFields.RawItem(parser.getText(), null, null));
            } else {
                parser.skipChildren();
                arns.add(new BodyFields.RawItem(null, null, "MemberArns item " + (arns.size() + 1) + " is not a string"));
            }
        }
        return problem;
    }

    static void readItems(JsonParser parser, JsonToken value, List<BodyFields.RawItem> items) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        if (value != JsonToken.START_ARRAY) {
            throw new BodyFields.Rejection("MembershipItemList must be an array");
        }
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (items.size() > MAX_ITEMS) {
                throw new BodyFields.Rejection("too many members: more than " + MAX_ITEMS + " items per message");
            }
            if (token != JsonToken.START_OBJECT) {
                parser.skipChildren();
                items.add(new BodyFields.RawItem(null, null, "item " + (items.size() + 1) + " is not a JSON object"));
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
                    role = BodyFields.roleText(parser, itemValue);
                } else {
                    parser.skipChildren();
                }
            }
            items.add(new BodyFields.RawItem(memberId, role, problem));
        }
    }
}

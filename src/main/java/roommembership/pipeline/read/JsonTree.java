package roommembership.pipeline.read;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A body as plain maps, lists and scalars; null when it is no JSON. The body is already bounded in length. */
final class JsonTree {
    private JsonTree() {
    }

    static Object parse(String body) {
        try (JsonParser parser = BodyFields.JSON.createParser(body)) {
            if (parser.nextToken() == null) {
                return null;
            }
            Object value = value(parser);
            return parser.nextToken() == null ? value : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Object value(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            Map<String, Object> map = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                map.put(name, value(parser));
            }
            return map;
        }
        if (token == JsonToken.START_ARRAY) {
            List<Object> list = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                list.add(value(parser));
            }
            return list;
        }
        // A scalar as its text: no field read here is a number or a boolean.
        return token == JsonToken.VALUE_NULL ? null : parser.getText();
    }
}

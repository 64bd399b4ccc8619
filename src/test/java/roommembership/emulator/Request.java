package roommembership.emulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP request as received, with the readings every rest-json API needs: a header, a query parameter, a path
 * label (RFC 3986 percent-decoding, where {@code +} stays a plus) and the body as JSON.
 */
final class Request {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String method;
    private final String rawPath;
    private final String rawQuery;
    private final HttpExchange exchange;
    private final byte[] body;

    private Request(HttpExchange exchange, byte[] body) {
        this.exchange = exchange;
        this.method = exchange.getRequestMethod();
        this.rawPath = exchange.getRequestURI().getRawPath();
        this.rawQuery = exchange.getRequestURI().getRawQuery();
        this.body = body;
    }

    /** Reads the whole body, so that the exchange can be answered at any point after. */
    static Request read(HttpExchange exchange) throws IOException {
        return new Request(exchange, exchange.getRequestBody().readAllBytes());
    }

    String method() {
        return method;
    }

    /** The path as sent, still percent-encoded: an encoded {@code /} in a label must not split it. */
    String rawPath() {
        return rawPath;
    }

    /** The first value of the header, null when absent. */
    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** {@code METHOD /path?query} as sent, for messages. */
    String describe() {
        return method + " " + rawPath + (rawQuery == null ? "" : "?" + rawQuery);
    }

    /** The body as a JSON tree; null when it is not JSON. */
    JsonNode jsonBody() {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether the query has {@code name} with {@code value}, or with any value when {@code value} is null. */
    boolean hasQueryParam(String name, String value) {
        if (rawQuery == null) {
            return false;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String val = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                if (name.equals(percentDecode(key)) && (value == null || value.equals(percentDecode(val)))) {
                    return true;
                }
            } catch (IllegalArgumentException ignored) {
                // a malformed pair is not the one we look for
            }
        }
        return false;
    }

    /** The decoded value of the first {@code name} parameter, null when absent; an undecodable value is a bad request. */
    String queryValue(String name) throws Answer.BadRequest {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            try {
                if (!name.equals(percentDecode(key))) {
                    continue;
                }
            } catch (IllegalArgumentException e) {
                continue; // a malformed key is not the one we look for
            }
            try {
                return percentDecode(eq < 0 ? "" : pair.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw new Answer.BadRequest("The value of " + name + " is not correctly percent-encoded.");
            }
        }
        return null;
    }

    /**
     * The {@code max-results} query parameter of a list operation, within the model's bounds; {@code pageSize} when
     * absent.
     */
    int maxResults(int pageSize, int min, int max) throws Answer.BadRequest {
        String raw = queryValue("max-results");
        if (raw == null) {
            return pageSize;
        }
        int value;
        try {
            value = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new Answer.BadRequest("The value '" + raw + "' of max-results is not an integer.");
        }
        if (value < min || value > max) {
            throw new Answer.BadRequest("1 validation error detected: Value '" + value + "' at 'maxResults' failed to "
                    + "satisfy constraint: Member must have value " + (value < min
                            ? "greater than or equal to " + min
                            : "less than or equal to " + max));
        }
        return value;
    }

    /** RFC 3986 percent-decoding as UTF-8; unlike {@code URLDecoder}, {@code +} stays a plus. */
    static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("truncated escape in " + raw);
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape in " + raw);
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The text of a JSON value as sent (a non-string value as its JSON), null when absent or null. */
    static String textOrNull(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isTextual() ? node.textValue() : node.toString();
    }
}

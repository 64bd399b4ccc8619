package roommembership.testing;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/** A request a local front took, passed on to the server behind it as it came, and that server's answer passed back. */
final class Forwarding {
    /** Headers the HTTP client sets itself, never passed on either way. */
    private static final Set<String> HOP_BY_HOP = Set.of("content-length", "connection", "expect", "upgrade",
            "transfer-encoding");

    private Forwarding() {
    }

    /**
     * @param passed which of the request's and the answer's other headers (by lower-case name) go on
     */
    static void forward(HttpExchange exchange, URI behind, HttpClient http, Predicate<String> passed)
            throws IOException {
        Predicate<String> goesOn = name -> !HOP_BY_HOP.contains(name) && !name.startsWith(":") && passed.test(name);
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            URI uri = exchange.getRequestURI();
            HttpRequest.Builder request = HttpRequest.newBuilder(behind.resolve(uri.getRawPath()
                            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (goesOn.test(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.headers().map().forEach((name, values) -> {
                if (goesOn.test(name.toLowerCase(Locale.ROOT))) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] bytes = answer.body();
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            // A HEAD's answer has no body but says how long the object is.
            answer.headers().firstValue("content-length").filter(length -> head)
                    .ifPresent(length -> exchange.getResponseHeaders().set("Content-Length", length));
            boolean empty = bytes.length == 0 || head;
            exchange.sendResponseHeaders(answer.statusCode(), empty ? -1 : bytes.length);
            if (!empty) {
                exchange.getResponseBody().write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(503, -1);
        }
    }
}

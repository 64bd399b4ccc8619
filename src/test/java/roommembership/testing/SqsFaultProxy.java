package roommembership.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP proxy on 127.0.0.1 in front of a real SQS server that can refuse sends for a while (the next N SendMessage
 * or SendMessageBatch requests are answered 500 InternalError) or hold them before it answers; everything else
 * passes through.
 */
public final class SqsFaultProxy implements AutoCloseable {
    /** Headers the JDK client sets itself. */
    private static final Set<String> HOP_HEADERS = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    private final HttpServer server;
    private final ExecutorService executor;
    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicInteger sendsToRefuse = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicLong sendDelayMillis = new AtomicLong();

    private SqsFaultProxy(HttpServer server, ExecutorService executor, URI target) {
        this.server = server;
        this.executor = executor;
        this.target = target;
    }

    public static SqsFaultProxy start(URI target) {
        HttpServer server = LoopbackHttpServer.create(64);
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "sqs-fault-proxy");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        SqsFaultProxy proxy = new SqsFaultProxy(server, executor, target);
        server.createContext("/", proxy::handle);
        server.start();
        return proxy;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next {@code count} send requests are refused. */
    public void refuseSends(int count) {
        sendsToRefuse.set(count);
    }

    /** Every send request is held this long before it is refused or passed on; zero ends the delay. */
    public void delaySends(Duration delay) {
        sendDelayMillis.set(delay.toMillis());
    }

    /** Send requests refused since the last {@link #resetCounts()}. */
    public int refused() {
        return refused.get();
    }

    public void resetCounts() {
        sendsToRefuse.set(0);
        refused.set(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String operation = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            boolean send = operation.startsWith("AmazonSQS.SendMessage");
            if (send && sendDelayMillis.get() > 0) {
                // A slow queue: the caller waits, or gives up, before anything reaches the server.
                Thread.sleep(sendDelayMillis.get());
            }
            if (send && sendsToRefuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                refused.incrementAndGet();
                byte[] error = "{\"__type\":\"com.amazonaws.sqs#InternalError\",\"message\":\"refused by the test\"}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
                exchange.getResponseHeaders().set("x-amzn-query-error", "InternalError;Receiver");
                exchange.sendResponseHeaders(500, error.length);
                exchange.getResponseBody().write(error);
                return;
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase())) {
                    values.forEach(value -> forward.header(name, value));
                }
            });
            HttpResponse<byte[]> response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().map().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            exchange.getResponseBody().write(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

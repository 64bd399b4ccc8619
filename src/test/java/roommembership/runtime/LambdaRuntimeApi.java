package roommembership.runtime;

import roommembership.testing.LoopbackHttpServer;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake of the Lambda Runtime API (version 2018-06-01) on {@code 127.0.0.1}, for one runtime process, as Lambda
 * serves it inside an execution environment:
 * <ul>
 *   <li>{@code GET /2018-06-01/runtime/invocation/next} blocks until {@link #invoke} queues an event, then answers it
 *       with the request id, deadline, function ARN and trace id headers;</li>
 *   <li>{@code POST /2018-06-01/runtime/invocation/{id}/response} and {@code .../{id}/error} complete the
 *       invocation's future;</li>
 *   <li>{@code POST /2018-06-01/runtime/init/error} completes {@link #initError()}.</li>
 * </ul>
 */
public final class LambdaRuntimeApi implements AutoCloseable {
    static final String PREFIX = "/2018-06-01/runtime/";
    static final String REQUEST_ID_HEADER = "Lambda-Runtime-Aws-Request-Id";
    static final String DEADLINE_HEADER = "Lambda-Runtime-Deadline-Ms";
    static final String FUNCTION_ARN_HEADER = "Lambda-Runtime-Invoked-Function-Arn";
    static final String TRACE_ID_HEADER = "Lambda-Runtime-Trace-Id";
    static final String ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";

    private static final Pattern INVOCATION_RESULT =
            Pattern.compile("^" + Pattern.quote(PREFIX + "invocation/") + "([^/]+)/(response|error)$");
    private static final Duration POLL_TICK = Duration.ofMillis(100);

    /** How the runtime settled one invocation. */
    public enum Outcome { RESPONSE, ERROR }

    /**
     * What the runtime posted for one invocation.
     *
     * @param errorType the {@code Lambda-Runtime-Function-Error-Type} header of an error, else null
     */
    public record Result(String requestId, Outcome outcome, String body, String errorType) {
        public boolean isError() {
            return outcome == Outcome.ERROR;
        }
    }

    /** What the runtime posted to {@code /init/error}. */
    public record InitError(String body, String errorType) {
    }

    private record Invocation(String requestId, String eventJson) {
    }

    private final String functionArn;
    private final Duration timeout;
    private final BlockingQueue<Invocation> queued = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Result>> inFlight = new ConcurrentHashMap<>();
    private final CompletableFuture<InitError> initError = new CompletableFuture<>();
    private final CompletableFuture<Void> firstPoll = new CompletableFuture<>();
    private final AtomicInteger delivered = new AtomicInteger();
    private volatile boolean closed;
    private HttpServer server;
    private ExecutorService executor;

    /**
     * @param functionArn the ARN the invocations name in {@code Lambda-Runtime-Invoked-Function-Arn}
     * @param timeout the function timeout: each deadline is this long after the event is handed out
     */
    public LambdaRuntimeApi(String functionArn, Duration timeout) {
        this.functionArn = Objects.requireNonNull(functionArn, "functionArn");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Binds {@code 127.0.0.1} on an ephemeral port and starts serving. */
    public LambdaRuntimeApi start() {
        server = LoopbackHttpServer.create(16);
        AtomicInteger threadIds = new AtomicInteger();
        // A waiting /next holds its thread, so the pool must not be bounded by the number of open requests.
        executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "runtime-api-" + threadIds.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    /** The value for {@code AWS_LAMBDA_RUNTIME_API}: {@code 127.0.0.1:PORT}. */
    public String hostAndPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues an event for the runtime's next {@code /invocation/next}; completes when the runtime settles it. */
    public CompletableFuture<Result> invoke(String eventJson) {
        Objects.requireNonNull(eventJson, "eventJson");
        if (closed) {
            throw new IllegalStateException("the runtime API is closed");
        }
        String requestId = UUID.randomUUID().toString();
        CompletableFuture<Result> result = new CompletableFuture<>();
        inFlight.put(requestId, result);
        queued.add(new Invocation(requestId, eventJson));
        return result;
    }

    /** Completes when the runtime reports a failed initialisation. */
    public CompletableFuture<InitError> initError() {
        return initError;
    }

    /** The init error reported so far, if any. */
    public Optional<InitError> initErrorNow() {
        return Optional.ofNullable(initError.getNow(null));
    }

    /** Completes when the runtime first asks for an invocation, that is, when its initialisation is done. */
    public CompletableFuture<Void> firstPoll() {
        return firstPoll;
    }

    /** Number of events handed to the runtime so far. */
    public int deliveredInvocations() {
        return delivered.get();
    }

    @Override
    public void close() {
        closed = true;
        RuntimeException closedError = new IllegalStateException("the runtime API was closed");
        inFlight.values().forEach(future -> future.completeExceptionally(closedError));
        initError.completeExceptionally(closedError);
        firstPoll.completeExceptionally(closedError);
        if (server != null) {
            server.stop(0);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if ("GET".equals(method) && path.equals(PREFIX + "invocation/next")) {
                next(exchange);
                return;
            }
            if ("POST".equals(method) && path.equals(PREFIX + "init/error")) {
                String body = readBody(exchange);
                initError.complete(new InitError(body, exchange.getRequestHeaders().getFirst(ERROR_TYPE_HEADER)));
                respond(exchange, 202, "{\"status\":\"OK\"}");
                return;
            }
            Matcher result = INVOCATION_RESULT.matcher(path);
            if ("POST".equals(method) && result.matches()) {
                settle(exchange, result.group(1), "error".equals(result.group(2)) ? Outcome.ERROR : Outcome.RESPONSE);
                return;
            }
            readBody(exchange);
            respond(exchange, 404, "{\"errorType\":\"NotFound\",\"errorMessage\":\"no such route: " + method + " "
                    + path + "\"}");
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        firstPoll.complete(null);
        Invocation invocation = null;
        try {
            while (invocation == null && !closed) {
                invocation = queued.poll(POLL_TICK.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (invocation == null) {
            respond(exchange, 500, "{\"errorType\":\"ShuttingDown\",\"errorMessage\":\"the runtime API is closed\"}");
            return;
        }
        delivered.incrementAndGet();
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set(REQUEST_ID_HEADER, invocation.requestId());
        headers.set(DEADLINE_HEADER, Long.toString(deadline));
        headers.set(FUNCTION_ARN_HEADER, functionArn);
        headers.set(TRACE_ID_HEADER, traceId());
        respond(exchange, 200, invocation.eventJson());
    }

    private void settle(HttpExchange exchange, String requestId, Outcome outcome) throws IOException {
        String body = readBody(exchange);
        CompletableFuture<Result> future = inFlight.remove(requestId);
        if (future == null) {
            respond(exchange, 400, "{\"errorType\":\"InvalidRequestID\",\"errorMessage\":\"unknown or settled request id "
                    + requestId + "\"}");
            return;
        }
        String errorType = outcome == Outcome.ERROR ? exchange.getRequestHeaders().getFirst(ERROR_TYPE_HEADER) : null;
        respond(exchange, 202, "{\"status\":\"OK\"}");
        future.complete(new Result(requestId, outcome, body, errorType));
    }

    private static String traceId() {
        String hex = UUID.randomUUID().toString().replace("-", "");
        return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-" + hex.substring(0, 24)
                + ";Parent=" + hex.substring(16) + ";Sampled=0";
    }

    private static String readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}

package roommembership.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One endpoint for every service of the local stack, so that {@code AWS_ENDPOINT_URL} alone points the AWS CLI and the
 * SDKs at it: each request goes to the service its SigV4 credential scope names (SQS, S3, Chime), and CloudFormation's
 * DescribeStacks is answered here with the stack's outputs, as the deployed stack would give them.
 *
 * <p>Requests are passed on with their headers, the {@code Host} among them (so SQS names queue URLs by this
 * endpoint), which the JDK's HTTP client sends only when {@code jdk.httpclient.allowRestrictedHeaders} names it.
 */
public final class StackEndpoint implements AutoCloseable {
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/,]+/\\d{8}/([^/,]+)/([^/,]+)/aws4_request");

    private final HttpServer server;
    private final URI endpoint;

    private StackEndpoint(HttpServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /**
     * @param services the endpoint of each service, by the name its requests are signed for ({@code sqs}, {@code s3},
     *                 {@code chime})
     * @param stackName the one stack DescribeStacks knows
     * @param outputs that stack's outputs, by key, in order
     */
    public static StackEndpoint start(InetSocketAddress at, Map<String, URI> services, String stackName,
                                      Map<String, String> outputs) {
        HttpServer server;
        try {
            server = HttpServer.create(at, 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, URI> routes = Map.copyOf(services);
        Map<String, String> stackOutputs = new LinkedHashMap<>(outputs);
        server.createContext("/", exchange -> {
            try (exchange) {
                String service = signedFor(exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestURI().getRawQuery());
                if ("cloudformation".equals(service)) {
                    answerCloudFormation(exchange, stackName, stackOutputs);
                } else if (routes.containsKey(service)) {
                    forward(exchange, routes.get(service), http);
                } else {
                    byte[] body = ("This endpoint serves requests signed for " + String.join(", ", routes.keySet())
                            + " and cloudformation; this one was signed for " + (service == null ? "nothing" : service)
                            + ".\n").getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(400, body.length);
                    exchange.getResponseBody().write(body);
                }
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(8, runnable -> {
            Thread thread = new Thread(runnable, "stack-endpoint");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        String host = at.getAddress().isAnyLocalAddress() ? "127.0.0.1" : at.getAddress().getHostAddress();
        return new StackEndpoint(server, URI.create("http://" + host + ":" + server.getAddress().getPort()));
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The service a request is signed for: from its Authorization header, or a presigned URL's credential. */
    static String signedFor(String authorization, String rawQuery) {
        String credential = authorization;
        if (credential == null && rawQuery != null) {
            credential = "Credential=" + query(rawQuery).getOrDefault("X-Amz-Credential", "");
        }
        if (credential == null) {
            return null;
        }
        Matcher scope = SCOPE.matcher(credential);
        return scope.find() ? scope.group(2) : null;
    }

    private static void forward(HttpExchange exchange, URI behind, HttpClient http) throws IOException {
        try {
            Forwarding.forward(exchange, behind, http, name -> true);
        } catch (IOException e) {
            byte[] message = ("The service behind this endpoint did not answer: " + e + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(502, message.length);
            exchange.getResponseBody().write(message);
        }
    }

    /** CloudFormation's query protocol: DescribeStacks of the one stack; anything else is not served here. */
    private static void answerCloudFormation(HttpExchange exchange, String stackName, Map<String, String> outputs)
            throws IOException {
        Map<String, String> form = query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String requestId = UUID.randomUUID().toString();
        String action = form.getOrDefault("Action", "");
        String asked = form.get("StackName");
        String xml;
        int status;
        if (!"DescribeStacks".equals(action)) {
            status = 400;
            xml = error("InvalidAction", "The local stack answers DescribeStacks only, not " + action, requestId);
        } else if (asked != null && !asked.equals(stackName) && !asked.endsWith("/" + stackName + "/local")) {
            status = 400;
            xml = error("ValidationError", "Stack with id " + asked + " does not exist", requestId);
        } else {
            status = 200;
            StringBuilder members = new StringBuilder();
            outputs.forEach((key, value) -> members.append("<member><OutputKey>").append(escape(key))
                    .append("</OutputKey><OutputValue>").append(escape(value)).append("</OutputValue></member>"));
            xml = "<DescribeStacksResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\">"
                    + "<DescribeStacksResult><Stacks><member><StackName>" + escape(stackName) + "</StackName>"
                    + "<StackId>arn:aws:cloudformation:us-east-1:000000000000:stack/" + escape(stackName)
                    + "/local</StackId><CreationTime>2026-01-01T00:00:00Z</CreationTime>"
                    + "<StackStatus>CREATE_COMPLETE</StackStatus><Outputs>" + members + "</Outputs></member>"
                    + "</Stacks></DescribeStacksResult><ResponseMetadata><RequestId>" + requestId
                    + "</RequestId></ResponseMetadata></DescribeStacksResponse>";
        }
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static String error(String code, String message, String requestId) {
        return "<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>Sender</Type>"
                + "<Code>" + code + "</Code><Message>" + escape(message) + "</Message></Error><RequestId>"
                + requestId + "</RequestId></ErrorResponse>";
    }

    private static Map<String, String> query(String text) {
        Map<String, String> values = new HashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            values.put(name, equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

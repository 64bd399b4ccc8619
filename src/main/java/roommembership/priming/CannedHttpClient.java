package roommembership.priming;

import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP client that never touches the network: it answers each request the clients of this function make with a
 * fixed, well-formed response, so priming runs the SDK's whole path (marshalling, signing, unmarshalling).
 * Chime adds every member but {@link #ABSENT_MEMBER} (and, on a channel, the user whose id that is), which it does not
 * find, and {@link #PRESENT_MEMBER}, who is there already; it removes every member but the absent one and sets every
 * role; SQS refuses every dead letter as a sender fault.
 */
public final class CannedHttpClient implements SdkHttpClient {
    static final String ABSENT_MEMBER = "priming-absent";
    static final String ABSENT_CHANNEL_MEMBER_ID = "/user/priming-absent";
    static final String PRESENT_MEMBER = "priming-present";
    static final String PRESENT_CHANNEL_MEMBER_ID = "/user/priming-present";
    private static final Pattern QUOTED_ARN = Pattern.compile("\"(arn:aws:chime:[^\"]+)\"");
    private static final Pattern SQS_ENTRY_ID = Pattern.compile("\"Id\"\\s*:\\s*\"([^\"]+)\"");

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                return answer(request);
            }

            @Override
            public void abort() {
                // nothing is in flight
            }
        };
    }

    private static HttpExecuteResponse answer(HttpExecuteRequest request) {
        String body = request.contentStreamProvider().map(provider -> read(provider.newStream())).orElse("");
        String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
        if (target.endsWith(".SendMessageBatch")) {
            StringBuilder failed = new StringBuilder();
            Matcher id = SQS_ENTRY_ID.matcher(body);
            while (id.find()) {
                failed.append(failed.isEmpty() ? "" : ",").append("{\"Id\":\"").append(id.group(1))
                        .append("\",\"SenderFault\":true,\"Code\":\"InvalidParameterValue\",\"Message\":\"priming\"}");
            }
            return response(200, "application/x-amz-json-1.0", "{\"Successful\":[],\"Failed\":[" + failed + "]}");
        }
        String path = request.httpRequest().encodedPath();
        if (path.startsWith("/channels/")) {
            return channelAnswer(request.httpRequest().method(), path, body);
        }
        SdkHttpMethod method = request.httpRequest().method();
        if (method == SdkHttpMethod.GET) {
            return response(200, "application/json", "{\"RoomMemberships\":[]}");
        }
        if (path.contains("/memberships/")) {
            // UpdateRoomMembership, and DeleteRoomMembership: NotFound for the absent member.
            return method == SdkHttpMethod.DELETE
                    ? path.endsWith("/" + ABSENT_MEMBER) ? error(404, "NotFoundException", "NotFound") : noContent()
                    : response(200, "application/json", "{\"RoomMembership\":{\"Role\":\"Administrator\"}}");
        }
        // As the service does, an add names only members of its own call: an entry naming another leaves it unknown.
        StringBuilder errors = new StringBuilder();
        for (Map.Entry<String, String> member : List.of(Map.entry(ABSENT_MEMBER, "NotFound"),
                Map.entry(PRESENT_MEMBER, "Conflict"))) {
            if (body.contains("\"MemberId\":\"" + member.getKey() + "\"")) {
                errors.append(errors.isEmpty() ? "" : ",").append("{\"MemberId\":\"").append(member.getKey())
                        .append("\",\"ErrorCode\":\"").append(member.getValue())
                        .append("\",\"ErrorMessage\":\"priming\"}");
            }
        }
        return response(201, "application/json", "{\"Errors\":[" + errors + "]}");
    }

    /**
     * Messaging: every member is added but {@link #ABSENT_MEMBER}'s user, and {@link #PRESENT_MEMBER}'s is one
     * already and a moderator; every moderator asked for is one already; every removal is made but the absent user's.
     */
    private static HttpExecuteResponse channelAnswer(SdkHttpMethod method, String encodedPath, String body) {
        // The ARNs in the path are percent-encoded.
        String path = URLDecoder.decode(encodedPath, StandardCharsets.UTF_8);
        if (method == SdkHttpMethod.DELETE) {
            return path.endsWith(ABSENT_CHANNEL_MEMBER_ID) ? error(404, "NotFoundException", "NotFound") : noContent();
        }
        if (path.endsWith("/moderators")) {
            if (method != SdkHttpMethod.GET) {
                return error(409, "ConflictException", "Conflict");
            }
            String channel = path.substring("/channels/".length(), path.length() - "/moderators".length());
            return response(200, "application/json", "{\"ChannelModerators\":[{\"Moderator\":{\"Arn\":\""
                    + channel.substring(0, channel.indexOf("/channel/")) + PRESENT_CHANNEL_MEMBER_ID + "\"}}]}");
        }
        if (method == SdkHttpMethod.GET) {
            return response(200, "application/json", "{\"ChannelMemberships\":[]}");
        }
        StringBuilder errors = new StringBuilder();
        Matcher arn = QUOTED_ARN.matcher(body);
        while (arn.find()) {
            String code = arn.group(1).endsWith(ABSENT_CHANNEL_MEMBER_ID) ? "NotFound"
                    : arn.group(1).endsWith(PRESENT_CHANNEL_MEMBER_ID) ? "Conflict" : null;
            if (code != null) {
                errors.append(errors.isEmpty() ? "" : ",").append("{\"MemberArn\":\"").append(arn.group(1))
                        .append("\",\"ErrorCode\":\"").append(code).append("\",\"ErrorMessage\":\"priming\"}");
            }
        }
        return response(200, "application/json",
                "{\"BatchChannelMemberships\":{\"Members\":[]},\"Errors\":[" + errors + "]}");
    }

    private static HttpExecuteResponse noContent() {
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder().statusCode(204).putHeader("x-amzn-RequestId", "priming").build())
                .build();
    }

    private static HttpExecuteResponse error(int status, String type, String code) {
        HttpExecuteResponse answer = response(status, "application/json",
                "{\"Code\":\"" + code + "\",\"Message\":\"priming\"}");
        return HttpExecuteResponse.builder()
                .response(answer.httpResponse().toBuilder().putHeader("x-amzn-ErrorType", type).build())
                .responseBody(answer.responseBody().orElseThrow())
                .build();
    }

    private static HttpExecuteResponse response(int status, String contentType, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder().statusCode(status)
                        .putHeader("Content-Type", contentType)
                        .putHeader("Content-Length", Integer.toString(bytes.length))
                        .putHeader("x-amzn-RequestId", "priming")
                        .build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
                .build();
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String clientName() {
        return "canned";
    }

    @Override
    public void close() {
        // nothing to release
    }
}

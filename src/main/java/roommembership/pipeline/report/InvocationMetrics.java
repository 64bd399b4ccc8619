package roommembership.pipeline.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import roommembership.model.ErrorCodes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The invocation's CloudWatch metrics, as Embedded Metric Format documents written to stdout, where CloudWatch Logs
 * extracts them: no API call, no client, nothing that looks for a network. One document carries every figure under
 * the function's name; DeadLettered is also counted per ErrorCode, one more document per code (a document holds one
 * value per dimension).
 *
 * <p>A plain writer on jackson-core rather than Powertools Metrics: a fresh JVM loads and writes it in a fraction of
 * the time (see docs/operate.md, "Metrics").
 */
public final class InvocationMetrics {
    public static final String DEFAULT_NAMESPACE = "RoomMembership";
    static final String FUNCTION_NAME = "FunctionName";
    static final String ERROR_CODE = "ErrorCode";
    static final String DEAD_LETTERED = "DeadLettered";
    /** CloudWatch takes dimension values up to 1,024 characters; ErrorCodes are short names. */
    private static final int MAX_DIMENSION_CHARS = 250;
    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private final String namespace;
    private final Clock clock;
    private final Consumer<String> stdout;

    /** @param stdout takes one line per document; in Lambda, {@code System.out} */
    public InvocationMetrics(String namespace, Clock clock, Consumer<String> stdout) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stdout = Objects.requireNonNull(stdout, "stdout");
    }

    public void publish(Summary summary, String functionName, String requestId) {
        documents(namespace, clock.instant(), functionName, requestId, summary).forEach(stdout);
    }

    /** The figures of one invocation, by metric name; zeros too, so a quiet period shows as 0 and not as no data. */
    static Map<String, Integer> figures(Summary summary) {
        Map<String, Integer> figures = new LinkedHashMap<>();
        figures.put("MembershipRequests", summary.membershipRequests());
        figures.put("MembersAdded", summary.added());
        figures.put("AlreadyMembers", summary.alreadyMembers());
        figures.put("MembersRemoved", summary.removed());
        figures.put("AlreadyAbsent", summary.alreadyAbsent());
        figures.put("RolesChanged", summary.rolesChanged());
        figures.put(DEAD_LETTERED, summary.deadLettered());
        figures.put("ChimeCalls", summary.calls());
        figures.put("ChimeThrottles", summary.chimeThrottles());
        figures.put("RecordsRetried", summary.recordsRetried());
        figures.put("InvalidMessages", summary.invalidMessages());
        figures.put("MembersDispatched", summary.dispatched());
        // A roster's removals the deletion brake held, each a letter waiting for an operator's decision.
        figures.put("RemovalsHeld", summary.deadLetteredByErrorCode().getOrDefault(ErrorCodes.REMOVAL_HELD, 0));
        return figures;
    }

    public static List<String> documents(String namespace, Instant at, String functionName, String requestId,
                                         Summary summary) {
        String function = dimensionValue(functionName);
        List<String> documents = new ArrayList<>();
        documents.add(document(namespace, at, List.of(FUNCTION_NAME), Map.of(FUNCTION_NAME, function), requestId,
                figures(summary)));
        new TreeMap<>(summary.deadLetteredByErrorCode()).forEach((code, count) -> documents.add(document(namespace, at,
                List.of(FUNCTION_NAME, ERROR_CODE), orderedMap(FUNCTION_NAME, function, ERROR_CODE, dimensionValue(code)),
                requestId, Map.of(DEAD_LETTERED, count))));
        return documents;
    }

    private static String document(String namespace, Instant at, List<String> dimensions,
                                   Map<String, String> dimensionValues, String requestId,
                                   Map<String, Integer> metrics) {
        StringWriter text = new StringWriter(512);
        try (JsonGenerator out = JSON.createGenerator(text)) {
            out.writeStartObject();
            out.writeObjectFieldStart("_aws");
            out.writeNumberField("Timestamp", at.toEpochMilli());
            out.writeArrayFieldStart("CloudWatchMetrics");
            out.writeStartObject();
            out.writeStringField("Namespace", namespace);
            out.writeArrayFieldStart("Dimensions");
            out.writeStartArray();
            for (String dimension : dimensions) {
                out.writeString(dimension);
            }
            out.writeEndArray();
            out.writeEndArray();
            out.writeArrayFieldStart("Metrics");
            for (String metric : metrics.keySet()) {
                out.writeStartObject();
                out.writeStringField("Name", metric);
                out.writeStringField("Unit", "Count");
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
            out.writeEndArray();
            out.writeEndObject();
            for (Map.Entry<String, String> dimension : dimensionValues.entrySet()) {
                out.writeStringField(dimension.getKey(), dimension.getValue());
            }
            // Not a dimension: a property, so Logs Insights finds the invocation's other lines from a metric's.
            out.writeStringField("AWSRequestId", requestId);
            for (Map.Entry<String, Integer> metric : metrics.entrySet()) {
                out.writeNumberField(metric.getKey(), metric.getValue());
            }
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** CloudWatch refuses an empty or over-long dimension value, and then the whole document's metrics. */
    private static String dimensionValue(String value) {
        if (value == null || value.isBlank()) {
            return "unknown";
        }
        return value.length() <= MAX_DIMENSION_CHARS ? value : value.substring(0, MAX_DIMENSION_CHARS);
    }

    private static Map<String, String> orderedMap(String k1, String v1, String k2, String v2) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }
}

package roommembership.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import roommembership.pipeline.settle.RequestEnds;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Embedded Metric Format documents of one invocation. */
class InvocationMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-11-26T10:52:12.004Z");

    @Test
    void oneDocumentPerErrorCodeInNameOrderEachCountingOnlyDeadLettered() {
        Summary summary = new Summary(3, 1, 0, 1, 5, new RequestEnds(1, 0, 3, 0, 0, 1), 1, 0, 0, 0, 0,
                Map.of("NotFound", 2, "BadRequest", 1, "Forbidden", 1), 0, 1, 0, 0, 20);

        List<JsonNode> documents = InvocationMetrics.documents("RoomMembership", AT, "fn", "req-1", summary).stream()
                .map(InvocationMetricsTest::read).toList();

        assertThat(documents).extracting(doc -> doc.path("ErrorCode").asText(null), doc -> doc.path("DeadLettered").asInt())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(null, 4),
                        org.assertj.core.groups.Tuple.tuple("BadRequest", 1),
                        org.assertj.core.groups.Tuple.tuple("Forbidden", 1),
                        org.assertj.core.groups.Tuple.tuple("NotFound", 2));
        assertThat(documents.subList(1, 4)).allSatisfy(doc -> {
            assertThat(doc.path("_aws").path("CloudWatchMetrics").path(0).path("Metrics").toString())
                    .isEqualTo("[{\"Name\":\"DeadLettered\",\"Unit\":\"Count\"}]");
            assertThat(doc.path("MembersAdded").isMissingNode()).isTrue();
        });
    }

    @Test
    void everyDeclaredMetricHasItsValueInTheDocument() {
        JsonNode document = read(InvocationMetrics.documents("RoomMembership", AT, "fn", "req-1",
                new Summary(0, 0, 0, 0, 0, RequestEnds.NONE, 0, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0)).get(0));

        List<String> declared = new ArrayList<>();
        document.path("_aws").path("CloudWatchMetrics").path(0).path("Metrics")
                .forEach(metric -> declared.add(metric.path("Name").asText()));
        assertThat(declared).containsExactly("MembershipRequests", "MembersAdded", "AlreadyMembers", "MembersRemoved",
                "AlreadyAbsent", "RolesChanged", "DeadLettered",
                "ChimeCalls", "ChimeThrottles", "RecordsRetried", "InvalidMessages", "MembersDispatched",
                "RemovalsHeld");
        assertThat(declared).allSatisfy(name -> assertThat(document.path(name).isInt()).as(name).isTrue());
        assertThat(document.path("_aws").path("Timestamp").asLong()).isEqualTo(AT.toEpochMilli());
    }

    @Test
    void aDimensionValueCloudWatchWouldRefuseIsReplacedOrCutSoTheDocumentStillCounts() {
        Summary summary = new Summary(1, 1, 0, 1, 1, new RequestEnds(0, 0, 1, 0, 0, 0), 0, 0, 0, 0, 0,
                Map.of("E".repeat(2_000), 1), 0, 0, 0, 0, 1);
        List<String> out = new ArrayList<>();

        new InvocationMetrics("RoomMembership", Clock.fixed(AT, ZoneOffset.UTC), out::add).publish(summary, " ", "r");

        assertThat(out).hasSize(2);
        assertThat(read(out.get(0)).path("FunctionName").asText()).isEqualTo("unknown");
        assertThat(read(out.get(1)).path("ErrorCode").asText()).hasSize(250);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

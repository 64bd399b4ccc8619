package roommembership.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import roommembership.wiring.FunctionWiring;
import roommembership.pipeline.report.InvocationLog;
import roommembership.pipeline.report.InvocationMetrics;
import roommembership.pipeline.report.BatchReport;
import roommembership.pipeline.MembershipService;
import roommembership.model.SourceRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Lambda entry point: an SQS batch in, the records SQS must deliver again out. Lambda calls the stream form, which
 * reads the event's JSON itself; the {@link SQSEvent} form serves callers that hold the event as an object.
 */
public final class RoomMembershipHandler implements RequestStreamHandler {
    private final MembershipService service;
    private final InvocationLog log;
    private final InvocationMetrics metrics;

    /**
     * Called by Lambda once per container: builds the clients, fails fast on a bad configuration, and registers the
     * priming that SnapStart runs before its snapshot.
     */
    public RoomMembershipHandler() {
        this(FunctionWiring.fromEnvironment(System.getenv()), new InvocationLog(Clock.systemUTC()),
                FunctionWiring.metricsFromEnvironment(System.getenv()));
        Priming.install(System.getenv());
    }

    RoomMembershipHandler(MembershipService service, InvocationLog log, InvocationMetrics metrics) {
        this.service = Objects.requireNonNull(service, "service");
        this.log = Objects.requireNonNull(log, "log");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        SqsEventJson.Batch batch = SqsEventJson.readBatch(event);
        SqsEventJson.writeResponse(process(batch.records(), batch.eventSourceArn(), context).retryMessageIds(),
                response);
    }

    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        BatchReport report = process(sourceRecords(event), eventSourceArn(event), context);
        return SQSBatchResponse.builder()
                .withBatchItemFailures(report.retryMessageIds().stream()
                        .map(id -> SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(id).build())
                        .toList())
                .build();
    }

    private BatchReport process(List<SourceRecord> records, String eventSourceArn, Context context) {
        BatchReport report = service.process(records, context::getRemainingTimeInMillis, eventSourceArn);
        log.write(context.getLogger(), context.getAwsRequestId(), report);
        metrics.publish(report.summary(), context.getFunctionName(), context.getAwsRequestId());
        return report;
    }

    static List<SourceRecord> sourceRecords(SQSEvent event) {
        if (event == null || event.getRecords() == null) {
            return List.of();
        }
        return event.getRecords().stream().map(RoomMembershipHandler::sourceRecord).toList();
    }

    /** The queue an event's records came from, as its first record names it. */
    static String eventSourceArn(SQSEvent event) {
        if (event == null || event.getRecords() == null) {
            return null;
        }
        return event.getRecords().stream().map(SQSEvent.SQSMessage::getEventSourceArn)
                .filter(Objects::nonNull).findFirst().orElse(null);
    }

    private static SourceRecord sourceRecord(SQSEvent.SQSMessage message) {
        Map<String, String> attributes = message.getAttributes() == null ? Map.of() : message.getAttributes();
        return sourceRecord(message.getMessageId(), message.getBody(), attributes.get("ApproximateReceiveCount"),
                message.getEventSourceArn(), attributes.get("MessageGroupId"));
    }

    /** One record as the domain sees it, whichever form the event came in. */
    static SourceRecord sourceRecord(String messageId, String body, String receiveCount, String sourceArn,
                                     String group) {
        return new SourceRecord(String.valueOf(messageId), body == null ? "" : body, receiveCount(receiveCount),
                SqsEventJson.fifoGroup(sourceArn, group));
    }

    private static int receiveCount(String value) {
        try {
            return value == null ? 1 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}

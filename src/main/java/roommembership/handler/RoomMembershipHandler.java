package roommembership.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import roommembership.adapter.FunctionWiring;
import roommembership.domain.BatchReport;
import roommembership.domain.MembershipService;
import roommembership.domain.SourceRecord;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Lambda entry point: an SQS batch in, the records SQS must deliver again out. */
public final class RoomMembershipHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final MembershipService service;

    /** Called by Lambda once per container: builds the clients and fails fast on a bad configuration. */
    public RoomMembershipHandler() {
        this(FunctionWiring.fromEnvironment(System.getenv()));
    }

    RoomMembershipHandler(MembershipService service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        BatchReport report = service.process(sourceRecords(event), context::getRemainingTimeInMillis);
        context.getLogger().log(report.summary().toLogLine() + "\n");
        return SQSBatchResponse.builder()
                .withBatchItemFailures(report.retryMessageIds().stream()
                        .map(id -> SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(id).build())
                        .toList())
                .build();
    }

    static List<SourceRecord> sourceRecords(SQSEvent event) {
        if (event == null || event.getRecords() == null) {
            return List.of();
        }
        return event.getRecords().stream().map(RoomMembershipHandler::sourceRecord).toList();
    }

    private static SourceRecord sourceRecord(SQSEvent.SQSMessage message) {
        Map<String, String> attributes = message.getAttributes() == null ? Map.of() : message.getAttributes();
        boolean fifo = message.getEventSourceArn() != null && message.getEventSourceArn().endsWith(".fifo");
        Optional<String> group = fifo ? Optional.ofNullable(attributes.get("MessageGroupId")) : Optional.empty();
        return new SourceRecord(
                String.valueOf(message.getMessageId()),
                message.getBody() == null ? "" : message.getBody(),
                receiveCount(attributes.get("ApproximateReceiveCount")),
                group);
    }

    private static int receiveCount(String value) {
        try {
            return value == null ? 1 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}

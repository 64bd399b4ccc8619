package roommembership.handler;

import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import roommembership.model.SourceRecord;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The event JSON Lambda hands the stream entry point reads as the runtime's own event object does. */
class SqsEventJsonTest {

    @ParameterizedTest
    @CsvSource({"events/hr-batch.json, 8", "events/malformed-records.json, 6", "events/sns-wrapped.json, 2",
            "events/fifo-batch.json, 5"})
    void everySampleEventGivesTheSameRecordsAsTheRuntimesEventObject(String file, int records) throws IOException {
        List<SourceRecord> fromObject = RoomMembershipHandler.sourceRecords(EventLoader.loadSQSEvent(file));

        List<SourceRecord> fromJson;
        try (InputStream json = Files.newInputStream(Path.of(file))) {
            fromJson = SqsEventJson.read(json);
        }

        assertThat(fromJson).hasSize(records).isEqualTo(fromObject);
    }

    @Test
    void fifoGroupIsReadOnlyFromAFifoQueue() throws IOException {
        String event = """
                {"Records":[
                  {"messageId":"m1","body":"{}","attributes":{"ApproximateReceiveCount":"3","MessageGroupId":"g1"},
                   "eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:requests.fifo","messageAttributes":{}},
                  {"messageId":"m2","body":"{}","attributes":{"MessageGroupId":"g1"},
                   "eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:requests"}]}""";

        assertThat(SqsEventJson.read(stream(event))).containsExactly(
                new SourceRecord("m1", "{}", 3, Optional.of("g1")),
                new SourceRecord("m2", "{}", 1, Optional.empty()));
    }

    @Test
    void anEventWithoutRecordsHasNone() throws IOException {
        assertThat(SqsEventJson.read(stream("{\"Records\":[]}"))).isEmpty();
        assertThat(SqsEventJson.read(stream("{}"))).isEmpty();
    }

    @Test
    void anEventThatIsNotAnObjectIsAnError() {
        assertThatThrownBy(() -> SqsEventJson.read(stream("[]"))).isInstanceOf(IOException.class);
    }

    @Test
    void theResponseHasLambdasKeys() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        SqsEventJson.writeResponse(List.of("m1", "m\"2"), out);

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "{\"batchItemFailures\":[{\"itemIdentifier\":\"m1\"},{\"itemIdentifier\":\"m\\\"2\"}]}");
    }

    private static InputStream stream(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }
}

package roommembership.handler;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Priming runs the whole function on canned answers, reaching no network. */
class PrimingTest {
    private static final Map<String, String> ENV = Map.of(
            "DEAD_LETTER_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/failed-members",
            "AWS_REGION", "eu-west-1");

    @Test
    void thePrimingBatchGoesThroughCallsAndDeadLettersToAResponse() {
        String response = Priming.install(ENV).run();

        // Its two dead letters (a member Chime does not find, an unreadable record) are refused by the canned
        // queue, so their records come back: the dead-letter path ran to its end, and so did the calls.
        assertThat(response).isEqualTo(
                "{\"batchItemFailures\":[{\"itemIdentifier\":\"priming-1\"},{\"itemIdentifier\":\"priming-3\"}]}");
    }
}

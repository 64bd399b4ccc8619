package roommembership.adapter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigurationTest {
    private static final String URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/failed-members";

    @Test
    void defaultsApplyWhenOnlyTheQueueIsGiven() {
        assertThat(Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL)))
                .isEqualTo(new Configuration(URL, 5, 8, Duration.ofSeconds(5), "eu-west-1"));
    }

    @Test
    void everySettingIsRead() {
        assertThat(Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL, "MAX_RECEIVE_COUNT", "3",
                "CHIME_MAX_CONCURRENCY", "16", "DEADLINE_SAFETY_MARGIN_MS", "2500", "AWS_REGION", "ap-south-1")))
                .isEqualTo(new Configuration(URL, 3, 16, Duration.ofMillis(2500), "ap-south-1"));
    }

    @Test
    void sqsRegionIsTheFunctionsRegionElseTheQueuesElseUsEast1() {
        assertThat(Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL, "AWS_DEFAULT_REGION", "sa-east-1"))
                .sqsRegion()).isEqualTo("sa-east-1");
        assertThat(Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL)).sqsRegion())
                .isEqualTo("eu-west-1");
        assertThat(Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL",
                "http://127.0.0.1:9324/000000000000/failed-members")).sqsRegion()).isEqualTo("us-east-1");
    }

    @Test
    void missingQueueUrlSaysWhatToSet() {
        assertThatThrownBy(() -> Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", " ")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("DEAD_LETTER_QUEUE_URL is not set: set it to the URL of the SQS queue that receives "
                        + "failed members");
    }

    @ParameterizedTest
    @CsvSource({"MAX_RECEIVE_COUNT, five", "MAX_RECEIVE_COUNT, 0", "CHIME_MAX_CONCURRENCY, -1",
            "CHIME_MAX_CONCURRENCY, 1000"})
    void badNumbersAreRejectedWithTheirName(String name, String value) {
        assertThatThrownBy(() -> Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL, name, value)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(name + " must be a whole number")
                .hasMessageEndingWith("not '" + value + "'");
    }
}

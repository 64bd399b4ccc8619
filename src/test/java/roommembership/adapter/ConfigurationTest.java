package roommembership.adapter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import roommembership.domain.AccountAllowlist;
import roommembership.domain.ChannelAccess;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigurationTest {
    private static final String URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/failed-members";

    @Test
    void defaultsApplyWhenOnlyTheQueueIsGiven() {
        assertThat(Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL)))
                .isEqualTo(new Configuration(URL, 5, 8, Duration.ofSeconds(5), "eu-west-1",
                        AccountAllowlist.anyAccount(), 20, "RoomMembership", ChannelAccess.none(), Optional.empty(),
                        "eu-west-1"));
    }

    @Test
    void everySettingIsRead() {
        assertThat(Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL, "MAX_RECEIVE_COUNT", "3",
                "CHIME_MAX_CONCURRENCY", "16", "DEADLINE_SAFETY_MARGIN_MS", "2500", "AWS_REGION", "ap-south-1",
                "ALLOWED_ACCOUNT_IDS", "acct-1", "CHIME_MAX_TPS", "0", "METRICS_NAMESPACE", "HR/RoomMembership")))
                .isEqualTo(new Configuration(URL, 3, 16, Duration.ofMillis(2500), "ap-south-1",
                        new AccountAllowlist(Set.of("acct-1")), 0, "HR/RoomMembership", ChannelAccess.none(),
                        Optional.empty(), "ap-south-1"));
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
            "CHIME_MAX_CONCURRENCY, 1000", "CHIME_MAX_TPS, -1", "CHIME_MAX_TPS, 2.5", "CHIME_MAX_TPS, 10001"})
    void badNumbersAreRejectedWithTheirName(String name, String value) {
        assertThatThrownBy(() -> Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL, name, value)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(name + " must be a whole number")
                .hasMessageEndingWith("not '" + value + "'");
    }

    @Test
    void allowedAccountIdsAreCommaSeparatedWithSpacesTrimmed() {
        Configuration config = Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL,
                "ALLOWED_ACCOUNT_IDS", " a1b2c3d4-5e6f-4a0b-9c8d-7e6f5a4b3c2d ,acct-2 "));

        assertThat(config.allowedAccounts())
                .isEqualTo(new AccountAllowlist(Set.of("a1b2c3d4-5e6f-4a0b-9c8d-7e6f5a4b3c2d", "acct-2")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void emptyAllowedAccountIdsPermitEveryAccount(String value) {
        assertThat(Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL, "ALLOWED_ACCOUNT_IDS", value))
                .allowedAccounts()).isEqualTo(AccountAllowlist.anyAccount());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {",|''", "acct-1,,acct-2|''", "acct-1,|''", "acct 1|acct 1",
            "acct-1;acct-2|acct-1;acct-2", "../acct|../acct"})
    void allowedAccountIdsThatAreNotAListOfIdsFailAtStartRatherThanPermitTooMuch(String value, String offending) {
        assertThatThrownBy(() -> Configuration.fromEnvironment(
                Map.of("DEAD_LETTER_QUEUE_URL", URL, "ALLOWED_ACCOUNT_IDS", value)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("ALLOWED_ACCOUNT_IDS must be a comma-separated list of Chime account ids")
                .hasMessageEndingWith("; '" + offending + "' is not one");
    }

    static Stream<String> namespacesCloudWatchRefuses() {
        return Stream.of("AWS/Lambda", "Room\tMembership", "räume", "x".repeat(256));
    }

    @ParameterizedTest
    @MethodSource("namespacesCloudWatchRefuses")
    void aMetricsNamespaceCloudWatchWouldRefuseFailsAtStartRatherThanLoseEveryMetric(String value) {
        assertThatThrownBy(() -> Configuration.fromEnvironment(
                Map.of("DEAD_LETTER_QUEUE_URL", URL, "METRICS_NAMESPACE", value)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("METRICS_NAMESPACE must be 1 to 255 of the characters CloudWatch allows")
                .hasMessageEndingWith("; '" + value + "' is not one");
    }
}

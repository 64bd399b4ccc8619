package roommembership.wiring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import roommembership.pipeline.read.AccountAllowlist;
import roommembership.pipeline.read.ChannelAccess;
import roommembership.target.ChimeArns;
import roommembership.pipeline.read.LegacyRouting;
import roommembership.pipeline.read.Reading;

import roommembership.pacing.Quotas;
import roommembership.pacing.Share;
import roommembership.pipeline.plan.RemovalLimit;
import roommembership.pipeline.plan.RosterRules;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigurationTest {
    private static final String URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/failed-members";
    private static final String HR = "arn:aws:chime:us-east-1:111122223333:app-instance/hr";
    private static final String FINANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/finance";
    private static final String BEARER = HR + "/user/hr-sync";
    private static final String CHANNEL_TEMPLATE = HR + "/channel/{RoomId}";
    private static final String MEMBER_TEMPLATE = HR + "/user/{MemberId}";

    @Test
    void defaultsApplyWhenOnlyTheQueueIsGiven() {
        assertThat(Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL)))
                .isEqualTo(new Configuration(URL, Optional.empty(), "eu-west-1", "eu-west-1", "RoomMembership",
                        new Reading(Optional.empty(), ChannelAccess.none(), AccountAllowlist.anyAccount()),
                        new Configuration.Limits(5, 8, Duration.ofSeconds(5), new Quotas(5, 1, 15, 15, 20),
                                new Share(1, false), RosterRules.defaults())));
    }

    @Test
    void everySettingIsRead() {
        assertThat(Configuration.fromEnvironment(Map.ofEntries(
                Map.entry("DEAD_LETTER_QUEUE_URL", URL), Map.entry("MAX_RECEIVE_COUNT", "3"),
                                Map.entry("CHIME_MAX_CONCURRENCY", "16"), Map.entry("DEADLINE_SAFETY_MARGIN_MS", "2500"),
                Map.entry("AWS_REGION", "ap-south-1"), Map.entry("ALLOWED_ACCOUNT_IDS", "acct-1"),
                Map.entry("CHIME_MAX_TPS", "0"), Map.entry("METRICS_NAMESPACE", "HR/RoomMembership"),
                Map.entry("CHIME_BEARER_TPS", "7.5"), Map.entry("CHIME_CHANNEL_BATCH_ADD_TPS", "0.5"),
                Map.entry("CHIME_CHANNEL_WRITE_TPS", "12"), Map.entry("CHIME_CHANNEL_READ_TPS", "9"),
                Map.entry("EVENT_SOURCE_MAX_CONCURRENCY", "4"), Map.entry("SOURCE_GROUPED_BY_TARGET", "true"))))
                .isEqualTo(new Configuration(URL, Optional.empty(), "ap-south-1", "ap-south-1", "HR/RoomMembership",
                        new Reading(Optional.empty(), ChannelAccess.none(), new AccountAllowlist(Set.of("acct-1"))),
                        new Configuration.Limits(3, 16, Duration.ofMillis(2500), new Quotas(7.5, 0.5, 12, 9, 0),
                                new Share(4, true), RosterRules.defaults())));
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

    @ParameterizedTest
    @CsvSource({"CHIME_BEARER_TPS, 0", "CHIME_BEARER_TPS, -2", "CHIME_BEARER_TPS, ten", "CHIME_BEARER_TPS, 10001",
            "CHIME_CHANNEL_BATCH_ADD_TPS, 0", "CHIME_CHANNEL_WRITE_TPS, NaN", "CHIME_CHANNEL_READ_TPS, Infinity"})
    void badRatesAreRejectedWithTheirName(String name, String value) {
        assertThatThrownBy(() -> Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL, name, value)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(name + " must be a number of calls a second above 0 and at most 10000, such as 10 or 0.5, "
                        + "not '" + value + "'");
    }

    @Test
    void theSourceQueuesGroupingIsTrueOrFalse() {
        assertThatThrownBy(() -> Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL,
                "SOURCE_GROUPED_BY_TARGET", "yes")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SOURCE_GROUPED_BY_TARGET must be true or false, not 'yes'");
    }

    @Test
    void theRosterSettingsAreReadAndTheBearerIsAlwaysProtected() {
        Configuration config = Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL,
                "CHIME_BEARER_ARN", BEARER, "ROSTER_MAX_REMOVALS", " 25 ", "ROSTER_MAX_BYTES", "1048576",
                "ROSTER_PROTECTED_MEMBERS", " it-admin , " + HR + "/user/ops-bot"));

        assertThat(config.limits().roster()).isEqualTo(new RosterRules(new RemovalLimit(25, false),
                Set.of("it-admin", HR + "/user/ops-bot", BEARER), 1_048_576));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ROSTER_MAX_REMOVALS|ten|ROSTER_MAX_REMOVALS must be a count of removals per target such as 25, or a "
                    + "percentage of its members such as 10% (0 or 0%: never remove), not 'ten'",
            "ROSTER_MAX_REMOVALS|150%|ROSTER_MAX_REMOVALS must be a count of removals per target such as 25, or a "
                    + "percentage of its members such as 10% (0 or 0%: never remove), not '150%'",
            "ROSTER_MAX_BYTES|0|ROSTER_MAX_BYTES must be a whole number of bytes from 1 to 1099511627776, not '0'",
            "ROSTER_PROTECTED_MEMBERS|it-admin,,ops|ROSTER_PROTECTED_MEMBERS must be a comma-separated list of "
                    + "MemberIds and member ARNs (arn:aws:chime:<region>:<12-digit account>:app-instance/<id>/user/<id> "
                    + "or .../bot/<id>, each id 1 to 64 letters, digits or : - _ . @, starting and ending with a letter or "
                    + "digit); '' is neither",
            "ROSTER_PROTECTED_MEMBERS|../admin|ROSTER_PROTECTED_MEMBERS must be a comma-separated list of "
                    + "MemberIds and member ARNs (arn:aws:chime:<region>:<12-digit account>:app-instance/<id>/user/<id> "
                    + "or .../bot/<id>, each id 1 to 64 letters, digits or : - _ . @, starting and ending with a letter or "
                    + "digit); '../admin' is neither"})
    void aRosterSettingThatCouldRemoveTheWrongPeopleFailsAtStart(String name, String value, String message) {
        assertThatThrownBy(() -> Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL, name, value)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(message);
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
            "CHIME_MAX_CONCURRENCY, 1000", "CHIME_MAX_TPS, -1", "CHIME_MAX_TPS, 2.5", "CHIME_MAX_TPS, 10001",
            "EVENT_SOURCE_MAX_CONCURRENCY, 0", "EVENT_SOURCE_MAX_CONCURRENCY, 1001"})
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

    @Test
    void everyChannelSettingIsRead() {
        Configuration config = Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL,
                "AWS_REGION", "eu-west-1", "CHIME_BEARER_ARN", " " + BEARER + " ",
                "ALLOWED_APP_INSTANCE_ARNS", " " + HR + " , " + FINANCE, "CHANNEL_ARN_TEMPLATE", CHANNEL_TEMPLATE + " ",
                "MEMBER_ARN_TEMPLATE", " " + MEMBER_TEMPLATE, "CHIME_MESSAGING_REGION", "us-east-1"));

        assertThat(config).isEqualTo(new Configuration(URL, Optional.empty(), "eu-west-1", "us-east-1", "RoomMembership",
                new Reading(Optional.of(new LegacyRouting(CHANNEL_TEMPLATE, MEMBER_TEMPLATE)),
                        new ChannelAccess(Optional.of(BEARER), Set.of(HR, FINANCE)), AccountAllowlist.anyAccount()),
                new Configuration.Limits(5, 8, Duration.ofSeconds(5), new Quotas(10, 1, 15, 15, 20),
                        new Share(1, false), new RosterRules(RemovalLimit.DEFAULT, Set.of(BEARER),
                        RosterRules.DEFAULT_MAX_BYTES))));
        assertThat(config.servesChannels()).isTrue();
    }

    @Test
    void aBotMayBeTheBearerAndWithoutAnAllowlistEveryAppInstanceIsPermitted() {
        Configuration config = Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL,
                "CHIME_BEARER_ARN", HR + "/bot/hr-sync", "ALLOWED_APP_INSTANCE_ARNS", "  "));

        assertThat(config.channelAccess()).isEqualTo(new ChannelAccess(Optional.of(HR + "/bot/hr-sync"), Set.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void withoutABearerNoChannelIsServed(String value) {
        Configuration config = Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL,
                "CHIME_BEARER_ARN", value, "ALLOWED_APP_INSTANCE_ARNS", HR));

        assertThat(config.channelAccess()).isEqualTo(new ChannelAccess(Optional.empty(), Set.of(HR)));
        assertThat(config.servesChannels()).isFalse();
    }

    static Stream<String> bearersThatAreNoUserOrBot() {
        return Stream.of(HR, HR + "/channel/sales", "hr-sync", "arn:aws:iam::111122223333:user/hr-sync",
                "arn:aws:chime:us-east-1:111122223333:app-instance/hr/users/hr-sync", HR + "/user/a..b",
                HR + "/user/hr%2Fsync", HR + "/user/hr sync", HR + "/user/" + "u".repeat(65));
    }

    @ParameterizedTest
    @MethodSource("bearersThatAreNoUserOrBot")
    void aBearerThatIsNoAppInstanceUserOrBotFailsAtStartAndSaysWhatItMustBe(String value) {
        assertThatThrownBy(() -> Configuration.fromEnvironment(
                Map.of("DEAD_LETTER_QUEUE_URL", URL, "CHIME_BEARER_ARN", value)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("CHIME_BEARER_ARN must be the ARN of an AppInstanceUser or AppInstanceBot, "
                        + ChimeArns.MEMBER_RULE + "; '" + value + "' is not one");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {",|''", HR + ",," + FINANCE + "|''", HR + ",|''", HR + ";" + FINANCE + "|"
            + HR + ";" + FINANCE, HR + "/channel/sales|" + HR + "/channel/sales", HR + "/user/hr-sync|" + HR
            + "/user/hr-sync", "hr|hr", "arn:aws:chime:us-east-1:111122223333:app-instance/../hr|"
            + "arn:aws:chime:us-east-1:111122223333:app-instance/../hr"})
    void allowedAppInstanceArnsThatAreNotAListOfAppInstancesFailAtStartRatherThanPermitTooMuch(String value,
                                                                                             String offending) {
        assertThatThrownBy(() -> Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL,
                "CHIME_BEARER_ARN", BEARER, "ALLOWED_APP_INSTANCE_ARNS", value)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ALLOWED_APP_INSTANCE_ARNS must be a comma-separated list of AppInstance ARNs, each "
                        + "arn:aws:chime:<region>:<12-digit account>:app-instance/<id>; '" + offending + "' is not one");
    }

    @ParameterizedTest
    @CsvSource({"CHANNEL_ARN_TEMPLATE, MEMBER_ARN_TEMPLATE", "MEMBER_ARN_TEMPLATE, CHANNEL_ARN_TEMPLATE"})
    void oneTemplateWithoutTheOtherFailsAtStartNamingTheMissingOne(String set, String missing) {
        Map<String, String> env = new HashMap<>(Map.of("DEAD_LETTER_QUEUE_URL", URL, "CHIME_BEARER_ARN", BEARER,
                set, set.startsWith("CHANNEL") ? CHANNEL_TEMPLATE : MEMBER_TEMPLATE));
        Map<String, String> blankOther = new HashMap<>(env);
        blankOther.put(missing, " ");

        assertThat(List.of(env, blankOther)).allSatisfy(settings ->
                assertThatThrownBy(() -> Configuration.fromEnvironment(settings))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage(set + " is set but " + missing + " is not: set both to send legacy requests to "
                                + "channels, or neither to send them to chat rooms"));
    }

    @Test
    void templatesWithoutABearerFailAtStartSinceNoRoutedRequestCouldEverBeSent() {
        assertThatThrownBy(() -> Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL,
                "CHANNEL_ARN_TEMPLATE", CHANNEL_TEMPLATE, "MEMBER_ARN_TEMPLATE", MEMBER_TEMPLATE)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("CHANNEL_ARN_TEMPLATE and MEMBER_ARN_TEMPLATE send legacy requests to channels, but "
                        + "CHIME_BEARER_ARN is not set: set the AppInstanceUser or AppInstanceBot the function calls "
                        + "channels as");
    }

    static Stream<Arguments> templatesThatCannotRoute() {
        return Stream.of(
                Arguments.of(HR + "/channel/sales", MEMBER_TEMPLATE,
                        "CHANNEL_ARN_TEMPLATE must contain {RoomId}, or every room would be one channel"),
                Arguments.of(CHANNEL_TEMPLATE, HR + "/user/hr-sync",
                        "MEMBER_ARN_TEMPLATE must contain {MemberId}, or every member would be one user"),
                Arguments.of("arn:aws:sqs:us-east-1:111122223333:{RoomId}", MEMBER_TEMPLATE,
                        "CHANNEL_ARN_TEMPLATE does not give a channel ARN: ChannelArn must be "
                                + "arn:aws:chime:<region>:<12-digit account>:app-instance/<id>/channel/<id>, each id 1 "
                                + "to 64 letters, digits or : - _ . @, starting and ending with a letter or digit, not "
                                + "'arn:aws:sqs:us-east-1:111122223333:sample'"),
                Arguments.of(CHANNEL_TEMPLATE, FINANCE + "/user/{MemberId}",
                        "MEMBER_ARN_TEMPLATE does not give a user of the channel's AppInstance: MemberArn '" + FINANCE
                                + "/user/sample' belongs to the AppInstance '" + FINANCE + "', not to the channel's '"
                                + HR + "'"));
    }

    @ParameterizedTest
    @MethodSource("templatesThatCannotRoute")
    void templatesThatCannotRouteFailAtStartWithTheirProblem(String channel, String member, String problem) {
        assertThatThrownBy(() -> Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL,
                "CHIME_BEARER_ARN", BEARER, "CHANNEL_ARN_TEMPLATE", channel, "MEMBER_ARN_TEMPLATE", member)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(problem);
    }

    @Test
    void theMessagingRegionIsTheFunctionsRegionUnlessSet() {
        assertThat(List.of(
                Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL, "AWS_REGION", "ap-south-1"))
                        .messagingRegion(),
                Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL, "AWS_REGION", "ap-south-1",
                        "CHIME_MESSAGING_REGION", " ")).messagingRegion(),
                Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL, "AWS_REGION", "ap-south-1",
                        "CHIME_MESSAGING_REGION", " us-east-1 ")).messagingRegion()))
                .containsExactly("ap-south-1", "ap-south-1", "us-east-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"US-EAST-1", "us-east", "useast1", "us-east-1a", "https://messaging-chime.us-east-1"})
    void aMessagingRegionThatIsNoRegionNameFailsAtStart(String value) {
        assertThatThrownBy(() -> Configuration.fromEnvironment(
                Map.of("DEAD_LETTER_QUEUE_URL", URL, "CHIME_MESSAGING_REGION", value)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("CHIME_MESSAGING_REGION must be a region name such as us-east-1, not '" + value + "'");
    }

    @Test
    void primingPermitsEveryAccountAndAppInstanceCallsAsABearerOfItsOwnAppInstanceAndKeepsTheRouting() {
        Configuration config = Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL,
                "ALLOWED_ACCOUNT_IDS", "acct-1", "CHIME_BEARER_ARN", BEARER, "ALLOWED_APP_INSTANCE_ARNS", HR,
                "CHANNEL_ARN_TEMPLATE", CHANNEL_TEMPLATE, "MEMBER_ARN_TEMPLATE", MEMBER_TEMPLATE));

        assertThat(config.forPriming()).extracting(Configuration::allowedAccounts, Configuration::channelAccess,
                        Configuration::routing)
                .containsExactly(AccountAllowlist.anyAccount(), new ChannelAccess(Optional.of(
                        "arn:aws:chime:" + config.messagingRegion() + ":000000000000:app-instance/priming/user/"
                                + "priming-bearer"), Set.of()),
                        Optional.of(new LegacyRouting(CHANNEL_TEMPLATE, MEMBER_TEMPLATE)));
    }

    @Test
    void withoutABearerPrimingHasNoneEither() {
        Configuration config = Configuration.fromEnvironment(Map.of("DEAD_LETTER_QUEUE_URL", URL));

        assertThat(config.forPriming().channelAccess()).isEqualTo(ChannelAccess.none());
    }
}

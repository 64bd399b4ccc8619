package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import roommembership.emulator.ChannelsApi.ChannelCall;
import roommembership.emulator.ChimeEmulator;
import roommembership.emulator.ChimeEmulator.Fault;
import roommembership.testing.DeadLetterQueue.Letter;
import roommembership.testing.SqsEvents;
import roommembership.testing.TestContext;
import roommembership.testing.TestContext.LogLine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static roommembership.handler.FunctionUnderTest.failedIds;
import static roommembership.emulator.ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP;
import static roommembership.emulator.ChannelsApi.CREATE_CHANNEL_MODERATOR;
import static roommembership.emulator.ChannelsApi.LIST_CHANNEL_MEMBERSHIPS;
import static roommembership.emulator.ChannelsApi.LIST_CHANNEL_MODERATORS;
import static roommembership.testing.DeadLetterQueue.letterBody;
import static roommembership.testing.Directory.ACME;
import static roommembership.testing.Directory.ANNOUNCEMENTS;
import static roommembership.testing.Directory.APP_INSTANCE;
import static roommembership.testing.Directory.BEARER;
import static roommembership.testing.Directory.BOT;
import static roommembership.testing.Directory.ENGINEERING;
import static roommembership.testing.Directory.GENERAL;
import static roommembership.testing.Directory.LEADERSHIP;
import static roommembership.testing.Directory.NEW_JOINERS;
import static roommembership.testing.Directory.SALES;
import static roommembership.testing.Directory.channel;
import static roommembership.testing.Directory.user;

/**
 * The function's contract for Chime SDK messaging channels, rule by rule, through the real SDK clients against the
 * emulator and ElasticMQ: the same guarantees as for rooms, and legacy requests routed to function.channels().
 */
class ChannelMembershipHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The general channel's members as the sample organisation has them; lead-001 moderates it. */
    private static final Map<String, String> GENERAL_MEMBERS = Map.of(user("eng-001"), "DEFAULT",
            user("sales-001"), "DEFAULT", user("lead-001"), "DEFAULT", BOT, "HIDDEN");

    @RegisterExtension
    static final FunctionUnderTest function = FunctionUnderTest.forRoomsAndChannels();

    // ------------------------------------------------------------------ rule 1: grouping, chunks of 100, moderators

    @Test
    void channelBatchAddsEveryMemberPerChannelInChunksOfAHundredAndMakesTheAdministratorAModerator() {
        SQSEvent event = EventLoader.loadSQSEvent("events/channel-batch.json");

        SQSBatchResponse response = function.handle(event);

        assertThat(response.getBatchItemFailures()).isEmpty();
        // new-joiners: 152 distinct members over three records, ⌈152/100⌉ = 2 calls. announcements: 7 default members
        // and 1 hidden one, one call per type. general and the engineering channel: one call each.
        assertThat(callSizes()).containsOnly(
                Map.entry(NEW_JOINERS + " DEFAULT", List.of(100, 52)),
                Map.entry(ANNOUNCEMENTS + " DEFAULT", List.of(7)),
                Map.entry(ANNOUNCEMENTS + " HIDDEN", List.of(1)),
                Map.entry(GENERAL + " DEFAULT", List.of(3)),
                Map.entry(channel(ENGINEERING) + " DEFAULT", List.of(6)));
        assertThat(function.channels().calls(BATCH_CREATE_CHANNEL_MEMBERSHIP)).allSatisfy(call ->
                assertThat(call.memberArns()).hasSizeLessThanOrEqualTo(100).doesNotHaveDuplicates());
        // One CreateChannelModerator for the one administrator requested, after its membership.
        assertThat(function.channels().calls(CREATE_CHANNEL_MODERATOR))
                .extracting(ChannelCall::channelArn, ChannelCall::memberArns)
                .containsExactly(tuple(ANNOUNCEMENTS, List.of(user("lead-001"))));
        assertThat(function.channels().moderators(ANNOUNCEMENTS)).containsExactly(user("lead-002"), user("lead-001"));
        // The later record decides the type: eng-002 was asked HIDDEN, then DEFAULT.
        assertThat(function.channels().members(ANNOUNCEMENTS)).isEqualTo(Map.of(user("lead-002"), "DEFAULT",
                user("eng-002"), "DEFAULT", user("eng-003"), "DEFAULT", user("eng-004"), "DEFAULT",
                user("eng-005"), "DEFAULT", user("sales-002"), "DEFAULT", user("sales-003"), "DEFAULT",
                BOT, "HIDDEN", user("lead-001"), "DEFAULT"));
        Map<String, String> newJoiners = new LinkedHashMap<>(Map.of(BOT, "DEFAULT"));
        arns(SqsEvents.ids("new", 1, 150)).forEach(arn -> newJoiners.put(arn, "DEFAULT"));
        assertThat(function.channels().members(NEW_JOINERS)).isEqualTo(newJoiners);
        assertThat(function.channels().members(GENERAL))
                .isEqualTo(generalWith(user("sales-004"), "DEFAULT", user("sales-005"), "DEFAULT"));
        // eng-001 was there already: Conflict.
        assertThat(function.channels().members(channel(ENGINEERING))).isEqualTo(Map.of(user("eng-001"), "DEFAULT",
                user("eng-121"), "DEFAULT", user("eng-122"), "DEFAULT", user("eng-123"), "DEFAULT",
                user("eng-124"), "DEFAULT", user("eng-125"), "DEFAULT"));
        // Three channels have new members asked as a plain Member: their moderators are read once each, since a
        // moderation may outlive a membership; none of the new members moderates, so nothing more.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 6,
                CREATE_CHANNEL_MODERATOR, 1, LIST_CHANNEL_MODERATORS, 3));
        // Every call is made as the configured bearer, and nothing else.
        assertThat(function.channels().calls()).extracting(ChannelCall::bearer).containsOnly(BEARER);
        assertThat(function.deadLetters().drain()).extracting(ChannelMembershipHandlerTest::memberArn, Letter::errorCode)
                .containsExactlyInAnyOrder(
                        tuple(user("new-151"), "NotFound"), tuple(user("new-152"), "NotFound"),
                        tuple(user("contractor-903"), "NotFound"));
        assertThat(summary(function.context())).containsAllEntriesOf(Map.of("channels", 4, "rooms", 0, "calls", 7,
                "added", 165, "alreadyMembers", 1, "deadLettered", 3));
    }

    @Test
    void aChannelDeadLetterIsFormFourWithTypeAndRoleAndIsItselfAValidRequest() {
        SqsEvents batch = SqsEvents.batch().record(channelMember(GENERAL, user("nobody-1"), "HIDDEN", "Administrator"));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        List<Letter> letters = function.deadLetters().drain();
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(fieldNames(letter.body())).containsExactly("ChannelArn", "MemberArn", "Type", "Role",
                    "ErrorCode", "ErrorMessage", "SourceMessageId", "FailedAt");
            assertThat(letter.bodyBesidesFailedAt()).isEqualTo(letterBody("""
                    {"ChannelArn": "%s", "MemberArn": "%s", "Type": "HIDDEN", "Role": "Administrator",
                     "ErrorCode": "NotFound", "ErrorMessage": "%s", "SourceMessageId": "%s"}
                    """.formatted(GENERAL, user("nobody-1"), notAUser(user("nobody-1")), batch.idOf(0))));
            assertThat(letter.errorCodeAttribute()).isEqualTo("NotFound");
        });
        // No moderator call for a member the add could not make one.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 1));
        assertThat(function.channels().members(GENERAL)).isEqualTo(GENERAL_MEMBERS);

        // Once the user exists, the letter sent back as it is adds the member, hidden, and makes it a moderator.
        function.channels().user(user("nobody-1"));
        SQSBatchResponse redriven = function.handle(SqsEvents.batch().record(letters.get(0).rawBody()).build());

        assertThat(redriven.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.chime().callCounts())
                .isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 2, CREATE_CHANNEL_MODERATOR, 1));
        assertThat(function.channels().members(GENERAL)).isEqualTo(generalWith(user("nobody-1"), "HIDDEN"));
        assertThat(function.channels().moderators(GENERAL)).containsExactly(user("lead-001"), user("nobody-1"));
    }

    @Test
    void roomAndChannelCallsShareOneConcurrencyLimit() {
        function.redeployWith(Map.of("CHIME_MAX_CONCURRENCY", "3"));
        function.chime().latency(Duration.ofMillis(300));
        SqsEvents batch = SqsEvents.batch();
        for (int n = 1; n <= 3; n++) {
            function.chime().room(ACME, "room-" + n);
            batch.record(SqsEvents.members(ACME, "room-" + n, SqsEvents.ids("eng", 1, 10)));
            function.channels().channel(channel("team-" + n));
            batch.record(channelMembers(channel("team-" + n), arns(SqsEvents.ids("eng", 1, 10))));
        }

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.chime().calls()).hasSize(3);
        assertThat(function.channels().calls(BATCH_CREATE_CHANNEL_MEMBERSHIP)).hasSize(3);
        assertThat(function.chime().maxConcurrentCalls()).isEqualTo(3);
    }

    @Test
    void roomsKeepARateOfTheirOwnAndChannelsTheirQuotas() {
        function.redeployWith(Map.of("CHIME_MAX_TPS", "1"));
        SqsEvents batch = SqsEvents.batch()
                .record(SqsEvents.member(ACME, SALES, "sales-010", "Member"))
                .record(SqsEvents.member(ACME, ENGINEERING, "eng-010", "Member"))
                .record(channelMember(GENERAL, user("eng-010"), null, null))
                .record(channelMember(ANNOUNCEMENTS, user("eng-011"), null, null));

        long started = System.nanoTime();
        SQSBatchResponse response = function.handle(batch.build());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.chime().calls()).hasSize(2);
        assertThat(function.channels().calls(BATCH_CREATE_CHANNEL_MEMBERSHIP)).hasSize(2);
        // The second room call waits a second for the rooms' rate; the channel calls do not wait behind it: one rate
        // of one a second for all four would take three seconds.
        assertThat(tookMillis).isBetween(990L, 2_500L);
    }

    // ------------------------------------------------------------------ rule 2: the caller's identity

    @Test
    void withoutABearerChannelRequestsAreForbiddenWithoutACallAndCanBeRedrivenOnceItIsSet() {
        function.redeployWithout("CHIME_BEARER_ARN");
        SqsEvents batch = SqsEvents.batch()
                .record(channelMembers(GENERAL, arns(List.of("eng-020", "eng-021"))))
                .record(SqsEvents.member(ACME, SALES, "sales-020", "Member"));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.channels().calls()).isEmpty();
        assertThat(function.chime().members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator",
                "sales-020", "Member"));
        List<Letter> letters = function.deadLetters().drain();
        assertThat(letters).extracting(ChannelMembershipHandlerTest::memberArn, Letter::errorCode)
                .containsExactlyInAnyOrder(tuple(user("eng-020"), "Forbidden"), tuple(user("eng-021"), "Forbidden"));
        assertThat(letters).allSatisfy(letter -> assertThat(letter.errorMessage()).contains("CHIME_BEARER_ARN"));

        function.redeployWith(Map.of("CHIME_BEARER_ARN", BEARER));
        SqsEvents redrive = SqsEvents.batch();
        letters.forEach(letter -> redrive.record(letter.rawBody()));
        SQSBatchResponse redriven = function.handle(redrive.build());

        assertThat(redriven.getBatchItemFailures()).isEmpty();
        assertThat(function.channels().members(GENERAL))
                .isEqualTo(generalWith(user("eng-020"), "DEFAULT", user("eng-021"), "DEFAULT"));
        assertThat(function.deadLetters().drain()).isEmpty();
    }

    @Test
    void aBearerThatIsNotAUserOrBotArnFailsAtStart() {
        assertThatThrownBy(() -> function.handlerWith(Map.of("CHIME_BEARER_ARN", APP_INSTANCE + "/channel/general")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CHIME_BEARER_ARN");
    }

    @Test
    void aBearerTheServiceRefusesIsForbiddenForEveryMember() {
        function.redeployWith(Map.of("CHIME_BEARER_ARN",
                "arn:aws:chime:us-east-1:111122223333:app-instance/other/user/x"));

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(channelMembers(GENERAL, arns(List.of("eng-030", "eng-031")))).build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        String refused = "AppInstance " + APP_INSTANCE + " is not the AppInstance of CHIME_BEARER_ARN "
                + "(arn:aws:chime:us-east-1:111122223333:app-instance/other): the function can act only in that one";
        assertThat(function.deadLetters().drain()).extracting(ChannelMembershipHandlerTest::memberArn, Letter::errorCode,
                        Letter::errorMessage)
                .containsExactlyInAnyOrder(tuple(user("eng-030"), "Forbidden", refused),
                        tuple(user("eng-031"), "Forbidden", refused));
        // Refused before any call, as the service would refuse it after one.
        assertThat(function.chime().callCounts()).isEmpty();
        assertThat(function.channels().members(GENERAL)).isEqualTo(GENERAL_MEMBERS);
    }

    // ------------------------------------------------------------------ rule 3: answers, retries, the last receive

    @Test
    void conflictMeansAlreadyAMemberAndAModeratorTheListingShowsNeedsNoModeratorCall() {
        function.handle(SqsEvents.batch()
                .record(channelMembers(GENERAL, arns(List.of("lead-001", "eng-040")), null, "Administrator")).build());

        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.channels().moderators(GENERAL)).containsExactly(user("lead-001"), user("eng-040"));
        assertThat(function.channels().members(GENERAL)).isEqualTo(generalWith(user("eng-040"), "DEFAULT"));
        // lead-001 answered Conflict and named a role: one listing shows it a moderator already. eng-040 is new.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 1,
                LIST_CHANNEL_MODERATORS, 1, CREATE_CHANNEL_MODERATOR, 1));
        assertThat(function.channels().calls(CREATE_CHANNEL_MODERATOR))
                .extracting(ChannelCall::memberArns, ChannelCall::status)
                .containsExactly(tuple(List.of(user("eng-040")), 201));
        assertThat(summary(function.context())).containsAllEntriesOf(
                Map.of("added", 1, "alreadyMembers", 1, "rolesChanged", 0, "calls", 2));
    }

    @ParameterizedTest
    @CsvSource({"Throttled", "Throttling", "ServiceUnavailable", "ServiceFailure"})
    void transientMemberCodeIsRetriedForJustThatMember(String code) {
        function.chime().failMember(user("eng-042"), code, 2);

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(channelMembers(GENERAL, arns(List.of("eng-041", "eng-042", "eng-043")))).build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.channels().calls(BATCH_CREATE_CHANNEL_MEMBERSHIP)).extracting(ChannelCall::memberArns)
                .containsExactly(
                arns(List.of("eng-041", "eng-042", "eng-043")), List.of(user("eng-042")), List.of(user("eng-042")));
        assertThat(function.channels().members(GENERAL)).isEqualTo(generalWith(user("eng-041"), "DEFAULT",
                user("eng-042"), "DEFAULT", user("eng-043"), "DEFAULT"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "NOT_FOUND | NotFound | One or more of the resources in the request does not exist in the system.",
            "BAD_REQUEST | BadRequest | The input parameters don't match the service's restrictions.",
            "FORBIDDEN | Forbidden | The client is permanently forbidden from making the request.",
            // The messaging model declares no UnauthorizedClientException: the SDK's own message, with its request id.
            "UNAUTHORIZED | Unauthorized | Service returned error code UnauthorizedClientException (Service: "
                    + "ChimeSdkMessaging, Status Code: 401, Request ID: *) (SDK Attempt Count: 1)",
            "RESOURCE_LIMIT_EXCEEDED | ResourceLimitExceeded | The request exceeds the resource limit."})
    void aPermanentWholeCallFailureDeadLettersTheChunkWithItsErrorCode(Fault fault, String errorCode,
                                                                        String errorMessage) throws Exception {
        function.chime().failNextCalls(1, fault);

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(channelMembers(GENERAL, arns(List.of("eng-044", "eng-045")))).build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).extracting(ChannelMembershipHandlerTest::memberArn, Letter::errorCode)
                .containsExactlyInAnyOrder(tuple(user("eng-044"), errorCode), tuple(user("eng-045"), errorCode));
        // Not retried by the function: the SDK does not retry these answers either.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 1));
        assertThat(function.channels().members(GENERAL)).isEqualTo(GENERAL_MEMBERS);
        // One WARN line for the failed call, naming its channel and size but no member, then the summary.
        List<LogLine> lines = function.context().logLinesWithLevels();
        assertThat(lines).extracting(LogLine::level).containsExactly(LogLevel.WARN, LogLevel.INFO);
        assertThat(JSON.readTree(lines.get(0).text().replaceAll("Request ID: [0-9a-f-]+", "Request ID: *")))
                .isEqualTo(JSON.readTree("""
                {"timestamp": "2026-11-26T10:52:12.114Z", "level": "WARN", "message": "Chime call failed",
                 "AWSRequestId": "00000000-0000-4000-8000-000000000001", "channelArn": "%s",
                 "errorCode": "%s", "errorMessage": "%s", "members": 2, "transient": false}
                """.formatted(GENERAL, errorCode, errorMessage)));
    }

    @Test
    void aChannelThatDoesNotExistIsNotFound() {
        SqsEvents batch = SqsEvents.batch()
                .record(channelMember(channel("no-such-channel"), user("eng-046"), null, null));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).extracting(Letter::bodyBesidesFailedAt, Letter::errorCodeAttribute)
                .containsExactly(tuple(letterBody("""
                        {"ChannelArn": "%s", "MemberArn": "%s", "Type": "DEFAULT", "ErrorCode": "NotFound",
                         "ErrorMessage": "%s", "SourceMessageId": "%s"}
                        """.formatted(channel("no-such-channel"), user("eng-046"),
                        "The channel " + channel("no-such-channel") + " is not found.", batch.idOf(0))), "NotFound"));
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 1));
    }

    @Test
    void aTransientFailureBeforeTheLastReceiveHandsTheRecordBackToSqs() {
        function.chime().failMember(user("eng-047"), "Throttled", Integer.MAX_VALUE);
        SqsEvents batch = SqsEvents.batch().record(channelMembers(GENERAL, arns(List.of("eng-047", "eng-048"))), 4);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(function.deadLetters().drain()).isEmpty();
        // Three attempts at eng-047 and no read before the last receive; eng-048 is in.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 3));
        assertThat(function.channels().members(GENERAL)).isEqualTo(generalWith(user("eng-048"), "DEFAULT"));
    }

    @Test
    void onTheLastReceiveAHiddenMemberAddedByACallWhoseAnswerWasLostIsFoundByReadingBothTypes() {
        function.chime().failNextCalls(3, Fault.RESET_MID_RESPONSE);
        SqsEvents batch = SqsEvents.batch()
                .record(channelMembers(GENERAL, arns(List.of("eng-049", "eng-050")), "HIDDEN", null), 5);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.channels().members(GENERAL))
                .isEqualTo(generalWith(user("eng-049"), "HIDDEN", user("eng-050"), "HIDDEN"));
        assertThat(function.chime().callCounts())
                .isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 3, LIST_CHANNEL_MEMBERSHIPS, 2));
        assertThat(function.channels().calls(LIST_CHANNEL_MEMBERSHIPS)).extracting(ChannelCall::type)
                .containsExactlyInAnyOrder("DEFAULT", "HIDDEN");
    }

    @Test
    void onTheLastReceiveAMemberNotFoundInTheChannelAfterTransientFailuresIsDeadLetteredWithTheLastCode() {
        function.chime().failMember(user("eng-051"), "ServiceUnavailable", Integer.MAX_VALUE);
        SqsEvents batch = SqsEvents.batch().record(channelMember(GENERAL, user("eng-051"), null, null), 5);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).singleElement().satisfies(letter -> {
            assertThat(letter.bodyBesidesFailedAt()).isEqualTo(letterBody("""
                    {"ChannelArn": "%s", "MemberArn": "%s", "Type": "DEFAULT", "ErrorCode": "ServiceUnavailable",
                     "ErrorMessage": "%s", "SourceMessageId": "%s"}
                    """.formatted(GENERAL, user("eng-051"), injected("ServiceUnavailable", user("eng-051")),
                    batch.idOf(0))));
            assertThat(letter.errorCodeAttribute()).isEqualTo("ServiceUnavailable");
        });
        // Three attempts at the member, then one read of each type before the letter.
        assertThat(function.chime().callCounts())
                .isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 3, LIST_CHANNEL_MEMBERSHIPS, 2));
        assertThat(function.channels().calls(LIST_CHANNEL_MEMBERSHIPS)).extracting(ChannelCall::type)
                .containsExactlyInAnyOrder("DEFAULT", "HIDDEN");
        assertThat(function.channels().members(GENERAL)).isEqualTo(GENERAL_MEMBERS);
    }

    @Test
    void onTheLastReceiveAChannelThatCannotBeReadSendsTheRecordBackInsteadOfGuessing() {
        function.chime().failNextCalls(3, Fault.RESET_MID_RESPONSE);
        function.chime().failNextCalls(3, Fault.SERVICE_UNAVAILABLE);
        SqsEvents batch = SqsEvents.batch().record(channelMember(GENERAL, user("eng-052"), null, null), 5);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(function.deadLetters().drain()).isEmpty();
        // The add took effect though none of the SDK's three attempts was answered; the read failed on all three.
        assertThat(function.chime().callCounts())
                .isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 3, LIST_CHANNEL_MEMBERSHIPS, 3));
        assertThat(function.channels().calls(LIST_CHANNEL_MEMBERSHIPS)).extracting(ChannelCall::status)
                .containsExactly(503, 503, 503);
        assertThat(function.channels().members(GENERAL)).isEqualTo(generalWith(user("eng-052"), "DEFAULT"));
    }

    @Test
    void aModeratorGrantThatFailsForGoodIsDeadLetteredAsARequestWithRoleAdministrator() {
        function.channels().failModerator(user("eng-053"), Fault.RESOURCE_LIMIT_EXCEEDED, Integer.MAX_VALUE);
        SqsEvents batch = SqsEvents.batch().record(channelMember(GENERAL, user("eng-053"), null, "Administrator"));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).singleElement().satisfies(letter -> {
            assertThat(letter.bodyBesidesFailedAt()).isEqualTo(letterBody("""
                    {"ChannelArn": "%s", "MemberArn": "%s", "Type": "DEFAULT", "Role": "Administrator",
                     "ErrorCode": "ResourceLimitExceeded", "ErrorMessage": "The request exceeds the resource limit.",
                     "SourceMessageId": "%s"}
                    """.formatted(GENERAL, user("eng-053"), batch.idOf(0))));
            assertThat(letter.errorCodeAttribute()).isEqualTo("ResourceLimitExceeded");
        });
        // A permanent answer: the grant is not tried again.
        assertThat(function.chime().callCounts())
                .isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 1, CREATE_CHANNEL_MODERATOR, 1));
        assertThat(function.channels().members(GENERAL)).isEqualTo(generalWith(user("eng-053"), "DEFAULT"));
        assertThat(function.channels().moderators(GENERAL)).containsExactly(user("lead-001"));
    }

    @Test
    void aModeratorCallWhoseAnswersAreLostEndsWithTheMemberAModeratorAndNoDeadLetter() {
        // Each answer is cut after its headers: the first call makes the moderator, the SDK's retry is told Conflict.
        function.channels().failModerator(user("eng-054"), Fault.RESET_MID_RESPONSE, Integer.MAX_VALUE);
        SqsEvents batch = SqsEvents.batch().record(channelMember(GENERAL, user("eng-054"), null, "Administrator"), 5);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        // The retry's Conflict is read from its headers, so two grant calls settle it without a read.
        assertThat(function.chime().callCounts())
                .isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 1, CREATE_CHANNEL_MODERATOR, 2));
        assertThat(function.channels().calls(CREATE_CHANNEL_MODERATOR)).extracting(ChannelCall::status)
                .containsExactly(201, 409);
        assertThat(function.channels().members(GENERAL)).isEqualTo(generalWith(user("eng-054"), "DEFAULT"));
        assertThat(function.channels().moderators(GENERAL)).containsExactly(user("lead-001"), user("eng-054"));
    }

    @Test
    void onTheLastReceiveAGrantThatKeptFailingTransientlyIsCheckedAmongTheModeratorsBeforeItIsDeadLettered() {
        // eng-054 is a moderator already (another request made it one), but every grant call is throttled.
        function.channels().member(GENERAL, user("eng-054"), "DEFAULT").moderator(GENERAL, user("eng-054"));
        function.channels().failModerator(user("eng-054"), Fault.THROTTLED, Integer.MAX_VALUE);
        function.channels().failModerator(user("eng-055"), Fault.THROTTLED, Integer.MAX_VALUE);
        SqsEvents batch = SqsEvents.batch().record(
                channelMembers(GENERAL, List.of(user("eng-054"), user("eng-055")), null, "Administrator"), 5);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        // Found among the moderators: settled. Not found: dead-lettered with the last code, as an Administrator request.
        assertThat(function.deadLetters().drain()).singleElement().satisfies(letter -> {
            assertThat(letter.bodyBesidesFailedAt()).isEqualTo(letterBody("""
                    {"ChannelArn": "%s", "MemberArn": "%s", "Type": "DEFAULT", "Role": "Administrator",
                     "ErrorCode": "Throttled", "ErrorMessage": "The client exceeded its request rate limit.",
                     "SourceMessageId": "%s"}
                    """.formatted(GENERAL, user("eng-055"), batch.idOf(0))));
            assertThat(letter.errorCodeAttribute()).isEqualTo("Throttled");
        });
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 1,
                LIST_CHANNEL_MODERATORS, 2, CREATE_CHANNEL_MODERATOR, 3));
        assertThat(function.channels().calls(CREATE_CHANNEL_MODERATOR)).extracting(ChannelCall::memberArns)
                .containsOnly(List.of(user("eng-055")));
        assertThat(function.channels().members(GENERAL))
                .isEqualTo(generalWith(user("eng-054"), "DEFAULT", user("eng-055"), "DEFAULT"));
        assertThat(function.channels().moderators(GENERAL)).containsExactly(user("lead-001"), user("eng-054"));
    }

    @Test
    void onTheLastReceiveAnAdministratorFoundInTheChannelAfterAnUnansweredAddIsStillMadeAModerator() {
        // The add takes effect but every answer to it is cut short: only the read shows the membership holds.
        function.chime().failNextCalls(3, Fault.RESET_MID_RESPONSE);
        SqsEvents batch = SqsEvents.batch().record(channelMember(GENERAL, user("eng-061"), null, "Administrator"), 5);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        // Three unanswered adds, one read of each type; whether it moderated already is read too, then it is granted.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 3,
                LIST_CHANNEL_MEMBERSHIPS, 2, LIST_CHANNEL_MODERATORS, 1, CREATE_CHANNEL_MODERATOR, 1));
        assertThat(function.channels().calls(LIST_CHANNEL_MEMBERSHIPS)).extracting(ChannelCall::type)
                .containsExactlyInAnyOrder("DEFAULT", "HIDDEN");
        assertThat(function.channels().members(GENERAL)).isEqualTo(generalWith(user("eng-061"), "DEFAULT"));
        assertThat(function.channels().moderators(GENERAL)).containsExactly(user("lead-001"), user("eng-061"));
    }

    @Test
    void aGrantThatFailsForAnAdministratorDoesNotFailAnotherRecordThatAskedOnlyForTheMembership() {
        // The later record asks for an Administrator, so the member is sent once and granted; every grant is throttled.
        function.channels().failModerator(user("eng-062"), Fault.THROTTLED, Integer.MAX_VALUE);
        SqsEvents batch = SqsEvents.batch()
                .record(channelMember(GENERAL, user("eng-062"), null, "Member"), 5)
                .record(channelMember(GENERAL, user("eng-062"), null, "Administrator"), 5);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.channels().members(GENERAL)).isEqualTo(generalWith(user("eng-062"), "DEFAULT"));
        assertThat(function.channels().moderators(GENERAL)).containsExactly(user("lead-001"));
        // Only the request for an Administrator failed; the membership the first record asked for holds.
        assertThat(function.deadLetters().drain()).extracting(Letter::bodyBesidesFailedAt, Letter::errorCodeAttribute)
                .containsExactly(tuple(letterBody("""
                        {"ChannelArn": "%s", "MemberArn": "%s", "Type": "DEFAULT", "Role": "Administrator",
                         "ErrorCode": "Throttled", "ErrorMessage": "The client exceeded its request rate limit.",
                         "SourceMessageId": "%s"}
                        """.formatted(GENERAL, user("eng-062"), batch.idOf(1))), "Throttled"));
        // One add; the SDK's three attempts at the grant; one read of the moderators before the letter.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 1,
                CREATE_CHANNEL_MODERATOR, 3, LIST_CHANNEL_MODERATORS, 1));
    }

    @Test
    void aModeratorGrantThatKeepsFailingTransientlyHandsTheRecordBackBeforeTheLastReceive() {
        function.channels().failModerator(user("eng-055"), Fault.SERVICE_UNAVAILABLE, Integer.MAX_VALUE);
        SqsEvents batch = SqsEvents.batch().record(channelMember(GENERAL, user("eng-055"), null, "Administrator"), 1);

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(function.channels().members(GENERAL)).isEqualTo(generalWith(user("eng-055"), "DEFAULT"));
        assertThat(function.channels().moderators(GENERAL)).containsExactly(user("lead-001"));
        assertThat(function.deadLetters().drain()).isEmpty();
        // No read before the last receive.
        assertThat(function.chime().callCounts())
                .isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 1, CREATE_CHANNEL_MODERATOR, 3));
    }

    // ------------------------------------------------------------------ rule 4: the region decides the endpoint

    @Test
    void aChannelOfAnotherRegionIsCalledThroughThatRegionsEndpoint() {
        String frankfurt = "arn:aws:chime:eu-central-1:111122223333:app-instance/acme-eu";
        function.channels().user(frankfurt + "/user/hr-sync").user(frankfurt + "/user/eng-001")
                .channel(frankfurt + "/channel/eu");
        function.redeployWith(Map.of("CHIME_BEARER_ARN", frankfurt + "/user/hr-sync"));

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(channelMember(frankfurt + "/channel/eu", frankfurt + "/user/eng-001", null, null)).build());

        // The emulator refuses a call signed for any region but the channel's.
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.channels().members(frankfurt + "/channel/eu"))
                .isEqualTo(Map.of(frankfurt + "/user/eng-001", "DEFAULT"));
        assertThat(function.channels().calls(BATCH_CREATE_CHANNEL_MEMBERSHIP)).singleElement()
                .satisfies(call -> assertThat(call.authorization()).contains("/eu-central-1/chime/aws4_request"));
    }

    // ------------------------------------------------------------------ rule 5: the AppInstance allowlist

    @Test
    void aChannelOfAnAppInstanceNotAllowedIsForbiddenWithoutACall() {
        function.redeployWith(Map.of("ALLOWED_APP_INSTANCE_ARNS",
                "arn:aws:chime:us-east-1:111122223333:app-instance/someone-else"));

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(channelMember(GENERAL, user("eng-056"), null, null)).build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.chime().callCounts()).isEmpty();
        assertThat(function.deadLetters().drain()).singleElement().satisfies(letter -> {
            assertThat(letter.errorCode()).isEqualTo("Forbidden");
            assertThat(letter.errorMessage()).isEqualTo("AppInstance " + APP_INSTANCE
                    + " is not in ALLOWED_APP_INSTANCE_ARNS: this deployment does not manage it");
        });
        assertThat(function.channels().members(GENERAL)).isEqualTo(GENERAL_MEMBERS);
    }

    @Test
    void aChannelOfAnAllowedAppInstanceGoesThrough() {
        function.redeployWith(Map.of("ALLOWED_APP_INSTANCE_ARNS", APP_INSTANCE));

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(channelMember(GENERAL, user("eng-057"), null, null)).build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.channels().members(GENERAL)).isEqualTo(generalWith(user("eng-057"), "DEFAULT"));
        assertThat(function.deadLetters().drain()).isEmpty();
    }

    // ------------------------------------------------------------------ input: bad ARNs never reach a call

    @Test
    void aBadMemberArnIsABadRequestForThatMemberAndTheOthersGoOn() {
        SqsEvents batch = SqsEvents.batch().record(channelMembers(GENERAL, List.of(user("eng-058"),
                "arn:aws:chime:us-east-1:111122223333:app-instance/other/user/eng-059",
                APP_INSTANCE + "/user/..%2Fchannel%2Fgeneral")));

        SQSBatchResponse response = function.handle(batch.build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.channels().calls()).singleElement()
                .extracting(ChannelCall::operation, ChannelCall::memberArns)
                .containsExactly(BATCH_CREATE_CHANNEL_MEMBERSHIP, List.of(user("eng-058")));
        assertThat(function.deadLetters().drain()).extracting(ChannelMembershipHandlerTest::memberArn, Letter::errorCode,
                        letter -> letter.errorMessage().contains("MemberArn"))
                .containsExactly(
                        tuple("arn:aws:chime:us-east-1:111122223333:app-instance/other/user/eng-059", "BadRequest", true),
                        tuple(APP_INSTANCE + "/user/..%2Fchannel%2Fgeneral", "BadRequest", true));
        assertThat(function.channels().members(GENERAL)).isEqualTo(generalWith(user("eng-058"), "DEFAULT"));
    }

    @Test
    void aBodyThatChoosesTheCallersIdentityIsABadRequestWithoutACall() {
        function.handle(SqsEvents.batch().record("{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArn\":\""
                + user("eng-060") + "\",\"ChimeBearer\":\"" + user("eng-060") + "\"}").build());

        assertThat(function.chime().callCounts()).isEmpty();
        assertThat(function.deadLetters().drain()).singleElement().satisfies(letter -> {
            assertThat(letter.errorCode()).isEqualTo("BadRequest");
            assertThat(letter.errorMessage()).isEqualTo("ChimeBearer is not a request field: the function calls "
                    + "Chime only as the AppInstanceUser or AppInstanceBot its CHIME_BEARER_ARN names");
        });
        assertThat(function.channels().members(GENERAL)).isEqualTo(GENERAL_MEMBERS);
    }

    // ------------------------------------------------------------------ legacy requests routed to channels

    @Test
    void legacyRequestsAreSentToTheirChannelsWhenTheTemplatesAreSet() {
        function.redeployWith(Map.of("CHANNEL_ARN_TEMPLATE", APP_INSTANCE + "/channel/{RoomId}",
                "MEMBER_ARN_TEMPLATE", APP_INSTANCE + "/user/{MemberId}"));
        SQSEvent event = EventLoader.loadSQSEvent("events/legacy-routed-batch.json");

        SQSBatchResponse response = function.handle(event);

        assertThat(response.getBatchItemFailures()).isEmpty();
        // One add per channel, and the grant for the one Administrator: the role carries over as a moderator. Each
        // channel has new members asked as a plain Member, so its moderators are read once.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 3,
                CREATE_CHANNEL_MODERATOR, 1, LIST_CHANNEL_MODERATORS, 3));
        assertThat(function.channels().members(channel(ENGINEERING))).isEqualTo(Map.of(user("eng-001"), "DEFAULT",
                user("eng-126"), "DEFAULT", user("eng-127"), "DEFAULT", user("eng-128"), "DEFAULT",
                user("eng-129"), "DEFAULT", user("eng-130"), "DEFAULT"));
        assertThat(function.channels().members(channel(SALES))).isEqualTo(Map.of(user("sales-001"), "DEFAULT",
                user("sales-010"), "DEFAULT", user("sales-011"), "DEFAULT", user("sales-012"), "DEFAULT"));
        assertThat(function.channels().members(channel(LEADERSHIP))).isEqualTo(Map.of(user("lead-002"), "DEFAULT"));
        assertThat(function.channels().moderators(channel(SALES))).containsExactly(user("sales-001"), user("sales-010"));
        // The failed member's letter keeps the producer's legacy form, and names the channel and member it went to.
        List<Letter> letters = function.deadLetters().drain();
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(fieldNames(letter.body())).containsExactly("AccountId", "RoomId", "MembershipItemList",
                    "ChannelArn", "MemberArn", "ErrorCode", "ErrorMessage", "SourceMessageId", "FailedAt");
            assertThat(letter.bodyBesidesFailedAt()).isEqualTo(letterBody("""
                    {"AccountId": "%s", "RoomId": "%s", "MembershipItemList": [{"MemberId": "contractor-904",
                     "Role": "Member"}], "ChannelArn": "%s", "MemberArn": "%s", "ErrorCode": "NotFound",
                     "ErrorMessage": "%s", "SourceMessageId": "%s"}
                    """.formatted(ACME, SALES, channel(SALES), user("contractor-904"),
                    notAUser(user("contractor-904")), event.getRecords().get(2).getMessageId())));
            assertThat(letter.errorCodeAttribute()).isEqualTo("NotFound");
        });

        // The runbook's redrive works unchanged: once the user exists, the letter as it is adds the member.
        function.channels().user(user("contractor-904"));
        SQSBatchResponse redriven = function.handle(SqsEvents.batch().record(letters.get(0).rawBody()).build());

        assertThat(redriven.getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        // One more add, and one more read of the channel's moderators for the plain Member the letter names.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 4,
                CREATE_CHANNEL_MODERATOR, 1, LIST_CHANNEL_MODERATORS, 4));
        assertThat(function.channels().members(channel(SALES))).isEqualTo(Map.of(user("sales-001"), "DEFAULT",
                user("sales-010"), "DEFAULT", user("sales-011"), "DEFAULT", user("sales-012"), "DEFAULT",
                user("contractor-904"), "DEFAULT"));
    }

    @Test
    void withoutTheTemplatesTheSameLegacyBatchGoesToTheRooms() {
        SQSBatchResponse response = function.handle(
                EventLoader.loadSQSEvent("events/legacy-routed-batch.json"));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.channels().calls()).isEmpty();
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 3));
        assertThat(function.chime().members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator",
                "sales-010", "Administrator", "sales-011", "Member", "sales-012", "Member"));
        assertThat(function.chime().members(ACME, LEADERSHIP)).isEqualTo(Map.of("lead-002", "Member"));
        assertThat(function.deadLetters().drain()).extracting(Letter::memberId, Letter::errorCode)
                .containsExactly(tuple("contractor-904", "NotFound"));
    }

    @Test
    void settingOnlyOneTemplateFailsAtStartNamingTheOther() {
        assertThatThrownBy(() -> function.handlerWith(Map.of("CHANNEL_ARN_TEMPLATE", APP_INSTANCE + "/channel/{RoomId}")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("MEMBER_ARN_TEMPLATE");
    }

    @Test
    void aRoutedMemberWhoseArnIsInvalidIsABadRequestInTheLegacyForm() {
        function.redeployWith(Map.of("CHANNEL_ARN_TEMPLATE", APP_INSTANCE + "/channel/{RoomId}",
                "MEMBER_ARN_TEMPLATE", APP_INSTANCE + "/user/{MemberId}"));

        SQSBatchResponse response = function.handle(SqsEvents.batch()
                .record(SqsEvents.members(ACME, SALES, List.of("sales-013", "has space"))).build());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.channels().members(channel(SALES)))
                .isEqualTo(Map.of(user("sales-001"), "DEFAULT", user("sales-013"), "DEFAULT"));
        // The new member was asked as a plain Member: the channel's moderators are read once.
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(BATCH_CREATE_CHANNEL_MEMBERSHIP, 1,
                LIST_CHANNEL_MODERATORS, 1));
        assertThat(function.deadLetters().drain()).singleElement().satisfies(letter -> {
            assertThat(letter.memberId()).isEqualTo("has space");
            assertThat(letter.errorCode()).isEqualTo("BadRequest");
            assertThat(letter.errorMessage()).contains("MEMBER_ARN_TEMPLATE");
        });
    }

    // ------------------------------------------------------------------ mixed batches

    @Test
    void aMixedBatchAddsRoomMembersAndChannelMembersEachThroughItsOwnApi() {
        SQSEvent event = EventLoader.loadSQSEvent("events/mixed-batch.json");

        SQSBatchResponse response = function.handle(event);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.chime().members(ACME, ENGINEERING)).isEqualTo(Map.of("eng-001", "Administrator",
                "eng-050", "Member", "eng-051", "Member", "eng-052", "Member"));
        assertThat(function.chime().members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator",
                "sales-020", "Administrator"));
        assertThat(function.chime().members(ACME, LEADERSHIP)).isEqualTo(Map.of("lead-003", "Member"));
        assertThat(function.channels().members(GENERAL)).isEqualTo(generalWith(user("eng-010"), "DEFAULT",
                user("eng-011"), "DEFAULT", user("sales-006"), "DEFAULT"));
        assertThat(function.channels().members(channel(ENGINEERING)))
                .isEqualTo(Map.of(user("eng-001"), "DEFAULT", user("eng-050"), "DEFAULT"));
        assertThat(function.channels().members(ANNOUNCEMENTS))
                .isEqualTo(Map.of(user("lead-002"), "DEFAULT", user("eng-012"), "DEFAULT"));
        assertThat(function.channels().moderators(ANNOUNCEMENTS)).containsExactly(user("lead-002"), user("eng-012"));
        assertThat(function.chime().callCounts()).isEqualTo(Map.of(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 3,
                BATCH_CREATE_CHANNEL_MEMBERSHIP, 3, CREATE_CHANNEL_MODERATOR, 1));
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(summary(function.context())).containsAllEntriesOf(Map.of("rooms", 3, "channels", 3, "added", 10,
                "calls", 7));
    }

    // ------------------------------------------------------------------ helpers

    /** The general channel as the sample organisation has it, and these members (ARN, type, ...) besides. */
    private static Map<String, String> generalWith(String... arnsAndTypes) {
        Map<String, String> members = new LinkedHashMap<>(GENERAL_MEMBERS);
        for (int i = 0; i < arnsAndTypes.length; i += 2) {
            members.put(arnsAndTypes[i], arnsAndTypes[i + 1]);
        }
        return members;
    }

    /** What the emulator answers for a member ARN that names no user or bot of the sample AppInstance. */
    private static String notAUser(String memberArn) {
        return "The member " + memberArn + " is not a user or bot of " + APP_INSTANCE + ".";
    }

    /** The message of a per-member error the emulator was told to answer. */
    private static String injected(String errorCode, String memberArn) {
        return "Injected " + errorCode + " error for member " + memberArn + ".";
    }

    /** Form 3, with Type and Role left out when null. */
    static String channelMembers(String channelArn, List<String> memberArns, String type, String role) {
        StringBuilder arns = new StringBuilder();
        memberArns.forEach(arn -> arns.append(arns.isEmpty() ? "" : ",").append('"').append(arn).append('"'));
        return "{\"ChannelArn\":\"" + channelArn + "\",\"MemberArns\":[" + arns + "]"
                + (type == null ? "" : ",\"Type\":\"" + type + "\"")
                + (role == null ? "" : ",\"Role\":\"" + role + "\"") + "}";
    }

    static String channelMembers(String channelArn, List<String> memberArns) {
        return channelMembers(channelArn, memberArns, null, null);
    }

    /** Form 4. */
    static String channelMember(String channelArn, String memberArn, String type, String role) {
        return "{\"ChannelArn\":\"" + channelArn + "\",\"MemberArn\":\"" + memberArn + "\""
                + (type == null ? "" : ",\"Type\":\"" + type + "\"")
                + (role == null ? "" : ",\"Role\":\"" + role + "\"") + "}";
    }

    private static List<String> arns(List<String> userIds) {
        return userIds.stream().map(id -> user(id)).toList();
    }

    private static String memberArn(Letter letter) {
        return letter.body().path("MemberArn").asText(null);
    }

    private static List<String> fieldNames(JsonNode body) {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Batch-create call sizes per channel and type, largest first (calls run concurrently, in no set order). */
    private static Map<String, List<Integer>> callSizes() {
        Map<String, List<Integer>> sizes = new LinkedHashMap<>();
        for (ChannelCall call : function.channels().calls(BATCH_CREATE_CHANNEL_MEMBERSHIP)) {
            String type = call.type() == null ? "DEFAULT" : call.type();
            sizes.computeIfAbsent(call.channelArn() + " " + type, key -> new ArrayList<>()).add(call.memberArns().size());
        }
        sizes.values().forEach(list -> list.sort(java.util.Comparator.reverseOrder()));
        return sizes;
    }

    private static Map<String, Object> summary(TestContext context) {
        try {
            JsonNode line = JSON.readTree(context.logLines().get(context.logLines().size() - 1));
            assertThat(line.path("message").asText()).isEqualTo("invocation summary");
            Map<String, Object> figures = new HashMap<>();
            line.fields().forEachRemaining(field -> {
                if (field.getValue().isInt()) {
                    figures.put(field.getKey(), field.getValue().asInt());
                }
            });
            return figures;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

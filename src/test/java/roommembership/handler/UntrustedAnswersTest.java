package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChimeEmulator;
import roommembership.emulator.ChimeEmulator.Fault;
import roommembership.emulator.OddAnswers;
import roommembership.testing.DeadLetterQueue;
import roommembership.testing.DeadLetterQueue.Letter;
import roommembership.testing.SqsEvents;
import roommembership.testing.TestContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static roommembership.emulator.ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP;
import static roommembership.emulator.ChannelsApi.LIST_CHANNEL_MEMBERSHIPS;
import static roommembership.emulator.ChannelsApi.LIST_CHANNEL_MODERATORS;
import static roommembership.emulator.ChimeEmulator.LIST_ROOM_MEMBERSHIPS;
import static roommembership.testing.Directory.ACME;
import static roommembership.testing.Directory.BEARER;
import static roommembership.testing.Directory.GENERAL;
import static roommembership.testing.Directory.SALES;
import static roommembership.testing.Directory.user;

/**
 * Red team: the answers a real service, or a gateway in front of it, can give although no well-behaved call gets
 * them, each switched on in the emulator and driven through the real handler and SDK clients. Whatever the answer,
 * the batch ends with exact records handed back, exact dead letters and an exact room or channel, nothing counted
 * added that was not, and a WARN line that says what was odd; nothing is thrown out of the function.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UntrustedAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUEST_ID = "00000000-0000-4000-8000-000000000001";
    private static final String AT = "2026-11-26T10:52:12.114Z";
    /** How a log line names the target, as its fields. */
    private static final String SALES_ROOM = "\"accountId\":\"" + ACME + "\",\"roomId\":\"" + SALES + "\"";
    private static final String GENERAL_CHANNEL = "\"channelArn\":\"" + GENERAL + "\"";
    /** The ErrorMessage of a member an answer did not account for, and a read found absent. */
    private static final String UNACCOUNTED = "Chime's answer did not account for this member: 1 of its Errors "
            + "entries named no member of the call";

    @RegisterExtension
    static final FunctionUnderTest function = FunctionUnderTest.forRoomsAndChannels();

    private ChimeEmulator chime;
    private ChannelsApi channels;
    private DeadLetterQueue deadLetters;
    private RoomMembershipHandler handler;
    private TestContext context;

    @BeforeEach
    void freshState() {
        chime = function.chime();
        channels = function.channels();
        deadLetters = function.deadLetters();
        handler = function.handler();
        context = function.context();
    }

    // ------------------------------------------------------------------ Errors entries that name no member of the call

    @Test
    void anErrorsEntryNamingTheMemberInAnotherCaseLeavesTheCallsMembersUnknownUntilTheLastReceiveReadsTheRoom() {
        chime.oddAnswers().nameErrorsOf("nobody-1", OddAnswers.Naming.OTHER_CASE);
        String body = SqsEvents.members(ACME, SALES, List.of("sales-021", "nobody-1"));
        SqsEvents first = SqsEvents.batch().record(body);

        SQSBatchResponse early = handler.handleRequest(first.build(), context);

        // NOBODY-1's NotFound names no member of the call: neither member is counted added, the record goes back.
        assertThat(FunctionUnderTest.failedIds(early)).containsExactly(first.idOf(0));
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(chime.members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator", "sales-021", "Member"));
        assertThat(summary()).containsAllEntriesOf(Map.of("added", 0, "alreadyMembers", 0, "deadLettered", 0,
                "recordsRetried", 1));
        assertThat(warnings()).containsExactly(oddEntries(SALES_ROOM, "add", 1, 2));

        context = TestContext.withMinutesLeft(1);
        SqsEvents last = SqsEvents.batch().record(body, 5);

        SQSBatchResponse settled = handler.handleRequest(last.build(), context);

        // sales-021's Conflict names it as sent; nobody-1 is read for, and is not in the room.
        assertThat(settled.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters.drain()).extracting(Letter::memberId, Letter::errorCode, Letter::errorCodeAttribute,
                        Letter::errorMessage, Letter::sourceMessageId)
                .containsExactly(tuple("nobody-1", "ServiceFailure", "ServiceFailure", UNACCOUNTED, last.idOf(0)));
        assertThat(chime.members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator", "sales-021", "Member"));
        assertThat(summary()).containsAllEntriesOf(Map.of("added", 0, "alreadyMembers", 1, "deadLettered", 1,
                "recordsRetried", 0));
        assertThat(warnings()).containsExactly(oddEntries(SALES_ROOM, "add", 1, 1));
    }

    @Test
    void anErrorsEntryWithoutAMemberIdSettlesNoMemberAndNoneIsCountedAdded() {
        chime.oddAnswers().nameErrorsOf("nobody-1", OddAnswers.Naming.NONE);
        SqsEvents batch = SqsEvents.batch()
                .record(SqsEvents.member(ACME, SALES, "nobody-1", "Member"))
                .record(SqsEvents.member(ACME, SALES, "sales-022", "Member"));

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        assertThat(FunctionUnderTest.failedIds(response)).containsExactly(batch.idOf(0), batch.idOf(1));
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(chime.members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator", "sales-022", "Member"));
        assertThat(summary()).containsAllEntriesOf(Map.of("added", 0, "deadLettered", 0, "recordsRetried", 2));
        assertThat(warnings()).containsExactly(oddEntries(SALES_ROOM, "add", 1, 2));
    }

    @Test
    void aChannelErrorsEntryNamingTheMemberArnInAnotherCaseSettlesNoMember() {
        String nobody = user("nobody-1");
        chime.oddAnswers().nameErrorsOf(nobody, OddAnswers.Naming.OTHER_CASE);
        SqsEvents batch = SqsEvents.batch().record("{\"ChannelArn\":\"" + GENERAL + "\",\"MemberArns\":[\""
                + user("sales-002") + "\",\"" + nobody + "\"]}");

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        assertThat(FunctionUnderTest.failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(channels.members(GENERAL)).containsEntry(user("sales-002"), "DEFAULT").doesNotContainKey(nobody)
                .hasSize(5);
        assertThat(summary()).containsAllEntriesOf(Map.of("added", 0, "deadLettered", 0, "recordsRetried", 1));
        assertThat(warnings()).containsExactly(oddEntries(GENERAL_CHANNEL, "add", 1, 2));
    }

    // ------------------------------------------------------------------ listing entries that name no one

    @Test
    void aRoomListingEntryWithoutAMemberIsSkippedAndCountedAndTheRemovalItCheckedStillSettles() {
        chime.oddAnswers().memberlessEntries(LIST_ROOM_MEMBERSHIPS, 1);
        SqsEvents batch = SqsEvents.batch().record(roomRemoval("sales-002"));

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(chime.members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator"));
        assertThat(summary()).containsAllEntriesOf(Map.of("added", 0, "removed", 0, "alreadyAbsent", 1,
                "deadLettered", 0, "recordsRetried", 0));
        // The removal's NotFound sent the function to the listing, which shows the member absent: no warning for
        // that, only for the listing's odd entry.
        assertThat(warnings()).containsExactly(
                oddEntries(SALES_ROOM, "members", 2, 0));
    }

    @Test
    void aRoomListingOfAdministratorsWithEntriesWithoutAMemberStillShowsTheRoleToChange() {
        chime.oddAnswers().memberlessEntries(LIST_ROOM_MEMBERSHIPS, 1);
        SqsEvents batch = SqsEvents.batch().record(SqsEvents.member(ACME, SALES, "sales-001", "Member"));

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(chime.members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Member"));
        assertThat(summary()).containsAllEntriesOf(Map.of("added", 0, "alreadyMembers", 1, "rolesChanged", 1,
                "deadLettered", 0, "recordsRetried", 0));
        assertThat(warnings()).containsExactly(oddEntries(SALES_ROOM, "administrators", 2, 0));
    }

    @Test
    void aChannelModeratorListingEntryWithoutAModeratorIsSkippedAndTheLeaverStillLosesTheModeration() {
        chime.oddAnswers().memberlessEntries(LIST_CHANNEL_MODERATORS, 1);
        SqsEvents batch = SqsEvents.batch().record(channelRemoval(GENERAL, user("lead-001")));

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(channels.members(GENERAL)).doesNotContainKey(user("lead-001")).hasSize(3);
        assertThat(channels.moderators(GENERAL)).isEmpty();
        assertThat(summary()).containsAllEntriesOf(Map.of("removed", 1, "deadLettered", 0, "recordsRetried", 0));
        assertThat(warnings()).containsExactly(oddEntries(GENERAL_CHANNEL, "administrators", 2, 0));
    }

    @Test
    void aChannelMemberListingEntryWithoutAMemberIsSkippedWhenTheLastReceiveChecksAnUnansweredAdd() {
        chime.failNextCalls(3, Fault.SERVICE_UNAVAILABLE, BATCH_CREATE_CHANNEL_MEMBERSHIP);
        chime.oddAnswers().memberlessEntries(LIST_CHANNEL_MEMBERSHIPS, 2);
        SqsEvents batch = SqsEvents.batch().record(channelMember(GENERAL, user("sales-002")), 5);

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters.drain()).extracting(letter -> letter.body().path("MemberArn").asText(),
                        Letter::errorCode, Letter::errorCodeAttribute, Letter::errorMessage, Letter::sourceMessageId)
                .containsExactly(tuple(user("sales-002"), "ServiceUnavailable", "ServiceUnavailable",
                        "The service is currently unavailable.", batch.idOf(0)));
        assertThat(channels.members(GENERAL)).doesNotContainKey(user("sales-002")).hasSize(4);
        assertThat(summary()).containsAllEntriesOf(Map.of("added", 0, "deadLettered", 1, "recordsRetried", 0));
        assertThat(warnings()).containsExactly(
                callFailed(GENERAL_CHANNEL, "ServiceUnavailable",
                        "The service is currently unavailable.", 1, true),
                oddEntries(GENERAL_CHANNEL, "members", 4, 0));
    }

    // ------------------------------------------------------------------ answers that are not the operation's

    @Test
    void aBatchCreateAnsweredWithANullErrorsEntryLeavesItsMemberUnknownAndThrowsNothing() {
        chime.oddAnswers().answerNextCalls(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 1,
                OddAnswers.RawAnswer.json(201, "{\"Errors\":[null]}"));
        SqsEvents batch = SqsEvents.batch().record(SqsEvents.member(ACME, SALES, "sales-021", "Member"));

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        assertThat(FunctionUnderTest.failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(chime.members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator"));
        assertThat(summary()).containsAllEntriesOf(Map.of("added", 0, "deadLettered", 0, "recordsRetried", 1));
        assertThat(warnings()).containsExactly(oddEntries(SALES_ROOM, "add", 1, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not JSON", "", "[]", "null", "{\"Errors\":\"none\"}", "{\"Errors\":{\"MemberId\":\"x\"}}",
            "{\"Errors\":[42]}", "{\"Errors\":[{\"MemberId\":[\"sales-021\"]}]}"})
    void aBatchCreateAnsweredWithABodyOfTheWrongShapeIsATransientFailureOfTheCallAndNothingIsCountedAdded(String body) {
        chime.oddAnswers().answerNextCalls(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 3,
                OddAnswers.RawAnswer.json(201, body));
        SqsEvents batch = SqsEvents.batch().record(SqsEvents.member(ACME, SALES, "sales-021", "Member"));

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        assertThat(FunctionUnderTest.failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(chime.members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator"));
        assertThat(summary()).containsAllEntriesOf(Map.of("added", 0, "deadLettered", 0, "recordsRetried", 1));
        // The SDK's reason follows the function's words; what a parser says of each body is the SDK's own.
        assertThat(warnings()).hasSize(1).extracting(UntrustedAnswersTest::json)
                .extracting(line -> line.path("message").asText(), line -> line.path("errorCode").asText(),
                        line -> line.path("transient").asBoolean(), line -> line.path("members").asInt(),
                        line -> line.path("errorMessage").asText().startsWith("Chime's answer was not the "
                                + "operation's: Unable to unmarshall response" + (body.isEmpty() ? ": HTTP 201 with "
                                + "an empty body" : " (")))
                .containsExactly(tuple("Chime call failed", "ServiceFailure", true, 1, true));
    }

    @ParameterizedTest
    @CsvSource({"502, Bad Gateway", "503, Service Temporarily Unavailable", "504, Gateway Time-out"})
    void aGatewaysHtmlErrorPageForAnAddIsATransientFailureThatSaysWhoAnswered(int status, String reason) {
        chime.oddAnswers().answerNextCalls(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 3,
                OddAnswers.RawAnswer.gatewayPage(status, reason));
        SqsEvents batch = SqsEvents.batch().record(SqsEvents.member(ACME, SALES, "sales-021", "Member"));

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        assertThat(FunctionUnderTest.failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(chime.members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator"));
        assertThat(chime.oddAnswers().rawAnswered()).isEqualTo(Map.of(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 3));
        assertThat(summary()).containsAllEntriesOf(Map.of("added", 0, "deadLettered", 0, "recordsRetried", 1));
        assertThat(warnings()).containsExactly(callFailed(SALES_ROOM, "ServiceFailure", gatewayPage(status), 1, true));
    }

    @Test
    void aGatewaysHtmlForbiddenPageIsAPermanentFailureDeadLetteredWithItsStatus() {
        chime.oddAnswers().answerNextCalls(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP, 1,
                OddAnswers.RawAnswer.gatewayPage(403, "Forbidden"));
        SqsEvents batch = SqsEvents.batch().record(SqsEvents.member(ACME, SALES, "sales-021", "Member"));

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters.drain()).extracting(Letter::memberId, Letter::errorCode, Letter::errorCodeAttribute,
                        Letter::errorMessage, Letter::sourceMessageId)
                .containsExactly(tuple("sales-021", "HTTP403", "HTTP403", gatewayPage(403), batch.idOf(0)));
        assertThat(chime.members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator"));
        assertThat(summary()).containsAllEntriesOf(Map.of("added", 0, "deadLettered", 1, "recordsRetried", 0));
        assertThat(warnings()).containsExactly(callFailed(SALES_ROOM, "HTTP403", gatewayPage(403), 1, false));
    }

    @Test
    void aRoomReadAnsweredByAGatewaysHtmlPageIsUnknownSoTheRemovalItCheckedGoesBackToSqs() {
        chime.oddAnswers().answerNextCalls(LIST_ROOM_MEMBERSHIPS, 3, OddAnswers.RawAnswer.gatewayPage(502,
                "Bad Gateway"));
        SqsEvents batch = SqsEvents.batch().record(roomRemoval("sales-002"));

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        assertThat(FunctionUnderTest.failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(chime.members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator"));
        assertThat(summary()).containsAllEntriesOf(Map.of("removed", 0, "alreadyAbsent", 0, "deadLettered", 0,
                "recordsRetried", 1));
        assertThat(warnings()).containsExactly(
                readFailed(SALES_ROOM, "members", "ServiceFailure", gatewayPage(502), true));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aRoomListingThatNeverEndsIsGivenUpAfterItsPageBoundAsAFailedReadAndNothingHangs() {
        chime.oddAnswers().endlessListing(LIST_ROOM_MEMBERSHIPS);
        SqsEvents batch = SqsEvents.batch().record(roomRemoval("sales-002"));

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        assertThat(FunctionUnderTest.failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(chime.calls(LIST_ROOM_MEMBERSHIPS)).hasSize(100);
        assertThat(chime.members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator"));
        assertThat(summary()).containsAllEntriesOf(Map.of("alreadyAbsent", 0, "deadLettered", 0, "recordsRetried", 1));
        assertThat(warnings()).containsExactly(
                readFailed(SALES_ROOM, "members", "ServiceFailure", "ListRoomMemberships gave a NextToken on each of "
                        + "100 pages, more than any room has: the listing was given up", true));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aChannelListingThatNeverEndsLeavesTheLastReceiveUnsettledRatherThanGuessAndNothingHangs() {
        chime.failNextCalls(3, Fault.SERVICE_UNAVAILABLE, BATCH_CREATE_CHANNEL_MEMBERSHIP);
        chime.oddAnswers().endlessListing(LIST_CHANNEL_MEMBERSHIPS);
        SqsEvents batch = SqsEvents.batch().record(channelMember(GENERAL, user("sales-002")), 5);

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        assertThat(FunctionUnderTest.failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(channels.calls(LIST_CHANNEL_MEMBERSHIPS)).hasSize(2_000);
        assertThat(channels.members(GENERAL)).doesNotContainKey(user("sales-002")).hasSize(4);
        assertThat(summary()).containsAllEntriesOf(Map.of("added", 0, "deadLettered", 0, "recordsRetried", 1));
        assertThat(warnings()).containsExactly(
                callFailed(GENERAL_CHANNEL, "ServiceUnavailable", "The service is currently unavailable.", 1, true),
                readFailed(GENERAL_CHANNEL, "members", "ServiceFailure", "ListChannelMemberships gave a NextToken on "
                        + "each of 2000 pages, more than any channel has: the listing was given up", true));
    }

    @Test
    void aGatewaysHtmlPageForAChannelAddIsATransientFailureThatSaysWhoAnswered() {
        chime.oddAnswers().answerNextCalls(BATCH_CREATE_CHANNEL_MEMBERSHIP, 3,
                OddAnswers.RawAnswer.gatewayPage(503, "Service Temporarily Unavailable"));
        SqsEvents batch = SqsEvents.batch().record(channelMember(GENERAL, user("sales-002")));

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        assertThat(FunctionUnderTest.failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(channels.members(GENERAL)).doesNotContainKey(user("sales-002")).hasSize(4);
        assertThat(summary()).containsAllEntriesOf(Map.of("added", 0, "deadLettered", 0, "recordsRetried", 1));
        assertThat(warnings()).containsExactly(callFailed(GENERAL_CHANNEL, "ServiceFailure", gatewayPage(503), 1, true));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aChannelListingWhoseNextTokenNamesItsOwnPageIsGivenUpAtOnceAndTheLeaverGoesBackToSqs() {
        chime.oddAnswers().answerNextCalls(LIST_CHANNEL_MODERATORS, 1_000, OddAnswers.RawAnswer.json(200,
                "{\"ChannelModerators\":[],\"NextToken\":\"again\"}"));
        SqsEvents batch = SqsEvents.batch().record(channelRemoval(GENERAL, user("lead-001")));

        SQSBatchResponse response = handler.handleRequest(batch.build(), context);

        // The membership is gone; whether the leaver still moderates is unknown, so the record comes back.
        assertThat(FunctionUnderTest.failedIds(response)).containsExactly(batch.idOf(0));
        assertThat(deadLetters.drain()).isEmpty();
        assertThat(chime.oddAnswers().rawAnswered()).isEqualTo(Map.of(LIST_CHANNEL_MODERATORS, 2));
        assertThat(channels.members(GENERAL)).doesNotContainKey(user("lead-001")).hasSize(3);
        assertThat(channels.moderators(GENERAL)).containsExactly(user("lead-001"));
        assertThat(summary()).containsAllEntriesOf(Map.of("deadLettered", 0, "recordsRetried", 1));
        assertThat(warnings()).containsExactly(readFailed(GENERAL_CHANNEL, "administrators", "ServiceFailure",
                "ListChannelModerators gave the NextToken it was asked with: the listing was given up", true));
    }

    // ------------------------------------------------------------------ requests and log lines

    private static String roomRemoval(String memberId) {
        return "{\"Action\":\"Remove\",\"AccountId\":\"" + ACME + "\",\"RoomId\":\"" + SALES + "\",\"MemberId\":\""
                + memberId + "\"}";
    }

    private static String channelMember(String channelArn, String memberArn) {
        return "{\"ChannelArn\":\"" + channelArn + "\",\"MemberArn\":\"" + memberArn + "\"}";
    }

    private static String channelRemoval(String channelArn, String memberArn) {
        return "{\"Action\":\"Remove\",\"ChannelArn\":\"" + channelArn + "\",\"MemberArn\":\"" + memberArn + "\"}";
    }

    private static String oddEntries(String target, String answer, int entries, int membersLeftUnknown) {
        return "{\"timestamp\":\"" + AT + "\",\"level\":\"WARN\",\"message\":\"Chime answer had entries naming no "
                + "member\",\"AWSRequestId\":\"" + REQUEST_ID + "\"," + target + ",\"answer\":\"" + answer
                + "\",\"entries\":" + entries + ",\"membersLeftUnknown\":" + membersLeftUnknown + "}";
    }

    private static String callFailed(String target, String errorCode, String message, int members,
                                     boolean isTransient) {
        return "{\"timestamp\":\"" + AT + "\",\"level\":\"WARN\",\"message\":\"Chime call failed\",\"AWSRequestId\":\""
                + REQUEST_ID + "\"," + target + ",\"errorCode\":\"" + errorCode + "\",\"errorMessage\":"
                + quoted(message) + ",\"members\":" + members + ",\"transient\":" + isTransient + "}";
    }

    private static String readFailed(String target, String read, String errorCode, String message,
                                     boolean isTransient) {
        return "{\"timestamp\":\"" + AT + "\",\"level\":\"WARN\",\"message\":\"Chime read failed\",\"AWSRequestId\":\""
                + REQUEST_ID + "\"," + target + ",\"read\":\"" + read + "\",\"errorCode\":\"" + errorCode
                + "\",\"errorMessage\":" + quoted(message) + ",\"transient\":" + isTransient + "}";
    }

    /** How the function words an answer that is a gateway's HTML page rather than the service's. */
    private static String gatewayPage(int status) {
        return "Chime's answer was not the operation's: HTTP " + status + " with a text/html body, a gateway's page "
                + "rather than the service's answer";
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The WARN lines, in the order written. */
    private List<String> warnings() {
        return context.logLinesWithLevels().stream().filter(line -> line.level() == LogLevel.WARN)
                .map(TestContext.LogLine::text).toList();
    }

    /** The summary line's figures. */
    private Map<String, Object> summary() {
        List<String> lines = context.logLines();
        try {
            JsonNode line = JSON.readTree(lines.get(lines.size() - 1));
            assertThat(line.path("message").asText()).isEqualTo("invocation summary");
            Map<String, Object> figures = new HashMap<>();
            line.fields().forEachRemaining(field -> {
                if (field.getValue().isInt()) {
                    figures.put(field.getKey(), field.getValue().asInt());
                }
            });
            return figures;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

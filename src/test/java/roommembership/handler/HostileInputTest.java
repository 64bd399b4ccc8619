package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import roommembership.emulator.ChimeEmulator.RecordedCall;
import roommembership.testing.DeadLetterQueue.Letter;
import roommembership.testing.SchemaAgreement;
import roommembership.testing.SqsEvents;
import roommembership.testing.TestContext;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static roommembership.testing.Directory.ACME;
import static roommembership.testing.Directory.LEADERSHIP;
import static roommembership.testing.Directory.SALES;
import static roommembership.testing.SqsEvents.ids;
import static roommembership.testing.SqsEvents.member;
import static roommembership.testing.SqsEvents.members;

/**
 * What a producer can put on the queue, and what it cannot do with it: every hostile record ends as a clear
 * dead letter (or, where the value is legal, a correct call), the valid record beside it is still added, and no call
 * names a room other than the one intended. Through the real SDK clients against the Chime emulator and ElasticMQ.
 */
class HostileInputTest {
    /** SQS's limit for one message, body and attributes together. */
    private static final int SQS_MESSAGE_LIMIT = 262_144;
    private static final String VALID = member(ACME, SALES, "sales-020", "Member");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final FunctionUnderTest function = FunctionUnderTest.forRooms();

    @Test
    void aValidRequestPaddedToTheSqsLimitIsAdded() {
        String start = "{\"AccountId\":\"" + ACME + "\",\"RoomId\":\"" + SALES
                + "\",\"MemberId\":\"sales-021\",\"Padding\":\"";
        String body = start + "p".repeat(SQS_MESSAGE_LIMIT - start.length() - 2) + "\"}";
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(SQS_MESSAGE_LIMIT);

        List<Letter> letters = handledBesideAValidRequest(SqsEvents.batch().record(body));

        assertThat(letters).isEmpty();
        assertThat(function.chime().calls()).extracting(RecordedCall::memberIds)
                .containsExactly(List.of("sales-021", "sales-020"));
    }

    @Test
    void aNonJsonBodyOfTheSqsLimitIsOneBadRequestLetterThatQuotesLittleOfIt() {
        SqsEvents batch = SqsEvents.batch().record("x".repeat(SQS_MESSAGE_LIMIT));

        List<Letter> letters = handledBesideAValidRequest(batch);

        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter).extracting(Letter::errorCode, Letter::errorCodeAttribute, Letter::sourceMessageId)
                    .containsExactly("BadRequest", "BadRequest", batch.idOf(0));
            assertThat(letter.errorMessage()).isEqualTo("body is not valid JSON: Unrecognized token '"
                    + "x".repeat(100) + "...': was expecting (JSON String, Number, Array, Object or token 'null', "
                    + "'true' or 'false')");
            assertThat(letter.body().path("Body").asText()).startsWith("xxxx")
                    .endsWith("...[truncated: the original body had 262144 characters]");
        });
    }

    @Test
    void jsonNestedTenThousandDeepIsOneBadRequestLetter() {
        SqsEvents batch = SqsEvents.batch().record("{\"AccountId\":\"" + ACME + "\",\"RoomId\":\"" + SALES
                + "\",\"MemberId\":\"sales-021\",\"Ticket\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");

        List<Letter> letters = handledBesideAValidRequest(batch);

        assertThat(letters).extracting(Letter::errorCode, Letter::sourceMessageId, Letter::errorMessage)
                .containsExactly(tuple("BadRequest", batch.idOf(0), "body is not valid JSON: Document nesting depth "
                        + "(65) exceeds the maximum allowed (64, from `StreamReadConstraints.getMaxNestingDepth()`)"));
        assertThat(function.chime().calls()).extracting(RecordedCall::memberIds).containsExactly(List.of("sales-020"));
    }

    @Test
    void malformedUtf8ArrivesAsReplacementCharactersWhichAreLegalSoTheMemberIsSentAndNotFound() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(("{\"AccountId\":\"" + ACME + "\",\"RoomId\":\"" + SALES + "\",\"MemberId\":\"sales-0")
                .getBytes(StandardCharsets.UTF_8));
        // A lead byte with no continuation, then a byte UTF-8 never uses: each is decoded as U+FFFD.
        bytes.write(0xC3);
        bytes.write(0xFF);
        bytes.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        String memberId = "sales-0\ufffd\ufffd";
        SqsEvents batch = SqsEvents.batch().record(bytes.toString(StandardCharsets.UTF_8));

        List<Letter> letters = handledBesideAValidRequest(batch);

        assertThat(function.chime().calls()).extracting(RecordedCall::memberIds)
                .containsExactly(List.of(memberId, "sales-020"));
        assertThat(letters).extracting(Letter::memberId, Letter::errorCode, Letter::sourceMessageId,
                        Letter::errorMessage)
                .containsExactly(tuple(memberId, "NotFound", batch.idOf(0),
                        "The member " + memberId + " is not found in account " + ACME + "."));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sales-\\ud800", "sales-\ud800"})
    void aLoneSurrogateCannotBeSentSoItsItemIsRejectedAndTheOthersGoOn(String memberIdInBody) {
        SqsEvents batch = SqsEvents.batch().record("{\"AccountId\":\"" + ACME + "\",\"RoomId\":\"" + SALES
                + "\",\"MembershipItemList\":[{\"MemberId\":\"" + memberIdInBody + "\"},"
                + "{\"MemberId\":\"sales-021\"}]}");

        List<Letter> letters = handledBesideAValidRequest(batch);

        assertThat(letters).extracting(Letter::memberId, Letter::errorCode, Letter::sourceMessageId,
                        Letter::errorMessage)
                .containsExactly(tuple("sales-\ud800", "BadRequest", batch.idOf(0),
                        "MemberId contains the unpaired surrogate U+D800, which has no UTF-8 encoding"));
        assertThat(letters.get(0).rawBody()).contains("\"MemberId\":\"sales-\\uD800\"");
        assertThat(function.chime().calls()).extracting(RecordedCall::memberIds)
                .containsExactly(List.of("sales-021", "sales-020"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"AccountId\":\"" + ACME + "\"}]", "42", "-1.5e300", "null", "true",
            "\"sales-021\"", ""})
    void aBodyThatIsNotAJsonObjectIsOneBadRequestLetterWithTheBodyAsItCame(String body) {
        SqsEvents batch = SqsEvents.batch().record(body);

        List<Letter> letters = handledBesideAValidRequest(batch);

        assertThat(letters).extracting(Letter::errorCode, Letter::sourceMessageId, Letter::errorMessage,
                        letter -> letter.body().path("Body").asText())
                .containsExactly(tuple("BadRequest", batch.idOf(0), "body is not a JSON object", body));
    }

    @Test
    void numbersWhereStringsBelongAreRejectedForTheMessageOrTheItemTheyAreIn() {
        SqsEvents batch = SqsEvents.batch()
                .record("{\"AccountId\":\"" + ACME + "\",\"RoomId\":12345,\"MemberId\":\"sales-021\"}")
                .record("{\"AccountId\":\"" + ACME + "\",\"RoomId\":\"" + SALES + "\",\"MembershipItemList\":["
                        + "{\"MemberId\":42},{\"MemberId\":\"sales-022\",\"Role\":1},{\"MemberId\":\"sales-023\"}]}");

        List<Letter> letters = handledBesideAValidRequest(batch);

        assertThat(letters).extracting(Letter::sourceMessageId, Letter::errorCode, Letter::memberId,
                        letter -> letter.body().path("MembershipItemList").path(0).path("Role").asText(null),
                        Letter::errorMessage)
                .containsExactlyInAnyOrder(
                        tuple(batch.idOf(0), "BadRequest", null, null, "RoomId must be a string"),
                        tuple(batch.idOf(1), "BadRequest", null, null, "MemberId must be a string"),
                        tuple(batch.idOf(1), "BadRequest", "sales-022", "1",
                                "Role must be Administrator or Member, not '1'"));
        assertThat(function.chime().calls()).extracting(RecordedCall::memberIds)
                .containsExactly(List.of("sales-023", "sales-020"));
    }

    @Test
    void duplicateKeysAreOneBadRequestLetterSoASecondRoomIdCanNeverRedirectARequest() {
        SqsEvents batch = SqsEvents.batch()
                .record("{\"AccountId\":\"" + ACME + "\",\"RoomId\":\"" + SALES + "\",\"RoomId\":\"" + LEADERSHIP
                        + "\",\"MemberId\":\"lead-004\"}")
                .record("{\"AccountId\":\"" + ACME + "\",\"RoomId\":\"" + SALES + "\",\"MembershipItemList\":["
                        + "{\"MemberId\":\"sales-021\",\"MemberId\":\"sales-022\"}]}");

        List<Letter> letters = handledBesideAValidRequest(batch);

        assertThat(letters).extracting(Letter::sourceMessageId, Letter::errorCode, Letter::errorMessage)
                .containsExactlyInAnyOrder(
                        tuple(batch.idOf(0), "BadRequest", "body is not valid JSON: Duplicate field 'RoomId'"),
                        tuple(batch.idOf(1), "BadRequest", "body is not valid JSON: Duplicate field 'MemberId'"));
        assertThat(function.chime().calls()).extracting(RecordedCall::memberIds).containsExactly(List.of("sales-020"));
        assertThat(function.chime().members(ACME, LEADERSHIP)).isEmpty();
    }

    @Test
    void aMemberIdOfTenKibibytesIsRejectedOnItsOwnAndQuotedByItsStartOnly() {
        String memberId = "m".repeat(10 * 1024);
        SqsEvents batch = SqsEvents.batch().record(members(ACME, SALES, List.of(memberId, "sales-021")));

        List<Letter> letters = handledBesideAValidRequest(batch);

        assertThat(letters).extracting(Letter::memberId, Letter::errorCode, Letter::sourceMessageId,
                        Letter::errorMessage)
                .containsExactly(tuple(memberId, "BadRequest", batch.idOf(0),
                        "MemberId has 10240 characters, more than 256: '" + "m".repeat(100)
                                + "...' (10240 characters)"));
        assertThat(function.chime().calls()).extracting(RecordedCall::memberIds)
                .containsExactly(List.of("sales-021", "sales-020"));
    }

    static Stream<Arguments> idsThatAreNotPlain() {
        return Stream.of("/", "..", SALES + "/../" + LEADERSHIP, "../../accounts/x/rooms/" + SALES,
                        SALES + "?operation=batch-create", SALES + "#x", SALES + "%2F..%2F" + LEADERSHIP, "%",
                        SALES + " ", " " + SALES, "räume", "\u623f\u9593", SALES + "\u0000", SALES + "\r\n",
                        SALES + "\u202e", "x".repeat(10 * 1024))
                .flatMap(id -> Stream.of(Arguments.of("AccountId", id), Arguments.of("RoomId", id)));
    }

    @ParameterizedTest
    @MethodSource("idsThatAreNotPlain")
    void anAccountOrRoomIdThatIsNotAPlainIdIsOneBadRequestLetterAndNeverAPath(String field, String id) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("AccountId", ACME);
        request.put("RoomId", SALES);
        request.put(field, id);
        request.put("MemberId", "sales-021");
        String body = json(request);
        SqsEvents batch = SqsEvents.batch().record(body);

        List<Letter> letters = handledBesideAValidRequest(batch);

        String quoted = id.length() <= 100 ? "'" + id + "'"
                : "'" + id.substring(0, 100) + "...' (" + id.length() + " characters)";
        assertThat(letters).extracting(Letter::errorCode, Letter::sourceMessageId, Letter::errorMessage,
                        letter -> letter.body().path("Body").asText())
                .containsExactly(tuple("BadRequest", batch.idOf(0), field + " must be 1 to 64 ASCII letters, "
                        + "digits, '-' or '_', starting with a letter or digit, not " + quoted, body));
        assertThat(function.chime().calls()).extracting(RecordedCall::memberIds).containsExactly(List.of("sales-020"));
    }

    @Test
    void moreThanAThousandItemsAreOneBadRequestLetter() {
        SqsEvents batch = SqsEvents.batch().record(members(ACME, SALES, ids("sales", 1, 1_001)));

        List<Letter> letters = handledBesideAValidRequest(batch);

        assertThat(letters).extracting(Letter::errorCode, Letter::sourceMessageId, Letter::errorMessage)
                .containsExactly(tuple("BadRequest", batch.idOf(0),
                        "too many members: 1001 items, at most 1000 per message"));
        assertThat(function.chime().calls()).extracting(RecordedCall::memberIds).containsExactly(List.of("sales-020"));
    }

    @Test
    void anSnsEnvelopeWhoseMessageIsNotJsonIsOneBadRequestLetter() {
        String body = "{\"Type\":\"Notification\",\"MessageId\":\"5a3e5bb1-0d5c-4f1e-9a7e-0c1f6b2d3e4f\","
                + "\"Message\":\"add sales-021 to sales please\"}";
        SqsEvents batch = SqsEvents.batch().record(body);

        List<Letter> letters = handledBesideAValidRequest(batch);

        assertThat(letters).extracting(Letter::errorCode, Letter::sourceMessageId, Letter::errorMessage,
                        letter -> letter.body().path("Body").asText())
                .containsExactly(tuple("BadRequest", batch.idOf(0), "SNS Message is not valid JSON: Unrecognized "
                        + "token 'add': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or "
                        + "'false')", body));
        assertThat(function.chime().calls()).extracting(RecordedCall::memberIds).containsExactly(List.of("sales-020"));
    }

    @Test
    void aRoleOfTwoHundredKibibytesIsRejectedAndCutInItsLetterSoTheLetterFits() {
        // 200 KiB in UTF-8: a body SQS accepts, but six times that once the letter escapes it.
        String role = "\u00e9".repeat(100 * 1024);
        SqsEvents batch = SqsEvents.batch().record(member(ACME, SALES, "sales-021", role));

        List<Letter> letters = handledBesideAValidRequest(batch);

        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter).extracting(Letter::memberId, Letter::errorCode, Letter::sourceMessageId,
                            Letter::errorMessage)
                    .containsExactly("sales-021", "BadRequest", batch.idOf(0), "Role must be Administrator or "
                            + "Member, not '" + "\u00e9".repeat(100) + "...' (102400 characters)");
            assertThat(letter.body().path("MembershipItemList").path(0).path("Role").asText())
                    .startsWith("\u00e9\u00e9").endsWith("...[truncated: the original Role had 102400 characters]");
        });
        assertThat(function.chime().calls()).extracting(RecordedCall::memberIds).containsExactly(List.of("sales-020"));
    }

    @Test
    void aHugeErrorCodeAndErrorMessageFromTheServiceAreCutSoTheLetterFits() {
        String code = "E".repeat(300 * 1024);
        function.chime().failMember("sales-021", code, Integer.MAX_VALUE);
        SqsEvents batch = SqsEvents.batch().record(member(ACME, SALES, "sales-021", "Member"));

        List<Letter> letters = handledBesideAValidRequest(batch);

        String cutCode = "E".repeat(256) + "...[truncated: the original ErrorCode had 307200 characters]";
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter).extracting(Letter::memberId, Letter::errorCode, Letter::errorCodeAttribute,
                            Letter::sourceMessageId)
                    .containsExactly("sales-021", cutCode, cutCode, batch.idOf(0));
            assertThat(letter.errorMessage()).startsWith("Injected EEEE")
                    .matches("(?s).*\\.\\.\\.\\[truncated: the original ErrorMessage had 3072\\d\\d characters]");
        });
    }

    @Test
    void requestsForAnAccountOutsideTheAllowlistAreForbiddenAndNeverReachChime() {
        String other = "0c0c0c0c-1111-4a0b-9c8d-000000000002";
        String otherRoom = "9f3c2a10-4444-4c1e-8a6b-000000000002";
        function.chime().account(other).room(other, otherRoom).user(other, "intruder-1").user(other, "intruder-2");
        function.redeployWith(Map.of("ALLOWED_ACCOUNT_IDS", " " + ACME + " "));
        SqsEvents batch = SqsEvents.batch()
                .record(members(other, otherRoom, List.of("intruder-1", "intruder-2")))
                .record(member(other, otherRoom, "intruder-1", "Administrator"));

        List<Letter> letters = handledBesideAValidRequest(batch);

        String reason = "account " + other + " is not in ALLOWED_ACCOUNT_IDS: this deployment does not manage it";
        assertThat(letters).extracting(Letter::sourceMessageId, Letter::memberId, Letter::errorCode,
                        Letter::errorCodeAttribute, Letter::errorMessage,
                        letter -> letter.body().path("AccountId").asText(),
                        letter -> letter.body().path("RoomId").asText())
                .containsExactlyInAnyOrder(
                        tuple(batch.idOf(0), "intruder-1", "Forbidden", "Forbidden", reason, other, otherRoom),
                        tuple(batch.idOf(0), "intruder-2", "Forbidden", "Forbidden", reason, other, otherRoom),
                        tuple(batch.idOf(1), "intruder-1", "Forbidden", "Forbidden", reason, other, otherRoom));
        assertThat(function.chime().calls()).extracting(RecordedCall::accountId).containsOnly(ACME);
        assertThat(function.chime().members(other, otherRoom)).isEmpty();
    }

    static Stream<Arguments> channelBodiesRefusedWhole() {
        String app = "arn:aws:chime:us-east-1:111122223333:app-instance/hr";
        String member = ",\"MemberArn\":\"" + app + "/user/alice\"}";
        String shape = "ChannelArn must be arn:aws:chime:<region>:<12-digit account>:app-instance/<id>/channel/<id>, "
                + "each id 1 to 64 letters, digits or : - _ . @, starting and ending with a letter or digit, not ";
        String percent = "ChannelArn contains '%': an ARN is sent as it is, never percent-encoded, so no encoded '/' "
                + "can change the path: ";
        StringBuilder thousandAndOne = new StringBuilder();
        for (int i = 0; i <= 1_000; i++) {
            thousandAndOne.append(i == 0 ? "" : ",").append("\"").append(app).append("/user/u").append(i).append("\"");
        }
        return Stream.of(
                Arguments.of("{\"ChannelArn\":\"arn:aws:sqs:us-east-1:111122223333:new-hires\"" + member,
                        shape + "'arn:aws:sqs:us-east-1:111122223333:new-hires'"),
                Arguments.of("{\"ChannelArn\":\"" + app + "/channel/../../finance/channel/payroll\"" + member,
                        "ChannelArn contains '..', which no Chime id has: '" + app
                                + "/channel/../../finance/channel/payroll'"),
                Arguments.of("{\"ChannelArn\":\"" + app + "/channel/sales%2F..%2Fpayroll\"" + member,
                        percent + "'" + app + "/channel/sales%2F..%2Fpayroll'"),
                Arguments.of("{\"ChannelArn\":\"" + app + "/channel/sales\\r\\n\"" + member,
                        "ChannelArn contains the control character U+000D"),
                Arguments.of("{\"ChannelArn\":\"" + app + "/channel/" + "c".repeat(1_600) + "\"" + member,
                        "ChannelArn has " + (app.length() + 9 + 1_600) + " characters, more than 1600"),
                Arguments.of("{\"ChannelArn\":\"" + app + "/channel/sales\",\"ChimeBearer\":\"" + app
                        + "/user/admin\"" + member, "ChimeBearer is not a request field: the function calls Chime "
                        + "only as the AppInstanceUser or AppInstanceBot its CHIME_BEARER_ARN names"),
                Arguments.of("{\"ChannelArn\":\"" + app + "/channel/sales\",\"SubChannelId\":\"sub-1\"" + member,
                        "SubChannelId is not a request field: the function manages whole channels, not the "
                        + "sub-channels of elastic channels"),
                Arguments.of("{\"ChannelArn\":\"" + app + "/channel/sales\",\"MemberArns\":[]}",
                        "no members: give a non-empty MemberArns or a MemberArn"),
                Arguments.of("{\"ChannelArn\":\"" + app + "/channel/sales\",\"MemberArns\":[" + thousandAndOne
                        + "]}", "too many members: 1001 items, at most 1000 per message"));
    }

    @ParameterizedTest
    @MethodSource("channelBodiesRefusedWhole")
    void aChannelBodyWhoseChannelArnOrCallerFieldsCannotBeSentIsOneBadRequestLetterAndNeverACall(String body,
                                                                                              String reason) {
        SqsEvents batch = SqsEvents.batch().record(body);

        List<Letter> letters = handledBesideAValidRequest(batch);

        assertThat(letters).extracting(Letter::errorCode, Letter::sourceMessageId, Letter::errorMessage,
                        letter -> letter.body().path("Body").asText())
                .containsExactly(tuple("BadRequest", batch.idOf(0), reason, body));
        assertThat(function.chime().calls()).extracting(RecordedCall::memberIds).containsExactly(List.of("sales-020"));
    }

    /**
     * Handles the batch with a valid request appended and checks what no hostile record may break: nothing is handed
     * back to SQS, the valid member is added, every call names the intended room, every letter fits one SQS message;
     * and the published request schema answers each body as the parser does (or as docs/message-contract.md lists).
     */
    private List<Letter> handledBesideAValidRequest(SqsEvents batch) {
        SQSEvent event = batch.record(VALID).build();
        // The published request schema is held to the parser's answer on every body of this corpus.
        event.getRecords().forEach(record -> SchemaAgreement.assertAgrees(record.getBody()));
        SQSBatchResponse response = function.handle(event, TestContext.withMinutesLeft(1));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(function.chime().members(ACME, SALES)).containsKey("sales-020");
        assertThat(function.chime().calls()).extracting(RecordedCall::accountId, RecordedCall::roomId)
                .containsOnly(tuple(ACME, SALES));
        List<Letter> letters = function.deadLetters().drain();
        assertThat(letters).allSatisfy(letter -> {
            assertThat(letter.sqsBytes()).isLessThanOrEqualTo(SQS_MESSAGE_LIMIT);
            assertThat(letter.errorCodeAttribute()).isEqualTo(letter.errorCode());
        });
        return letters;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

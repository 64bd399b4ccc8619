package roommembership.sqs;

import roommembership.model.Action;
import roommembership.model.Membership;
import roommembership.model.Role;
import roommembership.pipeline.read.MessageParser;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.settle.Letter;
import roommembership.target.RoomKey;
import roommembership.target.Target;
import roommembership.testing.WrittenLetter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LetterJsonTest {
    private static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RoomKey ROOM = new RoomKey("acct", "room");
    /** SQS's limit for one message, body and attributes together. */
    private static final int SQS_MESSAGE_LIMIT = 262_144;

    @Test
    void memberRecordIsARequestPlusTheError() {
        WrittenLetter letter = written(new RoomKey("acct", "room"), "u1", "Administrator",
                "NotFound", "no such user", "msg-1", AT);

        assertThat(letter.body()).isEqualTo("{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MembershipItemList\":"
                + "[{\"MemberId\":\"u1\",\"Role\":\"Administrator\"}],\"ErrorCode\":\"NotFound\","
                + "\"ErrorMessage\":\"no such user\",\"SourceMessageId\":\"msg-1\",\"FailedAt\":\"2026-11-26T10:00:00Z\"}");
        assertThat(letter.errorCode()).isEqualTo("NotFound");
        assertThat(MessageParser.parse(letter.body())).isEqualTo(new ParsedMessage.Request(new RoomKey("acct", "room"),
                java.util.List.of(new Membership("u1", Role.ADMINISTRATOR)), java.util.List.of()));
    }

    @Test
    void aRemovalsLetterCarriesItsActionAndReadsBackAsTheSameRemoval() {
        ParsedMessage.Request request = (ParsedMessage.Request) MessageParser.parse(
                "{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MemberId\":\"u1\",\"Action\":\"Remove\"}");
        Membership member = request.members().get(0);

        WrittenLetter letter = written(request, member.memberId(), member.namedRole(), null,
                "Forbidden", "not allowed", "msg-1", AT);

        assertThat(letter.body()).isEqualTo("{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MembershipItemList\":"
                + "[{\"MemberId\":\"u1\"}],\"Action\":\"Remove\",\"ErrorCode\":\"Forbidden\","
                + "\"ErrorMessage\":\"not allowed\",\"SourceMessageId\":\"msg-1\",\"FailedAt\":\"2026-11-26T10:00:00Z\"}");
        assertThat(MessageParser.parse(letter.body())).isEqualTo(request)
                .isEqualTo(new ParsedMessage.Request(ROOM, List.of(Membership.withoutRole("u1")), List.of(),
                        Action.REMOVE));
    }

    @Test
    void aMemberWhoseRequestNamedNoRoleGetsALetterWithoutOneThatReadsBackRoleless() {
        ParsedMessage.Request request = (ParsedMessage.Request) MessageParser.parse(
                "{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MembershipItemList\":[{\"MemberId\":\"u1\"}]}");
        Membership member = request.members().get(0);

        WrittenLetter letter = written(request, member.memberId(), member.namedRole(), null,
                "NotFound", "no such user", "msg-1", AT);

        assertThat(letter.body()).isEqualTo("{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MembershipItemList\":"
                + "[{\"MemberId\":\"u1\"}],\"ErrorCode\":\"NotFound\","
                + "\"ErrorMessage\":\"no such user\",\"SourceMessageId\":\"msg-1\",\"FailedAt\":\"2026-11-26T10:00:00Z\"}");
        assertThat(MessageParser.parse(letter.body())).isEqualTo(request)
                .isEqualTo(new ParsedMessage.Request(ROOM, List.of(Membership.withoutRole("u1")), List.of()));
    }

    @Test
    void unreadableMessageKeepsTheRawBody() throws Exception {
        WrittenLetter letter = unreadable("body is not a JSON object", "msg-2", "[1]", AT);

        JsonNode body = new ObjectMapper().readTree(letter.body());
        assertThat(body.path("ErrorCode").asText()).isEqualTo("BadRequest");
        assertThat(body.path("Body").asText()).isEqualTo("[1]");
        assertThat(body.path("SourceMessageId").asText()).isEqualTo("msg-2");
    }

    @Test
    void aValueTooLongToFitIsCutToWhatFitsNotToHalfOfIt() throws Exception {
        // Every character escapes to six bytes, so 41,667 of them fill the 250,000-byte body; the rest must go.
        String raw = "\u0001".repeat(100_000);

        WrittenLetter letter = unreadable("body is not valid JSON", "msg-5", raw, AT);

        int bytes = letter.body().getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).isLessThanOrEqualTo(250_000).isGreaterThan(250_000 - 6 * 2);
        String kept = new ObjectMapper().readTree(letter.body()).path("Body").asText();
        assertThat(kept).endsWith("...[truncated: the original body had 100000 characters]");
        assertThat(kept.length()).isGreaterThan(41_000);
    }

    @Test
    void rawBodyThatWouldNotFitInOneSqsMessageIsTruncatedVisibly() throws Exception {
        // Control characters escape to six bytes each: 256 KiB of them would be 1.5 MiB of JSON.
        String raw = "\u0001".repeat(256 * 1024);

        WrittenLetter letter = unreadable("body is not valid JSON", "msg-3", raw, AT);

        assertThat(letter.body().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(250_000);
        String kept = new ObjectMapper().readTree(letter.body()).path("Body").asText();
        assertThat(kept).endsWith("...[truncated: the original body had 262144 characters]");
        assertThat(kept).startsWith("\u0001\u0001");
    }

    @Test
    void memberRecordWithAHugeRoleIsCutToFitOneSqsMessageAndSaysSo() throws Exception {
        // 200 KiB in UTF-8, and six times that once escaped.
        String role = "\u00e9".repeat(100 * 1024);

        WrittenLetter letter = written(ROOM, "u1", role, "BadRequest",
                "Role must be Administrator or Member", "msg-4", AT);

        assertThat(recordBytes(letter)).isLessThanOrEqualTo(SQS_MESSAGE_LIMIT);
        JsonNode body = JSON.readTree(letter.body());
        assertThat(body.path("MembershipItemList").path(0).path("MemberId").asText()).isEqualTo("u1");
        assertThat(body.path("MembershipItemList").path(0).path("Role").asText())
                .startsWith("\u00e9\u00e9").endsWith("...[truncated: the original Role had 102400 characters]");
        assertThat(body.path("ErrorMessage").asText()).isEqualTo("Role must be Administrator or Member");
    }

    @Test
    void aHugeErrorCodeAndErrorMessageFromTheServiceAreCutToFit() throws Exception {
        String code = "C".repeat(300 * 1024);
        String message = "\u00e9".repeat(300 * 1024);

        WrittenLetter letter = written(ROOM, "u1", "Member", code, message, "msg-5", AT);

        assertThat(recordBytes(letter)).isLessThanOrEqualTo(SQS_MESSAGE_LIMIT);
        assertThat(letter.errorCode())
                .isEqualTo("C".repeat(256) + "...[truncated: the original ErrorCode had 307200 characters]");
        JsonNode body = JSON.readTree(letter.body());
        assertThat(body.path("ErrorCode").asText()).isEqualTo(letter.errorCode());
        assertThat(body.path("ErrorMessage").asText())
                .startsWith("\u00e9\u00e9").endsWith("...[truncated: the original ErrorMessage had 307200 characters]");
        assertThat(MessageParser.parse(letter.body())).isEqualTo(new ParsedMessage.Request(ROOM,
                List.of(new Membership("u1", Role.MEMBER)), List.of()));
    }

    @Test
    void charactersSqsRefusesAreEscapedSoTheRecordIsAcceptedAndReadsBackTheSame() throws Exception {
        String memberId = "u\ud800-\udfff-\ufffe-\uffff-\u0000-J\u00fcrgen-\ud83d\ude00";

        WrittenLetter letter = written(ROOM, memberId, "Member", "BadRequest",
                "MemberId contains the unpaired surrogate U+D800", "msg-6", AT);

        assertThat(letter.body()).matches("[\\x20-\\x7e]*")
                .contains("\"MemberId\":\"u\\uD800-\\uDFFF-\\uFFFE-\\uFFFF-\\u0000-J\\u00FCrgen-\\uD83D\\uDE00\"");
        assertThat(JSON.readTree(letter.body()).path("MembershipItemList").path(0).path("MemberId").asText())
                .isEqualTo(memberId);
    }

    @Test
    void anUnreadableBodyWithCharactersSqsRefusesIsEscapedToo() throws Exception {
        String raw = "{\"AccountId\":\"\ud800\",\u0000\ufffe";

        WrittenLetter letter = unreadable("body is not valid JSON", "msg-7", raw, AT);

        assertThat(letter.body()).matches("[\\x20-\\x7e]*");
        assertThat(JSON.readTree(letter.body()).path("Body").asText()).isEqualTo(raw);
    }

    @Test
    void anErrorCodeAttributeHoldsOnlyCharactersSqsAccepts() {
        WrittenLetter letter = written(ROOM, "u1", "Member", "Bad\ud800Code\u0001", "m", "msg-8", AT);

        assertThat(letter.errorCode()).isEqualTo("Bad\ufffdCode\ufffd");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void aBlankErrorCodeFromTheServiceIsAServiceFailureSinceSqsRefusesAnEmptyAttribute(String code) {
        WrittenLetter letter = written(ROOM, "u1", "Member", code, null, "msg-9", AT);

        assertThat(letter.errorCode()).isEqualTo("ServiceFailure");
        assertThat(letter.body()).contains("\"ErrorCode\":\"ServiceFailure\",\"ErrorMessage\":null");
    }

    @Test
    void everyValueIsCutWhenNoSingleOneMakesTheRecordTooLarge() throws Exception {
        String large = "v".repeat(90_000);

        WrittenLetter letter = written(ROOM, large, large, "NotFound", large, large, AT);

        assertThat(recordBytes(letter)).isLessThanOrEqualTo(SQS_MESSAGE_LIMIT);
        JsonNode body = JSON.readTree(letter.body());
        assertThat(List.of(body.path("MembershipItemList").path(0).path("MemberId").asText(),
                body.path("MembershipItemList").path(0).path("Role").asText(), body.path("ErrorMessage").asText(),
                body.path("SourceMessageId").asText()))
                .allSatisfy(value -> assertThat(value).endsWith("had 90000 characters]"));
        assertThat(letter.sourceMessageId()).isEqualTo(large);
    }

    /** A member's letter as the queue gets it. */
    private static WrittenLetter written(ParsedMessage.Request request, String memberId, String role, String type,
                                         String errorCode, String message, String sourceMessageId, Instant failedAt) {
        return WrittenLetter.of(Letter.ForMember.of(request, memberId, role, type, errorCode, message, sourceMessageId,
                failedAt));
    }

    /** A room member's letter: form 1 with one item. */
    private static WrittenLetter written(Target target, String memberId, String role, String errorCode,
                                         String message, String sourceMessageId, Instant failedAt) {
        return written(new ParsedMessage.Request(target, List.of(), List.of()), memberId, role, null, errorCode,
                message, sourceMessageId, failedAt);
    }

    private static WrittenLetter unreadable(String reason, String sourceMessageId, String rawBody, Instant failedAt) {
        return WrittenLetter.of(new Letter.ForUnreadableMessage(reason, sourceMessageId, rawBody, failedAt));
    }

    /** What SQS counts against its limit: the body, and the attribute's name, type and value. */
    private static int recordBytes(WrittenLetter letter) {
        return letter.body().getBytes(StandardCharsets.UTF_8).length + "ErrorCode".length() + "String".length()
                + letter.errorCode().getBytes(StandardCharsets.UTF_8).length;
    }
}

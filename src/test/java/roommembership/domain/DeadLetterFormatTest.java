package roommembership.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterFormatTest {
    private static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void memberRecordIsARequestPlusTheError() {
        DeadLetter letter = DeadLetterFormat.forMember(new RoomKey("acct", "room"), "u1", "Administrator",
                "NotFound", "no such user", "msg-1", AT);

        assertThat(letter.body()).isEqualTo("{\"AccountId\":\"acct\",\"RoomId\":\"room\",\"MembershipItemList\":"
                + "[{\"MemberId\":\"u1\",\"Role\":\"Administrator\"}],\"ErrorCode\":\"NotFound\","
                + "\"ErrorMessage\":\"no such user\",\"SourceMessageId\":\"msg-1\",\"FailedAt\":\"2026-11-26T10:00:00Z\"}");
        assertThat(letter.errorCode()).isEqualTo("NotFound");
        assertThat(MessageParser.parse(letter.body())).isEqualTo(new ParsedMessage.Request(new RoomKey("acct", "room"),
                java.util.List.of(new Membership("u1", Role.ADMINISTRATOR)), java.util.List.of()));
    }

    @Test
    void unreadableMessageKeepsTheRawBody() throws Exception {
        DeadLetter letter = DeadLetterFormat.forUnreadableMessage("body is not a JSON object", "msg-2", "[1]", AT);

        JsonNode body = new ObjectMapper().readTree(letter.body());
        assertThat(body.path("ErrorCode").asText()).isEqualTo("BadRequest");
        assertThat(body.path("Body").asText()).isEqualTo("[1]");
        assertThat(body.path("SourceMessageId").asText()).isEqualTo("msg-2");
    }

    @Test
    void rawBodyThatWouldNotFitInOneSqsMessageIsTruncatedVisibly() throws Exception {
        // Control characters escape to six bytes each: 256 KiB of them would be 1.5 MiB of JSON.
        String raw = "\u0001".repeat(256 * 1024);

        DeadLetter letter = DeadLetterFormat.forUnreadableMessage("body is not valid JSON", "msg-3", raw, AT);

        assertThat(letter.body().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(250_000);
        String kept = new ObjectMapper().readTree(letter.body()).path("Body").asText();
        assertThat(kept).endsWith("...[truncated: the original body had 262144 characters]");
        assertThat(kept).startsWith("\u0001\u0001");
    }
}

package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import roommembership.emulator.ChimeEmulator;
import roommembership.testing.DeadLetterQueue;
import roommembership.testing.DeadLetterQueue.Letter;
import roommembership.testing.SchemaAgreement;
import roommembership.testing.SqsEvents;
import roommembership.testing.TestContext;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static roommembership.testing.Directory.ACME;
import static roommembership.testing.Directory.SALES;

/**
 * A room's MemberId is a path segment of the member's own calls ({@code .../memberships/{memberId}} of
 * UpdateRoomMembership and DeleteRoomMembership), and a URL's normalisation makes {@code ..} there another operation
 * on the room itself. Such an id is refused before any call, whatever the request asks: the emulator, which records
 * every request line as it arrives, sees none of it.
 */
class PathSegmentIdsTest {
    private static final String RULE = "MemberId must be a plain path segment, as the member's own calls put it in "
            + "their path: neither '.' nor '..', and no '/', '\\', '%', control character, or character that Unicode "
            + "normalisation turns into '.', '/', '\\' or '%' (such as the full-width '．' and '／'), not ";
    private static final String VALID_ADD = "POST /accounts/" + ACME + "/rooms/" + SALES
            + "/memberships?operation=batch-create";

    @RegisterExtension
    static final FunctionUnderTest function = FunctionUnderTest.forRooms();

    private ChimeEmulator chime;
    private DeadLetterQueue deadLetters;
    private RoomMembershipHandler handler;

    @BeforeEach
    void freshState() {
        chime = function.chime();
        deadLetters = function.deadLetters();
        handler = function.handler();
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "..", "sales-001/..", "../../rooms/" + SALES, "a/b", "%2e%2e", "%2F", "50%",
            "a\\b", "\\..", "\uFF0E\uFF0E", "\u2025", "sales\uFF0F..", "x\uFE68y", "c\u2105o"})
    void anIdThatIsNoPlainPathSegmentIsRefusedForARemovalAndForARoleChangeAndNeverReachesChime(String memberId) {
        // The id is there already, so that a role change would be made by UpdateRoomMembership on its path.
        chime.member(ACME, SALES, memberId, "Member");
        String removal = "{\"Action\":\"Remove\",\"AccountId\":\"" + ACME + "\",\"RoomId\":\"" + SALES
                + "\",\"MemberId\":\"" + memberId.replace("\\", "\\\\") + "\"}";
        String roleChange = SqsEvents.member(ACME, SALES, memberId.replace("\\", "\\\\"), "Administrator");
        SqsEvents batch = SqsEvents.batch().record(removal).record(roleChange)
                .record(SqsEvents.member(ACME, SALES, "sales-020", "Member"));
        batch.build().getRecords().forEach(record -> SchemaAgreement.assertAgrees(record.getBody()));

        SQSBatchResponse response = handler.handleRequest(batch.build(), TestContext.withMinutesLeft(1));

        assertThat(chime.requestLines()).containsExactly(VALID_ADD);
        assertThat(response.getBatchItemFailures()).isEmpty();
        String reason = RULE + "'" + memberId + "'";
        assertThat(deadLetters.drain()).extracting(Letter::sourceMessageId, Letter::memberId, Letter::errorCode,
                        Letter::errorCodeAttribute, Letter::errorMessage,
                        letter -> letter.body().path("MembershipItemList").path(0).path("Role").asText(null),
                        letter -> letter.body().path("Action").asText(null))
                .containsExactlyInAnyOrder(
                        tuple(batch.idOf(0), memberId, "BadRequest", "BadRequest", reason, null, "Remove"),
                        tuple(batch.idOf(1), memberId, "BadRequest", "BadRequest", reason, "Administrator", null));
        assertThat(chime.members(ACME, SALES)).isEqualTo(Map.of("sales-001", "Administrator", memberId, "Member",
                "sales-020", "Member"));
        assertThat(chime.history(ACME, SALES, memberId)).hasSize(1);
        assertThat(chime.calls(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP))
                .extracting(ChimeEmulator.RecordedCall::memberIds).containsExactly(List.of("sales-020"));
    }
}

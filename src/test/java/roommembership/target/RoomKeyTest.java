package roommembership.target;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** What an AccountId or RoomId may be: the rule the pattern states, checked by hand. */
class RoomKeyTest {
    @Test
    void idsAreOneTo64LettersDigitsHyphensOrUnderscoresStartingWithALetterOrDigit() {
        assertThat(RoomKey.isId("a")).isTrue();
        assertThat(RoomKey.isId("0f8fad5b-d9cb-469f-a165-70867728950e")).isTrue();
        assertThat(RoomKey.isId("acct_1-b")).isTrue();
        assertThat(RoomKey.isId("x".repeat(64))).isTrue();

        assertThat(RoomKey.isId(null)).isFalse();
        assertThat(RoomKey.isId("")).isFalse();
        assertThat(RoomKey.isId("x".repeat(65))).isFalse();
        assertThat(RoomKey.isId("-room")).isFalse();
        assertThat(RoomKey.isId("_room")).isFalse();
        assertThat(RoomKey.isId("room/other")).isFalse();
        assertThat(RoomKey.isId("room.1")).isFalse();
        assertThat(RoomKey.isId("räum")).isFalse();
        assertThat(RoomKey.isId("room 1")).isFalse();
        assertThat(RoomKey.isId("１")).isFalse();
    }

    @Test
    void theHandCheckAgreesWithThePatternOnManyStrings() {
        Random random = new Random(20261204L);
        List<Character> alphabet = List.of('a', 'Z', '0', '9', '-', '_', '.', '/', ' ', '%', 'é', '０', '\u0000', '\uD83D');
        for (int trial = 0; trial < 20_000; trial++) {
            int length = random.nextInt(70);
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < length; i++) {
                // Mostly allowed characters, so that long valid ids and ids one character off both occur.
                text.append(random.nextInt(10) < 8 ? "aZ09-_".charAt(random.nextInt(6))
                        : alphabet.get(random.nextInt(alphabet.size())));
            }
            String id = text.toString();
            assertThat(RoomKey.isId(id)).as("'%s'", id).isEqualTo(RoomKey.ID.matcher(id).matches());
        }
    }
}

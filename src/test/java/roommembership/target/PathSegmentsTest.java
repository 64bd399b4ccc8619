package roommembership.target;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What a room's MemberId may be where the member's own calls put it in their path. */
class PathSegmentsTest {
    private static final RoomKey ROOM = new RoomKey("acct", "room");

    @Test
    void dotSegmentsSeparatorsPercentsControlsAndTheirCompatibilityFormsAreRefused() {
        List<String> refused = List.of(".", "..", "/", "a/b", "a\\b", "%", "%2e%2e", "%2F", "a\u0000", "a\u007f",
                "\uFF0E\uFF0E", "\uFF0E", "\u2024", "\u2025", "a\u2026", "a\uFF0Fb", "a\uFF3Cb", "50\uFF05",
                "50\uFE6A", "a\uFE68b", "a\uFE52", "\u2100", "c\u2105o", "\u2488", "\u33C2", "\uD83C\uDD00");

        assertThat(refused).allSatisfy(id -> assertThat(ROOM.pathSegmentProblem(id)).as("'%s'", id)
                .hasValue("MemberId must be " + PathSegments.RULE + ", not '" + id + "'"));
    }

    @Test
    void dotsWithinAnIdAndOtherCharactersAreTaken() {
        List<String> taken = List.of("sales-021", "...", "a.b", ".a", "a..", "first.last@example.com",
                "0f8fad5b-d9cb-469f-a165-70867728950e", "r\u00e4ume", "e\u0301", "\u623f\u9593", "\u00a0x", "\uFF21",
                "sales-0\ufffd\ufffd", "\uD83D\uDE00", "a b", "a?b#c", "a;b", "a+b", "\u2215", "\u2044");

        assertThat(taken).allSatisfy(id -> assertThat(ROOM.pathSegmentProblem(id)).as("'%s'", id).isEmpty());
    }

    @Test
    void aChannelMemberArnIsCheckedWholeWhenReadAndHasNoPathRuleOfItsOwn() {
        ChannelKey channel = ChannelKey.of("arn:aws:chime:us-east-1:111122223333:app-instance/hr/channel/c")
                .orElseThrow();

        assertThat(channel.pathSegmentProblem("..")).isEqualTo(Optional.empty());
    }
}

package roommembership.pipeline.read;

import org.junit.jupiter.api.Test;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;
import roommembership.target.Target;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A roster is read whole, line by line, or refused whole. */
class RosterLinesTest {
    private static final String APP = "arn:aws:chime:us-east-1:111122223333:app-instance/hr";
    private static final String BEARER = APP + "/user/hr-sync";
    private static final String GENERAL = APP + "/channel/general";
    private static final RosterLines ROSTERS = new RosterLines(new Reading(Optional.empty(),
            new ChannelAccess(Optional.of(BEARER), Set.of()), AccountAllowlist.anyAccount()));

    @Test
    void everyFormNamesItsTargetsMembersAndAMemberWithoutARoleIsAPlainMember() {
        RosterLines.Read read = read("""
                {"AccountId":"acct-1","RoomId":"sales","MembershipItemList":[{"MemberId":"ann","Role":"Administrator"},{"MemberId":"bob"}]}
                {"AccountId":"acct-1","RoomId":"sales","MemberId":"cat","Role":"Member","Action":"Add"}

                {"ChannelArn":"%1$s","MemberArns":["%2$s/user/dan","%2$s/user/eve"]}
                {"ChannelArn":"%1$s","MemberArn":"%2$s/user/fay","Role":"Administrator","Type":"HIDDEN"}
                """.formatted(GENERAL, APP));

        Target sales = new RoomKey("acct-1", "sales");
        Target general = ChannelKey.of(GENERAL).orElseThrow();
        assertThat(read).isEqualTo(new RosterLines.Complete(Map.of(
                sales, Map.of("ann", new Membership("ann", Role.ADMINISTRATOR),
                        "bob", new Membership("bob", Role.MEMBER),
                        "cat", new Membership("cat", Role.MEMBER)),
                general, Map.of(APP + "/user/dan", new Membership(APP + "/user/dan", Role.MEMBER),
                        APP + "/user/eve", new Membership(APP + "/user/eve", Role.MEMBER),
                        APP + "/user/fay", new Membership(APP + "/user/fay", Role.ADMINISTRATOR,
                                MembershipType.HIDDEN))), Map.of(), 5));
    }

    @Test
    void aLaterLineForTheSameMemberWins() {
        RosterLines.Read read = read("""
                {"AccountId":"acct-1","RoomId":"sales","MemberId":"ann","Role":"Administrator"}
                {"AccountId":"acct-1","RoomId":"sales","MemberId":"ann"}
                """);

        assertThat(((RosterLines.Complete) read).targets().get(new RoomKey("acct-1", "sales")))
                .isEqualTo(Map.of("ann", new Membership("ann", Role.MEMBER)));
    }

    @Test
    void oneBadLineRefusesTheRosterWholeNamingTheFirstBadLines() {
        RosterLines.Read read = read("""
                {"AccountId":"acct-1","RoomId":"sales","MemberId":"ann"}
                {"AccountId":"acct-1","RoomId":"sales","MemberId":"bob","Action":"Remove"}
                not json
                {"AccountId":"acct-1","RoomId":"sales","MembershipItemList":[{"MemberId":"cat"},{"MemberId":"dan","Role":"Owner"}]}
                """);

        assertThat(read).isInstanceOf(RosterLines.Refused.class);
        RosterLines.Refused refused = (RosterLines.Refused) read;
        assertThat(refused.badLines()).isEqualTo(3);
        assertThat(refused.lines()).isEqualTo(4);
        assertThat(refused.firstBad()).extracting(RosterLines.BadLine::number).containsExactly(2L, 3L, 4L);
        assertThat(refused.firstBad().get(0).reason()).isEqualTo(
                "a roster names who is to be there: its lines add, with no Action or \"Action\": \"Add\"");
        assertThat(refused.firstBad().get(1).quoted()).isEqualTo("'not json'");
        assertThat(refused.firstBad().get(2).reason()).startsWith("BadRequest: ");
        assertThat(refused.reason()).startsWith("the roster was not applied: 3 of its 4 lines are not a valid add "
                + "request; line 2 ");
    }

    @Test
    void aRefusalQuotesTheFirstFiveBadLinesAndCountsTheRest() {
        String bad = "{\"AccountId\":\"acct-1\"}\n";
        RosterLines.Refused refused = (RosterLines.Refused) read(bad.repeat(12));

        assertThat(refused.badLines()).isEqualTo(12);
        assertThat(refused.firstBad()).extracting(RosterLines.BadLine::number).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aLongBadLineIsQuotedCut() {
        String line = "x".repeat(5_000);
        RosterLines.Refused refused = (RosterLines.Refused) read(line);

        assertThat(refused.firstBad().get(0).quoted()).isEqualTo("'" + "x".repeat(100) + "...' (5000 characters)");
    }

    @Test
    void aChannelOfAnotherAppInstanceRefusesTheRoster() {
        RosterLines.Read read = read("{\"ChannelArn\":\"arn:aws:chime:us-east-1:111122223333:app-instance/other"
                + "/channel/x\",\"MemberArn\":\"arn:aws:chime:us-east-1:111122223333:app-instance/other/user/a\"}");

        assertThat(read).isInstanceOf(RosterLines.Refused.class);
        assertThat(((RosterLines.Refused) read).firstBad().get(0).reason()).startsWith("Forbidden: ");
    }

    @Test
    void anEmptyRosterNamesNoTarget() {
        assertThat(read("\n\n")).isEqualTo(new RosterLines.Complete(Map.of(), Map.of(), 2));
    }

    private static RosterLines.Read read(String roster) {
        return ROSTERS.read(new BufferedReader(new StringReader(roster)));
    }
}

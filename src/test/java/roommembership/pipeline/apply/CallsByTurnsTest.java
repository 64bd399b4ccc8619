package roommembership.pipeline.apply;

import org.junit.jupiter.api.Test;
import roommembership.model.Membership;
import roommembership.pipeline.plan.Change;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;
import roommembership.target.Target;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A batch's calls go round its targets, so one target's rate does not hold the others back. */
class CallsByTurnsTest {
    private static final String APP = "arn:aws:chime:us-east-1:111122223333:app-instance/hr";
    private static final Target SALES = ChannelKey.of(APP + "/channel/sales").orElseThrow();
    private static final Target OPS = ChannelKey.of(APP + "/channel/ops").orElseThrow();
    private static final Target ROOM = new RoomKey("acct-1", "room-1");

    @Test
    void eachTargetsFirstCallComesBeforeAnyTargetsSecond() {
        Change sales1 = add(SALES, "a");
        Change sales2 = add(SALES, "b");
        Change sales3 = add(SALES, "c");
        Change ops1 = add(OPS, "d");
        Change room1 = new Change.Remove(ROOM, Membership.withoutRole("e"));
        Change room2 = new Change.Remove(ROOM, Membership.withoutRole("f"));

        assertThat(Calls.byTurns(List.of(sales1, sales2, sales3, ops1, room1, room2)))
                .containsExactly(sales1, ops1, room1, sales2, room2, sales3);
    }

    @Test
    void noChangesAreNoTurns() {
        assertThat(Calls.byTurns(List.of())).isEmpty();
    }

    private static Change add(Target target, String member) {
        return new Change.Add(target, List.of(Membership.withoutRole(APP + "/user/" + member)));
    }
}

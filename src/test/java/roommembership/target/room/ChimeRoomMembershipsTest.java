package roommembership.target.room;

import roommembership.pacing.Pacer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import roommembership.target.RoomKey;
import roommembership.model.MembershipType;
import roommembership.target.Roster;
import roommembership.target.TargetRead;
import roommembership.target.TargetState;
import roommembership.emulator.ChimeEmulator;
import roommembership.testing.TestClients;
import software.amazon.awssdk.services.chime.ChimeClient;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading a room through the real SDK client, against the emulator. */
class ChimeRoomMembershipsTest {
    private static final RoomKey ROOM = new RoomKey("acct-1", "room-1");
    private static ChimeEmulator chime;
    private static ChimeClient client;
    private final ChimeRoomMemberships rooms = new ChimeRoomMemberships(client, Pacer.none());

    @BeforeAll
    static void start() {
        chime = ChimeEmulator.start();
        client = TestClients.chime(chime.endpoint());
    }

    @AfterAll
    static void stop() {
        client.close();
        chime.close();
    }

    @BeforeEach
    void reset() {
        chime.reset();
    }

    @Test
    void readsEveryMemberOfARoomThatSpansSeveralPages() {
        Set<String> members = new HashSet<>();
        for (int i = 1; i <= 230; i++) {
            members.add("user-" + i);
            chime.member(ROOM.accountId(), ROOM.roomId(), "user-" + i, "Member");
        }

        Roster roster = rooms.members(ROOM, Duration.ofSeconds(10));

        assertThat(roster).isEqualTo(new Roster.Known(members));
        assertThat(chime.calls(ChimeEmulator.LIST_ROOM_MEMBERSHIPS)).hasSize(3);
    }

    @Test
    void aRoomsStateIsItsMembersOfTheDefaultTypeAndItsAdministrators() {
        chime.member(ROOM.accountId(), ROOM.roomId(), "ann", "Administrator");
        chime.member(ROOM.accountId(), ROOM.roomId(), "bob", "Member");

        TargetRead read = rooms.state(ROOM, Duration.ofSeconds(10));

        assertThat(read).isEqualTo(new TargetRead.Known(new TargetState(
                Map.of("ann", MembershipType.DEFAULT, "bob", MembershipType.DEFAULT), Set.of("ann")), 0));
        // One listing gives both: each member with its role.
        assertThat(chime.calls(ChimeEmulator.LIST_ROOM_MEMBERSHIPS)).hasSize(1);
    }

    @Test
    void aRoomThatCannotBeReadIsUnknownWithTheErrorCode() {
        chime.room(ROOM.accountId(), ROOM.roomId());
        chime.failNextCalls(3, ChimeEmulator.Fault.SERVICE_UNAVAILABLE);

        Roster roster = rooms.members(ROOM, Duration.ofSeconds(10));

        assertThat(roster).isInstanceOfSatisfying(Roster.Unknown.class,
                unknown -> assertThat(unknown.errorCode()).isEqualTo("ServiceUnavailable"));
    }

    @Test
    void aRoomThatDoesNotExistIsUnknownNotEmpty() {
        Roster roster = rooms.members(ROOM, Duration.ofSeconds(10));

        assertThat(roster).isInstanceOfSatisfying(Roster.Unknown.class,
                unknown -> assertThat(unknown.errorCode()).isEqualTo("NotFound"));
    }
}

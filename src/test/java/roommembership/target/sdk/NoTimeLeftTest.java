package roommembership.target.sdk;

import roommembership.pacing.Pacer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import roommembership.emulator.ChimeEmulator;
import roommembership.model.Membership;
import roommembership.model.Role;
import roommembership.target.CallResult;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;
import roommembership.target.Roster;
import roommembership.target.channel.ChimeChannelMemberships;
import roommembership.target.room.ChimeRoomMemberships;
import roommembership.testing.TestClients;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call with no time left is not made: the SDK reads a zero call timeout as none at all, so such a call could
 * outlive the invocation. A read that cannot be made is unknown; a change that cannot be made failed transiently.
 */
class NoTimeLeftTest {
    private static final RoomKey ROOM = new RoomKey("acct-1", "room-1");
    private static final String APP = "arn:aws:chime:us-east-1:123456789012:app-instance/app-1";
    private static final ChannelKey CHANNEL = ChannelKey.of(APP + "/channel/general").orElseThrow();
    private static final String BEARER = APP + "/user/admin";
    private static final String ALICE = APP + "/user/alice";
    private static final Roster NO_READ = new Roster.Unknown("ServiceUnavailable",
            "no time was left for the read: it was not made");
    private static final CallResult NO_CALL = new CallResult.Failed("ServiceUnavailable",
            "no time was left for the call: it was not made");

    private static ChimeEmulator chime;
    private static ChimeClient chimeClient;
    private static ChimeSdkMessagingClient messagingClient;

    private final ChimeRoomMemberships rooms = new ChimeRoomMemberships(chimeClient, Pacer.none());
    private final ChimeChannelMemberships channels = new ChimeChannelMemberships(BEARER, Pacer.none(), region -> messagingClient);

    @BeforeAll
    static void start() {
        chime = ChimeEmulator.start();
        chimeClient = TestClients.chime(chime.endpoint());
        messagingClient = TestClients.messaging(chime.endpoint(), Region.US_EAST_1);
    }

    @AfterAll
    static void stop() {
        chimeClient.close();
        messagingClient.close();
        chime.close();
    }

    @BeforeEach
    void reset() {
        chime.reset();
        chime.member(ROOM.accountId(), ROOM.roomId(), "alice", "Member");
        chime.channels().user(BEARER).member(CHANNEL.arn(), ALICE, null).moderator(CHANNEL.arn(), ALICE);
    }

    @Test
    void noReadOfARoomOrChannelStartsWithoutTime() {
        for (Duration none : List.of(Duration.ZERO, Duration.ofMillis(-5))) {
            assertThat(List.of(rooms.members(ROOM, none), rooms.administrators(ROOM, none),
                    channels.members(CHANNEL, none), channels.administrators(CHANNEL, none)))
                    .containsOnly(NO_READ);
        }
        assertThat(chime.requestLines()).isEmpty();
    }

    @Test
    void noChangeOfARoomOrChannelStartsWithoutTime() {
        Membership bob = new Membership("bob", Role.ADMINISTRATOR);
        Membership carol = Membership.withoutRole(APP + "/user/carol");

        assertThat(List.of(rooms.addMembers(ROOM, List.of(bob), Duration.ZERO),
                rooms.removeMember(ROOM, "alice", Duration.ZERO),
                rooms.setRole(ROOM, "alice", Role.ADMINISTRATOR, Duration.ZERO),
                channels.addMembers(CHANNEL, List.of(carol), Duration.ZERO),
                channels.removeMember(CHANNEL, ALICE, Duration.ZERO),
                channels.setRole(CHANNEL, ALICE, Role.MEMBER, Duration.ZERO),
                channels.setRole(CHANNEL, ALICE, Role.ADMINISTRATOR, Duration.ZERO)))
                .containsOnly(NO_CALL);
        assertThat(chime.requestLines()).isEmpty();
    }
}

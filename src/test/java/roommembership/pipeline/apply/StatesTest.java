package roommembership.pipeline.apply;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import roommembership.emulator.ChimeEmulator;
import roommembership.model.Deadline;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.MessagingQuotas;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.pipeline.plan.Change;
import roommembership.pacing.Pacer;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;
import roommembership.target.Target;
import roommembership.target.TargetRead;
import roommembership.target.TargetState;
import roommembership.target.Targets;
import roommembership.target.channel.ChimeChannelMemberships;
import roommembership.target.room.ChimeRoomMemberships;
import roommembership.testing.TestClients;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The apply stage reads targets' whole states through the port, all at once, within the invocation's time; and makes
 * a member-limited target's removals before its adds.
 */
class StatesTest {
    private static final String APP_INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0001";
    private static final String BEARER = APP_INSTANCE + "/user/hr-bot";
    private static final RoomKey ROOM = new RoomKey("acct-1", "room-1");
    private static final ChannelKey CHANNEL = ChannelKey.of(APP_INSTANCE + "/channel/general").orElseThrow();
    private static ChimeEmulator chime;
    private static ChimeClient rooms;
    private static ChimeSdkMessagingClient messaging;
    private static ExecutorService executor;
    private static Calls calls;

    @BeforeAll
    static void start() {
        chime = ChimeEmulator.start();
        rooms = TestClients.chime(chime.endpoint());
        messaging = TestClients.messaging(chime.endpoint(), Region.US_EAST_1);
        executor = Executors.newFixedThreadPool(4);
        calls = new Calls(new Targets(new ChimeRoomMemberships(rooms, Pacer.none()),
                new ChimeChannelMemberships(BEARER, Pacer.none(), region -> messaging)), executor,
                new CallLimits(RetryPolicy.standard(), Duration.ofSeconds(1)));
    }

    @AfterAll
    static void stop() {
        executor.shutdownNow();
        rooms.close();
        messaging.close();
        chime.close();
    }

    @Test
    void aRoomsAndAChannelsStatesAreReadTogetherAndATargetThatCannotBeReadIsUnknown() {
        chime.reset();
        chime.member(ROOM.accountId(), ROOM.roomId(), "ann", "Administrator")
                .member(ROOM.accountId(), ROOM.roomId(), "bob", "Member");
        chime.channels().appInstance(APP_INSTANCE).user(BEARER).user(user("cat")).user(user("dan"))
                .channel(CHANNEL.arn()).member(CHANNEL.arn(), user("cat"), "HIDDEN").moderator(CHANNEL.arn(), user("dan"));
        RoomKey gone = new RoomKey("acct-1", "room-gone");

        Map<Target, TargetRead> states = calls.states(List.of(ROOM, CHANNEL, gone), in(Duration.ofSeconds(20)));

        assertThat(states).containsEntry(ROOM, new TargetRead.Known(new TargetState(
                        Map.of("ann", MembershipType.DEFAULT, "bob", MembershipType.DEFAULT), Set.of("ann")), 0))
                .containsEntry(CHANNEL, new TargetRead.Known(new TargetState(
                        Map.of(user("cat"), MembershipType.HIDDEN), Set.of(user("dan"))), 0));
        assertThat(states.get(gone)).isInstanceOfSatisfying(TargetRead.Unknown.class, unknown ->
                assertThat(unknown.errorCode()).isEqualTo("NotFound"));
    }

    @Test
    void noTargetIsReadWithoutTimeLeftBeyondTheSafetyMargin() {
        chime.reset();

        Map<Target, TargetRead> states = calls.states(List.of(ROOM, CHANNEL), in(Duration.ofMillis(500)));

        assertThat(states.values()).allSatisfy(read -> assertThat(read).isEqualTo(
                new TargetRead.Unknown("ServiceUnavailable", "no time left to read the target")));
        assertThat(chime.calls()).isEmpty();
        assertThat(chime.channels().calls()).isEmpty();
    }

    @Test
    void aFullChannelTakesItsJoinersOnceItsLeaversAreGone() {
        chime.reset();
        var channels = chime.channels().appInstance(APP_INSTANCE).user(BEARER).channel(CHANNEL.arn());
        for (int i = 0; i < ChannelsApi.MAX_MEMBERS_PER_CHANNEL; i++) {
            channels.user(user("m" + i)).member(CHANNEL.arn(), user("m" + i), "DEFAULT");
        }
        List<Membership> joiners = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            channels.user(user("n" + i));
            joiners.add(Membership.withoutRole(user("n" + i), MembershipType.DEFAULT));
        }
        // The add first in the list, and every call slow: only waiting for the removals makes room for it.
        changes.add(new Change.Add(CHANNEL, joiners));
        for (int i = 0; i < 20; i++) {
            changes.add(new Change.Remove(CHANNEL, Membership.withoutRole(user("m" + i), MembershipType.DEFAULT)));
        }
        // These calls are not paced: the rates are out of the way, the order is what is looked at.
        chime.channels().stopEnforcingQuotas();
        chime.latency(Duration.ofMillis(20));

        Applied applied;
        try {
            applied = calls.apply(changes, in(Duration.ofSeconds(30)));
        } finally {
            chime.latency(Duration.ZERO);
            chime.channels().enforceQuotas(MessagingQuotas.published());
        }

        assertThat(applied.outcomes().values()).allSatisfy(outcome -> assertThat(outcome.holds()).isTrue());
        assertThat(chime.channels().members(CHANNEL.arn())).hasSize(ChannelsApi.MAX_MEMBERS_PER_CHANNEL)
                .containsKeys(user("n0"), user("n19")).doesNotContainKeys(user("m0"), user("m19"));
    }

    private static String user(String id) {
        return APP_INSTANCE + "/user/" + id;
    }

    private static Deadline in(Duration time) {
        long end = System.nanoTime() + time.toNanos();
        return () -> Duration.ofNanos(end - System.nanoTime()).toMillis();
    }
}

package roommembership.target.channel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChimeEmulator;
import roommembership.model.MembershipType;
import roommembership.pacing.Pacer;
import roommembership.target.ChannelKey;
import roommembership.target.TargetRead;
import roommembership.target.TargetState;
import roommembership.testing.TestClients;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A channel's whole state read through the real SDK client, against the emulator: what a roster is compared with. */
class ChannelStateTest {
    private static final String APP_INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0001";
    private static final String BEARER = APP_INSTANCE + "/user/hr-bot";
    private static final ChannelKey CHANNEL = ChannelKey.of(APP_INSTANCE + "/channel/general").orElseThrow();
    private static ChimeEmulator chime;
    private static ChimeSdkMessagingClient client;
    private ChimeChannelMemberships channels;

    @BeforeAll
    static void start() {
        chime = ChimeEmulator.start();
        client = TestClients.messaging(chime.endpoint(), Region.US_EAST_1);
    }

    @AfterAll
    static void stop() {
        client.close();
        chime.close();
    }

    @BeforeEach
    void reset() {
        chime.reset();
        chime.channels().appInstance(APP_INSTANCE).user(BEARER).channel(CHANNEL.arn());
        channels = new ChimeChannelMemberships(BEARER, Pacer.none(), region -> client);
    }

    @Test
    void everyMemberIsReadWithItsTypeOverSeveralPagesAndTheModeratorsBesideThem() {
        ChannelsApi api = chime.channels();
        Map<String, MembershipType> members = new HashMap<>();
        for (int i = 1; i <= 120; i++) {
            String user = user("u-" + i);
            MembershipType type = i % 10 == 0 ? MembershipType.HIDDEN : MembershipType.DEFAULT;
            api.user(user).member(CHANNEL.arn(), user, type.name());
            members.put(user, type);
        }
        // A moderator need not be a member: the state says both, apart.
        api.user(user("lead")).moderator(CHANNEL.arn(), user("lead")).moderator(CHANNEL.arn(), user("u-3"));

        TargetRead read = channels.state(CHANNEL, Duration.ofSeconds(10));

        assertThat(read).isEqualTo(new TargetRead.Known(
                new TargetState(members, Set.of(user("lead"), user("u-3"))), 0));
        // 108 of the default type over three pages of at most 50, 12 hidden in one, the moderators in one.
        assertThat(chime.channels().calls(ChannelsApi.LIST_CHANNEL_MEMBERSHIPS)).extracting(ChannelsApi.ChannelCall::type)
                .containsExactly("DEFAULT", "DEFAULT", "DEFAULT", "HIDDEN");
        assertThat(chime.channels().calls(ChannelsApi.LIST_CHANNEL_MODERATORS)).hasSize(1);
    }

    @Test
    void aChannelThatCannotBeReadLeavesTheStateUnknownWithItsErrorCode() {
        ChannelKey gone = ChannelKey.of(APP_INSTANCE + "/channel/gone").orElseThrow();

        TargetRead read = channels.state(gone, Duration.ofSeconds(10));

        assertThat(read).isInstanceOfSatisfying(TargetRead.Unknown.class, unknown ->
                assertThat(unknown.errorCode()).isIn("NotFound", "BadRequest"));
    }

    @Test
    void noListingStartsWithoutTimeLeft() {
        TargetRead read = channels.state(CHANNEL, Duration.ZERO);

        assertThat(read).isInstanceOfSatisfying(TargetRead.Unknown.class, unknown ->
                assertThat(unknown.errorCode()).isEqualTo("ServiceUnavailable"));
        assertThat(chime.channels().calls()).isEmpty();
    }

    private static String user(String id) {
        return APP_INSTANCE + "/user/" + id;
    }
}

package roommembership.target.sdk;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChimeEmulator;
import roommembership.emulator.MessagingQuotas;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.pacing.Pacer;
import roommembership.pacing.Quotas;
import roommembership.pacing.Scope;
import roommembership.pacing.Share;
import roommembership.target.CallResult;
import roommembership.target.ChannelKey;
import roommembership.target.channel.ChimeChannelMemberships;
import roommembership.testing.TestClients;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every attempt of a channel call, the SDK's own retries included, keeps to the bearer's and the channel's rates,
 * against the emulator holding the published quotas: a call too early would be refused there with a 429.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PacedAttemptsTest {
    private static final String APP = "arn:aws:chime:us-east-1:123456789012:app-instance/app-1";
    private static final ChannelKey GENERAL = ChannelKey.of(APP + "/channel/general").orElseThrow();
    private static final String BEARER = APP + "/user/admin";

    private static ChimeEmulator chime;
    private static ChimeSdkMessagingClient messagingClient;

    @BeforeAll
    static void start() {
        chime = ChimeEmulator.start();
        messagingClient = TestClients.messaging(chime.endpoint(), Region.US_EAST_1);
    }

    @AfterAll
    static void stop() {
        messagingClient.close();
        chime.close();
    }

    @BeforeEach
    void reset() {
        chime.reset();
        chime.channels().enforceQuotas(MessagingQuotas.published()).user(BEARER).channel(GENERAL.arn());
        for (int user = 1; user <= 6; user++) {
            chime.channels().user(user(user));
        }
    }

    @Test
    void aChannelsBatchAddsGoOneASecondAndNoneIsRefused() {
        ChimeChannelMemberships channels = channels(Pacer.of(Quotas.published("us-east-1", 0), Share.ONE_CONTAINER));

        long started = System.nanoTime();
        List<CallResult> results = List.of(add(channels, 1, Duration.ofSeconds(10)), add(channels, 2,
                Duration.ofSeconds(10)), add(channels, 3, Duration.ofSeconds(10)));
        long elapsed = System.nanoTime() - started;

        assertThat(results).containsOnly(new CallResult.Answered(List.of()));
        assertThat(chime.channels().calls(ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP))
                .extracting(ChannelsApi.ChannelCall::status).containsExactly(200, 200, 200);
        assertThat(chime.channels().members(GENERAL.arn()).keySet()).containsExactlyInAnyOrder(user(1), user(2),
                user(3));
        assertThat(elapsed).isGreaterThanOrEqualTo(2 * TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void aCallThrottledBySomeoneElseOnTheBearerSlowsThePacerAndItsRetryWaitsForIt() {
        // The bearer takes one call a second; another program of the bearer's has just made one.
        chime.channels().enforceQuotas(new MessagingQuotas(1, 1, 15, 15));
        messagingClient.listChannelMemberships(request -> request.channelArn(GENERAL.arn()).chimeBearer(BEARER));
        Pacer pacer = Pacer.of(Quotas.published("us-east-1", 0), Share.ONE_CONTAINER);
        ChimeChannelMemberships channels = channels(pacer);

        long started = System.nanoTime();
        CallResult result = add(channels, 1, Duration.ofSeconds(20));
        long elapsed = System.nanoTime() - started;

        assertThat(result).isEqualTo(new CallResult.Answered(List.of()));
        assertThat(chime.channels().calls(ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP))
                .extracting(ChannelsApi.ChannelCall::status).containsExactly(429, 200);
        assertThat(pacer.throttledAnswers()).isEqualTo(1);
        assertThat(pacer.ratePerSecond(Scope.bearer(BEARER))).isLessThan(10);
        // The SDK's own backoff is some milliseconds here; the retry waited for the channel's halved rate instead.
        assertThat(elapsed).isGreaterThan(TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    void aCallWithNoFreeCallBeforeItsTimeLimitIsNotSent() {
        ChimeChannelMemberships channels = channels(Pacer.of(Quotas.published("us-east-1", 0), Share.ONE_CONTAINER));
        assertThat(add(channels, 1, Duration.ofSeconds(10))).isEqualTo(new CallResult.Answered(List.of()));

        long started = System.nanoTime();
        CallResult result = add(channels, 2, Duration.ofMillis(900));

        // One attempt, which the SDK does not retry: a retry could find no sooner call.
        assertThat(result).isEqualTo(new CallResult.Failed("ServiceUnavailable",
                PacedAttempts.NO_SLOT + " (SDK Attempt Count: 1)"));
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.MILLISECONDS.toNanos(900));
        assertThat(chime.channels().calls(ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP)).hasSize(1);
        assertThat(chime.channels().members(GENERAL.arn()).keySet()).containsExactly(user(1));
    }

    private static ChimeChannelMemberships channels(Pacer pacer) {
        return new ChimeChannelMemberships(BEARER, pacer, region -> messagingClient);
    }

    private static CallResult add(ChimeChannelMemberships channels, int user, Duration timeLimit) {
        return channels.addMembers(GENERAL, List.of(Membership.withoutRole(user(user), MembershipType.DEFAULT)),
                timeLimit);
    }

    private static String user(int n) {
        return APP + "/user/user-" + n;
    }
}

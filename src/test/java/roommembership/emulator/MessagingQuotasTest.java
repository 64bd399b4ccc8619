package roommembership.emulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.chimesdkmessaging.model.ThrottledClientException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The messaging API's published rates, held by the emulator as the service holds them, seen through the real SDK. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MessagingQuotasTest {
    private static final String APP = "arn:aws:chime:us-east-1:123456789012:app-instance/app-1";
    private static final String ADMIN = APP + "/user/admin";
    private static final String GENERAL = APP + "/channel/general";
    private static final String RANDOM = APP + "/channel/random";
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDQUOTATEST", "quota-test-secret"));

    private static ChimeEmulator emulator;
    private static ChimeSdkMessagingClient messaging;

    private final AtomicLong clock = new AtomicLong();

    @BeforeAll
    static void start() {
        emulator = ChimeEmulator.start();
        messaging = ChimeSdkMessagingClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).endpointOverride(emulator.endpoint())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    @AfterAll
    static void stop() {
        messaging.close();
        emulator.close();
    }

    @BeforeEach
    void freshState() {
        emulator.reset();
        emulator.channels().stopEnforcingQuotas().user(ADMIN).channel(GENERAL).channel(RANDOM);
        for (int i = 1; i <= 30; i++) {
            emulator.channels().user(user(i));
        }
    }

    @Test
    void aChannelTakesOneBatchAddASecondAndAnotherChannelHasItsOwn() {
        emulator.channels().enforceQuotas(MessagingQuotas.published(), clock::get);

        add(GENERAL, 1);
        ThrottledClientException refused = catchThrowableOfType(ThrottledClientException.class, () -> add(GENERAL, 2));
        add(RANDOM, 3);
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
        ThrottledClientException stillRefused =
                catchThrowableOfType(ThrottledClientException.class, () -> add(GENERAL, 4));
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        add(GENERAL, 5);

        assertThat(List.of(refused.statusCode(), stillRefused.statusCode())).containsExactly(429, 429);
        // A refused call changes nothing and takes no token.
        assertThat(emulator.channels().members(GENERAL).keySet()).containsExactlyInAnyOrder(user(1), user(5));
        assertThat(emulator.channels().members(RANDOM).keySet()).containsExactly(user(3));
    }

    @Test
    void aBearerTakesTenCallsASecondOverEveryChannelAndGetsThemBackAsTimePasses() {
        emulator.channels().enforceQuotas(MessagingQuotas.published(), clock::get);
        List<Integer> statuses = new ArrayList<>();

        for (int i = 0; i < 11; i++) {
            String channel = i % 2 == 0 ? GENERAL : RANDOM;
            statuses.add(status(() -> list(channel)));
        }
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        statuses.add(status(() -> list(GENERAL)));
        statuses.add(status(() -> list(RANDOM)));

        assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429, 200, 429);
    }

    @Test
    void aChannelsSingleWritesHaveABucketOfTheirOwnBesideItsBatchAdds() {
        emulator.channels().enforceQuotas(new MessagingQuotas(100, 1, 3, 3), clock::get);
        add(GENERAL, 1);
        add(RANDOM, 2);
        List<Integer> statuses = new ArrayList<>();

        for (int i = 3; i <= 6; i++) {
            int member = i;
            statuses.add(status(() -> messaging.createChannelModerator(r -> r.channelArn(GENERAL)
                    .channelModeratorArn(user(member)).chimeBearer(ADMIN))));
        }

        assertThat(statuses).containsExactly(200, 200, 200, 429);
        assertThat(emulator.channels().moderators(GENERAL)).containsExactlyInAnyOrder(user(3), user(4), user(5));
    }

    @Test
    void countsTheCallsAQuotaRefusedButNotAnInjectedThrottleAndStartsAgainWithNewQuotas() {
        emulator.channels().enforceQuotas(MessagingQuotas.published(), clock::get);

        add(GENERAL, 1);
        status(() -> add(GENERAL, 2));
        status(() -> add(GENERAL, 3));
        add(RANDOM, 4);
        emulator.failNextCalls(1, ChimeEmulator.Fault.THROTTLED);
        int injected = status(() -> add(RANDOM, 5));
        long counted = emulator.channels().throttledAnswers();
        emulator.channels().stopEnforcingQuotas();
        long keptAfterQuotasAreOff = emulator.channels().throttledAnswers();
        emulator.channels().enforceQuotas(MessagingQuotas.published(), clock::get);

        assertThat(injected).isEqualTo(429);
        assertThat(counted).isEqualTo(2);
        assertThat(keptAfterQuotasAreOff).isEqualTo(2);
        assertThat(emulator.channels().throttledAnswers()).isZero();
    }

    @Test
    void withoutQuotasEveryCallIsAnsweredHoweverFastTheyCome() {
        for (int i = 1; i <= 5; i++) {
            add(GENERAL, i);
        }

        assertThat(emulator.channels().members(GENERAL)).hasSize(5);
    }

    private void add(String channel, int member) {
        messaging.batchCreateChannelMembership(r -> r.channelArn(channel).memberArns(user(member)).chimeBearer(ADMIN));
    }

    private void list(String channel) {
        messaging.listChannelMemberships(r -> r.channelArn(channel).chimeBearer(ADMIN));
    }

    private static int status(Runnable call) {
        try {
            call.run();
            return 200;
        } catch (ThrottledClientException e) {
            return e.statusCode();
        }
    }

    private static String user(int i) {
        return APP + "/user/user-" + i;
    }
}

package roommembership.testing;

import roommembership.emulator.MessagingQuotas;
import roommembership.wiring.Configuration;

import java.util.Map;

/**
 * The published messaging quotas sped up {@value #SPEED} times, for the emulator and the function alike: the same
 * ratios between the bearer's rate and a channel's, in a fiftieth of the time, so a suite of many channel calls stays
 * short and still fails where the function would exceed a quota. The emulator holds the published rates unless a test
 * gives it these; the tests at the published rates themselves are the pacing's own.
 */
public final class TestQuotas {
    public static final int SPEED = 50;
    /** What the emulator holds a test's calls to. */
    public static final MessagingQuotas EMULATED = new MessagingQuotas(10 * SPEED, SPEED, 15 * SPEED, 15 * SPEED);

    private TestQuotas() {
    }

    /** The function's settings for the same rates. */
    public static Map<String, String> functionSettings() {
        return Map.of(Configuration.CHIME_BEARER_TPS, Double.toString(EMULATED.bearerPerSecond()),
                Configuration.CHIME_CHANNEL_BATCH_ADD_TPS, Double.toString(EMULATED.batchAddsPerChannelPerSecond()),
                Configuration.CHIME_CHANNEL_WRITE_TPS, Double.toString(EMULATED.writesPerChannelPerSecond()),
                Configuration.CHIME_CHANNEL_READ_TPS, Double.toString(EMULATED.readsPerChannelPerSecond()));
    }
}

package roommembership.wiring;

import roommembership.pacing.Quotas;
import roommembership.pacing.Share;

import java.util.Map;

/** The call rates of the environment: the quotas the deployment keeps to, and this container's share of them. */
final class RateSettings {
    static final String CHIME_MAX_TPS = "CHIME_MAX_TPS";
    static final String CHIME_BEARER_TPS = "CHIME_BEARER_TPS";
    static final String CHIME_CHANNEL_BATCH_ADD_TPS = "CHIME_CHANNEL_BATCH_ADD_TPS";
    static final String CHIME_CHANNEL_WRITE_TPS = "CHIME_CHANNEL_WRITE_TPS";
    static final String CHIME_CHANNEL_READ_TPS = "CHIME_CHANNEL_READ_TPS";
    static final String EVENT_SOURCE_MAX_CONCURRENCY = "EVENT_SOURCE_MAX_CONCURRENCY";
    static final String SOURCE_GROUPED_BY_TARGET = "SOURCE_GROUPED_BY_TARGET";
    /**
     * AWS publishes no call rate for the chat-room APIs; 20 a second per container keeps a few concurrent containers
     * within the tens of calls a second that Chime's management APIs take by default.
     */
    static final int DEFAULT_CHIME_MAX_TPS = 20;
    /** The most a rate setting takes, calls a second. */
    private static final double MAX_RATE = 10_000;

    private RateSettings() {
    }

    /** The quotas, the messaging ones by default as published for the bearer's Region. */
    static Quotas quotas(Map<String, String> env, String messagingRegion) {
        return new Quotas(
                rate(env, CHIME_BEARER_TPS, Quotas.bearerDefault(messagingRegion)),
                rate(env, CHIME_CHANNEL_BATCH_ADD_TPS, Quotas.CHANNEL_BATCH_ADDS),
                rate(env, CHIME_CHANNEL_WRITE_TPS, Quotas.CHANNEL_WRITES),
                rate(env, CHIME_CHANNEL_READ_TPS, Quotas.CHANNEL_READS),
                Configuration.wholeNumber(env, CHIME_MAX_TPS, DEFAULT_CHIME_MAX_TPS, 0, 10_000));
    }

    /**
     * The maximum concurrency of the event source whose batches call Chime, and whether its batches hold their targets
     * alone: those of a target queue always do, a source queue's when it groups by target.
     */
    static Share share(Map<String, String> env, boolean fromTargetQueue) {
        return new Share(Configuration.wholeNumber(env, EVENT_SOURCE_MAX_CONCURRENCY, 1, 1, 1_000),
                fromTargetQueue || flag(env, SOURCE_GROUPED_BY_TARGET));
    }

    private static double rate(Map<String, String> env, String name, double fallback) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text.trim());
            if (value > 0 && value <= MAX_RATE) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalStateException(name + " must be a number of calls a second above 0 and at most 10000, such "
                + "as 10 or 0.5, not '" + text + "'");
    }

    private static boolean flag(Map<String, String> env, String name) {
        String text = env.get(name);
        if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("false")) {
            return false;
        }
        if (text.trim().equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalStateException(name + " must be true or false, not '" + text + "'");
    }
}

package roommembership.emulator;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The Amazon Chime SDK messaging API rates as the service enforces them, as token buckets: one per bearer over all
 * its calls, and per channel one for BatchCreateChannelMembership, one for the single membership and moderator writes
 * and one for the listings. A call over any of its buckets is refused as the service refuses it (429
 * ThrottledClientException) and takes no token. Rates are calls per second; each bucket holds one second's calls.
 *
 * @param bearerPerSecond every messaging call of one AppInstanceUser or AppInstanceBot
 * @param batchAddsPerChannelPerSecond BatchCreateChannelMembership on one channel
 * @param writesPerChannelPerSecond DeleteChannelMembership, CreateChannelModerator, DeleteChannelModerator on one channel
 * @param readsPerChannelPerSecond ListChannelMemberships, ListChannelModerators on one channel
 */
public record MessagingQuotas(double bearerPerSecond, double batchAddsPerChannelPerSecond,
                              double writesPerChannelPerSecond, double readsPerChannelPerSecond) {

    /**
     * The figures of "Amazon Chime SDK endpoints and quotas" (AWS General Reference) for us-east-1: 10 calls a second
     * per bearer, one BatchCreateChannelMembership a second per channel (not adjustable), 15 a second per channel for
     * the single writes and for the reads.
     */
    public static MessagingQuotas published() {
        return new MessagingQuotas(10, 1, 15, 15);
    }

    /** Which of a channel's buckets an operation draws from. */
    enum Kind {
        BATCH_ADD,
        WRITE,
        READ
    }

    static Kind kindOf(String operation) {
        return switch (operation) {
            case ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP -> Kind.BATCH_ADD;
            case ChannelsApi.LIST_CHANNEL_MEMBERSHIPS, ChannelsApi.LIST_CHANNEL_MODERATORS -> Kind.READ;
            default -> Kind.WRITE;
        };
    }

    double perChannel(Kind kind) {
        return switch (kind) {
            case BATCH_ADD -> batchAddsPerChannelPerSecond;
            case WRITE -> writesPerChannelPerSecond;
            case READ -> readsPerChannelPerSecond;
        };
    }

    /** The buckets of one emulator, on a clock a test can move. */
    static final class Buckets {
        private final MessagingQuotas quotas;
        private final LongSupplier nanoTime;
        private final Map<String, Bucket> buckets = new HashMap<>();

        Buckets(MessagingQuotas quotas, LongSupplier nanoTime) {
            this.quotas = quotas;
            this.nanoTime = nanoTime;
        }

        /** Takes a token from the bearer's bucket and the channel's, or none when either is empty. */
        synchronized boolean admit(String bearer, String channelArn, String operation) {
            long now = nanoTime.getAsLong();
            Kind kind = kindOf(operation);
            Bucket ofBearer = buckets.computeIfAbsent("bearer " + bearer, key -> new Bucket(quotas.bearerPerSecond, now));
            Bucket ofChannel = buckets.computeIfAbsent(kind + " " + channelArn,
                    key -> new Bucket(quotas.perChannel(kind), now));
            if (!ofBearer.has(now) || !ofChannel.has(now)) {
                return false;
            }
            ofBearer.take();
            ofChannel.take();
            return true;
        }
    }

    /** A bucket of one second's calls, refilled continuously. */
    private static final class Bucket {
        private final double perSecond;
        private final double capacity;
        private double tokens;
        private long at;

        Bucket(double perSecond, long now) {
            this.perSecond = perSecond;
            this.capacity = Math.max(1, perSecond);
            this.tokens = capacity;
            this.at = now;
        }

        boolean has(long now) {
            tokens = Math.min(capacity, tokens + (now - at) / 1e9 * perSecond);
            at = now;
            return tokens >= 1;
        }

        void take() {
            tokens -= 1;
        }
    }
}

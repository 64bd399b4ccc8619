package roommembership.pacing;

/**
 * The call rates a deployment keeps to, per second. The messaging rates are the quotas of "Amazon Chime SDK endpoints
 * and quotas" in the AWS General Reference ({@value #SOURCE}); the chat-room APIs have no published rate, so theirs is
 * this function's own setting, per container.
 *
 * @param bearerPerSecond every messaging call of the bearer, from the whole deployment
 * @param channelBatchAddsPerSecond BatchCreateChannelMembership on one channel (1 a second, not adjustable)
 * @param channelWritesPerSecond DeleteChannelMembership, CreateChannelModerator and DeleteChannelModerator on one channel
 * @param channelReadsPerSecond ListChannelMemberships and ListChannelModerators on one channel
 * @param roomsPerSecond chat-room calls from one container; 0: no limit
 */
public record Quotas(double bearerPerSecond, double channelBatchAddsPerSecond, double channelWritesPerSecond,
                     double channelReadsPerSecond, double roomsPerSecond) {
    public static final String SOURCE = "https://docs.aws.amazon.com/general/latest/gr/chime-sdk.html";
    /** The bearer's rate in US East (N. Virginia). */
    public static final double BEARER_US_EAST_1 = 10;
    /**
     * The page gives the other Regions lower bearer rates than us-east-1; half of it is this function's default there,
     * for CHIME_BEARER_TPS to raise to the Region's figure or an increase granted.
     */
    public static final double BEARER_ELSEWHERE = 5;
    public static final double CHANNEL_BATCH_ADDS = 1;
    public static final double CHANNEL_WRITES = 15;
    public static final double CHANNEL_READS = 15;

    public Quotas {
        positive(bearerPerSecond, "bearerPerSecond");
        positive(channelBatchAddsPerSecond, "channelBatchAddsPerSecond");
        positive(channelWritesPerSecond, "channelWritesPerSecond");
        positive(channelReadsPerSecond, "channelReadsPerSecond");
        if (!(roomsPerSecond >= 0) || Double.isInfinite(roomsPerSecond)) {
            throw new IllegalArgumentException("roomsPerSecond must be 0 (no limit) or more: " + roomsPerSecond);
        }
    }

    /** The published messaging rates of the Region the bearer's AppInstance is in, and a chat-room rate. */
    public static Quotas published(String messagingRegion, double roomsPerSecond) {
        return new Quotas(bearerDefault(messagingRegion), CHANNEL_BATCH_ADDS, CHANNEL_WRITES, CHANNEL_READS,
                roomsPerSecond);
    }

    public static double bearerDefault(String messagingRegion) {
        return "us-east-1".equals(messagingRegion) ? BEARER_US_EAST_1 : BEARER_ELSEWHERE;
    }

    /** The rate of one kind of scope for the whole deployment; 0 for no limit. */
    public double perSecond(Scope.Kind kind) {
        return switch (kind) {
            case BEARER -> bearerPerSecond;
            case CHANNEL_BATCH_ADD -> channelBatchAddsPerSecond;
            case CHANNEL_WRITE -> channelWritesPerSecond;
            case CHANNEL_READ -> channelReadsPerSecond;
            case ROOMS -> roomsPerSecond;
        };
    }

    private static void positive(double value, String name) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive number: " + value);
        }
    }
}

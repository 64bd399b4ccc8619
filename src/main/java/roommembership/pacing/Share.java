package roommembership.pacing;

/**
 * How much of the deployment's rates one container may use. The bearer is shared by every container the event
 * source may run at once, so each keeps to its part. A channel's rates are a container's alone while it holds all of
 * the channel's work (a FIFO source queue whose message group is the target: SQS gives a group's messages to one
 * batch at a time); otherwise every container keeps to its part of them too.
 *
 * @param containers the event source's maximum concurrency
 * @param channelsHeldWhole whether one container at a time holds a channel's requests
 */
public record Share(int containers, boolean channelsHeldWhole) {
    public static final Share ONE_CONTAINER = new Share(1, true);

    public Share {
        if (containers < 1) {
            throw new IllegalArgumentException("containers must be at least 1: " + containers);
        }
    }

    /** This container's part of a deployment's rate of the given kind; 0 stays no limit. */
    public double of(Quotas quotas, Scope.Kind kind) {
        double rate = quotas.perSecond(kind);
        return switch (kind) {
            case BEARER -> rate / containers;
            case CHANNEL_BATCH_ADD, CHANNEL_WRITE, CHANNEL_READ -> channelsHeldWhole ? rate : rate / containers;
            // CHIME_MAX_TPS is set per container already.
            case ROOMS -> rate;
        };
    }
}

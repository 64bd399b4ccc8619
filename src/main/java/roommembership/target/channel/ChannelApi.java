package roommembership.target.channel;

import roommembership.pacing.Pacer;

import roommembership.target.ChannelKey;
import roommembership.target.Memberships;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;

import java.util.Optional;
import java.util.function.Function;

/**
 * The channels a deployment serves. A class of its own, apart from {@link ChimeChannelMemberships}: without a bearer
 * the messaging client's classes are never loaded, and linking that class would load some of them.
 */
public final class ChannelApi {
    private ChannelApi() {
    }

    /**
     * The bearer's channels, or none without a bearer. The client of {@code startRegion} is built now, so that
     * initialisation pays for it and priming reaches it.
     */
    public static Memberships<ChannelKey> forBearer(Optional<String> bearer, Pacer pacer,
                                                    Function<Region, ChimeSdkMessagingClient> clientFor,
                                                    Region startRegion) {
        if (bearer.isEmpty()) {
            return new NoChannels();
        }
        ChimeChannelMemberships channels = new ChimeChannelMemberships(bearer.get(), pacer, clientFor);
        channels.client(startRegion);
        return channels;
    }
}

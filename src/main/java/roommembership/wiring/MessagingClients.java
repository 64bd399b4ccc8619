package roommembership.wiring;

import roommembership.priming.CannedHttpClient;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClientBuilder;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Builds a region's messaging client with the function's settings, and closes those it built. A class rather than a
 * lambda: linking a lambda loads the classes its signature names, and a deployment without a bearer is to load no
 * messaging class at all.
 */
final class MessagingClients implements Function<Region, ChimeSdkMessagingClient>, SdkAutoCloseable {
    private final Duration retryBaseDelay;
    private final SdkLookups lookups;
    /** Priming's fixed credentials, with canned answers; empty: the real HTTP client and the function's credentials. */
    private final Optional<AwsCredentialsProvider> primingCredentials;
    private final List<SdkAutoCloseable> built = new CopyOnWriteArrayList<>();

    private MessagingClients(Duration retryBaseDelay, SdkLookups lookups,
                             Optional<AwsCredentialsProvider> primingCredentials) {
        this.retryBaseDelay = retryBaseDelay;
        this.lookups = lookups;
        this.primingCredentials = primingCredentials;
    }

    static MessagingClients real(Duration retryBaseDelay, SdkLookups lookups) {
        return new MessagingClients(retryBaseDelay, lookups, Optional.empty());
    }

    static MessagingClients forPriming(Duration retryBaseDelay, SdkLookups lookups,
                                       AwsCredentialsProvider credentials) {
        return new MessagingClients(retryBaseDelay, lookups, Optional.of(credentials));
    }

    @Override
    public ChimeSdkMessagingClient apply(Region region) {
        ChimeSdkMessagingClientBuilder builder = AwsClients.messaging(region, retryBaseDelay, lookups);
        if (primingCredentials.isPresent()) {
            builder.httpClient(new CannedHttpClient()).credentialsProvider(primingCredentials.get());
        }
        ChimeSdkMessagingClient client = builder.build();
        built.add(client);
        return client;
    }

    @Override
    public void close() {
        built.forEach(SdkAutoCloseable::close);
    }
}

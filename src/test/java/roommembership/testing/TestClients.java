package roommembership.testing;

import roommembership.wiring.AwsClients;
import roommembership.wiring.SdkLookups;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.time.Duration;

/**
 * The function's own client settings, pointed at local servers with explicit credentials and region, so that no
 * SDK ever looks for them anywhere else.
 */
public final class TestClients {
    public static final Region REGION = Region.EU_WEST_1;
    public static final String ACCESS_KEY = "AKIDLOCALTEST";
    public static final String SECRET_KEY = "local-test-secret";
    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    /** Short backoff keeps fault tests fast; the attempt count is the production one. */
    public static final Duration RETRY_BASE_DELAY = Duration.ofMillis(5);

    private TestClients() {
    }

    public static ChimeClient chime(URI endpoint) {
        return AwsClients.chime(RETRY_BASE_DELAY, SdkLookups.SDK_DEFAULTS).endpointOverride(endpoint).credentialsProvider(CREDENTIALS).build();
    }

    /** A messaging client of the region, as the function builds one, pointed at the emulator. */
    public static ChimeSdkMessagingClient messaging(URI endpoint, Region region) {
        return AwsClients.messaging(region, RETRY_BASE_DELAY, SdkLookups.SDK_DEFAULTS).endpointOverride(endpoint)
                .credentialsProvider(CREDENTIALS).build();
    }

    /** An S3 client as the function builds one for an endpoint of its own: path-style. */
    public static S3Client s3(URI endpoint) {
        return AwsClients.s3(RETRY_BASE_DELAY, SdkLookups.SDK_DEFAULTS, true)
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .build();
    }

    public static SqsClient sqs(URI endpoint) {
        return AwsClients.sqs(RETRY_BASE_DELAY, SdkLookups.SDK_DEFAULTS)
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .build();
    }
}

package roommembership.wiring;

import roommembership.s3.S3RosterObjects;
import roommembership.sqs.SqsDeadLetters;
import roommembership.target.sdk.CallTime;
import roommembership.target.sdk.PacedAttempts;

import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chime.ChimeClientBuilder;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClientBuilder;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

import java.time.Duration;

/**
 * Builders for the SDK clients with this function's settings. Endpoints are left to the SDK's own
 * {@code AWS_ENDPOINT_URL_CHIME} / {@code AWS_ENDPOINT_URL_CHIME_SDK_MESSAGING} / {@code AWS_ENDPOINT_URL_SQS} settings.
 */
public final class AwsClients {
    /** The chat-room API is served from us-east-1 only, whatever region the function runs in. */
    public static final Region CHIME_REGION = Region.US_EAST_1;

    private AwsClients() {
    }

    public static ChimeClientBuilder chime(Duration retryBaseDelay, SdkLookups lookups) {
        return configure(ChimeClient.builder().region(CHIME_REGION), lookups, retryBaseDelay,
                Duration.ofSeconds(10), CallTime.MAX, true);
    }

    /** A messaging client for one region: the channel ARN's region decides the endpoint. */
    public static ChimeSdkMessagingClientBuilder messaging(Region region, Duration retryBaseDelay,
                                                           SdkLookups lookups) {
        return configure(ChimeSdkMessagingClient.builder().region(region), lookups, retryBaseDelay,
                Duration.ofSeconds(10), CallTime.MAX, true);
    }

    public static SqsClientBuilder sqs(Duration retryBaseDelay, SdkLookups lookups) {
        return configure(SqsClient.builder(), lookups, retryBaseDelay, Duration.ofSeconds(5),
                SqsDeadLetters.MAX_CALL_TIME, false);
    }

    /**
     * An S3 client for rosters. Against an endpoint of one's own ({@code AWS_ENDPOINT_URL_S3}: an emulator, an
     * S3-compatible store) it addresses buckets by path, as those need; checksums are sent and checked only where S3
     * requires them, which every S3-compatible store understands.
     */
    public static S3ClientBuilder s3(Duration retryBaseDelay, SdkLookups lookups, boolean pathStyle) {
        return configure(S3Client.builder(), lookups, retryBaseDelay, Duration.ofSeconds(10),
                S3RosterObjects.MAX_CALL_TIME, false)
                .forcePathStyle(pathStyle)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }

    /**
     * The settings every client of the function shares, and the time limits of its kind; a Chime client's attempts,
     * retries included, keep to the rates their calls name.
     */
    private static <B extends AwsSyncClientBuilder<B, ?> & AwsClientBuilder<B, ?>> B configure(
            B builder, SdkLookups lookups, Duration retryBaseDelay, Duration attemptTimeout, Duration callTimeout,
            boolean paced) {
        builder.httpClient(httpClient())
                .overrideConfiguration(c -> {
                    c.retryStrategy(retryStrategy(retryBaseDelay))
                            .apiCallAttemptTimeout(attemptTimeout)
                            .apiCallTimeout(callTimeout);
                    if (paced) {
                        c.addExecutionInterceptor(PacedAttempts.INSTANCE);
                    }
                    if (lookups.noProfileFiles()) {
                        c.defaultProfileFile(SdkLookups.noProfileFile());
                    }
                });
        lookups.credentials().ifPresent(builder::credentialsProvider);
        return builder;
    }

    /**
     * Three attempts for throttling, 5xx and I/O errors, and no circuit breaker: under a throttling storm a
     * breaker would refuse the retries this function promises.
     */
    static RetryStrategy retryStrategy(Duration baseDelay) {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(3)
                .circuitBreakerEnabled(false)
                .backoffStrategy(BackoffStrategy.exponentialDelayHalfJitter(baseDelay, baseDelay.multipliedBy(20)))
                .throttlingBackoffStrategy(
                        BackoffStrategy.exponentialDelayHalfJitter(baseDelay.multipliedBy(2), baseDelay.multipliedBy(40)))
                .build();
    }

    private static UrlConnectionHttpClient httpClient() {
        return (UrlConnectionHttpClient) UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(10))
                .build();
    }
}

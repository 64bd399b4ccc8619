package roommembership.wiring;

import roommembership.pacing.Pacer;

import roommembership.pipeline.report.InvocationMetrics;
import roommembership.priming.CannedHttpClient;
import roommembership.pipeline.read.RosterObjects;
import roommembership.s3.S3RosterObjects;
import roommembership.sqs.SqsDeadLetters;
import roommembership.sqs.SqsTargetQueue;
import roommembership.target.channel.ChannelApi;
import roommembership.target.room.ChimeRoomMemberships;

import roommembership.pipeline.MembershipService;
import roommembership.pipeline.apply.CallLimits;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.target.Targets;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/** Puts the service together from its adapters, once per container. */
public final class FunctionWiring {
    /** The SDK's backoff before its first retry, doubling after; tests that measure the function use it too. */
    public static final Duration SDK_RETRY_BASE_DELAY = Duration.ofMillis(100);

    private FunctionWiring() {
    }

    /** The production service: configuration and endpoints from the environment, as Lambda sets them. */
    public static MembershipService fromEnvironment(Map<String, String> env) {
        Configuration config = Configuration.fromEnvironment(env);
        SdkLookups lookups = SdkLookups.fromEnvironment(env);
        // An endpoint of one's own (an emulator, an S3-compatible store) is addressed by path.
        boolean pathStyle = env.get(S3_ENDPOINT) != null && !env.get(S3_ENDPOINT).isBlank();
        return service(config,
                AwsClients.chime(SDK_RETRY_BASE_DELAY, lookups).build(),
                MessagingClients.real(SDK_RETRY_BASE_DELAY, lookups),
                AwsClients.sqs(SDK_RETRY_BASE_DELAY, lookups).region(Region.of(config.sqsRegion())).build(),
                RetryPolicy.standard(),
                () -> AwsClients.s3(SDK_RETRY_BASE_DELAY, lookups, pathStyle).region(Region.of(config.sqsRegion()))
                        .build());
    }

    /** The SDK's own setting of the S3 endpoint. */
    static final String S3_ENDPOINT = "AWS_ENDPOINT_URL_S3";

    /**
     * The production service's twin for priming: the same settings and code, but clients whose answers are canned
     * ({@link CannedHttpClient}) and whose credentials are fixed, so priming reaches no network and no secret. Its
     * call pool and clients are its own, and end when it is closed.
     */
    public static PrimingService primingService(Map<String, String> env) {
        Configuration config = Configuration.fromEnvironment(env).forPriming();
        StaticCredentialsProvider credentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming"));
        SdkLookups lookups = SdkLookups.fromEnvironment(env);
        ChimeClient chime = AwsClients.chime(SDK_RETRY_BASE_DELAY, lookups).httpClient(new CannedHttpClient())
                .credentialsProvider(credentials).build();
        MessagingClients messaging = MessagingClients.forPriming(SDK_RETRY_BASE_DELAY, lookups, credentials);
        SqsClient sqs = AwsClients.sqs(SDK_RETRY_BASE_DELAY, lookups).httpClient(new CannedHttpClient())
                .credentialsProvider(credentials).region(Region.of(config.sqsRegion())).build();
        ExecutorService calls = callExecutor(config.chimeMaxConcurrency(), "priming-chime-call-");
        // Canned answers keep to no rate: priming waits for none.
        return new PrimingService(service(config, chime, messaging, sqs, RetryPolicy.standard(), calls, Pacer.none(),
                RosterObjects.NONE),
                calls,
                List.of(chime, messaging, sqs));
    }

    /** A service for rooms only: channel requests find no bearer and are refused before any call. */
    public static MembershipService service(Configuration config, ChimeClient chime, SqsClient sqs,
                                            RetryPolicy memberRetry) {
        return service(config, chime, region -> {
            throw new IllegalStateException("this service was built without a messaging client");
        }, sqs, memberRetry);
    }

    /**
     * @param messaging builds the messaging client of a region, once per region; the configured messaging region's is
     *                  built now, so that initialisation pays for it and priming reaches it
     */
    public static MembershipService service(Configuration config, ChimeClient chime,
                                            Function<Region, ChimeSdkMessagingClient> messaging, SqsClient sqs,
                                            RetryPolicy memberRetry) {
        return service(config, chime, messaging, sqs, memberRetry, RosterObjects.NONE,
                callExecutor(config.chimeMaxConcurrency(), "chime-call-"));
    }

    /**
     * @param s3 the S3 client rosters are read with, built when a roster first arrives, so that a plain batch's
     *           cold start never pays for it
     */
    public static MembershipService service(Configuration config, ChimeClient chime,
                                            Function<Region, ChimeSdkMessagingClient> messaging, SqsClient sqs,
                                            RetryPolicy memberRetry, Supplier<S3Client> s3) {
        return service(config, chime, messaging, sqs, memberRetry,
                new S3RosterObjects(once(s3), config.safetyMargin().dividedBy(2)),
                callExecutor(config.chimeMaxConcurrency(), "chime-call-"));
    }

    private static MembershipService service(Configuration config, ChimeClient chime,
                                             Function<Region, ChimeSdkMessagingClient> messaging, SqsClient sqs,
                                             RetryPolicy memberRetry, RosterObjects rosters, ExecutorService calls) {
        return service(config, chime, messaging, sqs, memberRetry, calls, Pacer.of(config.quotas(), config.share()),
                rosters);
    }

    /** Built on the first call, once, whichever thread asks. */
    private static <T> Supplier<T> once(Supplier<T> build) {
        return new Supplier<>() {
            private T built;

            @Override
            public synchronized T get() {
                if (built == null) {
                    built = build.get();
                }
                return built;
            }
        };
    }

    private static MembershipService service(Configuration config, ChimeClient chime,
                                             Function<Region, ChimeSdkMessagingClient> messaging, SqsClient sqs,
                                             RetryPolicy memberRetry, ExecutorService calls, Pacer pacer,
                                             RosterObjects rosters) {
        return new MembershipService(
                new Targets(new ChimeRoomMemberships(chime, pacer), ChannelApi.forBearer(
                        config.channelAccess().bearer(), pacer, messaging, Region.of(config.messagingRegion()))),
                // The Chime calls leave half the margin; the dead letters leave a quarter of it for the answer.
                new SqsDeadLetters(sqs, config.deadLetterQueueUrl(), 3, memberRetry.baseDelay(),
                        config.safetyMargin().dividedBy(4)),
                calls,
                Clock.systemUTC(),
                new MembershipService.Settings(
                        config.admission(),
                        new CallLimits(memberRetry, config.safetyMargin()),
                        config.maxReceiveCount()),
                // Dispatching makes no Chime call, so its sends may use the time the calls would leave.
                config.targetQueueUrl().map(url -> new SqsTargetQueue(sqs, url, 3, memberRetry.baseDelay(),
                        config.safetyMargin().dividedBy(4))),
                rosters, config.limits().roster());
    }

    /** Daemon threads, so an idle pool never keeps a JVM alive; named so a thread dump tells whose they are. */
    private static ExecutorService callExecutor(int threads, String namePrefix) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, namePrefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return Executors.newFixedThreadPool(threads, factory);
    }

    /** The invocation's metrics, on stdout, in the namespace the environment names. */
    public static InvocationMetrics metricsFromEnvironment(Map<String, String> env) {
        String namespace = Configuration.fromEnvironment(env).metricsNamespace();
        return new InvocationMetrics(namespace, Clock.systemUTC(), line -> {
            System.out.println(line);
            System.out.flush();
        });
    }
}

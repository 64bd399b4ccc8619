package roommembership.handler;

import roommembership.wiring.Configuration;
import roommembership.wiring.FunctionWiring;
import roommembership.pipeline.report.InvocationLog;
import roommembership.pipeline.report.InvocationMetrics;
import roommembership.pipeline.MembershipService;
import roommembership.pipeline.apply.RetryPolicy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/** The handler wired as in production around clients a test points at local servers; its metrics are dropped. */
public final class Handlers {
    private Handlers() {
    }

    public static RoomMembershipHandler wired(Configuration config, ChimeClient chime, SqsClient sqs,
                                              RetryPolicy memberRetry) {
        return around(FunctionWiring.service(config, chime, sqs, memberRetry), config, Clock.systemUTC(), line -> {
        });
    }

    /** @param messaging the messaging client of a region, as the function asks for one per region */
    public static RoomMembershipHandler wired(Configuration config, ChimeClient chime,
                                              Function<Region, ChimeSdkMessagingClient> messaging, SqsClient sqs,
                                              RetryPolicy memberRetry) {
        return around(FunctionWiring.service(config, chime, messaging, sqs, memberRetry), config, Clock.systemUTC(),
                line -> {
                });
    }

    /** @param s3 the client rosters are read with, asked for when the first one arrives */
    public static RoomMembershipHandler wired(Configuration config, ChimeClient chime,
                                              Function<Region, ChimeSdkMessagingClient> messaging, SqsClient sqs,
                                              RetryPolicy memberRetry, Supplier<S3Client> s3) {
        return around(FunctionWiring.service(config, chime, messaging, sqs, memberRetry, s3), config,
                Clock.systemUTC(), line -> {
                });
    }

    /**
     * The handler around a service, as the function builds it.
     *
     * @param clock  the time its log lines and metrics carry
     * @param stdout receives the metrics documents the function writes to stdout
     */
    static RoomMembershipHandler around(MembershipService service, Configuration config, Clock clock,
                                        Consumer<String> stdout) {
        return new RoomMembershipHandler(service, new InvocationLog(clock),
                new InvocationMetrics(config.metricsNamespace(), clock, stdout));
    }
}

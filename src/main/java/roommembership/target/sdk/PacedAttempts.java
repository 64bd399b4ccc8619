package roommembership.target.sdk;

import roommembership.pacing.Pacer;
import roommembership.pacing.Scope;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.RequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Paces every attempt of a Chime call, the SDK's own retries included, by the pacer and scopes the call was given:
 * before an attempt is sent it waits for a call free in each scope, within the call's time limit; an attempt Chime
 * throttles slows those scopes down. A call that cannot get a free call in time fails as unavailable, unsent.
 */
public final class PacedAttempts implements ExecutionInterceptor {
    /** Installed on every Chime client; calls without a pacer pass as they are. */
    public static final PacedAttempts INSTANCE = new PacedAttempts();
    /** The message of a call that was not sent for want of a free call within its time limit. */
    public static final String NO_SLOT = "no call within Chime's rates was free before the call's time limit: "
            + "it was not sent";

    private static final ExecutionAttribute<Pacer> PACER = new ExecutionAttribute<>("roommembership.pacer");
    private static final ExecutionAttribute<List<Scope>> SCOPES = new ExecutionAttribute<>("roommembership.scopes");
    private static final ExecutionAttribute<Boolean> BORROWS = new ExecutionAttribute<>("roommembership.borrows");
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("roommembership.started");
    /** What an attempt needs at least once it is sent: its time limit is not waited out in full for a free call. */
    private static final Duration ANSWER_TIME = Duration.ofMillis(500);

    private PacedAttempts() {
    }

    /** A call's settings: its time limit, and the pacer and scopes every attempt of it keeps to. */
    public static Consumer<AwsRequestOverrideConfiguration.Builder> paced(Duration timeLimit, Pacer pacer,
                                                                         List<Scope> scopes) {
        return paced(timeLimit, pacer, scopes, false);
    }

    /** As {@link #paced(Duration, Pacer, List)}; {@code borrows}: its waits may let the bearer borrow (a long read). */
    public static Consumer<AwsRequestOverrideConfiguration.Builder> paced(Duration timeLimit, Pacer pacer,
                                                                         List<Scope> scopes, boolean borrows) {
        return config -> config.apiCallTimeout(timeLimit)
                .putExecutionAttribute(PACER, pacer)
                .putExecutionAttribute(SCOPES, List.copyOf(scopes))
                .putExecutionAttribute(BORROWS, borrows);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Pacer pacer = attributes.getAttribute(PACER);
        if (pacer == null) {
            return;
        }
        Duration limit = context.request().overrideConfiguration()
                .flatMap(RequestOverrideConfiguration::apiCallTimeout).orElse(CallTime.MAX);
        Long started = attributes.getAttribute(STARTED);
        long elapsed = started == null ? 0 : System.nanoTime() - started;
        Duration maxWait = limit.minusNanos(elapsed).minus(ANSWER_TIME);
        if (!pacer.acquire(attributes.getAttribute(SCOPES), maxWait,
                Boolean.TRUE.equals(attributes.getAttribute(BORROWS)))) {
            throw SdkClientException.builder().message(NO_SLOT).writableStackTrace(false).build();
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        Pacer pacer = attributes.getAttribute(PACER);
        if (pacer == null) {
            return;
        }
        List<Scope> scopes = attributes.getAttribute(SCOPES);
        pacer.answered(scopes);
        if (context.httpResponse().statusCode() == 429) {
            pacer.throttled(scopes);
        }
    }
}

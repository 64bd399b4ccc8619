package roommembership.handler;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import org.crac.Core;
import org.crac.Resource;
import roommembership.priming.PrimingEvent;
import roommembership.wiring.Configuration;
import roommembership.wiring.FunctionWiring;
import roommembership.wiring.PrimingService;
import roommembership.pipeline.report.InvocationLog;
import roommembership.pipeline.report.InvocationMetrics;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one small batch through the whole function (event JSON, parsing, planning, Chime calls, dead letters,
 * response) against canned answers, so the classes and hot code of the first invocation are ready. SnapStart runs it
 * before it takes the snapshot; {@code PRIME_ON_INIT=true} runs it at initialisation (provisioned concurrency).
 */
final class Priming implements Resource {
    static final String PRIME_ON_INIT = "PRIME_ON_INIT";

    /** A strong reference: a checkpoint context may hold its resources weakly. */
    private static volatile Priming installed;

    private final Map<String, String> env;

    private Priming(Map<String, String> env) {
        this.env = env;
    }

    /** Registers the SnapStart hook, and primes now if the environment asks for it. */
    static Priming install(Map<String, String> env) {
        Priming priming = new Priming(env);
        installed = priming;
        Core.getGlobalContext().register(priming);
        if ("true".equalsIgnoreCase(env.getOrDefault(PRIME_ON_INIT, "").trim())) {
            priming.run();
        }
        return priming;
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        run();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing: the real clients were built before the snapshot and keep working after it
    }

    /**
     * What priming came to, never written anywhere: priming is no invocation.
     *
     * @param response the priming batch's response, as the runtime would receive it
     * @param metrics the metrics documents the batch would have written
     */
    record Primed(String response, List<String> metrics) {
    }

    Primed run() {
        // Logs and metrics are made as in production, then dropped.
        List<String> metrics = new ArrayList<>();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        // The priming service's pool and clients end with its batch; only the production ones live on.
        try (PrimingService priming = FunctionWiring.primingService(env)) {
            RoomMembershipHandler primer = new RoomMembershipHandler(priming.service(),
                    new InvocationLog(Clock.systemUTC()),
                    new InvocationMetrics(InvocationMetrics.DEFAULT_NAMESPACE, Clock.systemUTC(), metrics::add));
            // The channel is in the messaging region, whose client was built at start.
            String event = PrimingEvent.inRegion(Configuration.fromEnvironment(env).messagingRegion());
            primer.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), response,
                    QuietContext.INSTANCE);
        } catch (IOException e) {
            throw new UncheckedIOException("priming failed", e);
        }
        return new Primed(response.toString(StandardCharsets.UTF_8), List.copyOf(metrics));
    }

    /** A context for priming: plenty of time, and a logger that keeps nothing. */
    private enum QuietContext implements Context {
        INSTANCE;

        @Override
        public String getAwsRequestId() {
            return "priming";
        }

        @Override
        public String getLogGroupName() {
            return "priming";
        }

        @Override
        public String getLogStreamName() {
            return "priming";
        }

        @Override
        public String getFunctionName() {
            return "priming";
        }

        @Override
        public String getFunctionVersion() {
            return "priming";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "priming";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return 60_000;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 0;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    // priming leaves no trace in the function's logs
                }

                @Override
                public void log(byte[] message) {
                    // priming leaves no trace in the function's logs
                }
            };
        }
    }
}

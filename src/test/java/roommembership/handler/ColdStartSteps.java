package roommembership.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import roommembership.wiring.AwsClients;
import roommembership.wiring.Configuration;
import roommembership.wiring.FunctionWiring;
import roommembership.pipeline.report.InvocationLog;
import roommembership.pipeline.report.InvocationMetrics;
import roommembership.wiring.SdkLookups;
import roommembership.pipeline.plan.BatchPlan;
import roommembership.pipeline.report.BatchReport;
import roommembership.model.Deadline;
import roommembership.pipeline.MembershipService;
import roommembership.pipeline.read.MessageParser;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.apply.RetryPolicy;
import roommembership.model.SourceRecord;
import software.amazon.awssdk.core.interceptor.Context.AfterExecution;
import software.amazon.awssdk.core.interceptor.Context.AfterMarshalling;
import software.amazon.awssdk.core.interceptor.Context.AfterTransmission;
import software.amazon.awssdk.core.interceptor.Context.AfterUnmarshalling;
import software.amazon.awssdk.core.interceptor.Context.BeforeExecution;
import software.amazon.awssdk.core.interceptor.Context.BeforeMarshalling;
import software.amazon.awssdk.core.interceptor.Context.BeforeTransmission;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.chime.ChimeClient;
import software.amazon.awssdk.services.chimesdkmessaging.ChimeSdkMessagingClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The function's cold start cut into steps, for the cold-start benchmark's breakdown: what
 * {@link RoomMembershipHandler}'s constructor and {@code handleRequest} do, in the same order with the same settings,
 * with a mark after each step. A mark is {@link System#nanoTime()} (the monotonic clock, which the parent process
 * shares) and the loading of a marker class of its own, so that a run with {@code -Xlog:class+load} shows how many
 * classes each step loaded. The SDK's first call of each service is cut further by {@link FirstCalls}, a global
 * execution interceptor. The marks go to the file {@code COLD_START_MARKS} names when the process ends.
 *
 * <p>Nothing here uses a lambda or string concatenation, so the harness adds no {@code invokedynamic} bootstrap of
 * its own to what it measures.
 */
public final class ColdStartSteps implements RequestStreamHandler {
    /** One marker class per mark, loaded when the mark is taken; the names are literals, so no concatenation. */
    private static final String[] MARKERS = {
        "roommembership.handler.ColdStartSteps$M00", "roommembership.handler.ColdStartSteps$M01",
        "roommembership.handler.ColdStartSteps$M02", "roommembership.handler.ColdStartSteps$M03",
        "roommembership.handler.ColdStartSteps$M04", "roommembership.handler.ColdStartSteps$M05",
        "roommembership.handler.ColdStartSteps$M06", "roommembership.handler.ColdStartSteps$M07",
        "roommembership.handler.ColdStartSteps$M08", "roommembership.handler.ColdStartSteps$M09",
        "roommembership.handler.ColdStartSteps$M10", "roommembership.handler.ColdStartSteps$M11",
        "roommembership.handler.ColdStartSteps$M12", "roommembership.handler.ColdStartSteps$M13",
        "roommembership.handler.ColdStartSteps$M14", "roommembership.handler.ColdStartSteps$M15",
        "roommembership.handler.ColdStartSteps$M16", "roommembership.handler.ColdStartSteps$M17",
        "roommembership.handler.ColdStartSteps$M18", "roommembership.handler.ColdStartSteps$M19",
        "roommembership.handler.ColdStartSteps$M20", "roommembership.handler.ColdStartSteps$M21",
        "roommembership.handler.ColdStartSteps$M22", "roommembership.handler.ColdStartSteps$M23",
        "roommembership.handler.ColdStartSteps$M24", "roommembership.handler.ColdStartSteps$M25",
        "roommembership.handler.ColdStartSteps$M26", "roommembership.handler.ColdStartSteps$M27",
        "roommembership.handler.ColdStartSteps$M28", "roommembership.handler.ColdStartSteps$M29",
    };
    private static final List<String> STEPS = new ArrayList<>();
    private static final List<Long> TIMES = new ArrayList<>();

    static {
        mark("runtime client up, handler class loaded");
        Runtime.getRuntime().addShutdownHook(new Thread(new WriteMarks()));
    }

    private final MembershipService service;
    private final InvocationLog log;
    private final InvocationMetrics metrics;

    public ColdStartSteps() throws ClassNotFoundException {
        Class.forName("roommembership.handler.RoomMembershipHandler");
        mark("function classes linked (handler, wiring, domain)");
        Map<String, String> env = System.getenv();
        Configuration config = Configuration.fromEnvironment(env);
        SdkLookups lookups = SdkLookups.fromEnvironment(env);
        mark("configuration read");
        ChimeClient chime = AwsClients.chime(FunctionWiring.SDK_RETRY_BASE_DELAY, lookups).build();
        mark("Chime client built");
        SqsClient sqs = AwsClients.sqs(FunctionWiring.SDK_RETRY_BASE_DELAY, lookups)
                .region(Region.of(config.sqsRegion())).build();
        mark("SQS client built");
        if (config.servesChannels()) {
            service = FunctionWiring.service(config, chime, new Messaging(lookups), sqs, RetryPolicy.standard());
            mark("messaging client built, service wired");
        } else {
            service = FunctionWiring.service(config, chime, sqs, RetryPolicy.standard());
            mark("service wired");
        }
        log = new InvocationLog(Clock.systemUTC());
        metrics = FunctionWiring.metricsFromEnvironment(env);
        Priming.install(env);
        mark("log, metrics, priming hook");
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        mark("runtime client: first event fetched, handler called");
        byte[] bytes = event.readAllBytes();
        List<SourceRecord> records = SqsEventJson.read(new ByteArrayInputStream(bytes));
        mark("event JSON read");
        List<ParsedMessage> messages = new ArrayList<>();
        for (SourceRecord record : records) {
            messages.add(MessageParser.parse(record.body()));
        }
        BatchPlan.of(messages);
        mark("messages parsed, batch planned (done again inside the service)");
        BatchReport report = service.process(records, new Remaining(context));
        mark("service: rest of the batch (calls, dead letters)");
        log.write(context.getLogger(), context.getAwsRequestId(), report);
        mark("invocation log written");
        metrics.publish(report.summary(), context.getFunctionName(), context.getAwsRequestId());
        mark("metrics written");
        SqsEventJson.writeResponse(report.retryMessageIds(), response);
        mark("response JSON written");
    }

    static synchronized void mark(String step) {
        long now = System.nanoTime();
        int index = STEPS.size();
        if (index < MARKERS.length) {
            try {
                Class.forName(MARKERS[index]);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        STEPS.add(step);
        TIMES.add(now);
    }

    /** Marks the phases of the first call of each service the function makes: the first thread's call only. */
    public static final class FirstCalls implements ExecutionInterceptor {
        private static final List<String> SEEN = new ArrayList<>();
        private static final List<ExecutionAttributes> FIRST = new ArrayList<>();

        @Override
        public void beforeExecution(BeforeExecution context, ExecutionAttributes attributes) {
            String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
            synchronized (FIRST) {
                if (SEEN.contains(service)) {
                    return;
                }
                SEEN.add(service);
                FIRST.add(attributes);
            }
            phase(attributes, "service: up to the call (planning, pools, rate limit)");
        }

        @Override
        public void beforeMarshalling(BeforeMarshalling context, ExecutionAttributes attributes) {
            phase(attributes, "auth scheme, credentials, endpoint rules");
        }

        @Override
        public void afterMarshalling(AfterMarshalling context, ExecutionAttributes attributes) {
            phase(attributes, "marshal");
        }

        @Override
        public void beforeTransmission(BeforeTransmission context, ExecutionAttributes attributes) {
            phase(attributes, "sign, checksums, compression");
        }

        @Override
        public void afterTransmission(AfterTransmission context, ExecutionAttributes attributes) {
            phase(attributes, "HTTP: connect, send, server, receive");
        }

        @Override
        public void afterUnmarshalling(AfterUnmarshalling context, ExecutionAttributes attributes) {
            phase(attributes, "unmarshal");
        }

        @Override
        public void afterExecution(AfterExecution context, ExecutionAttributes attributes) {
            phase(attributes, "after unmarshalling: response interceptors, metrics");
        }

        private static void phase(ExecutionAttributes attributes, String what) {
            boolean first;
            synchronized (FIRST) {
                first = false;
                for (ExecutionAttributes seen : FIRST) {
                    first |= seen == attributes;
                }
            }
            if (first) {
                StringBuilder step = new StringBuilder().append("first ")
                        .append(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)).append(' ')
                        .append(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)).append(": ")
                        .append(what);
                mark(step.toString());
            }
        }
    }

    /** The region's messaging client, built as the function builds it; a class, as the function's is. */
    private static final class Messaging implements Function<Region, ChimeSdkMessagingClient> {
        private final SdkLookups lookups;

        Messaging(SdkLookups lookups) {
            this.lookups = lookups;
        }

        @Override
        public ChimeSdkMessagingClient apply(Region region) {
            return AwsClients.messaging(region, FunctionWiring.SDK_RETRY_BASE_DELAY, lookups).build();
        }
    }

    private static final class Remaining implements Deadline {
        private final Context context;

        Remaining(Context context) {
            this.context = context;
        }

        @Override
        public long remainingMillis() {
            return context.getRemainingTimeInMillis();
        }
    }

    /** One line per mark: nanoTime, a tab, the step that ended at it. */
    private static final class WriteMarks implements Runnable {
        @Override
        public void run() {
            String file = System.getenv("COLD_START_MARKS");
            if (file == null) {
                return;
            }
            StringBuilder out = new StringBuilder();
            synchronized (ColdStartSteps.class) {
                for (int i = 0; i < STEPS.size(); i++) {
                    out.append(TIMES.get(i)).append('\t').append(STEPS.get(i)).append('\n');
                }
            }
            try {
                Files.writeString(Path.of(file), out.toString(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A handler that only answers that no record is to be retried: what the JVM and the runtime client cost before the
     * function does anything, the floor under every row of the cold-start table.
     */
    public static final class Bare implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
            event.readAllBytes();
            response.write("{\"batchItemFailures\":[]}".getBytes(StandardCharsets.UTF_8));
        }
    }

    static final class M00 { }
    static final class M01 { }
    static final class M02 { }
    static final class M03 { }
    static final class M04 { }
    static final class M05 { }
    static final class M06 { }
    static final class M07 { }
    static final class M08 { }
    static final class M09 { }
    static final class M10 { }
    static final class M11 { }
    static final class M12 { }
    static final class M13 { }
    static final class M14 { }
    static final class M15 { }
    static final class M16 { }
    static final class M17 { }
    static final class M18 { }
    static final class M19 { }
    static final class M20 { }
    static final class M21 { }
    static final class M22 { }
    static final class M23 { }
    static final class M24 { }
    static final class M25 { }
    static final class M26 { }
    static final class M27 { }
    static final class M28 { }
    static final class M29 { }
}

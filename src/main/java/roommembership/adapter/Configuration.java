package roommembership.adapter;

import roommembership.domain.AccountAllowlist;
import roommembership.domain.RoomKey;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The function's settings, read from its environment.
 *
 * @param deadLetterQueueUrl where failed members go ({@code DEAD_LETTER_QUEUE_URL}, required)
 * @param maxReceiveCount below this receive count a transient failure is left to SQS redelivery ({@code MAX_RECEIVE_COUNT})
 * @param chimeMaxConcurrency Chime calls in flight at once ({@code CHIME_MAX_CONCURRENCY})
 * @param safetyMargin no Chime call starts with less invocation time left ({@code DEADLINE_SAFETY_MARGIN_MS})
 * @param sqsRegion the function's region ({@code AWS_REGION}), else the queue URL's, so no SDK looks further
 * @param allowedAccounts the only accounts requests may name ({@code ALLOWED_ACCOUNT_IDS}, comma-separated; unset or
 *                        empty: every account)
 * @param chimeMaxTps Chime calls per second from one container ({@code CHIME_MAX_TPS}; 0: no limit)
 * @param metricsNamespace the CloudWatch namespace of the function's metrics ({@code METRICS_NAMESPACE})
 */
public record Configuration(String deadLetterQueueUrl, int maxReceiveCount, int chimeMaxConcurrency,
                            Duration safetyMargin, String sqsRegion, AccountAllowlist allowedAccounts,
                            int chimeMaxTps, String metricsNamespace) {
    public static final String DEAD_LETTER_QUEUE_URL = "DEAD_LETTER_QUEUE_URL";
    public static final String MAX_RECEIVE_COUNT = "MAX_RECEIVE_COUNT";
    public static final String CHIME_MAX_CONCURRENCY = "CHIME_MAX_CONCURRENCY";
    public static final String DEADLINE_SAFETY_MARGIN_MS = "DEADLINE_SAFETY_MARGIN_MS";
    public static final String ALLOWED_ACCOUNT_IDS = "ALLOWED_ACCOUNT_IDS";
    public static final String CHIME_MAX_TPS = "CHIME_MAX_TPS";
    /**
     * AWS publishes no call rate for the chat-room APIs; 20 a second per container keeps a few concurrent containers
     * within the tens of calls a second that Chime's management APIs take by default.
     */
    static final int DEFAULT_CHIME_MAX_TPS = 20;
    public static final String METRICS_NAMESPACE = "METRICS_NAMESPACE";
    /** CloudWatch's rule for a custom namespace; "AWS/" is reserved for AWS services. */
    private static final Pattern NAMESPACE = Pattern.compile("(?!AWS/)[0-9A-Za-z.\\-_/#: ]{1,255}");
    private static final Pattern QUEUE_URL_REGION = Pattern.compile("^https?://sqs[.-]([a-z0-9-]+)\\.amazonaws\\.");

    public static Configuration fromEnvironment(Map<String, String> env) {
        String url = env.get(DEAD_LETTER_QUEUE_URL);
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(DEAD_LETTER_QUEUE_URL
                    + " is not set: set it to the URL of the SQS queue that receives failed members");
        }
        return new Configuration(url.trim(),
                wholeNumber(env, MAX_RECEIVE_COUNT, 5, 1, 1_000),
                wholeNumber(env, CHIME_MAX_CONCURRENCY, 8, 1, 256),
                Duration.ofMillis(wholeNumber(env, DEADLINE_SAFETY_MARGIN_MS, 5_000, 1, 900_000)),
                sqsRegion(env, url.trim()),
                allowedAccounts(env.get(ALLOWED_ACCOUNT_IDS)),
                wholeNumber(env, CHIME_MAX_TPS, DEFAULT_CHIME_MAX_TPS, 0, 10_000),
                metricsNamespace(env.get(METRICS_NAMESPACE)));
    }

    /** Checked at start: CloudWatch drops a document whose namespace it refuses, and with it every metric. */
    private static String metricsNamespace(String text) {
        if (text == null || text.isBlank()) {
            return InvocationMetrics.DEFAULT_NAMESPACE;
        }
        String namespace = text.trim();
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalStateException(METRICS_NAMESPACE + " must be 1 to 255 of the characters CloudWatch "
                    + "allows in a namespace (letters, digits, . - _ / # : and space), not starting with AWS/; '"
                    + text + "' is not one");
        }
        return namespace;
    }

    /** Strict: a list that read as empty after a typo (",") would permit every account. */
    private static AccountAllowlist allowedAccounts(String text) {
        if (text == null || text.isBlank()) {
            return AccountAllowlist.anyAccount();
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String entry : text.split(",", -1)) {
            String id = entry.trim();
            if (!RoomKey.isId(id)) {
                throw new IllegalStateException(ALLOWED_ACCOUNT_IDS + " must be a comma-separated list of Chime "
                        + "account ids, each " + RoomKey.ID_RULE + "; '" + id + "' is not one");
            }
            ids.add(id);
        }
        return new AccountAllowlist(ids);
    }

    private static String sqsRegion(Map<String, String> env, String queueUrl) {
        for (String name : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
            String region = env.get(name);
            if (region != null && !region.isBlank()) {
                return region.trim();
            }
        }
        Matcher matcher = QUEUE_URL_REGION.matcher(queueUrl);
        return matcher.find() ? matcher.group(1) : "us-east-1";
    }

    private static int wholeNumber(Map<String, String> env, String name, int fallback, int min, int max) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalStateException(
                name + " must be a whole number from " + min + " to " + max + ", not '" + text + "'");
    }
}

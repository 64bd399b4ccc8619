package roommembership.wiring;

import roommembership.pacing.Quotas;
import roommembership.pacing.Share;
import roommembership.pipeline.plan.RosterRules;

import roommembership.pipeline.report.InvocationMetrics;

import roommembership.pipeline.read.AccountAllowlist;
import roommembership.pipeline.read.ChannelAccess;
import roommembership.target.ChimeArns;
import roommembership.pipeline.read.LegacyRouting;
import roommembership.pipeline.read.Reading;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The function's settings, read from its environment.
 *
 * @param deadLetterQueueUrl where failed members go ({@code DEAD_LETTER_QUEUE_URL}, required)
 * @param targetQueueUrl the FIFO queue batches of other queues are dispatched to, one message group per target
 *                       ({@code TARGET_QUEUE_URL}; unset: every batch is carried out where it arrives)
 * @param sqsRegion the function's region ({@code AWS_REGION}), else the queue URL's, so no SDK looks further
 * @param messagingRegion the region whose messaging client is built and primed at start ({@code CHIME_MESSAGING_REGION},
 *                        default the function's region); a channel in another region gets its own client on first use
 * @param metricsNamespace the CloudWatch namespace of the function's metrics ({@code METRICS_NAMESPACE})
 * @param admission what the read stage admits: the accounts requests may name ({@code ALLOWED_ACCOUNT_IDS}; unset:
 *                  every account), the identity channel calls are made as ({@code CHIME_BEARER_ARN}; unset: channel
 *                  requests are Forbidden) and the AppInstances they may name ({@code ALLOWED_APP_INSTANCE_ARNS}), and
 *                  where legacy requests go instead ({@code CHANNEL_ARN_TEMPLATE}, {@code MEMBER_ARN_TEMPLATE})
 * @param limits the invocation's limits
 */
public record Configuration(String deadLetterQueueUrl, Optional<String> targetQueueUrl, String sqsRegion,
                            String messagingRegion,
                            String metricsNamespace, Reading admission, Limits limits) {
    /**
     * @param maxReceiveCount below this receive count a transient failure is left to SQS redelivery
     *                        ({@code MAX_RECEIVE_COUNT})
     * @param chimeMaxConcurrency Chime calls in flight at once ({@code CHIME_MAX_CONCURRENCY})
     * @param safetyMargin no Chime call starts with less invocation time left ({@code DEADLINE_SAFETY_MARGIN_MS})
     * @param quotas the call rates the deployment keeps to, and {@code share} this container's part of them
     * @param roster how far a roster may go (see {@link RosterSettings})
     */
    public record Limits(int maxReceiveCount, int chimeMaxConcurrency, Duration safetyMargin, Quotas quotas,
                         Share share, RosterRules roster) {
    }

    public static final String DEAD_LETTER_QUEUE_URL = "DEAD_LETTER_QUEUE_URL";
    public static final String TARGET_QUEUE_URL = "TARGET_QUEUE_URL";
    public static final String MAX_RECEIVE_COUNT = "MAX_RECEIVE_COUNT";
    public static final String CHIME_MAX_CONCURRENCY = "CHIME_MAX_CONCURRENCY";
    public static final String DEADLINE_SAFETY_MARGIN_MS = "DEADLINE_SAFETY_MARGIN_MS";
    public static final String ALLOWED_ACCOUNT_IDS = "ALLOWED_ACCOUNT_IDS";
    public static final String CHIME_MAX_TPS = RateSettings.CHIME_MAX_TPS;
    public static final String CHIME_BEARER_TPS = RateSettings.CHIME_BEARER_TPS;
    public static final String CHIME_CHANNEL_BATCH_ADD_TPS = RateSettings.CHIME_CHANNEL_BATCH_ADD_TPS;
    public static final String CHIME_CHANNEL_WRITE_TPS = RateSettings.CHIME_CHANNEL_WRITE_TPS;
    public static final String CHIME_CHANNEL_READ_TPS = RateSettings.CHIME_CHANNEL_READ_TPS;
    public static final String EVENT_SOURCE_MAX_CONCURRENCY = RateSettings.EVENT_SOURCE_MAX_CONCURRENCY;
    public static final String SOURCE_GROUPED_BY_TARGET = RateSettings.SOURCE_GROUPED_BY_TARGET;
    public static final String METRICS_NAMESPACE = "METRICS_NAMESPACE";
    public static final String CHIME_BEARER_ARN = "CHIME_BEARER_ARN";
    public static final String ALLOWED_APP_INSTANCE_ARNS = "ALLOWED_APP_INSTANCE_ARNS";
    public static final String CHANNEL_ARN_TEMPLATE = "CHANNEL_ARN_TEMPLATE";
    public static final String MEMBER_ARN_TEMPLATE = "MEMBER_ARN_TEMPLATE";
    public static final String CHIME_MESSAGING_REGION = "CHIME_MESSAGING_REGION";
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");
    /** CloudWatch's rule for a custom namespace; "AWS/" is reserved for AWS services. */
    private static final Pattern NAMESPACE = Pattern.compile("(?!AWS/)[0-9A-Za-z.\\-_/#: ]{1,255}");
    private static final Pattern QUEUE_URL_REGION = Pattern.compile("^https?://sqs[.-]([a-z0-9-]+)\\.amazonaws\\.");

    public static Configuration fromEnvironment(Map<String, String> env) {
        String url = env.get(DEAD_LETTER_QUEUE_URL);
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(DEAD_LETTER_QUEUE_URL
                    + " is not set: set it to the URL of the SQS queue that receives failed members");
        }
        String sqsRegion = sqsRegion(env, url.trim());
        Optional<LegacyRouting> routing = routing(env.get(CHANNEL_ARN_TEMPLATE), env.get(MEMBER_ARN_TEMPLATE));
        Optional<String> bearer = bearer(env.get(CHIME_BEARER_ARN));
        if (routing.isPresent() && bearer.isEmpty()) {
            throw new IllegalStateException(CHANNEL_ARN_TEMPLATE + " and " + MEMBER_ARN_TEMPLATE + " send legacy "
                    + "requests to channels, but " + CHIME_BEARER_ARN + " is not set: set the AppInstanceUser or "
                    + "AppInstanceBot the function calls channels as");
        }
        String messagingRegion = messagingRegion(env.get(CHIME_MESSAGING_REGION), sqsRegion);
        Optional<String> targetQueueUrl = targetQueueUrl(env.get(TARGET_QUEUE_URL));
        return new Configuration(url.trim(), targetQueueUrl, sqsRegion, messagingRegion,
                metricsNamespace(env.get(METRICS_NAMESPACE)),
                new Reading(routing, new ChannelAccess(bearer, allowedAppInstances(env.get(ALLOWED_APP_INSTANCE_ARNS))),
                        AccountAllowlist.parse(env.get(ALLOWED_ACCOUNT_IDS))),
                new Limits(wholeNumber(env, MAX_RECEIVE_COUNT, 5, 1, 1_000),
                        wholeNumber(env, CHIME_MAX_CONCURRENCY, 8, 1, 256),
                        Duration.ofMillis(wholeNumber(env, DEADLINE_SAFETY_MARGIN_MS, 5_000, 1, 900_000)),
                        RateSettings.quotas(env, messagingRegion), RateSettings.share(env, targetQueueUrl.isPresent()),
                        RosterSettings.rules(env, bearer)));
    }

    /**
     * The same settings with every account and AppInstance permitted: priming talks only to canned answers, and a
     * request the allowlists refused would leave the code of the calls unprimed.
     */
    public Configuration forPriming() {
        // The priming channel's AppInstance is priming's own, so its bearer must be too.
        ChannelAccess primingAccess = new ChannelAccess(channelAccess().bearer().map(bearer -> "arn:aws:chime:"
                + messagingRegion + ":000000000000:app-instance/priming/user/priming-bearer"), Set.of());
        return new Configuration(deadLetterQueueUrl, targetQueueUrl, sqsRegion, messagingRegion, metricsNamespace,
                new Reading(routing(), primingAccess, AccountAllowlist.anyAccount()), limits);
    }

    public AccountAllowlist allowedAccounts() {
        return admission.allowedAccounts();
    }

    public ChannelAccess channelAccess() {
        return admission.channelAccess();
    }

    public Optional<LegacyRouting> routing() {
        return admission.routing();
    }

    public int maxReceiveCount() {
        return limits.maxReceiveCount();
    }

    public int chimeMaxConcurrency() {
        return limits.chimeMaxConcurrency();
    }

    public Duration safetyMargin() {
        return limits.safetyMargin();
    }

    public Quotas quotas() {
        return limits.quotas();
    }

    public Share share() {
        return limits.share();
    }

    /** Whether channels can be reached at all: only then is a messaging client built. */
    public boolean servesChannels() {
        return channelAccess().bearer().isPresent();
    }

    /** A FIFO queue: only its message groups give one invocation a target alone. */
    private static Optional<String> targetQueueUrl(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String url = text.trim();
        if (!url.endsWith(".fifo")) {
            throw new IllegalStateException(TARGET_QUEUE_URL + " must be the URL of a FIFO queue (its name ends in "
                    + ".fifo): only a FIFO queue's message groups give one invocation a target's calls alone, not '"
                    + url + "'");
        }
        return Optional.of(url);
    }

    private static Optional<String> bearer(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String arn = text.trim();
        if (!ChimeArns.isMemberArn(arn)) {
            throw new IllegalStateException(CHIME_BEARER_ARN + " must be the ARN of an AppInstanceUser or "
                    + "AppInstanceBot, " + ChimeArns.MEMBER_RULE + "; '" + text + "' is not one");
        }
        return Optional.of(arn);
    }

    /** Strict, as for accounts: a list that read as empty after a typo would permit every AppInstance. */
    private static Set<String> allowedAppInstances(String text) {
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        Set<String> arns = new LinkedHashSet<>();
        for (String entry : text.split(",", -1)) {
            String arn = entry.trim();
            if (!ChimeArns.isAppInstanceArn(arn)) {
                throw new IllegalStateException(ALLOWED_APP_INSTANCE_ARNS + " must be a comma-separated list of "
                        + "AppInstance ARNs, each arn:aws:chime:<region>:<12-digit account>:app-instance/<id>; '"
                        + arn + "' is not one");
            }
            arns.add(arn);
        }
        return arns;
    }

    /** Both templates or neither: one alone would route rooms to channels with members nobody can name. */
    private static Optional<LegacyRouting> routing(String channelTemplate, String memberTemplate) {
        boolean channel = channelTemplate != null && !channelTemplate.isBlank();
        boolean member = memberTemplate != null && !memberTemplate.isBlank();
        if (!channel && !member) {
            return Optional.empty();
        }
        if (channel != member) {
            throw new IllegalStateException((channel ? CHANNEL_ARN_TEMPLATE : MEMBER_ARN_TEMPLATE) + " is set but "
                    + (channel ? MEMBER_ARN_TEMPLATE : CHANNEL_ARN_TEMPLATE) + " is not: set both to send legacy "
                    + "requests to channels, or neither to send them to chat rooms");
        }
        LegacyRouting routing = new LegacyRouting(channelTemplate.trim(), memberTemplate.trim());
        routing.problem().ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
        return Optional.of(routing);
    }

    private static String messagingRegion(String text, String functionRegion) {
        if (text == null || text.isBlank()) {
            return functionRegion;
        }
        String region = text.trim();
        if (!REGION.matcher(region).matches()) {
            throw new IllegalStateException(CHIME_MESSAGING_REGION + " must be a region name such as us-east-1, not '"
                    + text + "'");
        }
        return region;
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

    static int wholeNumber(Map<String, String> env, String name, int fallback, int min, int max) {
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

package roommembership.handler;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Priming runs the whole function on canned answers, reaching no network. */
class PrimingTest {
    private static final Map<String, String> ENV = Map.of(
            "DEAD_LETTER_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/failed-members",
            "AWS_REGION", "eu-west-1");
    /** Its dead letters are refused by the canned queue, so their records come back: that path ran to its end. */
    private static final String RESPONSE = "{\"batchItemFailures\":[{\"itemIdentifier\":\"priming-1\"},"
            + "{\"itemIdentifier\":\"priming-3\"},{\"itemIdentifier\":\"priming-4\"}]}";
    /** Without a bearer the channel requests are refused too, and so are their letters. */
    private static final String RESPONSE_WITHOUT_CHANNELS = "{\"batchItemFailures\":[{\"itemIdentifier\":\"priming-1\"},"
            + "{\"itemIdentifier\":\"priming-3\"},{\"itemIdentifier\":\"priming-4\"},"
            + "{\"itemIdentifier\":\"priming-6\"},{\"itemIdentifier\":\"priming-7\"}]}";
    /** What every invocation's metrics document declares, up to its figures; its wall-clock time is set aside as 0. */
    private static final String METRICS_HEAD = "{\"_aws\":{\"Timestamp\":0,\"CloudWatchMetrics\":[{\"Namespace\":"
            + "\"RoomMembership\",\"Dimensions\":[[\"FunctionName\"]],\"Metrics\":["
            + "{\"Name\":\"MembershipRequests\",\"Unit\":\"Count\"},{\"Name\":\"MembersAdded\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"AlreadyMembers\",\"Unit\":\"Count\"},{\"Name\":\"MembersRemoved\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"AlreadyAbsent\",\"Unit\":\"Count\"},{\"Name\":\"RolesChanged\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"DeadLettered\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"ChimeCalls\",\"Unit\":\"Count\"},{\"Name\":\"ChimeThrottles\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"RecordsRetried\",\"Unit\":\"Count\"},{\"Name\":\"InvalidMessages\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"MembersDispatched\",\"Unit\":\"Count\"},{\"Name\":\"RemovalsHeld\",\"Unit\":\"Count\"}]}]},"
            + "\"FunctionName\":\"priming\",\"AWSRequestId\":\"priming\",";
    private static final Pattern TIMESTAMP = Pattern.compile("\"Timestamp\":(\\d+)");

    @Test
    void withoutABearerThePrimingBatchGoesThroughTheRoomCallsAndDeadLettersToAResponse() {
        long started = System.currentTimeMillis();

        Priming.Primed primed = Priming.install(ENV).run();

        // A member Chime does not find, an unreadable record, and channel requests refused without a call. Two room
        // adds, one role changed, two removals (one of a member not there, told apart by a read). Every letter is
        // refused, so none counts as dead-lettered and five records go back.
        assertThat(primed.response()).isEqualTo(RESPONSE_WITHOUT_CHANNELS);
        assertThat(primed.metrics()).singleElement().satisfies(document -> {
            assertThat(timestamp(document)).isBetween(started, System.currentTimeMillis());
            assertThat(withTimestampSetAside(document)).isEqualTo(METRICS_HEAD + "\"MembershipRequests\":11,"
                    + "\"MembersAdded\":2,\"AlreadyMembers\":1,\"MembersRemoved\":1,\"AlreadyAbsent\":1,"
                    + "\"RolesChanged\":1,\"DeadLettered\":0,\"ChimeCalls\":5,\"ChimeThrottles\":0,"
                    + "\"RecordsRetried\":5,\"InvalidMessages\":1,\"MembersDispatched\":0,\"RemovalsHeld\":0}");
        });
    }

    @Test
    void withABearerItAlsoGoesThroughTheChannelCallsOfTheMessagingRegion() {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("CHIME_BEARER_ARN", "arn:aws:chime:eu-west-1:123456789012:app-instance/hr/user/hr-sync");
        // Priming's own AppInstance is not in the list: priming is let through all the same.
        env.put("ALLOWED_APP_INSTANCE_ARNS", "arn:aws:chime:eu-west-1:123456789012:app-instance/hr");
        long started = System.currentTimeMillis();

        Priming.Primed primed = Priming.install(env).run();

        // The room calls, then two channel adds, one moderator made and one unmade, and two channel removals; the
        // channel's missing user is dead-lettered. One new channel member and one already there besides the rooms'.
        assertThat(primed.response()).isEqualTo(RESPONSE);
        assertThat(primed.metrics()).singleElement().satisfies(document -> {
            assertThat(timestamp(document)).isBetween(started, System.currentTimeMillis());
            assertThat(withTimestampSetAside(document)).isEqualTo(METRICS_HEAD + "\"MembershipRequests\":11,"
                    + "\"MembersAdded\":3,\"AlreadyMembers\":2,\"MembersRemoved\":2,\"AlreadyAbsent\":2,"
                    + "\"RolesChanged\":2,\"DeadLettered\":0,\"ChimeCalls\":11,\"ChimeThrottles\":0,"
                    + "\"RecordsRetried\":3,\"InvalidMessages\":1,\"MembersDispatched\":0,\"RemovalsHeld\":0}");
        });
    }

    private static long timestamp(String document) {
        Matcher timestamp = TIMESTAMP.matcher(document);
        assertThat(timestamp.find()).as("a Timestamp in " + document).isTrue();
        return Long.parseLong(timestamp.group(1));
    }

    private static String withTimestampSetAside(String document) {
        return TIMESTAMP.matcher(document).replaceFirst("\"Timestamp\":0");
    }

    @Test
    void primingLeavesNoThreadOfItsOwnBehindNeitherItsCallPoolsNorItsClientsTimers() throws InterruptedException {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("CHIME_BEARER_ARN", "arn:aws:chime:eu-west-1:123456789012:app-instance/hr/user/hr-sync");
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());

        Priming.install(env).run();

        List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread))
                .filter(thread -> thread.getName().contains("chime-call")
                        || thread.getName().startsWith("sdk-ScheduledExecutor"))
                .toList();
        for (Thread thread : started) {
            // A pool that was shut down may still be letting its last thread end.
            thread.join(1_000);
        }
        assertThat(started.stream().filter(Thread::isAlive).map(Thread::getName)).isEmpty();
    }
}

package roommembership.sqs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import roommembership.model.Action;
import roommembership.model.Sent;
import roommembership.model.Deadline;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.model.SourceRecord;
import roommembership.pipeline.dispatch.Dispatch;
import roommembership.pipeline.plan.BatchPlan;
import roommembership.pipeline.plan.Intent;
import roommembership.pipeline.read.AccountAllowlist;
import roommembership.pipeline.read.ChannelAccess;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.read.Reading;
import roommembership.target.ChannelKey;
import roommembership.target.MemberKey;
import roommembership.target.RoomKey;
import roommembership.testing.EmbeddedSqs;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The target queue as SQS holds it: what goes in is read back by the function's own read stage as the same intents,
 * in messages SQS takes (at most 1,000 members and 256 KiB each), one message group per target, and a send repeated
 * after a lost answer is dropped by SQS while the same request from other records is not.
 */
class SqsTargetQueueTest {
    private static final String APP_INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0001";
    private static final ChannelKey GENERAL = ChannelKey.of(APP_INSTANCE + "/channel/general").orElseThrow();
    private static final ChannelKey SALES = ChannelKey.of(APP_INSTANCE + "/channel/sales").orElseThrow();
    private static final RoomKey ROOM =
            new RoomKey("a1b2c3d4-5e6f-4a0b-9c8d-7e6f5a4b3c2d", "9f3c2a10-1111-4c1e-8a6b-000000000e01");
    private static final Reading READING = new Reading(Optional.empty(),
            new ChannelAccess(Optional.of(APP_INSTANCE + "/user/hr-bot"), Set.of()), AccountAllowlist.anyAccount());
    private static EmbeddedSqs sqs;

    @BeforeAll
    static void start() {
        sqs = EmbeddedSqs.start();
    }

    @AfterAll
    static void stop() {
        sqs.close();
    }

    @Test
    void whatIsSentIsReadBackAsTheSameIntentsInMessagesOfAtMostAThousandMembers() {
        List<Intent> intents = new ArrayList<>();
        for (int i = 1; i <= 2_345; i++) {
            intents.add(new Intent(Action.ADD, new Membership(user(i), Role.MEMBER, MembershipType.DEFAULT)));
        }
        intents.add(new Intent(Action.ADD, new Membership(user(9_001), Role.ADMINISTRATOR, MembershipType.DEFAULT)));
        intents.add(new Intent(Action.ADD, Membership.withoutRole(user(9_002), MembershipType.HIDDEN)));
        // A removal names no role: its member stops being one, whatever its role.
        intents.add(new Intent(Action.REMOVE, Membership.withoutRole(user(9_003), MembershipType.DEFAULT)));
        List<Intent> roomIntents = List.of(
                new Intent(Action.ADD, new Membership("eng-001", Role.ADMINISTRATOR)),
                new Intent(Action.ADD, Membership.withoutRole("eng-002")),
                new Intent(Action.REMOVE, Membership.withoutRole("eng-003")));
        String url = fifoQueue();

        Sent<Dispatch> outcome = queue(url).send(List.of(dispatch(GENERAL, intents, "m1", "m2"),
                dispatch(ROOM, roomIntents, "m3")), deadlineIn(Duration.ofSeconds(20)));

        assertThat(outcome.unsent()).isEmpty();
        assertThat(outcome.failures()).isEmpty();
        List<Message> messages = receiveAll(url);
        assertThat(messages).allSatisfy(message -> assertThat(READING.read(List.of(record(message))))
                .singleElement().isInstanceOf(ParsedMessage.Request.class));
        List<SourceRecord> records = messages.stream().map(SqsTargetQueueTest::record).toList();
        for (ParsedMessage message : READING.read(records)) {
            assertThat(((ParsedMessage.Request) message).members()).hasSizeLessThanOrEqualTo(1_000);
        }
        Map<MemberKey, Intent> expected = new LinkedHashMap<>();
        intents.forEach(intent -> expected.put(new MemberKey(GENERAL, intent.membership().memberId()), intent));
        roomIntents.forEach(intent -> expected.put(new MemberKey(ROOM, intent.membership().memberId()), intent));
        assertThat(BatchPlan.of(READING.read(records)).intents()).containsExactlyInAnyOrderEntriesOf(expected);
        // 2,345 plain Members in three messages of at most 1,000; the Administrator, the member of no named role and
        // the removal in one each; the room's three in two (its adds share one item list, its removal is another).
        assertThat(messages).hasSize(3 + 3 + 2);
    }

    @Test
    void aBodyStaysUnderSqssLimitWhateverTheLengthOfItsMembersIds() {
        // Ids of 64 characters, every one escaped as six: about 390 bytes a member, so 1,000 members would not fit.
        String wide = "\u00e9".repeat(60);
        List<Intent> intents = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            intents.add(new Intent(Action.ADD, new Membership(wide + "%04d".formatted(i), Role.MEMBER)));
        }
        String url = fifoQueue();

        Sent<Dispatch> outcome = queue(url).send(List.of(dispatch(ROOM, intents, "m1")),
                deadlineIn(Duration.ofSeconds(20)));

        assertThat(outcome.unsent()).isEmpty();
        List<Message> messages = receiveAll(url);
        assertThat(messages).hasSizeGreaterThan(1).allSatisfy(message ->
                assertThat(message.body().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(256 * 1024));
        List<SourceRecord> records = messages.stream().map(SqsTargetQueueTest::record).toList();
        assertThat(BatchPlan.of(READING.read(records)).intents()).hasSize(1_000);
    }

    @Test
    void eachTargetIsOneMessageGroupWhichHoldsNoOtherTarget() {
        List<Intent> many = new ArrayList<>();
        for (int i = 1; i <= 1_500; i++) {
            many.add(new Intent(Action.ADD, Membership.withoutRole(user(i), MembershipType.DEFAULT)));
        }
        String url = fifoQueue();

        queue(url).send(List.of(dispatch(GENERAL, many, "m1"),
                dispatch(SALES, List.of(new Intent(Action.ADD,
                        Membership.withoutRole(user(1), MembershipType.DEFAULT))), "m2"),
                dispatch(ROOM, List.of(new Intent(Action.ADD, Membership.withoutRole("eng-001"))), "m3")),
                deadlineIn(Duration.ofSeconds(20)));

        Map<String, List<String>> targetsByGroup = new LinkedHashMap<>();
        for (Message message : receiveAll(url)) {
            String group = message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
            String body = message.body();
            String target = body.contains(GENERAL.arn()) ? "general" : body.contains(SALES.arn()) ? "sales" : "room";
            targetsByGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(target);
        }
        assertThat(targetsByGroup.values()).containsExactlyInAnyOrder(List.of("general", "general"),
                List.of("sales"), List.of("room"));
        assertThat(targetsByGroup.keySet()).allSatisfy(group -> assertThat(group).hasSizeLessThanOrEqualTo(128));
    }

    @Test
    void aSendRepeatedAfterALostAnswerArrivesOnceButTheSameRequestFromOtherRecordsArrivesAgain() {
        List<Intent> add = List.of(new Intent(Action.ADD, Membership.withoutRole(user(1), MembershipType.DEFAULT)));
        String url = fifoQueue();
        SqsTargetQueue queue = queue(url);

        queue.send(List.of(dispatch(GENERAL, add, "m1")), deadlineIn(Duration.ofSeconds(20)));
        queue.send(List.of(dispatch(GENERAL, add, "m1")), deadlineIn(Duration.ofSeconds(20)));
        queue.send(List.of(dispatch(GENERAL, add, "m7")), deadlineIn(Duration.ofSeconds(20)));

        // The first two are one send as far as SQS knows; the third is a later batch asking the same again.
        assertThat(receiveAll(url)).hasSize(2);
    }

    @Test
    void onlyAFifoQueueCanBeATargetQueueAndItFeedsTheEventSourceOfItsName() {
        String standard = sqs.createQueue("targets");
        assertThatThrownBy(() -> queue(standard)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FIFO");

        String url = fifoQueue();
        String name = url.substring(url.lastIndexOf('/') + 1);
        SqsTargetQueue queue = queue(url);
        assertThat(queue.feeds("arn:aws:sqs:us-east-1:111122223333:" + name)).isTrue();
        assertThat(queue.feeds("arn:aws:sqs:us-east-1:111122223333:membership-requests")).isFalse();
        assertThat(queue.feeds(null)).isFalse();
    }

    @Test
    void aQueueThatIsGoneLeavesEveryDispatchUnsentWithTheCause() {
        String url = fifoQueue().replace("targets-", "gone-");
        Dispatch general = dispatch(GENERAL,
                List.of(new Intent(Action.ADD, Membership.withoutRole(user(1), MembershipType.DEFAULT))), "m1");
        Dispatch room = dispatch(ROOM, List.of(new Intent(Action.ADD, Membership.withoutRole("eng-001"))), "m2");

        Sent<Dispatch> outcome = queue(url).send(List.of(general, room), deadlineIn(Duration.ofSeconds(20)));

        assertThat(outcome.unsent()).containsExactly(general, room);
        assertThat(outcome.failures()).isNotEmpty()
                .allSatisfy(failure -> assertThat(failure.errorCode()).isEqualTo("QueueDoesNotExist"));
    }

    private static SqsTargetQueue queue(String url) {
        return new SqsTargetQueue(sqs.client(), url, 3, Duration.ofMillis(5), Duration.ZERO);
    }

    private static Dispatch dispatch(roommembership.target.Target target, List<Intent> intents, String... sources) {
        return new Dispatch(target, Optional.empty(), intents, List.of(sources), Optional.empty());
    }

    private static String user(int n) {
        return APP_INSTANCE + "/user/u-%05d".formatted(n);
    }

    private static Deadline deadlineIn(Duration time) {
        Instant end = Instant.now().plus(time);
        return () -> Duration.between(Instant.now(), end).toMillis();
    }

    private static String fifoQueue() {
        String name = "targets-" + UUID.randomUUID().toString().substring(0, 8) + ".fifo";
        return sqs.client().createQueue(request -> request.queueName(name).attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
    }

    /** Every message on the queue, each group's in order, deleted as read. */
    private static List<Message> receiveAll(String url) {
        return sqs.drain(url);
    }

    private static SourceRecord record(Message message) {
        return SourceRecord.standard(message.messageId(), message.body(), 1);
    }
}

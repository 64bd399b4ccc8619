package roommembership.sqs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import roommembership.model.Action;
import roommembership.model.Sent;
import roommembership.model.Deadline;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.settle.DeadLetters;
import roommembership.pipeline.settle.Letter;
import roommembership.model.SendFailure;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;
import roommembership.testing.DeadLetterQueue;
import roommembership.testing.EmbeddedSqs;
import roommembership.testing.SqsFaultProxy;
import roommembership.testing.TestClients;

import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class SqsDeadLettersTest {
    private static final String CHANNEL = "arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0001/channel/general";
    private static final RoomKey ROOM =
            new RoomKey("a1b2c3d4-5e6f-4a0b-9c8d-7e6f5a4b3c2d", "9f3c2a10-1111-4c1e-8a6b-000000000e01");
    private static final String QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/failed-members";
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
    void batchesHoldAtMostTenEntriesAndAtMost256KiB() {
        List<Letter> letters = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            letters.add(letter("m" + i, "x"));
        }
        letters.add(letter("big-1", "y".repeat(200_000)));
        letters.add(letter("big-2", "z".repeat(200_000)));

        SqsDeadLetters deadLetters = new SqsDeadLetters(sqs.client(), QUEUE_URL, 3,
                Duration.ofMillis(5), Duration.ZERO);
        List<List<QueueSends.Entry<Letter>>> batches =
                QueueSends.batches(letters.stream().map(deadLetters::entry).toList());

        assertThat(batches).extracting(List::size).containsExactly(10, 10, 4, 1);
        assertThat(batches.stream().flatMap(List::stream).map(QueueSends.Entry::item).toList())
                .isEqualTo(letters);
    }

    @Test
    void everyLetterArrivesWithItsErrorCodeAttribute() {
        DeadLetterQueue queue = new DeadLetterQueue(sqs, sqs.createQueue("failed-members"));
        SqsDeadLetters deadLetters = new SqsDeadLetters(sqs.client(), queue.url(), 3, Duration.ofMillis(5), Duration.ZERO);
        List<Letter> letters = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // Records as the function writes them: the queue reader holds every letter to the published schema.
            letters.add(Letter.ForMember.of(new ParsedMessage.Request(new RoomKey("acme", "eng"), List.of(), List.of()),
                    "eng-" + i, null, null, i % 2 == 0 ? "NotFound" : "Forbidden", "failed", "m" + i, Instant.EPOCH));
        }

        Sent<Letter> outcome = deadLetters.send(letters, Deadline.none());

        assertThat(outcome).isEqualTo(Sent.allSent());
        assertThat(queue.drain()).extracting(DeadLetterQueue.Letter::sourceMessageId, DeadLetterQueue.Letter::errorCodeAttribute)
                .containsExactlyInAnyOrderElementsOf(letters.stream()
                        .map(l -> org.assertj.core.groups.Tuple.tuple(l.sourceMessageId(), l.errorCode())).toList());
    }

    @Test
    void lettersForAMissingQueueComeBackUnsent() {
        SqsDeadLetters deadLetters = new SqsDeadLetters(
                sqs.client(), sqs.endpoint() + "/000000000000/no-such-queue", 2, Duration.ofMillis(5), Duration.ZERO);
        List<Letter> letters = List.of(letter("m1", "a"), letter("m2", "b"));

        Sent<Letter> outcome = deadLetters.send(letters, Deadline.none());

        assertThat(outcome).isEqualTo(new Sent<>(letters, List.of(
                new SendFailure(2, 1, "QueueDoesNotExist", "The specified queue does not exist."),
                new SendFailure(2, 2, "QueueDoesNotExist", "The specified queue does not exist."))));
    }

    @Test
    void aSlowQueueIsGivenUpBeforeTheDeadlineAndItsLettersComeBackUnsent() {
        try (SqsFaultProxy proxy = SqsFaultProxy.start(sqs.endpoint());
             SqsClient throughProxy = TestClients.sqs(proxy.endpoint())) {
            proxy.delaySends(Duration.ofSeconds(60));
            SqsDeadLetters deadLetters = new SqsDeadLetters(throughProxy, sqs.createQueue("failed-members"), 3,
                    Duration.ofMillis(5), Duration.ofMillis(250));
            List<Letter> letters = List.of(letter("m1", "a"), letter("m2", "b"));
            Deadline deadline = deadlineIn(1_500);

            Sent<Letter> outcome = deadLetters.send(letters, deadline);

            // The call is cut short at the time left but the reserve; no time is left for a retry.
            assertThat(deadline.remainingMillis()).isPositive();
            assertThat(outcome.unsent()).isEqualTo(letters);
            assertThat(outcome.failures()).extracting(SendFailure::messages, SendFailure::attempt, SendFailure::errorCode)
                    .containsExactly(tuple(2, 1, "ApiCallTimeoutException"), tuple(2, 2, "NoTimeLeft"));
            assertThat(outcome.failures().get(0).message())
                    .startsWith("Client execution did not complete before the specified timeout configuration");
            assertThat(outcome.failures().get(1).message())
                    .isEqualTo("less than 20 ms of the invocation's time left for a call");
        }
    }

    @Test
    void noRetryStartsWhoseDelayWouldLeaveItNoTimeBeforeTheDeadline() {
        try (SqsFaultProxy proxy = SqsFaultProxy.start(sqs.endpoint());
             SqsClient throughProxy = TestClients.sqs(proxy.endpoint())) {
            proxy.refuseSends(100);
            SqsDeadLetters deadLetters = new SqsDeadLetters(throughProxy, sqs.createQueue("failed-members"), 3,
                    Duration.ofSeconds(2), Duration.ZERO);
            List<Letter> letters = List.of(letter("m1", "a"));
            Deadline deadline = deadlineIn(1_500);

            Sent<Letter> outcome = deadLetters.send(letters, deadline);

            // One call, made three times by the client; the 2 s pause before another would outlast the invocation.
            assertThat(outcome).isEqualTo(new Sent<>(letters, List.of(
                    new SendFailure(1, 1, "InternalError", "refused by the test"),
                    new SendFailure(1, 2, "NoTimeLeft", "less than 20 ms of the invocation's time left for a call"))));
            assertThat(proxy.refused()).isEqualTo(3);
            assertThat(deadline.remainingMillis()).isPositive();
        }
    }

    @Test
    void eachCallMayTakeTheTimeLeftButTheReserveAndNoneStartsWithTooLittle() {
        ScriptedSqs scripted = new ScriptedSqs();
        SqsDeadLetters deadLetters =
                new SqsDeadLetters(scripted, QUEUE_URL, 3, Duration.ZERO, Duration.ofMillis(1_000));
        Letter letter = letter("m1", "a");

        List<Sent<Letter>> outcomes = List.of(deadLetters.send(List.of(letter), () -> 10_000),
                deadLetters.send(List.of(letter), Deadline.none()), deadLetters.send(List.of(letter), () -> 1_019));

        assertThat(outcomes).containsExactly(Sent.allSent(), Sent.allSent(),
                new Sent<>(List.of(letter), List.of(new SendFailure(1, 1, "NoTimeLeft",
                        "less than 20 ms of the invocation's time left for a call"))));
        assertThat(scripted.requests).extracting(request -> request.overrideConfiguration()
                        .flatMap(AwsRequestOverrideConfiguration::apiCallTimeout))
                .containsExactly(Optional.of(Duration.ofMillis(9_000)), Optional.of(SqsDeadLetters.MAX_CALL_TIME));
    }

    @Test
    void aRetrySendsAgainOnlyTheEntriesSqsFailedOnItsSideOrDidNotMention() {
        Letter sent = letter("m1", "a");
        Letter failed = letter("m2", "b");
        Letter unmentioned = letter("m3", "c");
        Letter refused = letter("m4", "d");
        ScriptedSqs scripted = new ScriptedSqs(entries -> SendMessageBatchResponse.builder()
                .successful(sentEntry(entries.get(0)))
                .failed(BatchResultErrorEntry.builder().id(entries.get(1).id()).code("InternalError")
                                .message("try again").senderFault(false).build(),
                        BatchResultErrorEntry.builder().id(entries.get(3).id()).code("InvalidParameterValue")
                                .message("not this one").senderFault(true).build())
                .build());
        SqsDeadLetters deadLetters = new SqsDeadLetters(scripted, QUEUE_URL, 3, Duration.ZERO, Duration.ZERO);

        Sent<Letter> outcome = deadLetters.send(List.of(sent, failed, unmentioned, refused), Deadline.none());

        assertThat(outcome).isEqualTo(new Sent<>(List.of(refused), List.of(
                new SendFailure(1, 1, "InternalError", "try again"),
                new SendFailure(1, 1, "Unanswered", "SendMessageBatch's answer did not mention the entry"),
                new SendFailure(1, 1, "InvalidParameterValue", "not this one"))));
        assertThat(scripted.requests).extracting(request -> request.entries().stream()
                        .map(SendMessageBatchRequestEntry::messageBody).toList())
                .containsExactly(List.of(body(sent), body(failed), body(unmentioned), body(refused)),
                        List.of(body(failed), body(unmentioned)));
    }

    @Test
    void aFifoQueueGetsOneMembersLettersInOneGroupInTheOrderSentAndOtherMembersInOthers() {
        String url = fifoQueue();
        SqsDeadLetters deadLetters = new SqsDeadLetters(sqs.client(), url, 3, Duration.ofMillis(5), Duration.ZERO);
        Letter added = roomLetter("m1", "eng-001", Action.ADD);
        Letter removed = roomLetter("m2", "eng-001", Action.REMOVE);
        Letter otherMember = roomLetter("m3", "eng-002", Action.ADD);
        Letter channelMember = Letter.ForMember.of(
                new ParsedMessage.Request(ChannelKey.of(CHANNEL).orElseThrow(), List.of(), List.of()),
                CHANNEL.replace("/channel/general", "/user/eng-001"), "Member", "DEFAULT", "NotFound", null, "m4",
                Instant.EPOCH);
        Letter unreadable = new Letter.ForUnreadableMessage("body is not valid JSON", "m5", "not json", Instant.EPOCH);

        Sent<Letter> outcome =
                deadLetters.send(List.of(added, otherMember, removed, channelMember, unreadable), Deadline.none());

        assertThat(outcome).isEqualTo(Sent.allSent());
        List<Message> received = sqs.drain(url);
        assertThat(received).extracting(Message::body)
                .containsExactlyInAnyOrder(body(added), body(removed), body(otherMember), body(channelMember),
                        body(unreadable));
        Map<String, String> groups = new HashMap<>();
        received.forEach(message -> groups.put(message.body(), group(message)));
        assertThat(groups.get(body(removed))).isEqualTo(groups.get(body(added))).matches("[0-9a-f]{64}");
        assertThat(Set.copyOf(groups.values())).hasSize(4);
        assertThat(received.stream().filter(message -> group(message).equals(groups.get(body(added))))
                .map(Message::body).toList()).containsExactly(body(added), body(removed));
        assertThat(received).allSatisfy(message -> assertThat(message.attributes()
                .get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).isEqualTo(sha256(message.body())));
    }

    @Test
    void aLetterSentTwiceToAFifoQueueArrivesOnce() {
        String url = fifoQueue();
        SqsDeadLetters deadLetters = new SqsDeadLetters(sqs.client(), url, 3, Duration.ofMillis(5), Duration.ZERO);
        Letter letter = roomLetter("m1", "eng-001", Action.ADD);

        deadLetters.send(List.of(letter), Deadline.none());
        deadLetters.send(List.of(letter), Deadline.none());

        assertThat(sqs.drain(url)).extracting(Message::body).containsExactly(body(letter));
    }

    @Test
    void aMembersKeyIsItsRoomOrChannelAndItsIdAndALegacyLetterRoutedToAChannelKeepsItsRoom() {
        RoomKey room = new RoomKey("acme", "eng");
        String memberArn = CHANNEL.replace("/channel/general", "/user/contractor-904");
        Letter routed = new Letter.ForMember(ChannelKey.of(CHANNEL).orElseThrow(), Optional.of(room), memberArn,
                "contractor-904", "Member", null, Action.ADD, "NotFound", null, "m1", Instant.EPOCH);
        Letter sameMemberAnotherTime = Letter.ForMember.of(
                new ParsedMessage.Request(room, List.of(), List.of(), Action.REMOVE), "contractor-904", null, null,
                "Forbidden", null, "m2", Instant.EPOCH);
        Letter channelMember = Letter.ForMember.of(
                new ParsedMessage.Request(ChannelKey.of(CHANNEL).orElseThrow(), List.of(), List.of()), memberArn,
                null, "DEFAULT", "NotFound", null, "m3", Instant.EPOCH);

        assertThat(FifoLetterIds.memberKey(routed)).isEqualTo("AccountId=acme\nRoomId=eng\nMemberId=contractor-904");
        assertThat(FifoLetterIds.groupId(sameMemberAnotherTime)).isEqualTo(FifoLetterIds.groupId(routed));
        assertThat(FifoLetterIds.memberKey(channelMember)).isEqualTo("ChannelArn=" + CHANNEL + "\nMemberArn=" + memberArn);
        assertThat(FifoLetterIds.memberKey(new Letter.ForUnreadableMessage("not an object", "m4", "[not an object",
                Instant.EPOCH))).isEqualTo("message\nm4");
    }

    /** A FIFO queue without content-based deduplication: a send without a deduplication id is refused. */
    private static String fifoQueue() {
        String name = "failed-members-" + UUID.randomUUID().toString().substring(0, 8) + ".fifo";
        return sqs.client().createQueue(request -> request.queueName(name)
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
    }

    private static Letter roomLetter(String source, String memberId, Action action) {
        return Letter.ForMember.of(new ParsedMessage.Request(ROOM, List.of(), List.of(), action), memberId, "Member",
                null, "NotFound", null, source, Instant.EPOCH);
    }

    private static String body(Letter letter) {
        return LetterJson.body(letter);
    }

    private static String group(Message message) {
        return message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A deadline that really passes: this many milliseconds from now. */
    private static Deadline deadlineIn(long millis) {
        long end = System.currentTimeMillis() + millis;
        return () -> end - System.currentTimeMillis();
    }

    private static SendMessageBatchResultEntry sentEntry(SendMessageBatchRequestEntry entry) {
        return SendMessageBatchResultEntry.builder().id(entry.id()).messageId("sent-" + entry.id()).build();
    }

    /** Answers each SendMessageBatch with its next scripted answer, then with every entry sent; keeps every request. */
    private static final class ScriptedSqs implements SqsClient {
        final List<SendMessageBatchRequest> requests = new ArrayList<>();
        private final Deque<Function<List<SendMessageBatchRequestEntry>, SendMessageBatchResponse>> answers;

        @SafeVarargs
        ScriptedSqs(Function<List<SendMessageBatchRequestEntry>, SendMessageBatchResponse>... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
            requests.add(request);
            if (!answers.isEmpty()) {
                return answers.poll().apply(request.entries());
            }
            return SendMessageBatchResponse.builder()
                    .successful(request.entries().stream().map(SqsDeadLettersTest::sentEntry).toList()).build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }

    private static Letter letter(String source, String payload) {
        return new Letter.ForUnreadableMessage("body is not valid JSON", source, payload, Instant.EPOCH);
    }
}

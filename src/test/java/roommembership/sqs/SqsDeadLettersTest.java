package roommembership.sqs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import roommembership.pipeline.settle.DeadLetter;
import roommembership.pipeline.settle.DeadLetterFormat;
import roommembership.target.RoomKey;
import roommembership.testing.DeadLetterQueue;
import roommembership.testing.EmbeddedSqs;

import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SqsDeadLettersTest {
    private static final String CHANNEL = "arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0001/channel/general";
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
        List<DeadLetter> letters = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            letters.add(letter("m" + i, "x"));
        }
        letters.add(letter("big-1", "y".repeat(200_000)));
        letters.add(letter("big-2", "z".repeat(200_000)));

        List<List<DeadLetter>> batches = SqsDeadLetters.batches(letters);

        assertThat(batches).extracting(List::size).containsExactly(10, 10, 4, 1);
        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(letters);
    }

    @Test
    void everyLetterArrivesWithItsErrorCodeAttribute() {
        DeadLetterQueue queue = new DeadLetterQueue(sqs, sqs.createQueue("failed-members"));
        SqsDeadLetters deadLetters = new SqsDeadLetters(sqs.client(), queue.url(), 3, Duration.ofMillis(5));
        List<DeadLetter> letters = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // Records as the function writes them: the queue reader holds every letter to the published schema.
            letters.add(DeadLetterFormat.forMember(new RoomKey("acme", "eng"), "eng-" + i, null,
                    i % 2 == 0 ? "NotFound" : "Forbidden", "failed", "m" + i, Instant.EPOCH));
        }

        List<DeadLetter> unsent = deadLetters.send(letters);

        assertThat(unsent).isEmpty();
        assertThat(queue.drain()).extracting(DeadLetterQueue.Letter::sourceMessageId, DeadLetterQueue.Letter::errorCodeAttribute)
                .containsExactlyInAnyOrderElementsOf(letters.stream()
                        .map(l -> org.assertj.core.groups.Tuple.tuple(l.sourceMessageId(), l.errorCode())).toList());
    }

    @Test
    void lettersForAMissingQueueComeBackUnsent() {
        SqsDeadLetters deadLetters = new SqsDeadLetters(
                sqs.client(), sqs.endpoint() + "/000000000000/no-such-queue", 2, Duration.ofMillis(5));
        List<DeadLetter> letters = List.of(letter("m1", "a"), letter("m2", "b"));

        assertThat(deadLetters.send(letters)).isEqualTo(letters);
    }

    @Test
    void aFifoQueueGetsOneMembersLettersInOneGroupInTheOrderSentAndOtherMembersInOthers() {
        String url = fifoQueue();
        SqsDeadLetters deadLetters = new SqsDeadLetters(sqs.client(), url, 3, Duration.ofMillis(5));
        DeadLetter added = roomLetter("m1", "eng-001", "");
        DeadLetter removed = roomLetter("m2", "eng-001", "\"Action\": \"Remove\", ");
        DeadLetter otherMember = roomLetter("m3", "eng-002", "");
        DeadLetter channelMember = new DeadLetter("m4", "NotFound", "{\"ChannelArn\": \"" + CHANNEL
                + "\", \"MemberArn\": \"" + CHANNEL.replace("/channel/general", "/user/eng-001")
                + "\", \"Type\": \"DEFAULT\", \"Role\": \"Member\", \"ErrorCode\": \"NotFound\", \"SourceMessageId\": \"m4\"}");
        DeadLetter unreadable = new DeadLetter("m5", "BadRequest",
                "{\"ErrorCode\": \"BadRequest\", \"SourceMessageId\": \"m5\", \"Body\": \"not json\"}");

        List<DeadLetter> unsent = deadLetters.send(List.of(added, otherMember, removed, channelMember, unreadable));

        assertThat(unsent).isEmpty();
        List<Message> received = sqs.drain(url);
        assertThat(received).extracting(Message::body)
                .containsExactlyInAnyOrder(added.body(), removed.body(), otherMember.body(), channelMember.body(),
                        unreadable.body());
        Map<String, String> groups = new HashMap<>();
        received.forEach(message -> groups.put(message.body(), group(message)));
        assertThat(groups.get(removed.body())).isEqualTo(groups.get(added.body())).matches("[0-9a-f]{64}");
        assertThat(Set.copyOf(groups.values())).hasSize(4);
        assertThat(received.stream().filter(message -> group(message).equals(groups.get(added.body())))
                .map(Message::body).toList()).containsExactly(added.body(), removed.body());
        assertThat(received).allSatisfy(message -> assertThat(message.attributes()
                .get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).isEqualTo(sha256(message.body())));
    }

    @Test
    void aLetterSentTwiceToAFifoQueueArrivesOnce() {
        String url = fifoQueue();
        SqsDeadLetters deadLetters = new SqsDeadLetters(sqs.client(), url, 3, Duration.ofMillis(5));
        DeadLetter letter = roomLetter("m1", "eng-001", "");

        deadLetters.send(List.of(letter));
        deadLetters.send(List.of(letter));

        assertThat(sqs.drain(url)).extracting(Message::body).containsExactly(letter.body());
    }

    @Test
    void aMembersKeyIsItsRoomOrChannelAndItsIdAndALegacyLetterRoutedToAChannelKeepsItsRoom() {
        DeadLetter routed = new DeadLetter("m1", "NotFound", "{\"AccountId\": \"acme\", \"RoomId\": \"eng\", "
                + "\"MembershipItemList\": [{\"Role\": \"Member\", \"MemberId\": \"contractor-904\"}], \"ChannelArn\": \""
                + CHANNEL + "\", \"MemberArn\": \"" + CHANNEL + "/user/contractor-904\", \"ErrorCode\": \"NotFound\"}");
        DeadLetter sameMemberAnotherTime = new DeadLetter("m2", "Forbidden", "{\"AccountId\": \"acme\", "
                + "\"RoomId\": \"eng\", \"MembershipItemList\": [{\"MemberId\": \"contractor-904\"}], \"Action\": \"Remove\"}");

        assertThat(FifoLetterIds.memberKey(routed)).isEqualTo("room\nacme\neng\ncontractor-904");
        assertThat(FifoLetterIds.groupId(sameMemberAnotherTime)).isEqualTo(FifoLetterIds.groupId(routed));
        assertThat(FifoLetterIds.memberKey(new DeadLetter("m3", "BadRequest", "[not an object"))).isEqualTo("message\nm3");
    }

    /** A FIFO queue without content-based deduplication: a send without a deduplication id is refused. */
    private static String fifoQueue() {
        String name = "failed-members-" + UUID.randomUUID().toString().substring(0, 8) + ".fifo";
        return sqs.client().createQueue(request -> request.queueName(name)
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
    }

    private static DeadLetter roomLetter(String source, String memberId, String action) {
        return new DeadLetter(source, "NotFound", "{\"AccountId\": \"a1b2c3d4-5e6f-4a0b-9c8d-7e6f5a4b3c2d\", "
                + "\"RoomId\": \"9f3c2a10-1111-4c1e-8a6b-000000000e01\", \"MembershipItemList\": [{\"MemberId\": \""
                + memberId + "\", \"Role\": \"Member\"}], " + action + "\"ErrorCode\": \"NotFound\", \"SourceMessageId\": \""
                + source + "\"}");
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

    private static DeadLetter letter(String source, String payload) {
        return new DeadLetter(source, "NotFound", "{\"p\":\"" + payload + "\"}");
    }
}

package roommembership.adapter;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import roommembership.domain.DeadLetter;
import roommembership.testing.DeadLetterQueue;
import roommembership.testing.EmbeddedSqs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SqsDeadLettersTest {
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
            letters.add(new DeadLetter("m" + i, i % 2 == 0 ? "NotFound" : "Forbidden",
                    "{\"ErrorCode\":\"" + (i % 2 == 0 ? "NotFound" : "Forbidden") + "\",\"SourceMessageId\":\"m" + i
                            + "\"}"));
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

    private static DeadLetter letter(String source, String payload) {
        return new DeadLetter(source, "NotFound", "{\"p\":\"" + payload + "\"}");
    }
}

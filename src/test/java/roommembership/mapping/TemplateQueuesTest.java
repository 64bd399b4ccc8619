package roommembership.mapping;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What SQS and Lambda require of the template's queues together, for {@code QueueType} Standard and Fifo: the
 * IsFifo condition must change every queue that has to be of the source queue's type, and nothing may be left
 * pointing at a name the other type gives.
 */
class TemplateQueuesTest {
    private static final List<String> QUEUES =
            List.of("SourceQueue", "RedriveQueue", "FailedMemberQueue", "FailedMemberHoldingQueue");
    /** A standard source queue's batches are dispatched to these, FIFO whatever the source queue's type. */
    private static final List<String> TARGET_QUEUES = List.of("TargetQueue", "TargetRedriveQueue");

    @ParameterizedTest(name = "fifo={0}")
    @ValueSource(booleans = {false, true})
    void theSourceQueueAndEveryQueueThatMustBeOfItsTypeAreFifoExactlyWhenQueueTypeIsFifo(boolean fifo) {
        TemplateQueues template = TemplateQueues.read(fifo);

        List<String> all = new ArrayList<>(QUEUES);
        if (!fifo) {
            all.addAll(TARGET_QUEUES);
        }
        assertThat(template.queues()).containsOnlyKeys(all);
        assertThat(QUEUES).allSatisfy(id -> assertThat(template.queue(id).fifo()).as(id).isEqualTo(fifo));
    }

    @Test
    void aStandardSourceQueueDispatchesToAFifoTargetQueueWhoseRedriveQueueCanMoveItsMessagesBack() {
        TemplateQueues template = TemplateQueues.read(false);

        // Only a FIFO queue's message groups give one invocation a target alone.
        assertThat(TARGET_QUEUES).allSatisfy(id -> assertThat(template.queue(id).fifo()).as(id).isTrue());
        assertThat(template.queue("TargetQueue").deadLetterQueue()).contains("TargetRedriveQueue");
        assertThat(template.queue("TargetRedriveQueue").allowedSources())
                .containsExactly(template.queue("TargetQueue").name().orElseThrow());
        TemplateSettings.Target target = TemplateSettings.Target.read();
        TemplateSettings source = TemplateSettings.read(false);
        assertThat(target.batchSize()).isLessThanOrEqualTo(10);
        assertThat(target.visibilityTimeoutSeconds()).isEqualTo(source.visibilityTimeoutSeconds());
        assertThat(target.maxReceiveCount()).isGreaterThan(source.functionMaxReceiveCount());
    }

    @ParameterizedTest(name = "fifo={0}")
    @ValueSource(booleans = {false, true})
    void aFifoQueueIsNamedWithTheFifoSuffixAndAStandardOneIsNot(boolean fifo) {
        TemplateQueues template = TemplateQueues.read(fifo);

        assertThat(template.queues().values()).allSatisfy(queue -> {
            if (queue.fifo()) {
                // CloudFormation is not left to make up a FIFO queue's name.
                assertThat(queue.name()).as(queue.logicalId()).hasValueSatisfying(name -> assertThat(name).endsWith(".fifo"));
            } else {
                assertThat(queue.name().filter(name -> name.endsWith(".fifo"))).as(queue.logicalId()).isEmpty();
            }
        });
    }

    @ParameterizedTest(name = "fifo={0}")
    @ValueSource(booleans = {false, true})
    void aQueueAndItsDeadLetterQueueAreOfOneType(boolean fifo) {
        TemplateQueues template = TemplateQueues.read(fifo);

        assertThat(template.queue("SourceQueue").deadLetterQueue()).contains("RedriveQueue");
        assertThat(template.queue("FailedMemberHoldingQueue").deadLetterQueue()).contains("FailedMemberQueue");
        assertThat(template.queues().values()).allSatisfy(queue -> queue.deadLetterQueue().ifPresent(target ->
                assertThat(template.queue(target).fifo()).as(queue.logicalId() + " -> " + target)
                        .isEqualTo(queue.fifo())));
    }

    @ParameterizedTest(name = "fifo={0}")
    @ValueSource(booleans = {false, true})
    void everyRedriveAllowPolicyNamesExactlyTheQueuesThatUseItAsTheirDeadLetterQueue(boolean fifo) {
        TemplateQueues template = TemplateQueues.read(fifo);

        for (String dlq : fifo ? List.of("RedriveQueue", "FailedMemberQueue")
                : List.of("RedriveQueue", "FailedMemberQueue", "TargetRedriveQueue")) {
            List<Optional<String>> users = template.sourcesOf(dlq).stream().map(TemplateQueues.Queue::name).toList();
            assertThat(users).as(dlq).isNotEmpty().allSatisfy(name -> assertThat(name).isPresent());
            assertThat(template.queue(dlq).allowedSources()).as(dlq)
                    .containsExactlyInAnyOrderElementsOf(users.stream().map(Optional::orElseThrow).toList());
        }
    }

    @ParameterizedTest(name = "fifo={0}")
    @ValueSource(booleans = {false, true})
    void lettersCanBeMovedBackBecauseTheFailedMemberQueueIsOfTheSourceQueuesType(boolean fifo) {
        TemplateQueues template = TemplateQueues.read(fifo);

        // A message-move task moves only between queues of one type; the runbook moves letters to the source queue.
        assertThat(template.queue("FailedMemberQueue").fifo()).isEqualTo(template.queue("SourceQueue").fifo());
    }

    @ParameterizedTest(name = "fifo={0}")
    @ValueSource(booleans = {false, true})
    void theEventSourceTakesWhatLambdaAllowsFromTheQueueType(boolean fifo) {
        TemplateSettings settings = TemplateSettings.read(fifo);

        if (fifo) {
            assertThat(settings.batchSize()).isLessThanOrEqualTo(10);
            assertThat(settings.batchingWindowSeconds()).isZero();
        } else {
            assertThat(settings.batchSize()).isEqualTo(100);
            assertThat(settings.batchingWindowSeconds()).isEqualTo(5);
        }
        assertThat(settings.maxReceiveCount()).isGreaterThan(settings.functionMaxReceiveCount());
        assertThat(settings.visibilityTimeoutSeconds()).isGreaterThanOrEqualTo(6 * settings.functionTimeoutSeconds());
    }
}

package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import roommembership.emulator.ChannelsApi.ChannelCall;
import roommembership.testing.DeadLetterQueue.Letter;
import roommembership.testing.Directory;
import roommembership.testing.SqsEvents;
import roommembership.testing.TestContext;
import roommembership.wiring.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static roommembership.handler.FunctionUnderTest.failedIds;
import static roommembership.testing.Directory.GENERAL;
import static roommembership.testing.Directory.user;

/**
 * A deployment with a target queue: a batch from the source queue is dispatched, each target's requests to a message
 * group of their own, and the batches the target queue gives carry them out. Whatever way a batch goes, it ends the
 * same: the same members in the same channels with the same roles, the same letters.
 */
class DispatchHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final FunctionUnderTest function = FunctionUnderTest.forRoomsAndChannels();

    @ParameterizedTest
    @ValueSource(strings = {"events/channel-batch.json", "events/legacy-routed-batch.json", "events/leavers.json",
            "events/role-changes.json", "events/malformed-records.json"})
    void aBatchDispatchedThenCarriedOutEndsAsTheSameBatchCarriedOutWhereItArrived(String file) {
        SQSEvent event = EventLoader.loadSQSEvent(file);
        function.redeployWith(Directory.routedToChannels());
        SQSBatchResponse direct = function.handle(event);
        Map<String, Object> expected = channelsTouched();
        List<JsonNode> expectedLetters = letters(function.deadLetters().drain());

        function.reset();
        String targetQueue = deployedWithATargetQueue();
        SQSBatchResponse dispatched = function.handle(event);

        assertThat(failedIds(dispatched)).isEqualTo(failedIds(direct)).isEmpty();
        // Dispatching calls nothing: the letters sent now are those of bad input, read before any call.
        assertThat(function.channels().calls()).isEmpty();
        assertThat(function.chime().calls()).isEmpty();
        List<JsonNode> intakeLetters = letters(function.deadLetters().drain());
        assertThat(intakeLetters).allSatisfy(letter -> assertThat(letter.path("ErrorCode").asText())
                .isEqualTo("BadRequest"));
        Object dispatchedMembers = summary(function.context()).get("dispatched");

        List<SQSEvent> batches = function.takeBatches(targetQueue);
        // Every member the summary counts is on the target queue, once.
        assertThat(batches.stream().flatMap(batch -> batch.getRecords().stream())
                .mapToInt(DispatchHandlerTest::membersIn).sum()).isEqualTo(dispatchedMembers);
        List<JsonNode> workLetters = new ArrayList<>(intakeLetters);
        for (SQSEvent batch : batches) {
            assertThat(batch.getRecords()).hasSizeLessThanOrEqualTo(10);
            assertThat(failedIds(function.handle(batch))).isEmpty();
            // What came from the target queue is carried out, never dispatched again.
            assertThat(summary(function.context()).get("dispatched")).isEqualTo(0);
        }
        workLetters.addAll(letters(function.deadLetters().drain()));
        assertThat(function.takeBatches(targetQueue)).isEmpty();

        assertThat(channelsTouched()).isEqualTo(expected);
        assertThat(new TreeSet<>(workLetters.stream().map(JsonNode::toString).toList()))
                .isEqualTo(new TreeSet<>(expectedLetters.stream().map(JsonNode::toString).toList()));
    }

    @Test
    void eachTargetIsOneMessageGroupAndItsRequestsKeepTheirForm() throws IOException {
        String targetQueue = deployedWithATargetQueue();

        SQSBatchResponse response = function.handle(EventLoader.loadSQSEvent("events/channel-batch.json"));

        assertThat(response.getBatchItemFailures()).isEmpty();
        Map<String, Set<String>> channelsPerGroup = new TreeMap<>();
        List<JsonNode> bodies = new ArrayList<>();
        for (SQSEvent batch : function.takeBatches(targetQueue)) {
            for (SQSEvent.SQSMessage message : batch.getRecords()) {
                JsonNode body = JSON.readTree(message.getBody());
                bodies.add(body);
                channelsPerGroup.computeIfAbsent(message.getAttributes().get("MessageGroupId"), g -> new TreeSet<>())
                        .add(body.path("ChannelArn").asText());
            }
        }
        // Four channels, four groups, one channel each.
        assertThat(channelsPerGroup).hasSize(4).allSatisfy((group, channels) -> assertThat(channels).hasSize(1));
        // Form 3, whole lists of ARNs, one message per Type and Role: new-joiners' 152 members over three records
        // travel in as few messages as their roles allow.
        assertThat(bodies).allSatisfy(body -> assertThat(body.has("MemberArns")).isTrue());
        assertThat(bodies.stream().mapToInt(body -> body.path("MemberArns").size()).sum())
                .isEqualTo(summary(function.context()).get("dispatched"));
        List<JsonNode> newJoiners = bodies.stream()
                .filter(body -> body.path("ChannelArn").asText().equals(Directory.NEW_JOINERS)).toList();
        assertThat(newJoiners.stream().mapToInt(body -> body.path("MemberArns").size()).sum()).isEqualTo(152);
        assertThat(newJoiners.stream().map(body -> body.path("Type").asText() + "/" + body.path("Role").asText()))
                .doesNotHaveDuplicates();
    }

    @Test
    void aLegacyRequestRoutedToAChannelIsDispatchedInItsLegacyFormToTheChannelsGroup() throws IOException {
        String targetQueue = deployedWithATargetQueue();
        String room = Directory.ENGINEERING;
        SQSEvent event = SqsEvents.batch()
                .record(SqsEvents.members(Directory.ACME, room, List.of("eng-126", "eng-127")))
                .record(SqsEvents.member(Directory.ACME, room, "eng-128", "Administrator"))
                .build();

        assertThat(function.handle(event).getBatchItemFailures()).isEmpty();

        List<SQSEvent> batches = function.takeBatches(targetQueue);
        assertThat(batches).singleElement().satisfies(batch -> assertThat(batch.getRecords()).singleElement()
                .satisfies(message -> assertThat(JSON.readTree(message.getBody())).isEqualTo(JSON.readTree("""
                        {"AccountId": "%s", "RoomId": "%s", "MembershipItemList": [
                         {"MemberId": "eng-126", "Role": "Member"}, {"MemberId": "eng-127", "Role": "Member"},
                         {"MemberId": "eng-128", "Role": "Administrator"}]}""".formatted(Directory.ACME, room)))));
        assertThat(function.handle(batches.get(0)).getBatchItemFailures()).isEmpty();
        assertThat(function.deadLetters().drain()).isEmpty();
        assertThat(function.channels().members(Directory.channel(room)))
                .containsKeys(user("eng-126"), user("eng-127"), user("eng-128"));
        assertThat(function.channels().moderators(Directory.channel(room))).contains(user("eng-128"));
    }

    @Test
    void aTargetQueueThatDoesNotTakeTheRequestsHandsEveryRecordBackAndSaysWhy() {
        deployedWith(function.newTargetQueue().replace("targets-", "gone-"));
        SqsEvents batch = SqsEvents.batch()
                .record("{\"ChannelArn\": \"" + GENERAL + "\", \"MemberArn\": \"" + user("eng-301") + "\"}")
                .record("{\"ChannelArn\": \"" + GENERAL + "\", \"MemberArn\": \"" + user("eng-302") + "\"}")
                .record("not json");

        SQSBatchResponse response = function.handle(batch.build());

        // The requests go back to SQS; the unreadable record is settled by its letter.
        assertThat(failedIds(response)).containsExactly(batch.idOf(0), batch.idOf(1));
        assertThat(function.deadLetters().drain()).extracting(Letter::errorCode).containsExactly("BadRequest");
        assertThat(function.channels().calls()).isEmpty();
        assertThat(function.context().logLines()).anySatisfy(line -> {
            JsonNode json = JSON.readTree(line);
            assertThat(json.path("message").asText()).isEqualTo("target-queue send failed");
            assertThat(json.path("level").asText()).isEqualTo("WARN");
            assertThat(json.path("errorCode").asText()).isEqualTo("QueueDoesNotExist");
        });
        assertThat(summary(function.context())).containsEntry("dispatched", 0).containsEntry("recordsRetried", 2);
    }

    /** A new target queue, and the function deployed with it (legacy requests routed to channels): its URL. */
    private static String deployedWithATargetQueue() {
        String targetQueue = function.newTargetQueue();
        deployedWith(targetQueue);
        return targetQueue;
    }

    private static void deployedWith(String targetQueueUrl) {
        Map<String, String> dispatching = new HashMap<>(Directory.routedToChannels());
        dispatching.put(Configuration.TARGET_QUEUE_URL, targetQueueUrl);
        function.redeployWith(dispatching);
    }

    private static int membersIn(SQSEvent.SQSMessage message) {
        try {
            JsonNode body = JSON.readTree(message.getBody());
            return body.path("MemberArns").size() + body.path("MembershipItemList").size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every channel a call named: its members with their types, and its moderators. */
    private static Map<String, Object> channelsTouched() {
        Set<String> channels = new TreeSet<>();
        for (ChannelCall call : function.channels().calls()) {
            channels.add(call.channelArn());
        }
        Map<String, Object> state = new TreeMap<>();
        for (String channel : channels) {
            state.put(channel, List.of(new TreeMap<>(function.channels().members(channel)),
                    new TreeSet<>(function.channels().moderators(channel))));
        }
        return state;
    }

    /** The letters as an operator compares them: all but when they were written and the message they came in. */
    private static List<JsonNode> letters(List<Letter> letters) {
        List<JsonNode> bodies = new ArrayList<>();
        for (Letter letter : letters) {
            ObjectNode body = (ObjectNode) letter.bodyBesidesFailedAt();
            body.remove("SourceMessageId");
            bodies.add(body);
        }
        return bodies;
    }

    private static Map<String, Object> summary(TestContext context) {
        try {
            for (int i = context.logLines().size() - 1; i >= 0; i--) {
                JsonNode line = JSON.readTree(context.logLines().get(i));
                if (line.path("message").asText().equals("invocation summary")) {
                    Map<String, Object> figures = new HashMap<>();
                    line.fields().forEachRemaining(field -> {
                        if (field.getValue().isInt()) {
                            figures.put(field.getKey(), field.getValue().asInt());
                        }
                    });
                    return figures;
                }
            }
            throw new AssertionError("no summary line");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package roommembership.handler;

import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChimeEmulator;
import roommembership.testing.SqsEvents;
import roommembership.testing.TestContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static roommembership.testing.Directory.channel;
import static roommembership.testing.Directory.user;

/**
 * The function's IAM policy in {@code template.yaml} allows exactly the Chime operations the function calls: every
 * one it calls, reads included, and nothing it does not. The calls are those of a run over every sample event and the
 * paths that only a fault or a refusal reaches, through the real clients against the emulator.
 */
class PolicyMatchesCallsTest {
    /** Every Chime operation the emulators serve. */
    private static final List<String> ROOM_OPERATIONS = List.of(ChimeEmulator.BATCH_CREATE_ROOM_MEMBERSHIP,
            ChimeEmulator.LIST_ROOM_MEMBERSHIPS, ChimeEmulator.UPDATE_ROOM_MEMBERSHIP,
            ChimeEmulator.DELETE_ROOM_MEMBERSHIP);
    private static final List<String> CHANNEL_OPERATIONS = List.of(ChannelsApi.BATCH_CREATE_CHANNEL_MEMBERSHIP,
            ChannelsApi.LIST_CHANNEL_MEMBERSHIPS, ChannelsApi.CREATE_CHANNEL_MODERATOR,
            ChannelsApi.LIST_CHANNEL_MODERATORS, ChannelsApi.DELETE_CHANNEL_MEMBERSHIP,
            ChannelsApi.DELETE_CHANNEL_MODERATOR);
    private static final Pattern CHIME_ACTION = Pattern.compile("- chime:([A-Za-z]+)");

    @RegisterExtension
    static final FunctionUnderTest function = FunctionUnderTest.forRoomsAndChannels().with("MAX_RECEIVE_COUNT", "2");

    @Test
    void theTemplatesChimeActionsAreExactlyTheOperationsTheFunctionCalls() throws IOException {
        for (String event : List.of("hr-batch", "channel-batch", "mixed-batch", "leavers", "role-changes")) {
            function.handle(EventLoader.loadSQSEvent("events/" + event + ".json"), TestContext.withMinutesLeft(1));
        }
        // A channel read only follows a refused removal, or an unanswered add on its last receive.
        function.handle(SqsEvents.batch().record("{\"Action\":\"Remove\",\"ChannelArn\":\""
                + channel("no-such-channel") + "\",\"MemberArn\":\"" + user("eng-001") + "\"}").build(),
                TestContext.withMinutesLeft(1));

        Set<String> called = new TreeSet<>();
        ROOM_OPERATIONS.stream().filter(operation -> !function.chime().calls(operation).isEmpty()).forEach(called::add);
        CHANNEL_OPERATIONS.stream().filter(operation -> !function.channels().calls(operation).isEmpty())
                .forEach(called::add);

        assertThat(policyActions()).isEqualTo(called);
        assertThat(called).hasSize(ROOM_OPERATIONS.size() + CHANNEL_OPERATIONS.size());
    }

    /** The chime: actions of the function's role: its resource, up to the next line at resource indentation. */
    private static Set<String> policyActions() throws IOException {
        String template = Files.readString(Path.of(System.getProperty("basedir", ".")).resolve("template.yaml"));
        Matcher role = Pattern.compile("(?ms)^  RoomMembershipFunctionRole:\\n(.*?)^  \\S").matcher(template);
        assertThat(role.find()).as("template.yaml has a RoomMembershipFunctionRole resource").isTrue();
        String policies = role.group(1);
        Set<String> actions = new TreeSet<>();
        Matcher action = CHIME_ACTION.matcher(policies);
        while (action.find()) {
            actions.add(action.group(1));
        }
        return actions;
    }
}

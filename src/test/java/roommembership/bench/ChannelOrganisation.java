package roommembership.bench;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import roommembership.emulator.ChannelsApi;
import roommembership.emulator.ChimeEmulator;
import roommembership.testing.SqsEvents;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A benchmark's Chime SDK messaging organisation: one AppInstance, the user the function calls as, and channels of
 * two sizes taking turns ({@code smallerChannel} members, then {@code largerChannel}), with the SQS event that asks
 * for all of it.
 */
record ChannelOrganisation(int channels, int smallerChannel, int largerChannel, int membersPerRecord)
        implements Workload {
    static final String APP_INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/bench";
    static final String BEARER = APP_INSTANCE + "/user/bench-sync";
    private static final int MEMBERS_PER_CALL = 100;

    @Override
    public String conversationKind() {
        return "channels";
    }

    @Override
    public int conversations() {
        return channels;
    }

    @Override
    public int requests() {
        int total = 0;
        for (int channel = 0; channel < channels; channel++) {
            total += size(channel);
        }
        return total;
    }

    @Override
    public int membersPerCall() {
        return MEMBERS_PER_CALL;
    }

    @Override
    public int expectedCalls() {
        int calls = 0;
        for (int channel = 0; channel < channels; channel++) {
            calls += (size(channel) + MEMBERS_PER_CALL - 1) / MEMBERS_PER_CALL;
        }
        return calls;
    }

    @Override
    public int callsMade(ChimeEmulator chime) {
        return chime.channels().calls().size();
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("CHIME_BEARER_ARN", BEARER, "CHIME_MESSAGING_REGION", "us-east-1");
    }

    @Override
    public void seed(ChimeEmulator chime) {
        chime.reset();
        ChannelsApi api = chime.channels();
        api.appInstance(APP_INSTANCE).user(BEARER);
        for (int channel = 0; channel < channels; channel++) {
            api.channel(channelArn(channel));
            for (int member = 0; member < size(channel); member++) {
                api.user(memberArn(channel, member));
            }
        }
    }

    /** Records of {@code membersPerRecord} members each, channel after channel. */
    @Override
    public SQSEvent event() {
        SqsEvents batch = SqsEvents.batch();
        for (int channel = 0; channel < channels; channel++) {
            for (int from = 0; from < size(channel); from += membersPerRecord) {
                List<String> arns = new ArrayList<>();
                for (int member = from; member < Math.min(from + membersPerRecord, size(channel)); member++) {
                    arns.add("\"" + memberArn(channel, member) + "\"");
                }
                batch.record("{\"ChannelArn\":\"" + channelArn(channel) + "\",\"MemberArns\":["
                        + String.join(",", arns) + "]}");
            }
        }
        return batch.build();
    }

    private int size(int channel) {
        return channel % 2 == 0 ? smallerChannel : largerChannel;
    }

    private static String channelArn(int channel) {
        return APP_INSTANCE + "/channel/channel-" + channel;
    }

    private static String memberArn(int channel, int member) {
        return APP_INSTANCE + "/user/user-" + channel + "-" + member;
    }
}

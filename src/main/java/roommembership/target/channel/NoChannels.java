package roommembership.target.channel;

import roommembership.model.Membership;
import roommembership.model.Role;
import roommembership.target.CallResult;
import roommembership.target.ChannelKey;
import roommembership.target.Memberships;
import roommembership.target.Roster;

import java.time.Duration;
import java.util.List;

/** The channels of a deployment without a bearer: its channel requests are refused before they get here. */
final class NoChannels implements Memberships<ChannelKey> {
    @Override
    public CallResult addMembers(ChannelKey channel, List<Membership> members, Duration timeLimit) {
        throw unserved();
    }

    @Override
    public Roster members(ChannelKey channel, Duration timeLimit) {
        throw unserved();
    }

    @Override
    public CallResult removeMember(ChannelKey channel, String memberId, Duration timeLimit) {
        throw unserved();
    }

    @Override
    public CallResult setRole(ChannelKey channel, String memberId, Role role, Duration timeLimit) {
        throw unserved();
    }

    @Override
    public Roster administrators(ChannelKey channel, Duration timeLimit) {
        throw unserved();
    }

    private static IllegalStateException unserved() {
        return new IllegalStateException("CHIME_BEARER_ARN is not set: no channel is served");
    }
}

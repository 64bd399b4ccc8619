package roommembership.target;

import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The memberships of every kind of target as one port: each call goes to the API of its target's kind. This is the
 * plug-in point: a new kind of target is one more API here, in the one switch below.
 */
public final class Targets implements Memberships<Target> {
    private final Memberships<RoomKey> rooms;
    private final Memberships<ChannelKey> channels;

    public Targets(Memberships<RoomKey> rooms, Memberships<ChannelKey> channels) {
        this.rooms = Objects.requireNonNull(rooms, "rooms");
        this.channels = Objects.requireNonNull(channels, "channels");
    }

    /** The API of the target's kind. The cast holds: each kind is exactly one key class (see {@link Target#kind}). */
    @SuppressWarnings("unchecked")
    private Memberships<Target> api(Target target) {
        Memberships<? extends Target> api = switch (target.kind()) {
            case ROOM -> rooms;
            case CHANNEL -> channels;
        };
        return (Memberships<Target>) api;
    }

    @Override
    public CallResult addMembers(Target target, List<Membership> members, Duration timeLimit) {
        return api(target).addMembers(target, members, timeLimit);
    }

    @Override
    public CallResult removeMember(Target target, String memberId, Duration timeLimit) {
        return api(target).removeMember(target, memberId, timeLimit);
    }

    @Override
    public CallResult setRole(Target target, String memberId, Role role, Duration timeLimit) {
        return api(target).setRole(target, memberId, role, timeLimit);
    }

    @Override
    public Roster members(Target target, Duration timeLimit) {
        return api(target).members(target, timeLimit);
    }

    @Override
    public void handOver() {
        rooms.handOver();
        channels.handOver();
    }

    @Override
    public Roster administrators(Target target, Duration timeLimit) {
        return api(target).administrators(target, timeLimit);
    }

    @Override
    public Roster members(Target target, MembershipType type, Duration timeLimit) {
        return api(target).members(target, type, timeLimit);
    }

    @Override
    public TargetRead state(Target target, Duration timeLimit) {
        return api(target).state(target, timeLimit);
    }
}

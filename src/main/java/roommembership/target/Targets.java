package roommembership.target;

import roommembership.model.Membership;
import roommembership.model.Role;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** The memberships of every kind of conversation as one port: each call goes to the API of its conversation's kind. */
public final class Targets implements Memberships<Conversation> {
    private final Memberships<RoomKey> rooms;
    private final Memberships<ChannelKey> channels;

    public Targets(Memberships<RoomKey> rooms, Memberships<ChannelKey> channels) {
        this.rooms = Objects.requireNonNull(rooms, "rooms");
        this.channels = Objects.requireNonNull(channels, "channels");
    }

    @Override
    public CallResult addMembers(Conversation conversation, List<Membership> members, Duration timeLimit) {
        return conversation instanceof RoomKey room
                ? rooms.addMembers(room, members, timeLimit)
                : channels.addMembers((ChannelKey) conversation, members, timeLimit);
    }

    @Override
    public Roster members(Conversation conversation, Duration timeLimit) {
        return conversation instanceof RoomKey room
                ? rooms.members(room, timeLimit)
                : channels.members((ChannelKey) conversation, timeLimit);
    }

    @Override
    public CallResult removeMember(Conversation conversation, String memberId, Duration timeLimit) {
        return conversation instanceof RoomKey room
                ? rooms.removeMember(room, memberId, timeLimit)
                : channels.removeMember((ChannelKey) conversation, memberId, timeLimit);
    }

    @Override
    public CallResult setRole(Conversation conversation, String memberId, Role role, Duration timeLimit) {
        return conversation instanceof RoomKey room
                ? rooms.setRole(room, memberId, role, timeLimit)
                : channels.setRole((ChannelKey) conversation, memberId, role, timeLimit);
    }

    @Override
    public Roster administrators(Conversation conversation, Duration timeLimit) {
        return conversation instanceof RoomKey room
                ? rooms.administrators(room, timeLimit)
                : channels.administrators((ChannelKey) conversation, timeLimit);
    }
}

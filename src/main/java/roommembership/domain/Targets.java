package roommembership.domain;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** The memberships of every kind of conversation as one port: each call goes to the API of its conversation's kind. */
public final class Targets implements Memberships<Conversation> {
    private final Memberships<RoomKey> rooms;

    public Targets(Memberships<RoomKey> rooms) {
        this.rooms = Objects.requireNonNull(rooms, "rooms");
    }

    @Override
    public CallResult addMembers(Conversation conversation, List<Membership> members, Duration timeLimit) {
        return rooms.addMembers((RoomKey) conversation, members, timeLimit);
    }

    @Override
    public Roster members(Conversation conversation, Duration timeLimit) {
        return rooms.members((RoomKey) conversation, timeLimit);
    }
}

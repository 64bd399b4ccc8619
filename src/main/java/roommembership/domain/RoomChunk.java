package roommembership.domain;

import java.util.List;

/** The members of one BatchCreateRoomMembership call: one room, at most 50 members. */
public record RoomChunk(RoomKey room, List<Membership> members) {
    public RoomChunk {
        members = List.copyOf(members);
    }
}

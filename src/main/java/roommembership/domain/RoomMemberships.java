package roommembership.domain;

import java.util.List;

/** Port: adds members to a chat room, at most 50 per call. */
public interface RoomMemberships {
    CallResult addMembers(RoomKey room, List<Membership> members);
}

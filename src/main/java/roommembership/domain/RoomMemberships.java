package roommembership.domain;

import java.time.Duration;
import java.util.List;

/** Port: adds members to a chat room, at most 50 per call, and reads who is in it. */
public interface RoomMemberships {
    /**
     * @param timeLimit the call, with all its retries, must end within this; a call cut short is a transient failure
     */
    CallResult addMembers(RoomKey room, List<Membership> members, Duration timeLimit);

    /**
     * @param timeLimit every page, with its retries, must be read within this
     */
    RoomRoster members(RoomKey room, Duration timeLimit);
}

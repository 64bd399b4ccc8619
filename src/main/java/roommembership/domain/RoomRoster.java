package roommembership.domain;

import java.util.Set;

/** A room's members as read from Chime, or why they could not be read. */
public sealed interface RoomRoster {

    record Known(Set<String> memberIds) implements RoomRoster {
        public Known {
            memberIds = Set.copyOf(memberIds);
        }
    }

    record Unknown(String errorCode, String message) implements RoomRoster {
    }
}

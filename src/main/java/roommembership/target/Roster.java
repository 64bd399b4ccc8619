package roommembership.target;

import java.util.Set;

/** A target's members as read from Chime, or why they could not be read. */
public sealed interface Roster {

    record Known(Set<String> memberIds) implements Roster {
        public Known {
            memberIds = Set.copyOf(memberIds);
        }
    }

    record Unknown(String errorCode, String message) implements Roster {
    }
}

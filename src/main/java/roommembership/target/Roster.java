package roommembership.target;

import java.util.Set;

/** A target's members as read from Chime, or why they could not be read. */
public sealed interface Roster {

    /**
     * @param unnamedEntries the listing's entries that named no member (no member, or one without its id): skipped,
     *                       never guessed at, and counted so that the log shows them
     */
    record Known(Set<String> memberIds, int unnamedEntries) implements Roster {
        public Known {
            memberIds = Set.copyOf(memberIds);
        }

        public Known(Set<String> memberIds) {
            this(memberIds, 0);
        }
    }

    record Unknown(String errorCode, String message) implements Roster {
    }
}

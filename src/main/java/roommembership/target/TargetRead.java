package roommembership.target;

import java.util.Objects;

/** A target's whole state as read from Chime, or why it could not be read. */
public sealed interface TargetRead {

    /** @param unnamedEntries the listings' entries that named no member: skipped, and counted for the log */
    record Known(TargetState state, int unnamedEntries) implements TargetRead {
        public Known {
            Objects.requireNonNull(state, "state");
        }
    }

    record Unknown(String errorCode, String message) implements TargetRead {
        public Unknown {
            Objects.requireNonNull(errorCode, "errorCode");
            Objects.requireNonNull(message, "message");
        }
    }
}

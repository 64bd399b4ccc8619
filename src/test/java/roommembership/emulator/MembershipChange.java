package roommembership.emulator;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One change of one member's standing in a room or channel, as the emulator applied it: a join, a leave, or a new
 * role; for a channel's moderators, made or removed. The latest-only times ({@code memberSince}, {@code leftAt}) cannot
 * tell whether a member was there at a given moment once it has left and come back; a history can.
 *
 * @param present whether the member is there (in the room or channel, or a moderator) after the change
 * @param role a room member's role after the change; null when it left, and for a channel's lists
 */
public record MembershipChange(Instant at, boolean present, String role) {
    public MembershipChange {
        Objects.requireNonNull(at, "at");
    }

    /** The last change at or before {@code moment} in a history in time order; empty when none was. */
    public static Optional<MembershipChange> asOf(List<MembershipChange> history, Instant moment) {
        MembershipChange last = null;
        for (MembershipChange change : history) {
            if (change.at().isAfter(moment)) {
                break;
            }
            last = change;
        }
        return Optional.ofNullable(last);
    }
}

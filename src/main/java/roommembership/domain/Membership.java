package roommembership.domain;

import java.util.Objects;

/** One member as sent to a room: an item of a BatchCreateRoomMembership call. */
public record Membership(String memberId, Role role) {
    public Membership {
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(role, "role");
    }
}

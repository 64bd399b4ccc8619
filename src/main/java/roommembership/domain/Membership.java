package roommembership.domain;

import java.util.Objects;

/**
 * One member as sent to a conversation: an item of an add call.
 *
 * @param memberId a room's MemberId, or a channel's member ARN
 */
public record Membership(String memberId, Role role, MembershipType type) {
    public Membership {
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(type, "type");
    }

    /** A member of the default type, as every room member is. */
    public Membership(String memberId, Role role) {
        this(memberId, role, MembershipType.DEFAULT);
    }
}

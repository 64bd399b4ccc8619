package roommembership.model;

import java.util.Objects;

/**
 * One member as a request names it: an item of an add call, or a member to remove.
 *
 * @param memberId a room's MemberId, or a channel's member ARN
 * @param role the role an add call sends; {@link Role#MEMBER} when the request named none
 * @param roleNamed whether the request named the role: only a named role is applied to a member who is already there
 */
public record Membership(String memberId, Role role, MembershipType type, boolean roleNamed) {
    public Membership {
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(type, "type");
        if (role == Role.ADMINISTRATOR && !roleNamed) {
            throw new IllegalArgumentException("an Administrator is always named by the request");
        }
    }

    /** A member whose request named this role. */
    public Membership(String memberId, Role role, MembershipType type) {
        this(memberId, role, type, true);
    }

    /** A member of the default type, as every room member is, whose request named this role. */
    public Membership(String memberId, Role role) {
        this(memberId, role, MembershipType.DEFAULT);
    }

    /** A member whose request named no role: added as a Member, and an existing member's role is left as it is. */
    public static Membership withoutRole(String memberId, MembershipType type) {
        return new Membership(memberId, Role.MEMBER, type, false);
    }

    /** A member of the default type whose request named no role. */
    public static Membership withoutRole(String memberId) {
        return withoutRole(memberId, MembershipType.DEFAULT);
    }

    /** The same request for another id: a routed member's ARN. */
    public Membership withId(String otherId) {
        return new Membership(otherId, role, type, roleNamed);
    }

    /** The Role as the request wrote it, or null when it named none. */
    public String namedRole() {
        return roleNamed ? role.wireName() : null;
    }
}

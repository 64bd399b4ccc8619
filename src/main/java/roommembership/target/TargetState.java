package roommembership.target;

import roommembership.model.MembershipType;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A target as its listings show it now: each member with its type (a room's are all of the default type) and the
 * administrators (a room's members with that role; a channel's moderators, who need not be members).
 */
public record TargetState(Map<String, MembershipType> members, Set<String> administrators) {
    public TargetState {
        members = Map.copyOf(Objects.requireNonNull(members, "members"));
        administrators = Set.copyOf(Objects.requireNonNull(administrators, "administrators"));
    }
}

package roommembership.pipeline.plan;

import java.util.Objects;
import java.util.Set;

/**
 * What a roster may do: how many removals a target may take before they are held, who is never removed nor demoted
 * (the bearer and {@code ROSTER_PROTECTED_MEMBERS}), and how large a roster may be.
 *
 * @param protectedMembers MemberIds and member ARNs
 * @param maxBytes         a larger roster is refused whole
 */
public record RosterRules(RemovalLimit removalLimit, Set<String> protectedMembers, long maxBytes) {
    public static final long DEFAULT_MAX_BYTES = 52_428_800;

    public RosterRules {
        Objects.requireNonNull(removalLimit, "removalLimit");
        protectedMembers = Set.copyOf(protectedMembers);
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1: " + maxBytes);
        }
    }

    public static RosterRules defaults() {
        return new RosterRules(RemovalLimit.DEFAULT, Set.of(), DEFAULT_MAX_BYTES);
    }
}

package roommembership.wiring;

import roommembership.pipeline.plan.RemovalLimit;
import roommembership.pipeline.plan.RosterRules;
import roommembership.target.ChimeArns;
import roommembership.target.MemberKey;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The roster settings of the environment, checked at start: a typo here must not remove anyone. */
final class RosterSettings {
    static final String ROSTER_MAX_REMOVALS = "ROSTER_MAX_REMOVALS";
    static final String ROSTER_PROTECTED_MEMBERS = "ROSTER_PROTECTED_MEMBERS";
    static final String ROSTER_MAX_BYTES = "ROSTER_MAX_BYTES";
    /** 1 TiB: more than any roster is meant to be, and far less than a long overflows at. */
    private static final long MAX_BYTES_LIMIT = 1L << 40;

    private RosterSettings() {
    }

    /** @param bearer never removed nor demoted either: the function's own identity in every channel */
    static RosterRules rules(Map<String, String> env, Optional<String> bearer) {
        Set<String> protectedMembers = new LinkedHashSet<>(protectedMembers(env.get(ROSTER_PROTECTED_MEMBERS)));
        bearer.ifPresent(protectedMembers::add);
        return new RosterRules(removalLimit(env.get(ROSTER_MAX_REMOVALS)), protectedMembers,
                maxBytes(env.get(ROSTER_MAX_BYTES)));
    }

    private static RemovalLimit removalLimit(String text) {
        if (text == null || text.isBlank()) {
            return RemovalLimit.DEFAULT;
        }
        return RemovalLimit.parse(text).orElseThrow(() -> new IllegalStateException(ROSTER_MAX_REMOVALS
                + " must be a count of removals per target such as 25, or a percentage of its members such as 10% "
                + "(0 or 0%: never remove), not '" + text + "'"));
    }

    /** Strict, as for the allowlists: an entry that named no one would protect no one. */
    private static Set<String> protectedMembers(String text) {
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        Set<String> members = new LinkedHashSet<>();
        for (String entry : text.split(",", -1)) {
            String member = entry.trim();
            if (!MemberKey.namesAMember(member)) {
                throw new IllegalStateException(ROSTER_PROTECTED_MEMBERS + " must be a comma-separated list of "
                        + "MemberIds and member ARNs (" + ChimeArns.MEMBER_RULE + "); '" + member + "' is neither");
            }
            members.add(member);
        }
        return members;
    }

    private static long maxBytes(String text) {
        if (text == null || text.isBlank()) {
            return RosterRules.DEFAULT_MAX_BYTES;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 1 && value <= MAX_BYTES_LIMIT) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalStateException(ROSTER_MAX_BYTES + " must be a whole number of bytes from 1 to "
                + MAX_BYTES_LIMIT + ", not '" + text + "'");
    }
}

package roommembership.pipeline.apply;

import roommembership.model.ErrorCodes;
import roommembership.model.MemberOutcome;
import roommembership.model.Membership;
import roommembership.target.MemberError;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An answer's {@code Errors} entries matched to the members its call carried: each entry to the member it names
 * exactly, case and all, or to none. An entry that names no member of the call (another member, another case, no
 * member at all, or one already named) settles none; while there is one, the answer does not account for the members
 * it did not name, so they are unknown, never added.
 *
 * @param byMember the entry for each member named exactly, the first where several name it
 * @param unmatched how many entries named no member of the call
 */
record ErrorEntries(Map<String, MemberError> byMember, int unmatched) {

    static ErrorEntries match(List<Membership> members, List<MemberError> entries) {
        Set<String> asked = new HashSet<>();
        members.forEach(member -> asked.add(member.memberId()));
        Map<String, MemberError> byMember = new HashMap<>();
        int unmatched = 0;
        for (MemberError entry : entries) {
            String memberId = entry.memberId();
            if (memberId == null || !asked.contains(memberId) || byMember.putIfAbsent(memberId, entry) != null) {
                unmatched++;
            }
        }
        return new ErrorEntries(Map.copyOf(byMember), unmatched);
    }

    /** Whether a member the answer names in no entry was done: only when every entry named a member of the call. */
    boolean accountsForUnnamed() {
        return unmatched == 0;
    }

    /** The outcome of a member the answer does not account for: unknown, as for a call without an answer. */
    MemberOutcome unaccounted() {
        return new MemberOutcome.Uncertain(ErrorCodes.SERVICE_FAILURE, "Chime's answer did not account for this "
                + "member: " + unmatched + " of its Errors entries named no member of the call");
    }
}

package roommembership.pipeline.verify;

import roommembership.model.Deadline;
import roommembership.model.MemberOutcome;
import roommembership.pipeline.apply.Applied;
import roommembership.pipeline.apply.Calls;
import roommembership.pipeline.apply.Calls.Read;
import roommembership.pipeline.apply.Reads;
import roommembership.pipeline.plan.BatchPlan;
import roommembership.target.MemberKey;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The verify stage: the reads a batch makes before it settles, and what they decide. Every read goes through the
 * apply stage's calls, so it is paced and bounded like any call; what a read decides is a pure function
 * ({@link Presence}, {@link Roles}). Each step hands back the reads it made, for the report.
 */
public final class Verification {
    private final Calls calls;

    public Verification(Calls calls) {
        this.calls = Objects.requireNonNull(calls, "calls");
    }

    /**
     * Each member's outcome from its add or removal, once read where a read decides it: a removal's NotFound (member
     * or target absent), and an unanswered change of a record on its last receive.
     */
    public Verified<Map<MemberKey, MemberOutcome>> memberships(BatchPlan plan, Applied changed,
                                                               Set<MemberKey> lastReceive, Deadline deadline) {
        Reads reads = calls.read(Presence.toRead(plan, changed.outcomes(), lastReceive), Read.MEMBERS, deadline);
        return new Verified<>(Presence.afterChanges(plan, changed.outcomes(), lastReceive, reads.rosters()),
                List.of(reads));
    }

    /**
     * The role calls the members need once their memberships are known, from a read of their targets'
     * administrators where the role they have must be learnt.
     */
    public Verified<Roles> rolesNeeded(BatchPlan plan, Map<MemberKey, MemberOutcome> memberships, Deadline deadline) {
        Reads reads = calls.read(Presence.rolesToLearn(plan, memberships), Read.ADMINISTRATORS, deadline);
        return new Verified<>(Roles.needed(plan, memberships, reads.rosters()), List.of(reads));
    }

    /**
     * Each role's outcome once its calls are made, an unanswered one of a record on its last receive checked by a
     * read of the administrators.
     */
    public Verified<Map<MemberKey, MemberOutcome>> roles(BatchPlan plan, Roles roles, Applied roleChanges,
                                                         Set<MemberKey> lastReceive, Deadline deadline) {
        Map<MemberKey, MemberOutcome> outcomes = new HashMap<>(roles.decided());
        outcomes.putAll(roleChanges.outcomes());
        Reads reads = calls.read(Roles.toCheck(outcomes, lastReceive), Read.ADMINISTRATORS, deadline);
        return new Verified<>(Roles.checked(plan, outcomes, lastReceive, reads.rosters()), List.of(reads));
    }

    /**
     * A member's outcome once its role is known: a role that does not hold decides it, and so does a role changed on
     * a membership that holds, which is what its request carried out; else its membership does.
     */
    public static Map<MemberKey, MemberOutcome> withRoles(Map<MemberKey, MemberOutcome> memberships,
                                                          Map<MemberKey, MemberOutcome> roles) {
        if (roles.isEmpty()) {
            return memberships;
        }
        Map<MemberKey, MemberOutcome> outcomes = new HashMap<>(memberships);
        roles.forEach((key, role) -> {
            boolean changedOnAMembershipThatHolds = role instanceof MemberOutcome.RoleChanged
                    && memberships.containsKey(key) && memberships.get(key).holds();
            if (!role.holds() || changedOnAMembershipThatHolds) {
                outcomes.put(key, role);
            }
        });
        return outcomes;
    }
}

package roommembership.pipeline.plan;

import roommembership.model.Membership;
import roommembership.model.Role;
import roommembership.target.TargetState;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What makes one target hold exactly its roster: the members to add (with the roster's role and type), to remove, to
 * promote and to demote; the removals the brake holds; and the members whose type differs from the roster's (no API
 * changes a type, so they stay as they are). Protected members (the bearer, ROSTER_PROTECTED_MEMBERS) are neither
 * removed nor demoted, whatever the roster says. Pure: the same roster and state always give the same plan, so
 * reconciling again after a cut-off is safe.
 *
 * @param currentMembers the members the target holds now, both types, as the brake counts them
 */
public record Reconciliation(List<Membership> adds, List<String> removals, List<String> promotions,
                             List<String> demotions, List<String> heldRemovals, List<String> typeMismatches,
                             int currentMembers, int removalsAllowed) {

    public Reconciliation {
        adds = List.copyOf(adds);
        removals = List.copyOf(removals);
        promotions = List.copyOf(promotions);
        demotions = List.copyOf(demotions);
        heldRemovals = List.copyOf(heldRemovals);
        typeMismatches = List.copyOf(typeMismatches);
    }

    /**
     * @param roster    the roster's members for the target, by id; a member the roster names without a role is a
     *                  Member there
     * @param now       the target as listed now
     * @param protectedMembers never removed nor demoted
     * @param limit     the deletion brake
     * @param removalEndsRole whether a member removed loses its role with the membership (a room's), or keeps it
     *                        until it is taken (a channel's moderators)
     */
    public static Reconciliation of(Map<String, Membership> roster, TargetState now, Set<String> protectedMembers,
                                    RemovalLimit limit, boolean removalEndsRole) {
        List<Membership> adds = new ArrayList<>();
        List<String> promotions = new ArrayList<>();
        List<String> typeMismatches = new ArrayList<>();
        for (Membership wanted : sorted(roster.values())) {
            String id = wanted.memberId();
            boolean administrator = wanted.role() == Role.ADMINISTRATOR;
            if (!now.members().containsKey(id)) {
                adds.add(wanted);
                continue;
            }
            if (now.members().get(id) != wanted.type()) {
                typeMismatches.add(id);
            }
            if (administrator && !now.administrators().contains(id)) {
                promotions.add(id);
            }
        }
        List<String> removals = new ArrayList<>();
        for (String id : new TreeSet<>(now.members().keySet())) {
            if (!roster.containsKey(id) && !protectedMembers.contains(id)) {
                removals.add(id);
            }
        }
        int allowed = limit.allowed(now.members().size());
        boolean held = removals.size() > allowed;
        List<String> demotions = new ArrayList<>();
        for (String id : new TreeSet<>(now.administrators())) {
            if (protectedMembers.contains(id)) {
                continue;
            }
            Membership wanted = roster.get(id);
            boolean member = now.members().containsKey(id);
            boolean demote;
            if (wanted != null) {
                demote = wanted.role() != Role.ADMINISTRATOR;
            } else {
                // A room's removal ends the role with the membership; a channel's moderators are a list of their own,
                // which outlives it, so a leaver who moderates is demoted too (unless the brake holds the removal),
                // and so is a moderator who is no member at all.
                demote = !member || (!removalEndsRole && !held);
            }
            if (demote) {
                demotions.add(id);
            }
        }
        List<String> heldRemovals = List.of();
        if (held) {
            heldRemovals = removals;
            removals = List.of();
        }
        return new Reconciliation(adds, removals, promotions, demotions, heldRemovals, typeMismatches,
                now.members().size(), allowed);
    }

    /** Whether the target already holds exactly its roster: nothing to call. */
    public boolean nothingToDo() {
        return adds.isEmpty() && removals.isEmpty() && promotions.isEmpty() && demotions.isEmpty();
    }

    private static List<Membership> sorted(Collection<Membership> members) {
        List<Membership> list = new ArrayList<>(members);
        list.sort((a, b) -> a.memberId().compareTo(b.memberId()));
        return list;
    }
}

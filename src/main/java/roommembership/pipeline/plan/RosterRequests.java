package roommembership.pipeline.plan;

import roommembership.model.Action;
import roommembership.model.ErrorCodes;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.read.RejectedItem;
import roommembership.target.Target;
import roommembership.target.TargetState;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One target's reconciliation as the requests that carry it out, so that a roster goes through the same stages as
 * any message: its adds (with the roster's role and type), its role changes (a member already there, asked with the
 * role the roster gives it), its removals (with the moderators who are no members, whose removal ends their
 * moderation), and the removals the brake holds as {@code RemovalHeld} items of a removal, each a valid Remove request
 * once dead-lettered. Every request names the roster, so its letters do too. Pure.
 */
public final class RosterRequests {
    private RosterRequests() {
    }

    /**
     * @param roster         the roster's members for the target, by id
     * @param now            the target as read before the batch's calls
     * @param routedFrom     the room the roster's lines named, when they were legacy lines routed to this channel
     * @param earlierNamed   the members the batch's records before the roster ask for in this target: the roster
     *                       comes later, so each one it does not name is removed (absent members are cheap to remove)
     * @param protectedMembers never removed
     */
    public static List<ParsedMessage.Request> of(String rosterUri, Target target, Map<String, Membership> roster,
                                                 TargetState now, Reconciliation plan,
                                                 Optional<ParsedMessage.Routed> routedFrom,
                                                 Set<String> earlierNamed, Set<String> protectedMembers) {
        List<ParsedMessage.Request> requests = new ArrayList<>(3);
        List<Membership> adds = new ArrayList<>(plan.adds().size());
        for (Membership add : plan.adds()) {
            // A protected member added as a plain Member is sent naming no role: a moderation it has without a
            // membership is never taken (a named Member would be demoted once added).
            boolean keepRole = protectedMembers.contains(add.memberId()) && add.role() != Role.ADMINISTRATOR;
            adds.add(keepRole ? Membership.withoutRole(add.memberId(), add.type()) : add);
        }
        // A member already there whose role the roster changes: the add finds it there, and its role is set.
        for (String id : plan.promotions()) {
            adds.add(roster.get(id));
        }
        for (String id : plan.demotions()) {
            if (roster.containsKey(id) && now.members().containsKey(id)) {
                adds.add(roster.get(id));
            }
        }
        if (!adds.isEmpty()) {
            requests.add(request(rosterUri, target, adds, List.of(), Action.ADD, routedFrom));
        }
        Set<String> removed = new LinkedHashSet<>(plan.removals());
        for (String id : plan.demotions()) {
            if (!roster.containsKey(id) && !now.members().containsKey(id)) {
                removed.add(id);
            }
        }
        for (String id : earlierNamed) {
            if (!roster.containsKey(id) && !now.members().containsKey(id) && !protectedMembers.contains(id)) {
                removed.add(id);
            }
        }
        List<Membership> removals = new ArrayList<>(removed.size());
        for (String id : removed) {
            removals.add(Membership.withoutRole(id, now.members().getOrDefault(id, MembershipType.DEFAULT)));
        }
        List<RejectedItem> held = new ArrayList<>(plan.heldRemovals().size());
        String reason = heldReason(target, plan);
        for (String id : plan.heldRemovals()) {
            String type = target.membersAsItems() || routedFrom.isPresent() ? null
                    : now.members().getOrDefault(id, MembershipType.DEFAULT).wireName();
            held.add(new RejectedItem(id, null, type, ErrorCodes.REMOVAL_HELD, reason));
        }
        if (!removals.isEmpty() || !held.isEmpty()) {
            requests.add(request(rosterUri, target, removals, held, Action.REMOVE, routedFrom));
        }
        return requests;
    }

    /**
     * Every member of a target whose state could not be read for good (a target that does not exist, or that the
     * bearer may not read), asked for as an add: each member's call fails as it would for a message, and is
     * dead-lettered with its ErrorCode; nothing is removed.
     */
    public static List<ParsedMessage.Request> unread(String rosterUri, Target target, Map<String, Membership> roster,
                                                     Optional<ParsedMessage.Routed> routedFrom) {
        return List.of(request(rosterUri, target, List.copyOf(roster.values()), List.of(), Action.ADD, routedFrom));
    }

    /** Why a target's removals are held: its count against its limit. */
    static String heldReason(Target target, Reconciliation plan) {
        return String.format("removal held by the deletion brake: the roster would remove %d of the %d members of %s, "
                        + "more than the %d ROSTER_MAX_REMOVALS allows; redrive this record to remove the member, "
                        + "or delete it to keep them", plan.heldRemovals().size(), plan.currentMembers(),
                named(target), plan.removalsAllowed());
    }

    private static String named(Target target) {
        StringBuilder named = new StringBuilder();
        for (Map.Entry<String, String> id : target.idFields()) {
            named.append(named.isEmpty() ? "" : ", ").append(id.getKey()).append(' ').append(id.getValue());
        }
        return named.toString();
    }

    private static ParsedMessage.Request request(String rosterUri, Target target, List<Membership> members,
                                                 List<RejectedItem> rejected, Action action,
                                                 Optional<ParsedMessage.Routed> routedFrom) {
        return new ParsedMessage.Request(target, members, rejected, routedFrom, action, Optional.of(rosterUri));
    }
}

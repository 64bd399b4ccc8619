package roommembership.target;

import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Port: adds members to a target, at most its limit per call, removes them, sets their roles, and reads who is
 * in it. Each API is one implementation for its own kind of target; {@link Targets} puts them behind one.
 * Every call must end within its {@code timeLimit}, retries included; a call cut short is a transient failure.
 */
public interface Memberships<C extends Target> {
    CallResult addMembers(C target, List<Membership> members, Duration timeLimit);

    /**
     * Removes one member (neither API removes in batches). A {@code NotFound} or {@code BadRequest} failure does not
     * tell a member that was not there from a target that does not exist: the caller reads the target to
     * know which.
     */
    CallResult removeMember(C target, String memberId, Duration timeLimit);

    /**
     * Gives a member this role: rooms by updating the membership; channels by making or unmaking it a moderator.
     * An answer with a {@code Conflict} error for the member means it has the role already.
     */
    CallResult setRole(C target, String memberId, Role role, Duration timeLimit);

    /** Every page of the target's members. */
    Roster members(C target, Duration timeLimit);

    /** The target's administrators (a channel's moderators), as {@link #members} reads its members. */
    Roster administrators(C target, Duration timeLimit);

    /**
     * Every page of the target's members of one type. A room's members are all of the default type, so this is
     * {@link #members} for that type and no one for another; a channel lists each type apart.
     */
    default Roster members(C target, MembershipType type, Duration timeLimit) {
        return type == MembershipType.DEFAULT ? members(target, timeLimit) : new Roster.Known(Set.of());
    }

    /**
     * The target as its listings show it now: each member with its type, and its administrators; every listing read
     * to its end within the one time limit. A member listed under two types is taken with the first.
     */
    default TargetRead state(C target, Duration timeLimit) {
        long deadline = System.nanoTime() + Math.max(0, timeLimit.toNanos());
        Map<String, MembershipType> members = new LinkedHashMap<>();
        int unnamed = 0;
        for (MembershipType type : MembershipType.values()) {
            Roster roster = members(target, type, Duration.ofNanos(deadline - System.nanoTime()));
            if (roster instanceof Roster.Unknown unknown) {
                return new TargetRead.Unknown(unknown.errorCode(), unknown.message());
            }
            Roster.Known known = (Roster.Known) roster;
            known.memberIds().forEach(id -> members.putIfAbsent(id, type));
            unnamed += known.unnamedEntries();
        }
        Roster administrators = administrators(target, Duration.ofNanos(deadline - System.nanoTime()));
        if (administrators instanceof Roster.Unknown unknown) {
            return new TargetRead.Unknown(unknown.errorCode(), unknown.message());
        }
        Roster.Known known = (Roster.Known) administrators;
        return new TargetRead.Known(new TargetState(members, known.memberIds()), unnamed + known.unnamedEntries());
    }

    /**
     * An invocation begins: the targets of its requests are held from now, and until a moment ago another container may
     * have held them, so their per-target rates start afresh. Before any call of the invocation.
     */
    default void handOver() {
    }
}

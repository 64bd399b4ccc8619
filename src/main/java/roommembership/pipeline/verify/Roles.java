package roommembership.pipeline.verify;

import roommembership.model.Action;
import roommembership.model.MemberOutcome;
import roommembership.model.Membership;
import roommembership.model.Role;
import roommembership.pipeline.plan.BatchPlan;
import roommembership.pipeline.plan.Change;
import roommembership.pipeline.plan.Intent;
import roommembership.target.Target;
import roommembership.target.MemberKey;
import roommembership.target.Roster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The role calls a batch needs once its members are known, for every kind of target alike: an Administrator
 * added to a target whose add call does not set the role is made one; a member who was already there and whose
 * request named a role gets it where the target's administrators show it has the other; a member removed from a
 * target whose administrators outlive the membership stops being one, and a member newly added to such a target
 * as a plain Member stops being one where a moderation outlived an earlier membership. A request that named no
 * role never changes one.
 *
 * @param changes the role calls to make, one member each
 * @param decided the members whose role needs no call, or could not be learnt
 */
public record Roles(List<Change.SetRole> changes, Map<MemberKey, MemberOutcome> decided) {

    /**
     * Whether the member's present role must be learnt: already there, with a named role; removed from a
     * target whose administrators are a list of their own, which outlives the membership; or added to such a
     * target as a named plain Member, since an administrator of it may have had no membership (a leaver whose
     * demotion failed, or one made by hand).
     */
    public static boolean toLearn(Intent intent, Target target, MemberOutcome membership) {
        if (intent.action() == Action.REMOVE) {
            return !target.roleInAddCall() && membership != null && membership.holds();
        }
        Membership member = intent.membership();
        if (!member.roleNamed()) {
            return false;
        }
        return membership instanceof MemberOutcome.AlreadyMember
                || (membership instanceof MemberOutcome.Added && !target.roleInAddCall()
                        && member.role() == Role.MEMBER);
    }

    /** @param administrators each target {@link Presence#rolesToLearn} named, read */
    public static Roles needed(BatchPlan plan, Map<MemberKey, MemberOutcome> memberships,
                        Map<Target, Roster> administrators) {
        List<Change.SetRole> changes = new ArrayList<>();
        Map<MemberKey, MemberOutcome> decided = new HashMap<>();
        plan.intents().forEach((key, intent) -> {
            Membership member = intent.membership();
            MemberOutcome membership = memberships.get(key);
            if (intent.action() == Action.ADD && membership instanceof MemberOutcome.Added
                    && !key.target().roleInAddCall() && member.role() == Role.ADMINISTRATOR) {
                // Part of the add: the member is new, so no listing is needed.
                changes.add(new Change.SetRole(key.target(), member, new MemberOutcome.Added()));
            } else if (toLearn(intent, key.target(), membership)) {
                Roster roster = administrators.get(key.target());
                // A removal or a new membership is what the request did; the role call only completes it.
                boolean asMembership = intent.action() == Action.REMOVE || membership instanceof MemberOutcome.Added;
                if (roster instanceof Roster.Known known) {
                    if (known.memberIds().contains(member.memberId()) == (member.role() == Role.ADMINISTRATOR)) {
                        decided.put(key, asMembership ? membership : new MemberOutcome.AlreadyMember());
                    } else {
                        // A leaver who moderates loses that too: a removal's member is sent as a plain Member.
                        changes.add(new Change.SetRole(key.target(), member,
                                asMembership ? membership : new MemberOutcome.RoleChanged()));
                    }
                } else {
                    Roster.Unknown unknown = (Roster.Unknown) roster;
                    decided.put(key, MemberOutcome.ofError(unknown.errorCode(), unknown.message()));
                }
            }
        });
        return new Roles(changes, decided);
    }

    /** The targets to read before a role of a record on its last receive is dead-lettered. */
    public static Set<Target> toCheck(Map<MemberKey, MemberOutcome> roles, Set<MemberKey> lastReceive) {
        return RosterReads.toRead(roles, unansweredOnLastReceive(lastReceive));
    }

    /**
     * Each role's outcome once its target's administrators are read: the role as asked means the goal holds
     * (the unanswered call took effect, or another request made it so); an unreadable target leaves it uncertain.
     */
    public static Map<MemberKey, MemberOutcome> checked(BatchPlan plan, Map<MemberKey, MemberOutcome> roles,
                                                 Set<MemberKey> lastReceive, Map<Target, Roster> rosters) {
        return RosterReads.decided(roles, unansweredOnLastReceive(lastReceive), rosters, new RosterReads.Decision() {
            @Override
            public MemberOutcome known(MemberKey key, MemberOutcome.WithError was, Set<String> administrators) {
                boolean administrator = plan.intent(key).membership().role() == Role.ADMINISTRATOR;
                return administrators.contains(key.memberId()) == administrator
                        ? new MemberOutcome.AlreadyMember()
                        : new MemberOutcome.TransientFailure(was.errorCode(), was.message());
            }

            @Override
            public MemberOutcome unknown(MemberKey key, MemberOutcome.WithError was, Roster.Unknown roster) {
                return new MemberOutcome.Uncertain(was.errorCode(), was.message());
            }
        });
    }

    private static BiPredicate<MemberKey, MemberOutcome> unansweredOnLastReceive(Set<MemberKey> lastReceive) {
        return (key, outcome) -> unanswered(outcome) && lastReceive.contains(key);
    }

    private static boolean unanswered(MemberOutcome outcome) {
        return outcome instanceof MemberOutcome.TransientFailure || outcome instanceof MemberOutcome.Uncertain;
    }
}

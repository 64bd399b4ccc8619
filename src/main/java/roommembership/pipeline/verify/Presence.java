package roommembership.pipeline.verify;

import roommembership.model.Action;
import roommembership.model.ErrorCodes;
import roommembership.model.MemberOutcome;
import roommembership.pipeline.plan.BatchPlan;
import roommembership.target.Target;
import roommembership.target.MemberKey;
import roommembership.target.Roster;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * What reads of the targets' members decide once the adds and removals are made: whether a removal refused as
 * {@code NotFound} or {@code BadRequest} was refused for a member that is not there (the goal holds) or for a
 * target that does not exist (it is dead-lettered {@code NotFound}), and whether an unanswered change of a
 * record on its last receive took effect after all. A pure function of the plan, the calls' outcomes and the reads.
 *
 * <p>The chat-room API answers {@code NotFoundException} both for a member not in the room and for a room that does
 * not exist; the messaging API's deletes declare no {@code NotFoundException}, and answer {@code BadRequestException}
 * for a channel they cannot find. Either way the target's own listing tells which: it lists a target that
 * exists, and refuses one that does not the same way.
 */
public final class Presence {
    private Presence() {
    }

    /** The targets to read. */
    public static Set<Target> toRead(BatchPlan plan, Map<MemberKey, MemberOutcome> outcomes, Set<MemberKey> lastReceive) {
        return RosterReads.toRead(outcomes, needsRead(plan, lastReceive));
    }

    /**
     * Each member's outcome once its target is read. Present or absent as asked means the goal holds; the other
     * way, an unanswered change did not take effect and a failure stands; a target that cannot be read leaves
     * the member uncertain, so its record goes back to SQS rather than guess.
     */
    public static Map<MemberKey, MemberOutcome> afterChanges(BatchPlan plan, Map<MemberKey, MemberOutcome> outcomes,
                                                      Set<MemberKey> lastReceive, Map<Target, Roster> rosters) {
        return RosterReads.decided(outcomes, needsRead(plan, lastReceive), rosters, new RosterReads.Decision() {
            @Override
            public MemberOutcome known(MemberKey key, MemberOutcome.WithError was, Set<String> ids) {
                boolean removal = plan.intent(key).action() == Action.REMOVE;
                boolean present = ids.contains(key.memberId());
                if (removal && !present) {
                    return new MemberOutcome.AlreadyAbsent();
                }
                if (!removal && present) {
                    return new MemberOutcome.AlreadyMember();
                }
                return was instanceof MemberOutcome.Uncertain
                        ? new MemberOutcome.TransientFailure(was.errorCode(), was.message())
                        : was;
            }

            @Override
            public MemberOutcome unknown(MemberKey key, MemberOutcome.WithError was, Roster.Unknown roster) {
                if (plan.intent(key).action() == Action.REMOVE && refused(was)) {
                    // A target its own listing cannot find does not exist.
                    return refused(roster.errorCode())
                            ? new MemberOutcome.Failed(ErrorCodes.NOT_FOUND, roster.message())
                            : new MemberOutcome.Uncertain(roster.errorCode(), roster.message());
                }
                return new MemberOutcome.Uncertain(was.errorCode(), was.message());
            }
        });
    }

    /** The targets whose administrators must be read: see {@link Roles#toLearn}. */
    public static Set<Target> rolesToLearn(BatchPlan plan, Map<MemberKey, MemberOutcome> memberships) {
        Set<Target> targets = new LinkedHashSet<>();
        plan.intents().forEach((key, intent) -> {
            if (Roles.toLearn(intent, key.target(), memberships.get(key))) {
                targets.add(key.target());
            }
        });
        return targets;
    }

    /** A removal refused (see {@link #refused}), and an unanswered change of a record on its last receive. */
    private static BiPredicate<MemberKey, MemberOutcome> needsRead(BatchPlan plan, Set<MemberKey> lastReceive) {
        return (key, outcome) -> (plan.intent(key).action() == Action.REMOVE && refused(outcome))
                || (lastReceive.contains(key) && (outcome instanceof MemberOutcome.TransientFailure
                || outcome instanceof MemberOutcome.Uncertain));
    }

    /** A removal refused in a way that may only mean the member, or the target, is not there. */
    private static boolean refused(MemberOutcome outcome) {
        return outcome instanceof MemberOutcome.Failed failed && refused(failed.errorCode());
    }

    private static boolean refused(String errorCode) {
        return ErrorCodes.mayMeanNotThere(errorCode);
    }
}

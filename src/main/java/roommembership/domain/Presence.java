package roommembership.domain;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What reads of the conversations' members decide once the adds and removals are made: which removal answered
 * {@code NotFound} for a member that was not there (the goal holds) and which for a conversation that does not exist
 * (it fails), and whether an unanswered change of a record on its last receive took effect after all. A pure function
 * of the plan, the calls' outcomes and the reads.
 */
final class Presence {
    private Presence() {
    }

    /** The conversations to read. */
    static Set<Conversation> toRead(BatchPlan plan, Map<MemberKey, MemberOutcome> outcomes, Set<MemberKey> lastReceive) {
        Set<Conversation> conversations = new LinkedHashSet<>();
        outcomes.forEach((key, outcome) -> {
            if (needsRead(plan.intent(key), outcome, lastReceive.contains(key))) {
                conversations.add(key.conversation());
            }
        });
        return conversations;
    }

    /**
     * Each member's outcome once its conversation is read. Present or absent as asked means the goal holds; the other
     * way, an unanswered change did not take effect and a failure stands; a conversation that cannot be read leaves
     * the member uncertain, so its record goes back to SQS rather than guess.
     */
    static Map<MemberKey, MemberOutcome> afterChanges(BatchPlan plan, Map<MemberKey, MemberOutcome> outcomes,
                                                      Set<MemberKey> lastReceive, Map<Conversation, Roster> rosters) {
        if (rosters.isEmpty()) {
            return outcomes;
        }
        Map<MemberKey, MemberOutcome> decided = new HashMap<>(outcomes);
        outcomes.forEach((key, outcome) -> {
            if (!needsRead(plan.intent(key), outcome, lastReceive.contains(key))) {
                return;
            }
            boolean removal = plan.intent(key).action() == Action.REMOVE;
            MemberOutcome.WithError was = (MemberOutcome.WithError) outcome;
            Roster roster = rosters.get(key.conversation());
            if (roster instanceof Roster.Known known) {
                boolean present = known.memberIds().contains(key.memberId());
                if (removal && !present) {
                    decided.put(key, new MemberOutcome.AlreadyAbsent());
                } else if (!removal && present) {
                    decided.put(key, new MemberOutcome.AlreadyMember());
                } else if (was instanceof MemberOutcome.Uncertain) {
                    decided.put(key, new MemberOutcome.TransientFailure(was.errorCode(), was.message()));
                }
            } else {
                Roster.Unknown unknown = (Roster.Unknown) roster;
                // A conversation its own listing does not find does not exist: the removal's NotFound stands.
                boolean missing = removal && notFound(was) && ErrorCodes.NOT_FOUND.equals(unknown.errorCode());
                if (!missing) {
                    decided.put(key, removal && notFound(was)
                            ? new MemberOutcome.Uncertain(unknown.errorCode(), unknown.message())
                            : new MemberOutcome.Uncertain(was.errorCode(), was.message()));
                }
            }
        });
        return decided;
    }

    /** The conversations whose administrators tell the present role of a member already there that named a role. */
    static Set<Conversation> rolesToLearn(BatchPlan plan, Map<MemberKey, MemberOutcome> memberships) {
        Set<Conversation> conversations = new LinkedHashSet<>();
        plan.intents().forEach((key, intent) -> {
            if (Roles.toLearn(intent, memberships.get(key))) {
                conversations.add(key.conversation());
            }
        });
        return conversations;
    }

    private static boolean needsRead(Intent intent, MemberOutcome outcome, boolean lastReceive) {
        if (intent.action() == Action.REMOVE && notFound(outcome)) {
            return true;
        }
        return lastReceive
                && (outcome instanceof MemberOutcome.TransientFailure || outcome instanceof MemberOutcome.Uncertain);
    }

    private static boolean notFound(MemberOutcome outcome) {
        return outcome instanceof MemberOutcome.Failed failed && ErrorCodes.NOT_FOUND.equals(failed.errorCode());
    }
}

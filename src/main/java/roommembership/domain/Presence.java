package roommembership.domain;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What reads of the conversations' members decide once the adds and removals are made: whether a removal refused as
 * {@code NotFound} or {@code BadRequest} was refused for a member that is not there (the goal holds) or for a
 * conversation that does not exist (it is dead-lettered {@code NotFound}), and whether an unanswered change of a
 * record on its last receive took effect after all. A pure function of the plan, the calls' outcomes and the reads.
 *
 * <p>The chat-room API answers {@code NotFoundException} both for a member not in the room and for a room that does
 * not exist; the messaging API's deletes declare no {@code NotFoundException}, and answer {@code BadRequestException}
 * for a channel they cannot find. Either way the conversation's own listing tells which: it lists a conversation that
 * exists, and refuses one that does not the same way.
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
                if (removal && refused(was)) {
                    // A conversation its own listing cannot find does not exist.
                    decided.put(key, refused(unknown.errorCode())
                            ? new MemberOutcome.Failed(ErrorCodes.NOT_FOUND, unknown.message())
                            : new MemberOutcome.Uncertain(unknown.errorCode(), unknown.message()));
                } else {
                    decided.put(key, new MemberOutcome.Uncertain(was.errorCode(), was.message()));
                }
            }
        });
        return decided;
    }

    /** The conversations whose administrators must be read: see {@link Roles#toLearn}. */
    static Set<Conversation> rolesToLearn(BatchPlan plan, Map<MemberKey, MemberOutcome> memberships) {
        Set<Conversation> conversations = new LinkedHashSet<>();
        plan.intents().forEach((key, intent) -> {
            if (Roles.toLearn(intent, key.conversation(), memberships.get(key))) {
                conversations.add(key.conversation());
            }
        });
        return conversations;
    }

    private static boolean needsRead(Intent intent, MemberOutcome outcome, boolean lastReceive) {
        if (intent.action() == Action.REMOVE && refused(outcome)) {
            return true;
        }
        return lastReceive
                && (outcome instanceof MemberOutcome.TransientFailure || outcome instanceof MemberOutcome.Uncertain);
    }

    /** A removal refused in a way that may only mean the member, or the conversation, is not there. */
    private static boolean refused(MemberOutcome outcome) {
        return outcome instanceof MemberOutcome.Failed failed && refused(failed.errorCode());
    }

    private static boolean refused(String errorCode) {
        return ErrorCodes.NOT_FOUND.equals(errorCode) || ErrorCodes.BAD_REQUEST.equals(errorCode);
    }
}

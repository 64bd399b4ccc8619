package roommembership.pipeline.verify;

import roommembership.model.MemberOutcome;
import roommembership.target.Conversation;
import roommembership.target.MemberKey;
import roommembership.target.Roster;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The one way a read of a conversation decides its members' outcomes, for every read the batch makes: which
 * conversations to read for the members a rule picks, and what each picked member's outcome becomes once they are.
 */
final class RosterReads {
    private RosterReads() {
    }

    /** What a read tells about one member whose outcome so far is {@code was}. */
    interface Decision {
        MemberOutcome known(MemberKey key, MemberOutcome.WithError was, Set<String> ids);

        MemberOutcome unknown(MemberKey key, MemberOutcome.WithError was, Roster.Unknown roster);
    }

    /** The conversations of the members {@code picked} chooses, each once. */
    static Set<Conversation> toRead(Map<MemberKey, MemberOutcome> outcomes,
                                    BiPredicate<MemberKey, MemberOutcome> picked) {
        Set<Conversation> conversations = new LinkedHashSet<>();
        outcomes.forEach((key, outcome) -> {
            if (picked.test(key, outcome)) {
                conversations.add(key.conversation());
            }
        });
        return conversations;
    }

    /** The outcomes with every picked member's decided by its conversation's read; the others as they were. */
    static Map<MemberKey, MemberOutcome> decided(Map<MemberKey, MemberOutcome> outcomes,
                                                 BiPredicate<MemberKey, MemberOutcome> picked,
                                                 Map<Conversation, Roster> rosters, Decision decision) {
        if (rosters.isEmpty()) {
            return outcomes;
        }
        Map<MemberKey, MemberOutcome> decided = new HashMap<>(outcomes);
        outcomes.forEach((key, outcome) -> {
            if (!picked.test(key, outcome)) {
                return;
            }
            MemberOutcome.WithError was = (MemberOutcome.WithError) outcome;
            decided.put(key, rosters.get(key.conversation()) instanceof Roster.Known known
                    ? decision.known(key, was, known.memberIds())
                    : decision.unknown(key, was, (Roster.Unknown) rosters.get(key.conversation())));
        });
        return decided;
    }
}

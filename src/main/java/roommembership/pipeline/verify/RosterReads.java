package roommembership.pipeline.verify;

import roommembership.model.MemberOutcome;
import roommembership.target.Target;
import roommembership.target.MemberKey;
import roommembership.target.Roster;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The one way a read of a target decides its members' outcomes, for every read the batch makes: which
 * targets to read for the members a rule picks, and what each picked member's outcome becomes once they are.
 */
final class RosterReads {
    private RosterReads() {
    }

    /** What a read tells about one member whose outcome so far is {@code was}. */
    interface Decision {
        MemberOutcome known(MemberKey key, MemberOutcome.WithError was, Set<String> ids);

        MemberOutcome unknown(MemberKey key, MemberOutcome.WithError was, Roster.Unknown roster);
    }

    /** The targets of the members {@code picked} chooses, each once. */
    static Set<Target> toRead(Map<MemberKey, MemberOutcome> outcomes,
                                    BiPredicate<MemberKey, MemberOutcome> picked) {
        Set<Target> targets = new LinkedHashSet<>();
        outcomes.forEach((key, outcome) -> {
            if (picked.test(key, outcome)) {
                targets.add(key.target());
            }
        });
        return targets;
    }

    /** The outcomes with every picked member's decided by its target's read; the others as they were. */
    static Map<MemberKey, MemberOutcome> decided(Map<MemberKey, MemberOutcome> outcomes,
                                                 BiPredicate<MemberKey, MemberOutcome> picked,
                                                 Map<Target, Roster> rosters, Decision decision) {
        if (rosters.isEmpty()) {
            return outcomes;
        }
        Map<MemberKey, MemberOutcome> decided = new HashMap<>(outcomes);
        outcomes.forEach((key, outcome) -> {
            if (!picked.test(key, outcome)) {
                return;
            }
            MemberOutcome.WithError was = (MemberOutcome.WithError) outcome;
            decided.put(key, rosters.get(key.target()) instanceof Roster.Known known
                    ? decision.known(key, was, known.memberIds())
                    : decision.unknown(key, was, (Roster.Unknown) rosters.get(key.target())));
        });
        return decided;
    }
}

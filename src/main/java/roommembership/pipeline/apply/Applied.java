package roommembership.pipeline.apply;

import roommembership.model.MemberOutcome;
import roommembership.target.MemberKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a set of changes came to.
 *
 * @param outcomes each member's outcome
 * @param calls the calls made, retries of members included
 * @param throttles throttled answers: a call that failed as throttled counts one, and so does every member a call
 *                  answered with a throttling code
 * @param failures the calls that failed as a whole, in the order they ended
 * @param oddEntries the answers with entries that named no member of their call
 */
public record Applied(Map<MemberKey, MemberOutcome> outcomes, int calls, int throttles, List<CallFailure> failures,
                      List<OddEntries> oddEntries) {
    public Applied {
        outcomes = Map.copyOf(outcomes);
        failures = List.copyOf(failures);
        oddEntries = List.copyOf(oddEntries);
    }

    /** No call made. */
    public static Applied none() {
        return new Applied(Map.of(), 0, 0, List.of(), List.of());
    }

    /** Both results as one: a member is in one change only. */
    public Applied and(Applied other) {
        Map<MemberKey, MemberOutcome> both = new HashMap<>(outcomes);
        both.putAll(other.outcomes);
        List<CallFailure> allFailures = new ArrayList<>(failures);
        allFailures.addAll(other.failures);
        List<OddEntries> allOddEntries = new ArrayList<>(oddEntries);
        allOddEntries.addAll(other.oddEntries);
        return new Applied(both, calls + other.calls, throttles + other.throttles, allFailures, allOddEntries);
    }
}

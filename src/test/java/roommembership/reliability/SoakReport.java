package roommembership.reliability;

import java.util.Locale;
import java.util.Map;

/** The soak's figures as the table RELIABILITY.md shows. */
final class SoakReport {
    private SoakReport() {
    }

    static String markdown(long seed, QueueRig.Result result) {
        StringBuilder out = new StringBuilder();
        out.append("| figure | value |\n|---|---|\n");
        row(out, "seed", Long.toString(seed));
        row(out, "requests (member items, and unreadable messages)", number(result.requestCount()));
        row(out, "requests by target", counts(result.requests()));
        row(out, "member requests by kind", counts(result.requestsByKind()));
        row(out, "messages", number(result.messages()));
        row(out, "invocations", number(result.invocations()));
        row(out, "invocations whose batch held a record twice", number(result.repeatedRecords()));
        row(out, "Chime calls, by operation", counts(result.calls()));
        row(out, "faults injected", counts(result.faultsInjected()));
        row(out, "whole-call faults, by operation", counts(result.faultedCalls()));
        row(out, "added (distinct memberships that joined during the run)", counts(result.added()));
        row(out, "already members (distinct requested memberships there before the run)",
                counts(result.alreadyMembers()));
        row(out, "removed (distinct memberships that left during the run)", counts(result.removed()));
        row(out, "roles changed (distinct members)", counts(result.rolesChanged()));
        row(out, "dead-letter records, by ErrorCode", counts(result.deadLetteredByErrorCode()));
        row(out, "redriven (messages in the redrive queue)", number(result.redrivenMessages()));
        row(out, "lost (a wanted membership absent, or a bad item without its record, unexplained)",
                number(result.lost()));
        row(out, "wrong final state (present when removed last, or another role than asked, unexplained)",
                number(result.wrongFinalState()));
        row(out, "stale dead-letter records (goal came to hold after they were written)",
                number(result.staleDeadLetters()));
        row(out, "duplicate dead-letter records", number(result.duplicateDeadLetters()));
        row(out, "rule violations", number(result.violations().size()));
        row(out, "wall time", String.format(Locale.ROOT, "%.1f s", result.wallTime().toMillis() / 1000.0));
        return out.toString();
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String number(int value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String counts(Map<String, Integer> counts) {
        StringBuilder out = new StringBuilder();
        counts.forEach((name, count) -> {
            if (count > 0) {
                out.append(out.isEmpty() ? "" : ", ").append(name).append(' ').append(number(count));
            }
        });
        return out.isEmpty() ? "none" : out.toString();
    }
}

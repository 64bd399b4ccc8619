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
        row(out, "requests (member items, and unreadable messages)", number(result.requests()));
        row(out, "messages", number(result.messages()));
        row(out, "invocations", number(result.invocations()));
        row(out, "Chime calls (BatchCreateRoomMembership)", number(result.chimeCalls()));
        row(out, "faults injected", faults(result.faultsInjected()));
        row(out, "added (distinct memberships new in their room)", number(result.added()));
        row(out, "already members (distinct memberships there before the run)", number(result.alreadyMembers()));
        row(out, "dead-letter records, by ErrorCode", faults(result.deadLetteredByErrorCode()));
        row(out, "redriven (messages in the redrive queue)", number(result.redrivenMessages()));
        row(out, "lost (neither a member, nor dead-lettered, nor redriven)", number(result.lost()));
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

    private static String faults(Map<String, Integer> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        counts.forEach((name, count) -> out.append(out.isEmpty() ? "" : ", ").append(name).append(' ')
                .append(number(count)));
        return out.toString();
    }
}

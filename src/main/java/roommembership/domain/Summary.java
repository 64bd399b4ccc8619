package roommembership.domain;

import java.util.Map;
import java.util.TreeMap;

/** The figures of one invocation, logged as one line. */
public record Summary(int records, int rooms, int calls, int added, int alreadyMembers,
                      Map<String, Integer> deadLetteredByErrorCode, int recordsRetried, long durationMillis) {
    public Summary {
        deadLetteredByErrorCode = Map.copyOf(deadLetteredByErrorCode);
    }

    public int deadLettered() {
        return deadLetteredByErrorCode.values().stream().mapToInt(Integer::intValue).sum();
    }

    public String toLogLine() {
        return "summary records=" + records + " rooms=" + rooms + " calls=" + calls + " added=" + added
                + " alreadyMembers=" + alreadyMembers + " deadLettered=" + deadLettered()
                + " deadLetteredByErrorCode=" + new TreeMap<>(deadLetteredByErrorCode)
                + " recordsRetried=" + recordsRetried + " durationMs=" + durationMillis;
    }
}

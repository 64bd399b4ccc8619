package roommembership.pipeline.report;

import java.util.Map;

/**
 * The figures of one invocation: what its summary log line and its metrics say.
 *
 * @param rooms rooms with members to add or remove
 * @param channels channels with members to add or remove
 * @param calls Chime calls made to change memberships (adds, removals and roles), retries of members included
 * @param membershipRequests member items in the readable messages (a member named twice in one message counts once)
 * @param removed members removed
 * @param alreadyAbsent members asked to be removed who were not there
 * @param rolesChanged members already there whose role was changed to the one asked for
 * @param deadLetteredByErrorCode dead-letter records sent, per ErrorCode
 * @param invalidMessages records whose body could not be read as a request at all
 * @param chimeThrottles throttled answers from Chime: a call that failed as throttled after the client's own retries
 *                       counts one, and so does every member a call answered with Throttled or Throttling
 */
public record Summary(int records, int rooms, int channels, int calls, int membershipRequests, int added, int alreadyMembers,
                      int removed, int alreadyAbsent, int rolesChanged, Map<String, Integer> deadLetteredByErrorCode, int recordsRetried, int invalidMessages,
                      int chimeThrottles, long durationMillis) {
    public Summary {
        deadLetteredByErrorCode = Map.copyOf(deadLetteredByErrorCode);
    }

    public int deadLettered() {
        return deadLetteredByErrorCode.values().stream().mapToInt(Integer::intValue).sum();
    }
}

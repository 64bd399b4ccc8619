package roommembership.pipeline.report;

import roommembership.pipeline.settle.RequestEnds;

import java.util.Map;
import java.util.Objects;

/**
 * The figures of one invocation: what its summary log line and its metrics say.
 *
 * @param rooms rooms with members to add or remove
 * @param channels channels with members to add or remove
 * @param calls Chime calls made to change memberships (adds, removals and roles), retries of members included
 * @param membershipRequests member items in the readable messages (a member named twice in one message counts once)
 * @param requestEnds how those requests ended, adding up to them
 * @param removed members removed
 * @param alreadyAbsent members asked to be removed who were not there
 * @param rolesChanged members already there whose role was changed to the one asked for
 * @param deadLetteredByErrorCode dead-letter records sent, per ErrorCode
 * @param invalidMessages records whose body could not be read as a request at all
 * @param chimeThrottles throttled answers from Chime: a call that failed as throttled after the client's own retries
 *                       counts one, and so does every member a call answered with Throttled or Throttling
 * @param dispatched members handed to the target queue, whose own invocations carry them out
 */
public record Summary(int records, int rooms, int channels, int calls, int membershipRequests, RequestEnds requestEnds,
                      int added, int alreadyMembers, int removed, int alreadyAbsent, int rolesChanged,
                      Map<String, Integer> deadLetteredByErrorCode, int recordsRetried, int invalidMessages,
                      int chimeThrottles, int dispatched, long durationMillis) {
    public Summary {
        deadLetteredByErrorCode = Map.copyOf(deadLetteredByErrorCode);
        Objects.requireNonNull(requestEnds, "requestEnds");
    }

    /** The same figures with more records, of which some go back to SQS: records handled apart from requests. */
    public Summary withRecordsBesides(int more, int moreRetried) {
        return new Summary(records + more, rooms, channels, calls, membershipRequests, requestEnds, added,
                alreadyMembers, removed, alreadyAbsent, rolesChanged, deadLetteredByErrorCode, recordsRetried + moreRetried,
                invalidMessages, chimeThrottles, dispatched, durationMillis);
    }

    public int deadLettered() {
        return deadLetteredByErrorCode.values().stream().mapToInt(Integer::intValue).sum();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The figures by name: a summary has too many of one type to be built by position. */
    public static final class Builder {
        private int records;
        private int rooms;
        private int channels;
        private int calls;
        private int membershipRequests;
        private RequestEnds requestEnds = RequestEnds.NONE;
        private int added;
        private int alreadyMembers;
        private int removed;
        private int alreadyAbsent;
        private int rolesChanged;
        private Map<String, Integer> deadLetteredByErrorCode = Map.of();
        private int recordsRetried;
        private int invalidMessages;
        private int chimeThrottles;
        private int dispatched;
        private long durationMillis;

        private Builder() {
        }

        public Builder records(int value) {
            records = value;
            return this;
        }

        public Builder rooms(int value) {
            rooms = value;
            return this;
        }

        public Builder channels(int value) {
            channels = value;
            return this;
        }

        public Builder calls(int value) {
            calls = value;
            return this;
        }

        public Builder membershipRequests(int value) {
            membershipRequests = value;
            return this;
        }

        public Builder requestEnds(RequestEnds value) {
            requestEnds = value;
            return this;
        }

        public Builder added(int value) {
            added = value;
            return this;
        }

        public Builder alreadyMembers(int value) {
            alreadyMembers = value;
            return this;
        }

        public Builder removed(int value) {
            removed = value;
            return this;
        }

        public Builder alreadyAbsent(int value) {
            alreadyAbsent = value;
            return this;
        }

        public Builder rolesChanged(int value) {
            rolesChanged = value;
            return this;
        }

        public Builder deadLetteredByErrorCode(Map<String, Integer> value) {
            deadLetteredByErrorCode = value;
            return this;
        }

        public Builder recordsRetried(int value) {
            recordsRetried = value;
            return this;
        }

        public Builder invalidMessages(int value) {
            invalidMessages = value;
            return this;
        }

        public Builder chimeThrottles(int value) {
            chimeThrottles = value;
            return this;
        }

        public Builder dispatched(int value) {
            dispatched = value;
            return this;
        }

        public Builder durationMillis(long value) {
            durationMillis = value;
            return this;
        }

        public Summary build() {
            return new Summary(records, rooms, channels, calls, membershipRequests, requestEnds, added, alreadyMembers,
                    removed, alreadyAbsent, rolesChanged, deadLetteredByErrorCode, recordsRetried, invalidMessages,
                    chimeThrottles, dispatched, durationMillis);
        }
    }
}

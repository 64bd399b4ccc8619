package roommembership.pipeline.read;

import roommembership.model.ErrorCodes;

/**
 * A member item that cannot be sent, with the values as given so the dead-letter record shows them.
 *
 * @param memberId as given, or null when absent
 * @param role as given, or null when absent
 * @param type a channel member's Type as given, or null when absent (always null for a room)
 * @param errorCode the ErrorCode its dead-letter record carries
 */
public record RejectedItem(String memberId, String role, String type, String errorCode, String reason) {

    public RejectedItem(String memberId, String role, String errorCode, String reason) {
        this(memberId, role, null, errorCode, reason);
    }

    /** An item that is not a valid request item. */
    public static RejectedItem badRequest(String memberId, String role, String reason) {
        return new RejectedItem(memberId, role, ErrorCodes.BAD_REQUEST, reason);
    }
}

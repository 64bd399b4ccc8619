package roommembership.model;

import java.util.Set;

/** The Chime ErrorCode values this function treats specially. */
public final class ErrorCodes {
    public static final String BAD_REQUEST = "BadRequest";
    public static final String CONFLICT = "Conflict";
    public static final String FORBIDDEN = "Forbidden";
    public static final String NOT_FOUND = "NotFound";
    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String THROTTLED = "Throttled";
    public static final String THROTTLING = "Throttling";
    public static final String SERVICE_UNAVAILABLE = "ServiceUnavailable";
    public static final String SERVICE_FAILURE = "ServiceFailure";
    /** A channel, AppInstance or account limit (members, moderators) is reached: permanent until the limit changes. */
    public static final String RESOURCE_LIMIT_EXCEEDED = "ResourceLimitExceeded";

    /**
     * A roster's removal the deletion brake held: the roster would remove more of the target's members than
     * ROSTER_MAX_REMOVALS allows. Its letter is a valid Remove request, for an operator to redrive or delete.
     */
    public static final String REMOVAL_HELD = "RemovalHeld";

    private static final Set<String> TRANSIENT = Set.of(THROTTLED, THROTTLING, SERVICE_UNAVAILABLE, SERVICE_FAILURE);

    private ErrorCodes() {
    }

    /** A transient code is worth retrying: the same request may succeed later. */
    public static boolean isTransient(String errorCode) {
        return TRANSIENT.contains(errorCode);
    }

    /** Chime said it is receiving too many requests: the signal to send fewer. */
    public static boolean isThrottling(String errorCode) {
        return THROTTLED.equals(errorCode) || THROTTLING.equals(errorCode);
    }

    /**
     * A removal refused this way may only mean that the member, or the target, is not there: the chat-room API answers
     * NotFound for both, and the messaging API BadRequest for a channel it cannot find. A read of the target tells.
     */
    public static boolean mayMeanNotThere(String errorCode) {
        return NOT_FOUND.equals(errorCode) || BAD_REQUEST.equals(errorCode);
    }

    /** Chime answers Conflict for a member who is already in the target (or already a moderator): the goal holds. */
    public static boolean meansAlreadyMember(String errorCode) {
        return CONFLICT.equals(errorCode);
    }
}

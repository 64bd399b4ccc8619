package roommembership.model;

/** How one member's request ended in this invocation: a goal that holds, a failure, or not known yet. */
public sealed interface MemberOutcome {

    /** An outcome that carries the ErrorCode and message Chime gave (or the call's failure stood for). */
    sealed interface WithError extends MemberOutcome {
        String errorCode();

        String message();
    }

    record Added() implements MemberOutcome {
    }

    record AlreadyMember() implements MemberOutcome {
    }

    /** Removed from the target. */
    record Removed() implements MemberOutcome {
    }

    /** Asked to be removed from a target it was not in: the goal holds. */
    record AlreadyAbsent() implements MemberOutcome {
    }

    /** A member already there whose role was changed to the one its request named. */
    record RoleChanged() implements MemberOutcome {
    }

    /**
     * Handed to the target queue, where an invocation of its own carries it out: this invocation's part is done, and
     * the outcome of the request is the later one's.
     */
    record Dispatched() implements MemberOutcome {
    }

    /** Failed for good with this ErrorCode. */
    record Failed(String errorCode, String message) implements WithError {
    }

    /** Chime answered that this member's change was not made, with a transient ErrorCode, on every attempt made. */
    record TransientFailure(String errorCode, String message) implements WithError {
    }

    /**
     * The whole call failed with a transient ErrorCode (5xx, I/O error, time-out) and no answer came back: Chime may
     * or may not have added the member.
     */
    record Uncertain(String errorCode, String message) implements WithError {
    }

    /** Never sent: the invocation ran out of time first. */
    record NotAttempted() implements MemberOutcome {
    }

    /** The request's goal holds: added, already there, removed, already absent, or its role set. */
    default boolean holds() {
        return this instanceof Added || this instanceof AlreadyMember || this instanceof Removed
                || this instanceof AlreadyAbsent || this instanceof RoleChanged;
    }

    /** Only another delivery can settle it: never sent, or sent without an answer. */
    default boolean unsettled() {
        return this instanceof NotAttempted || this instanceof Uncertain;
    }

    static MemberOutcome ofError(String errorCode, String message) {
        return ErrorCodes.isTransient(errorCode)
                ? new TransientFailure(errorCode, message)
                : new Failed(errorCode, message);
    }

    /** A whole call's failure: a transient one leaves the outcome unknown. */
    static MemberOutcome ofCallFailure(String errorCode, String message) {
        return ErrorCodes.isTransient(errorCode)
                ? new Uncertain(errorCode, message)
                : new Failed(errorCode, message);
    }
}

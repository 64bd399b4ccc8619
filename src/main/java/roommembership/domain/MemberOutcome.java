package roommembership.domain;

/** How one member's request ended in this invocation. */
public sealed interface MemberOutcome {

    record Added() implements MemberOutcome {
    }

    record AlreadyMember() implements MemberOutcome {
    }

    /** Failed for good with this ErrorCode. */
    record Failed(String errorCode, String message) implements MemberOutcome {
    }

    /** Still failing with a transient ErrorCode after the retries this invocation could afford. */
    record TransientFailure(String errorCode, String message) implements MemberOutcome {
    }

    /** Never sent: the invocation ran out of time first. */
    record NotAttempted() implements MemberOutcome {
    }

    static MemberOutcome ofError(String errorCode, String message) {
        return ErrorCodes.isTransient(errorCode)
                ? new TransientFailure(errorCode, message)
                : new Failed(errorCode, message);
    }
}

package roommembership.target;

import roommembership.model.ErrorCodes;

import java.util.List;

/**
 * What one call through the memberships port came to: an answer with per-member errors, or a failure of the whole
 * call.
 */
public sealed interface CallResult {

    /** Throttled answers in this result: the whole call, or each member Chime answered with a throttling code. */
    int throttledAnswers();

    /** The call was answered; members not named in {@code errors} were added. */
    record Answered(List<MemberError> errors) implements CallResult {
        public Answered {
            errors = List.copyOf(errors);
        }

        @Override
        public int throttledAnswers() {
            return (int) errors.stream().filter(error -> ErrorCodes.isThrottling(error.errorCode())).count();
        }
    }

    /** The whole call failed (after the client's own retries) with this ErrorCode. */
    record Failed(String errorCode, String message) implements CallResult {
        @Override
        public int throttledAnswers() {
            return ErrorCodes.isThrottling(errorCode) ? 1 : 0;
        }
    }
}

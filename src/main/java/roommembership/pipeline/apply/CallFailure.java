package roommembership.pipeline.apply;

import roommembership.model.ErrorCodes;
import roommembership.target.Target;

import java.util.Objects;

/**
 * A call (an add, a removal or a role change) that failed as a whole, after the client's own retries: what an operator
 * needs to see it, without the members' ids.
 *
 * @param members how many members the call carried
 */
public record CallFailure(Target target, String errorCode, String message, int members) {
    public CallFailure {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(errorCode, "errorCode");
    }

    /** A transient failure leaves the members to another attempt; any other is dead-lettered. */
    public boolean isTransient() {
        return ErrorCodes.isTransient(errorCode);
    }
}

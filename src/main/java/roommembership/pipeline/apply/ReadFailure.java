package roommembership.pipeline.apply;

import roommembership.model.ErrorCodes;
import roommembership.target.Target;

import java.util.Objects;

/**
 * A read of a target that got no roster: what an operator needs to see it. A member it was to decide stays unknown
 * (its record goes back to SQS) or keeps the failure it had.
 *
 * @param read what was read: {@code members} or {@code administrators}
 */
public record ReadFailure(Target target, String read, String errorCode, String message) {
    public ReadFailure {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(errorCode, "errorCode");
    }

    /** A transient failure may pass by the next read; any other will not. */
    public boolean isTransient() {
        return ErrorCodes.isTransient(errorCode);
    }
}

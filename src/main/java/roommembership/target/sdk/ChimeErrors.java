package roommembership.target.sdk;

import roommembership.target.CallResult;
import roommembership.model.ErrorCodes;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How a failure of a whole Chime call, after the client's own retries, maps to the ErrorCode it stands for: each API's
 * declared exceptions by a table of its own, then the same rules for every API.
 */
public final class ChimeErrors {
    private final List<Map.Entry<Class<? extends SdkException>, String>> codes;

    /** @param declared the API's declared exceptions, by ErrorCode; I/O failures are added as ServiceUnavailable */
    public ChimeErrors(List<Map.Entry<Class<? extends SdkException>, String>> declared) {
        codes = new ArrayList<>(declared);
        codes.add(Map.entry(SdkClientException.class, ErrorCodes.SERVICE_UNAVAILABLE));
    }

    public String errorCodeOf(SdkException e) {
        for (Map.Entry<Class<? extends SdkException>, String> code : codes) {
            if (code.getKey().isInstance(e)) {
                return code.getValue();
            }
        }
        if (e instanceof AwsServiceException service) {
            // An error this operation does not declare: a 5xx may pass, a 4xx will not.
            if (service.statusCode() >= 500) {
                return ErrorCodes.SERVICE_FAILURE;
            }
            if (service.statusCode() == 429) {
                return ErrorCodes.THROTTLED;
            }
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            return code == null || code.isBlank() ? "HTTP" + service.statusCode() : code;
        }
        return ErrorCodes.SERVICE_UNAVAILABLE;
    }

    /**
     * A call about one member, given its time limit: answered without errors, or failed as a whole with the ErrorCode it
     * stands for; not made when no time is left.
     */
    public CallResult single(Duration timeLimit, Consumer<Duration> call) {
        Optional<Duration> limit = CallTime.bounded(timeLimit);
        if (limit.isEmpty()) {
            return CallTime.NO_CALL;
        }
        try {
            call.accept(limit.get());
            return new CallResult.Answered(List.of());
        } catch (SdkException e) {
            return new CallResult.Failed(errorCodeOf(e), messageOf(e));
        }
    }

    public static String messageOf(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorMessage() != null) {
            return service.awsErrorDetails().errorMessage();
        }
        return e.getMessage();
    }
}

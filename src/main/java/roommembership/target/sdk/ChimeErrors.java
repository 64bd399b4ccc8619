package roommembership.target.sdk;

import roommembership.target.CallResult;
import roommembership.target.MemberError;
import roommembership.model.ErrorCodes;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How a failure of a whole Chime call, after the client's own retries, maps to the ErrorCode it stands for: each API's
 * declared exceptions by a table of its own, then the same rules for every API. An answer that is not the
 * operation's (a body the SDK cannot read, an empty one, a gateway's page) is a failure of the call too, and says so.
 */
public final class ChimeErrors {
    /** The SDK's words for a body it could not read as the operation's answer. */
    private static final String UNREADABLE = "Unable to unmarshall response";
    private static final String NOT_THE_ANSWER = "Chime's answer was not the operation's: ";

    private final List<Map.Entry<Class<? extends SdkException>, String>> codes;

    /** @param declared the API's declared exceptions, by ErrorCode; I/O failures are added as ServiceUnavailable */
    public ChimeErrors(List<Map.Entry<Class<? extends SdkException>, String>> declared) {
        codes = new ArrayList<>(declared);
        codes.add(Map.entry(SdkClientException.class, ErrorCodes.SERVICE_UNAVAILABLE));
    }

    /** The ErrorCode a failure stands for: transient where another attempt may be answered, permanent otherwise. */
    public String errorCodeOf(RuntimeException e) {
        if (!(e instanceof SdkException) || isUnreadableAnswer(e)) {
            // The service, or what answered for it, gave something that is no answer: another attempt may get one.
            return ErrorCodes.SERVICE_FAILURE;
        }
        for (Map.Entry<Class<? extends SdkException>, String> code : codes) {
            if (code.getKey().isInstance(e)) {
                return code.getValue();
            }
        }
        if (e instanceof AwsServiceException service) {
            // An error this operation does not declare: a 5xx may pass, a 4xx will not, but for these two.
            if (service.statusCode() >= 500) {
                return ErrorCodes.SERVICE_FAILURE;
            }
            if (service.statusCode() == 429) {
                return ErrorCodes.THROTTLED;
            }
            if (service.statusCode() == 408) {
                return ErrorCodes.SERVICE_UNAVAILABLE;
            }
            String code = serviceCode(service);
            return code == null ? "HTTP" + service.statusCode() : code;
        }
        return ErrorCodes.SERVICE_UNAVAILABLE;
    }

    /**
     * A call about one member, given its time limit: answered without errors, or failed as a whole with the ErrorCode
     * it stands for; not made when no time is left.
     */
    public CallResult single(Duration timeLimit, Consumer<Duration> call) {
        return within(timeLimit, limit -> {
            call.accept(limit);
            return new CallResult.Answered(List.of());
        });
    }

    /**
     * A batch call, given its time limit: answered with its {@code Errors} entries as member errors (a null entry names
     * no member: the matching of entries to members decides what that leaves unknown), or failed as a whole; not made
     * when no time is left.
     */
    public <E> CallResult batch(Duration timeLimit, Function<Duration, List<E>> call, Function<E, MemberError> entry) {
        return within(timeLimit, limit -> new CallResult.Answered(call.apply(limit).stream()
                .map(error -> error == null ? new MemberError(null, null, null) : entry.apply(error))
                .toList()));
    }

    /** The call with its time limit, capped; a failure as the ErrorCode it stands for; none when no time is left. */
    private CallResult within(Duration timeLimit, Function<Duration, CallResult> call) {
        Optional<Duration> limit = CallTime.bounded(timeLimit);
        if (limit.isEmpty()) {
            return CallTime.NO_CALL;
        }
        try {
            return call.apply(limit.get());
        } catch (RuntimeException e) {
            return new CallResult.Failed(errorCodeOf(e), messageOf(e));
        }
    }

    /**
     * The answer, when it has a body: the SDK reads an empty one as a JSON object without fields, which would say
     * that every member was added, or that a target has none.
     */
    public static <R extends SdkResponse> R withBody(R response) {
        if (response.sdkHttpResponse().firstMatchingHeader("Content-Length").filter("0"::equals).isPresent()) {
            throw SdkClientException.create(UNREADABLE + ": HTTP " + response.sdkHttpResponse().statusCode()
                    + " with an empty body");
        }
        return response;
    }

    /** What went wrong, in words: the service's own message, or what the answer was when it was not the service's. */
    public static String messageOf(RuntimeException e) {
        if (e instanceof AwsServiceException service) {
            AwsErrorDetails details = service.awsErrorDetails();
            if (serviceCode(service) == null) {
                String type = details == null || details.sdkHttpResponse() == null ? null
                        : details.sdkHttpResponse().firstMatchingHeader("Content-Type").orElse(null);
                boolean page = type != null && type.toLowerCase(Locale.ROOT).contains("html");
                return NOT_THE_ANSWER + "HTTP " + service.statusCode() + " with a " + (type == null ? "untyped" : type)
                        + " body, " + (page ? "a gateway's page rather than the service's answer"
                        : "without an error code of the service's");
            }
            if (details.errorMessage() != null) {
                return details.errorMessage();
            }
        }
        if (!(e instanceof SdkException) || isUnreadableAnswer(e)) {
            return NOT_THE_ANSWER + e.getMessage();
        }
        return e.getMessage();
    }

    private static boolean isUnreadableAnswer(RuntimeException e) {
        return e instanceof SdkClientException && e.getMessage() != null && e.getMessage().startsWith(UNREADABLE);
    }

    /** The service's ErrorCode in an error answer; null when the answer named none (not the service's answer). */
    private static String serviceCode(AwsServiceException service) {
        AwsErrorDetails details = service.awsErrorDetails();
        String code = details == null ? null : details.errorCode();
        return code == null || code.isBlank() ? null : code;
    }
}

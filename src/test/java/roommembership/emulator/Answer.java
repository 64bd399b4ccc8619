package roommembership.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the emulator answers to one request: a status, a JSON body and, for an error, the {@code x-amzn-ErrorType}
 * the SDKs map to an exception class. An error body is {@code {"Code":..., "Message":...}}, the Chime APIs' error
 * structure, whose {@code Code} is a value of their {@code ErrorCode} enum. A null body is an answer without one
 * (a 204), sent with no Content-Type and no body bytes.
 *
 * @param cutShort the answer is to be cut short after its headers, as for {@link ChimeEmulator.Fault#RESET_MID_RESPONSE}
 */
record Answer(int status, String errorType, Object body, boolean cutShort) {

    private static final ObjectMapper JSON = new ObjectMapper();

    Answer(int status, String errorType, Object body) {
        this(status, errorType, body, false);
    }

    /** The same answer, sent with its full Content-Length but only half its body: the call took effect, unseen. */
    Answer cut() {
        return new Answer(status, errorType, body, true);
    }

    /** An error answer; a null {@code code} leaves {@code Code} out, for errors that are not of the API's model. */
    static Answer error(int status, String errorType, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (code != null) {
            body.put("Code", code);
        }
        body.put("Message", message);
        return new Answer(status, errorType, body);
    }

    /** The 204 of a delete: no body. */
    static Answer noContent() {
        return new Answer(204, null, null);
    }

    static Answer fault(ChimeEmulator.Fault fault) {
        return error(fault.httpStatus(), fault.errorType(), fault.errorCode(), fault.message());
    }

    static Answer badRequest(String message) {
        return error(400, "BadRequestException", "BadRequest", message);
    }

    static Answer notFound(String message) {
        return error(404, "NotFoundException", "NotFound", message);
    }

    static Answer forbidden(String message) {
        return error(403, "ForbiddenException", "Forbidden", message);
    }

    static Answer unauthorized(String message) {
        return error(401, "UnauthorizedClientException", "Unauthorized", message);
    }

    byte[] bodyBytes() throws JsonProcessingException {
        return JSON.writeValueAsBytes(body);
    }

    /** Thrown by validation: the whole call is a 400 with this message. */
    static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message, null, false, false);
        }

        Answer answer() {
            return badRequest(getMessage());
        }
    }
}

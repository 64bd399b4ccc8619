package roommembership.s3;

import roommembership.model.Deadline;
import roommembership.model.ErrorCodes;
import roommembership.pipeline.read.RosterObjects;
import roommembership.pipeline.read.RosterTrigger;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Rosters in S3: GetObject streamed into the reader, bounded in bytes and in time, and PutObject for a plan. The
 * client is asked for on the first call, so an invocation without a roster never builds it. S3's answers map to
 * outcomes here and only here: its own error code where it gave one; 5xx, throttling and no answer are transient.
 */
public final class S3RosterObjects implements RosterObjects {
    /** One call, the SDK's retries included, never takes longer. */
    public static final Duration MAX_CALL_TIME = Duration.ofSeconds(30);

    private final Supplier<S3Client> client;
    private final Duration answerReserve;

    /**
     * @param client        built when first asked for; asked for once per call
     * @param answerReserve the invocation time a call leaves unused, for the invocation to log and answer in
     */
    public S3RosterObjects(Supplier<S3Client> client, Duration answerReserve) {
        this.client = Objects.requireNonNull(client, "client");
        this.answerReserve = Objects.requireNonNull(answerReserve, "answerReserve");
    }

    @Override
    public <T> Fetched<T> read(RosterTrigger.RosterObject object, long maxBytes, Deadline deadline,
                               Function<BufferedReader, T> read) {
        Duration time = timeLimit(deadline);
        if (time.isZero()) {
            return noTime("read");
        }
        try {
            return client.get().getObject(request -> request.bucket(object.bucket()).key(object.key())
                            .overrideConfiguration(call -> call.apiCallTimeout(time)),
                    (GetObjectResponse response, AbortableInputStream body) -> lines(object, response, body, maxBytes, read));
        } catch (S3Exception e) {
            return failed(e, object, "read");
        } catch (SdkException e) {
            return new Unavailable<>(ErrorCodes.SERVICE_UNAVAILABLE, "the roster " + object.uri()
                    + " could not be read: " + e.getMessage());
        }
    }

    @Override
    public Fetched<Void> write(RosterTrigger.RosterObject object, String json, Deadline deadline) {
        Duration time = timeLimit(deadline);
        if (time.isZero()) {
            return noTime("written");
        }
        try {
            client.get().putObject(request -> request.bucket(object.bucket()).key(object.key())
                            .contentType("application/json")
                            .overrideConfiguration(call -> call.apiCallTimeout(time)),
                    RequestBody.fromString(json, StandardCharsets.UTF_8));
            return new Done<>(null);
        } catch (S3Exception e) {
            return failed(e, object, "written");
        } catch (SdkException e) {
            return new Unavailable<>(ErrorCodes.SERVICE_UNAVAILABLE, object.uri() + " could not be written: "
                    + e.getMessage());
        }
    }

    /** The body as lines, refused when its length says or its bytes show it is too large, or it is not UTF-8. */
    private static <T> Fetched<T> lines(RosterTrigger.RosterObject object, GetObjectResponse response,
                                        InputStream body, long maxBytes, Function<BufferedReader, T> read) {
        Long length = response.contentLength();
        if (length != null && length > maxBytes) {
            return tooLarge(object, length, maxBytes);
        }
        Bounded bounded = new Bounded(body, maxBytes);
        var utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(bounded, utf8))) {
            return new Done<>(read.apply(reader));
        } catch (UncheckedIOException | IOException e) {
            Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
            if (cause instanceof TooLarge) {
                return tooLarge(object, bounded.read, maxBytes);
            }
            if (cause instanceof CharacterCodingException) {
                return new Refused<>(ErrorCodes.BAD_REQUEST, "the roster " + object.uri()
                        + " is not UTF-8 text: byte " + bounded.read + " or before it is not part of a character");
            }
            return new Unavailable<>(ErrorCodes.SERVICE_UNAVAILABLE, "the roster " + object.uri()
                    + " could not be read to its end: " + cause);
        }
    }

    private static <T> Fetched<T> tooLarge(RosterTrigger.RosterObject object, long bytes, long maxBytes) {
        return new Refused<>(ErrorCodes.BAD_REQUEST, "the roster " + object.uri() + " is "
                + (bytes > maxBytes ? bytes + " bytes" : "larger") + ", more than ROSTER_MAX_BYTES (" + maxBytes
                + "): it was not applied");
    }

    /** S3's error code and message; a 5xx, 429 or SlowDown is transient, anything else refuses the object. */
    private static <T> Fetched<T> failed(S3Exception e, RosterTrigger.RosterObject object, String done) {
        String code = e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                && !e.awsErrorDetails().errorCode().isBlank() ? e.awsErrorDetails().errorCode()
                : "HTTP" + e.statusCode();
        String message = object.uri() + " could not be " + done + ": " + code + " (HTTP " + e.statusCode() + ")";
        boolean transientFailure = e.statusCode() >= 500 || e.statusCode() == 429 || e.isThrottlingException()
                || "SlowDown".equals(code);
        return transientFailure ? new Unavailable<>(code, message) : new Refused<>(code, message);
    }

    private static <T> Fetched<T> noTime(String done) {
        return new Unavailable<>(ErrorCodes.SERVICE_UNAVAILABLE, "no time was left for the roster to be " + done
                + ": it was not tried");
    }

    private Duration timeLimit(Deadline deadline) {
        long left = deadline.remainingMillis() - answerReserve.toMillis();
        return Duration.ofMillis(Math.max(0, Math.min(left, MAX_CALL_TIME.toMillis())));
    }

    /** Fails the read past the limit, whatever the object's length said. */
    private static final class Bounded extends FilterInputStream {
        private final long limit;
        private long read;

        Bounded(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws TooLarge {
            read += n;
            if (read > limit) {
                throw new TooLarge();
            }
        }
    }

    /** The object held more bytes than a roster may. */
    private static final class TooLarge extends IOException {
        TooLarge() {
            super("more bytes than a roster may hold");
        }
    }
}

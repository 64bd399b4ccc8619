package roommembership.pipeline.read;

import roommembership.model.Deadline;

import java.io.BufferedReader;
import java.util.Objects;
import java.util.function.Function;

/**
 * Port: the store rosters are read from and their plans written to (S3). Every call keeps to the invocation's time.
 */
public interface RosterObjects {

    /**
     * Reads the object's current version as UTF-8 text through {@code read}, line by line as it arrives, never more
     * than {@code maxBytes} of it: a larger object is refused before or while it is read, so the roster is never
     * taken from part of it.
     */
    <T> Fetched<T> read(RosterTrigger.RosterObject object, long maxBytes, Deadline deadline,
                        Function<BufferedReader, T> read);

    /** Writes a text object (a dry run's plan, JSON) at this key of the object's bucket. */
    Fetched<Void> write(RosterTrigger.RosterObject object, String json, Deadline deadline);

    /** A service that reads no rosters (built without a store): every roster is refused, saying so. */
    RosterObjects NONE = new RosterObjects() {
        @Override
        public <T> Fetched<T> read(RosterTrigger.RosterObject object, long maxBytes, Deadline deadline,
                                   Function<BufferedReader, T> read) {
            return new Refused<>("BadRequest", "this service reads no rosters: " + object.uri() + " was not read");
        }

        @Override
        public Fetched<Void> write(RosterTrigger.RosterObject object, String json, Deadline deadline) {
            return new Refused<>("BadRequest", "this service writes no plans: " + object.uri() + " was not written");
        }
    };

    /** What a read or a write came to. */
    sealed interface Fetched<T> {
    }

    record Done<T>(T value) implements Fetched<T> {
    }

    /** It was not done: the store's or the client's code, and what was said. */
    sealed interface NotDone<T> extends Fetched<T> {
        String errorCode();

        String message();
    }

    /**
     * The object cannot be read or written as asked, now or on a later receive: it does not exist, access is denied,
     * it is too large or not UTF-8 text. A letter says so.
     *
     * @param errorCode the store's own code where it gave one ({@code NoSuchKey}, {@code AccessDenied}), else
     *                  {@code BadRequest}
     */
    record Refused<T>(String errorCode, String message) implements NotDone<T> {
        public Refused {
            Objects.requireNonNull(errorCode, "errorCode");
            Objects.requireNonNull(message, "message");
        }
    }

    /** It could not be done this time (a 5xx, a throttle, no answer, no time left): the record goes back to SQS. */
    record Unavailable<T>(String errorCode, String message) implements NotDone<T> {
        public Unavailable {
            Objects.requireNonNull(errorCode, "errorCode");
            Objects.requireNonNull(message, "message");
        }
    }
}

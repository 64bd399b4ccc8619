package roommembership.model;

import java.util.List;

/**
 * What a send to a queue came to, whatever it sent (letters, dispatches).
 *
 * @param unsent what was not confirmed sent: after retries, or for want of time
 * @param failures every failure met on the way, in the order met, those a retry made good included
 */
public record Sent<T>(List<T> unsent, List<SendFailure> failures) {
    public Sent {
        unsent = List.copyOf(unsent);
        failures = List.copyOf(failures);
    }

    /** Everything went, at the first try. */
    public static <T> Sent<T> allSent() {
        return new Sent<>(List.of(), List.of());
    }
}

package roommembership.priming;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The SQS event priming runs through the function (priming-event.json beside this class): a form-1 record with a
 * member Chime does not find and one already there whose role is changed, an SNS-wrapped form-2 record, an unreadable
 * one, a form-3 record for a channel with an administrator and a member not found, removals from a room and a channel
 * of a member there and one not, and a form-4 record that makes a channel moderator a plain member. Its channels are
 * in the region {@code {region}} stands for; they are refused without a call when no bearer is set.
 */
public final class PrimingEvent {
    private static final String RESOURCE = "priming-event.json";

    private PrimingEvent() {
    }

    /** The event, its channels in the given region, whose messaging client was built at start. */
    public static String inRegion(String region) {
        try (InputStream in = PrimingEvent.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the function's package");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{region}", region);
        } catch (IOException e) {
            throw new UncheckedIOException("the priming event could not be read", e);
        }
    }
}

package roommembership.pacing;

import java.util.Objects;

/**
 * A rate a call draws from: every messaging call of one bearer, one channel's calls of one class, or the chat-room
 * calls of this container.
 *
 * @param id the bearer's or the channel's ARN; empty for the rooms
 */
public record Scope(Kind kind, String id) {

    /** The rates Chime sets, and the one this function sets for the chat-room APIs. */
    public enum Kind {
        /** Every Chime SDK messaging call made as one AppInstanceUser or AppInstanceBot. */
        BEARER,
        /** BatchCreateChannelMembership on one channel. */
        CHANNEL_BATCH_ADD,
        /** The single membership and moderator writes on one channel. */
        CHANNEL_WRITE,
        /** The membership and moderator listings of one channel. */
        CHANNEL_READ,
        /** Every chat-room call of this container. */
        ROOMS
    }

    public Scope {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    public static Scope bearer(String bearerArn) {
        return new Scope(Kind.BEARER, bearerArn);
    }

    public static Scope channel(Kind kind, String channelArn) {
        if (kind == Kind.BEARER || kind == Kind.ROOMS) {
            throw new IllegalArgumentException(kind + " is not a channel's rate");
        }
        return new Scope(kind, channelArn);
    }

    public static Scope rooms() {
        return new Scope(Kind.ROOMS, "");
    }
}

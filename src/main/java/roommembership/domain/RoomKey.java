package roommembership.domain;

import java.util.Objects;

/** One Chime chat room: the unit a BatchCreateRoomMembership call addresses. */
public record RoomKey(String accountId, String roomId) {
    public RoomKey {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(roomId, "roomId");
    }
}

package roommembership.domain;

/** A member of a room: the identity under which requests across records are merged. */
public record MemberKey(RoomKey room, String memberId) {
}

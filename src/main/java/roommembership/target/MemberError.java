package roommembership.target;

/** One entry of a BatchCreateRoomMembership response's {@code Errors} list. */
public record MemberError(String memberId, String errorCode, String message) {
}

package roommembership.target;

/**
 * One member the answer to a call names as not done: an {@code Errors} entry of a batch create, or a single-member
 * call's refusal.
 */
public record MemberError(String memberId, String errorCode, String message) {
}

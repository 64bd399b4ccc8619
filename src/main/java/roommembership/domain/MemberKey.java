package roommembership.domain;

/** A member of a conversation: the identity under which requests across records are merged. */
public record MemberKey(Conversation conversation, String memberId) {
}

package roommembership.domain;

/**
 * A member item that cannot be sent, with the values as given so the dead-letter record shows them.
 *
 * @param memberId as given, or null when absent
 * @param role as given, or null when absent
 */
public record RejectedItem(String memberId, String role, String reason) {
}

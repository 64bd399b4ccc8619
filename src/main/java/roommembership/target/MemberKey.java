package roommembership.target;

/** A member of a target: the identity under which requests across records are merged. */
public record MemberKey(Target target, String memberId) {
    /**
     * The record's own hash combines the two parts' hashes as {@code 31 * a + b}, and ids that producers number
     * systematically ({@code room-12}, {@code user-3-4}) are polynomials in 31 too: a batch's keys then collide by the
     * thousand and the plan's maps turn their buckets into trees. Multiplying the target's hash by a large odd
     * constant (the golden ratio's, as in Fibonacci hashing) keeps such ids apart.
     */
    @Override
    public int hashCode() {
        return target.hashCode() * 0x9E3779B9 + memberId.hashCode();
    }
}

package roommembership.target;

/** A member of a target: the identity under which requests across records are merged. */
public record MemberKey(Target target, String memberId) {
    /** The longest room MemberId a request may name. */
    private static final int MAX_MEMBER_ID_CHARS = 256;

    /**
     * Whether the text names a member this function can act on: a channel member's ARN, or a room's MemberId that it
     * can remove or change (at most 256 characters, a plain path segment).
     */
    public static boolean namesAMember(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        return ChimeArns.isMemberArn(text) || text.codePointCount(0, text.length()) <= MAX_MEMBER_ID_CHARS
                && PathSegments.isPlain(text);
    }

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

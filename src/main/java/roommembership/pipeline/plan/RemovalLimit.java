package roommembership.pipeline.plan;

import java.util.Locale;
import java.util.Optional;

/**
 * The deletion brake: how many removals one roster may make in one target. A count ({@code 25}) or a percentage of
 * the target's current members as listed ({@code 10%}), rounded down; {@code 0} or {@code 0%} never removes; a
 * percentage that gives fewer than {@value #PERCENT_FLOOR} allows that many, so a small target is not frozen.
 *
 * @param value   the count, or the percentage
 * @param percent whether {@code value} is a percentage
 */
public record RemovalLimit(int value, boolean percent) {
    public static final int PERCENT_FLOOR = 5;
    public static final RemovalLimit DEFAULT = new RemovalLimit(10, true);

    public RemovalLimit {
        if (value < 0 || percent && value > 100) {
            throw new IllegalArgumentException("a removal limit is a count of 0 or more, or a percentage from 0 to 100: "
                    + value + (percent ? "%" : ""));
        }
    }

    /** {@code 25}, {@code 10%}, {@code 0}; empty when the text is none of those. */
    public static Optional<RemovalLimit> parse(String text) {
        String trimmed = text.trim();
        boolean percent = trimmed.endsWith("%");
        String digits = percent ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        int value = Integer.parseInt(digits);
        return percent && value > 100 ? Optional.empty() : Optional.of(new RemovalLimit(value, percent));
    }

    /** The removals allowed in a target that holds this many members now. */
    public int allowed(int currentMembers) {
        if (!percent) {
            return value;
        }
        if (value == 0) {
            return 0;
        }
        return Math.max(PERCENT_FLOOR, (int) ((long) currentMembers * value / 100));
    }

    @Override
    public String toString() {
        return percent ? String.format(Locale.ROOT, "%d%%", value) : Integer.toString(value);
    }
}

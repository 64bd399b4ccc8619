package roommembership.model;

/** Cutting text that holds input from outside: never through a surrogate pair, and always saying that it was cut. */
public final class Text {
    /** A value quoted in a reason is cut to this many characters, so a reason never echoes unbounded input. */
    public static final int MAX_QUOTED_CHARS = 100;

    private Text() {
    }

    /** The first {@code keep} characters, one fewer when the last would be the first half of a surrogate pair. */
    public static String head(String value, int keep) {
        if (value.length() <= keep) {
            return value;
        }
        int end = keep > 0 && Character.isHighSurrogate(value.charAt(keep - 1)) ? keep - 1 : keep;
        return value.substring(0, end);
    }

    /** The value in quotes, cut to its first characters when it is long. */
    public static String quoted(String value) {
        if (value.length() <= MAX_QUOTED_CHARS) {
            return "'" + value + "'";
        }
        return "'" + head(value, MAX_QUOTED_CHARS) + "...' (" + value.codePointCount(0, value.length())
                + " characters)";
    }
}

package roommembership.target;

import java.text.Normalizer;

/**
 * The rule for an id that a call puts in its path as one segment: a URL's normalisation must leave it as it is. The
 * SDK percent-encodes a path label but leaves {@code .} as it is, so {@code .} and {@code ..} are dot segments,
 * which normalisation removes with the segment before; a gateway that decodes {@code %} or reads {@code \} as
 * {@code /}, or that applies Unicode compatibility normalisation, can turn other characters into a separator or a dot.
 */
final class PathSegments {
    /** The rule in words, for the messages that refuse an id. */
    static final String RULE = "a plain path segment, as the member's own calls put it in their path: neither '.' "
            + "nor '..', and no '/', '\\', '%', control character, or character that Unicode normalisation turns into "
            + "'.', '/', '\\' or '%' (such as the full-width '．' and '／')";
    /** The characters a path's normalisation or a gateway's decoding can read as structure. */
    private static final String STRUCTURE = "./\\%";

    private PathSegments() {
    }

    /** Whether the id passes {@link #RULE}. */
    static boolean isPlain(String id) {
        if (id.equals(".") || id.equals("..")) {
            return false;
        }
        for (int i = 0; i < id.length(); ) {
            int c = id.codePointAt(i);
            i += Character.charCount(c);
            if (c == '/' || c == '\\' || c == '%' || Character.isISOControl(c)) {
                return false;
            }
            if (c >= 0x80 && becomesStructure(c)) {
                return false;
            }
        }
        return true;
    }

    /** Whether NFKC (which some gateways apply to paths) turns the character into text holding '.', '/', '\' or '%'. */
    private static boolean becomesStructure(int c) {
        String character = Character.toString(c);
        String normalised = Normalizer.normalize(character, Normalizer.Form.NFKC);
        if (normalised.equals(character)) {
            return false;
        }
        for (int i = 0; i < normalised.length(); i++) {
            if (STRUCTURE.indexOf(normalised.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }
}

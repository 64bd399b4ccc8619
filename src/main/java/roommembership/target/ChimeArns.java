package roommembership.target;

import roommembership.model.Text;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The checks every Chime SDK ARN of a request passes before it goes near a call: printable, plain, bounded. */
public final class ChimeArns {
    private static final Pattern APP_INSTANCE = Pattern.compile(ChannelKey.APP_INSTANCE);
    private static final Pattern MEMBER = Pattern.compile("(" + ChannelKey.APP_INSTANCE + ")/(user|bot)/(" + ChannelKey.ID + ")");
    public static final String MEMBER_RULE = "arn:aws:chime:<region>:<12-digit account>:app-instance/<id>/user/<id> "
            + "or .../bot/<id>, each id 1 to 64 letters, digits or : - _ . @, starting and ending with a letter or digit";

    private ChimeArns() {
    }

    /** The rules of every ARN, before its shape: length, control characters, encodings, dot segments. */
    static Optional<String> problemOf(String arn, String field) {
        if (arn == null || arn.isBlank()) {
            return Optional.of(field + " is missing or blank");
        }
        int length = arn.codePointCount(0, arn.length());
        if (length > ChannelKey.MAX_ARN_CHARS) {
            return Optional.of(field + " has " + length + " characters, more than " + ChannelKey.MAX_ARN_CHARS);
        }
        for (int i = 0; i < arn.length(); i++) {
            char c = arn.charAt(i);
            if (Character.isISOControl(c)) {
                return Optional.of(String.format("%s contains the control character U+%04X", field, (int) c));
            }
        }
        if (arn.indexOf('%') >= 0) {
            return Optional.of(field + " contains '%': an ARN is sent as it is, never percent-encoded, "
                    + "so no encoded '/' can change the path: " + Text.quoted(arn));
        }
        if (arn.contains("..")) {
            return Optional.of(field + " contains '..', which no Chime id has: " + Text.quoted(arn));
        }
        return Optional.empty();
    }

    /** A user or bot ARN of exactly this AppInstance. */
    static Optional<String> memberProblem(String memberArn, String appInstanceArn, String field) {
        Optional<String> common = problemOf(memberArn, field);
        if (common.isPresent()) {
            return common;
        }
        Matcher matcher = MEMBER.matcher(memberArn);
        if (!matcher.matches()) {
            return Optional.of(field + " must be an AppInstanceUser or AppInstanceBot ARN, " + MEMBER_RULE
                    + ", not " + Text.quoted(memberArn));
        }
        if (!matcher.group(1).equals(appInstanceArn)) {
            return Optional.of(field + " " + Text.quoted(memberArn) + " belongs to the AppInstance "
                    + Text.quoted(matcher.group(1)) + ", not to the channel's " + Text.quoted(appInstanceArn));
        }
        return Optional.empty();
    }

    /** Whether the text is an AppInstanceUser or AppInstanceBot ARN. */
    public static boolean isMemberArn(String text) {
        return text != null && problemOf(text, "ARN").isEmpty() && MEMBER.matcher(text).matches();
    }

    /** The AppInstance of a user or bot ARN; the ARN must be one. */
    public static String appInstanceOf(String memberArn) {
        Matcher matcher = MEMBER.matcher(memberArn);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not an AppInstanceUser or AppInstanceBot ARN");
        }
        return matcher.group(1);
    }

    /** Whether the text is an AppInstance ARN. */
    public static boolean isAppInstanceArn(String text) {
        return text != null && problemOf(text, "ARN").isEmpty() && APP_INSTANCE.matcher(text).matches();
    }
}

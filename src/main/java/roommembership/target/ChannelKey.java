package roommembership.target;

import roommembership.model.Text;

import java.util.List;
import java.util.Map;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Amazon Chime SDK messaging channel: the unit a BatchCreateChannelMembership call addresses. Its ARN is a path
 * label of every call and names the region whose endpoint serves it, so only an ARN of the exact documented shape is
 * accepted (see {@link #ARN_RULE}).
 *
 * @param arn the channel ARN
 * @param region the region in the ARN, which decides the endpoint
 * @param appInstanceArn the AppInstance the channel belongs to: the ARN up to {@code /channel/}
 */
public record ChannelKey(String arn, String region, String appInstanceArn) implements Target {
    /** BatchCreateChannelMembership takes at most 100 member ARNs. */
    public static final int MAX_MEMBERS_PER_CALL = 100;
    /** The service model's ChimeArn: at most 1,600 characters. */
    public static final int MAX_ARN_CHARS = 1_600;
    /**
     * ChannelId, AppInstanceUserId (and so every id this function accepts in an ARN), as the service model has them:
     * 1 to 64 characters, {@code [A-Za-z0-9]([A-Za-z0-9\:\-\_\.\@]{0,62}[A-Za-z0-9])?}.
     */
    static final String ID = "[A-Za-z0-9](?:[A-Za-z0-9:_.@-]{0,62}[A-Za-z0-9])?";
    static final String APP_INSTANCE = "arn:aws:chime:([a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}):([0-9]{12}):app-instance/(" + ID + ")";
    private static final Pattern CHANNEL = Pattern.compile("(" + APP_INSTANCE + ")/channel/(" + ID + ")");
    public static final String ARN_RULE = "arn:aws:chime:<region>:<12-digit account>:app-instance/<id>/channel/<id>, "
            + "each id 1 to 64 letters, digits or : - _ . @, starting and ending with a letter or digit";

    public ChannelKey {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(appInstanceArn, "appInstanceArn");
    }

    @Override
    public Kind kind() {
        return Kind.CHANNEL;
    }

    @Override
    public int maxMembersPerCall() {
        return MAX_MEMBERS_PER_CALL;
    }

    @Override
    public boolean memberLimited() {
        return true;
    }

    @Override
    public boolean roleInAddCall() {
        return false;
    }

    @Override
    public List<Map.Entry<String, String>> idFields() {
        return List.of(Map.entry("ChannelArn", arn));
    }

    @Override
    public String memberListField() {
        return "MemberArns";
    }

    @Override
    public String memberField() {
        return "MemberArn";
    }

    @Override
    public boolean membersAsItems() {
        return false;
    }

    @Override
    public Optional<String> account() {
        return Optional.empty();
    }

    @Override
    public Optional<String> appInstance() {
        return Optional.of(appInstanceArn);
    }

    /** A member ARN is checked whole when it is read ({@link #memberProblem}): no ARN that passes is a path hazard. */
    @Override
    public Optional<String> pathSegmentProblem(String memberArn) {
        return Optional.empty();
    }

    /** The channel the ARN names, if it is a valid channel ARN. */
    public static Optional<ChannelKey> of(String arn) {
        return problemOf(arn).isPresent() ? Optional.empty() : Optional.of(parsed(arn));
    }

    /** What makes the text no channel ARN, in words; empty when it is one. */
    public static Optional<String> problemOf(String arn) {
        Optional<String> common = ChimeArns.problemOf(arn, "ChannelArn");
        if (common.isPresent()) {
            return common;
        }
        if (!CHANNEL.matcher(arn).matches()) {
            return Optional.of("ChannelArn must be " + ARN_RULE + ", not " + Text.quoted(arn));
        }
        return Optional.empty();
    }

    private static ChannelKey parsed(String arn) {
        Matcher matcher = CHANNEL.matcher(arn);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a channel ARN");
        }
        return new ChannelKey(arn, matcher.group(2), matcher.group(1));
    }

    /** What makes the text no member of this channel, in words; empty when it is an AppInstanceUser or bot of it. */
    public Optional<String> memberProblem(String memberArn) {
        return ChimeArns.memberProblem(memberArn, appInstanceArn, "MemberArn");
    }
}

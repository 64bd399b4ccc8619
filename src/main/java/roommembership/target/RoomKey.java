package roommembership.target;

import roommembership.model.Text;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One Chime chat room: the unit a BatchCreateRoomMembership call addresses. Both ids are path segments of that call,
 * so only plain ids are accepted: no id can make the call address another path.
 */
public record RoomKey(String accountId, String roomId) implements Target {
    /** BatchCreateRoomMembership takes at most 50 members. */
    public static final int MAX_MEMBERS_PER_CALL = 50;

    /**
     * Chime ids are UUIDs; this admits them and shorter test ids, and nothing a URL path treats specially. The
     * pattern is the rule's statement (and the schema's); {@link #isId} checks it by hand, because it runs twice for
     * every record of every batch and a regex's character classes were a sixth of the planning time.
     */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final int MAX_ID_CHARS = 64;
    /** The rule in words, for the messages that reject an id. */
    public static final String ID_RULE = "1 to 64 ASCII letters, digits, '-' or '_', starting with a letter or digit";

    public RoomKey {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(roomId, "roomId");
        if (!isId(accountId) || !isId(roomId)) {
            throw new IllegalArgumentException("AccountId and RoomId must each be " + ID_RULE);
        }
    }

    @Override
    public Kind kind() {
        return Kind.ROOM;
    }

    @Override
    public int maxMembersPerCall() {
        return MAX_MEMBERS_PER_CALL;
    }

    @Override
    public boolean memberLimited() {
        // The chat-room API's model and documentation give no member limit for a room.
        return false;
    }

    @Override
    public boolean roleInAddCall() {
        return true;
    }

    @Override
    public List<Map.Entry<String, String>> idFields() {
        return List.of(Map.entry("AccountId", accountId), Map.entry("RoomId", roomId));
    }

    @Override
    public String memberListField() {
        return "MembershipItemList";
    }

    @Override
    public String memberField() {
        return "MemberId";
    }

    @Override
    public boolean membersAsItems() {
        return true;
    }

    @Override
    public Optional<String> account() {
        return Optional.of(accountId);
    }

    @Override
    public Optional<String> appInstance() {
        return Optional.empty();
    }

    /**
     * A MemberId is the last segment of the path of UpdateRoomMembership and DeleteRoomMembership, sent as it is
     * (percent-encoded, but dots are not encoded): {@code .../memberships/..} normalises to the room itself, and a
     * gateway that decodes or normalises further could make a separator of a {@code %}, a backslash or a
     * compatibility form of one. Such ids are refused rather than escaped.
     */
    @Override
    public Optional<String> pathSegmentProblem(String memberId) {
        return PathSegments.isPlain(memberId) ? Optional.empty()
                : Optional.of("MemberId must be " + PathSegments.RULE + ", not " + Text.quoted(memberId));
    }

    /** Whether the text can be an AccountId or RoomId. */
    public static boolean isId(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_ID_CHARS) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean letterOrDigit = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!letterOrDigit && (i == 0 || c != '-' && c != '_')) {
                return false;
            }
        }
        return true;
    }
}

package roommembership.target;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What members are added to: a legacy Chime chat room ({@link RoomKey}) or a Chime SDK messaging channel
 * ({@link ChannelKey}). The pipeline plans, calls, checks and settles every kind alike through what a target tells
 * here; only this package tells the kinds apart (see {@link Targets}).
 */
public sealed interface Target permits RoomKey, ChannelKey {

    /**
     * The API a target belongs to. Only this package switches on it, always as a switch expression without a
     * default, so that a new kind fails to compile until every such switch names it.
     */
    enum Kind {
        ROOM,
        CHANNEL
    }

    Kind kind();

    /** The most members one add call of this kind's API takes. */
    int maxMembersPerCall();

    /**
     * Whether the target holds at most a fixed number of members (a channel: 10,000, the service's quota), so that a
     * full one takes a joiner only once a leaver is gone: its removals are made before its adds.
     */
    boolean memberLimited();

    /**
     * Whether the add call sets each member's role and the role ends with the membership (rooms); otherwise the
     * administrators are a list of their own (a channel's moderators): an Administrator is made one by a call of its
     * own once it is a member, and stops being one by another when it is removed.
     */
    boolean roleInAddCall();

    /** The ids that name the target in a request of its own form, by field name, in the form's order. */
    List<Map.Entry<String, String>> idFields();

    /** The field a request of this form names one member in: a room's MemberId, a channel's MemberArn. */
    String memberField();

    /**
     * The field a request of this form lists several members in: a room's {@code MembershipItemList} of items, a
     * channel's {@code MemberArns} of ARNs sharing the request's Type and Role.
     */
    String memberListField();

    /**
     * Whether a request of this form lists its members as items of a {@code MembershipItemList} (rooms), rather than
     * naming the member, its Type and Role at the top level (channels).
     */
    boolean membersAsItems();

    /** The Chime account a request for this target acts in, when the target names one (rooms). */
    Optional<String> account();

    /** The AppInstance this target belongs to, when it belongs to one (channels): its calls need a bearer there. */
    Optional<String> appInstance();

    /**
     * What makes a member id unfit for the path of the member's own calls (a removal, a role change), in words; empty
     * when the id may go there. Checked before any call, since a path segment a URL's normalisation changes addresses
     * another resource.
     */
    Optional<String> pathSegmentProblem(String memberId);
}

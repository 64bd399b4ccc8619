package roommembership.target;

/**
 * What members are added to: a legacy Chime chat room or a Chime SDK messaging channel. The domain plans,
 * calls, checks and settles every kind alike; a kind differs only in what it tells the domain here.
 */
public sealed interface Conversation permits RoomKey, ChannelKey {

    /** The most members one add call of this kind's API takes. */
    int maxMembersPerCall();

    /**
     * Whether the add call sets each member's role and the role ends with the membership (rooms); otherwise the
     * administrators are a list of their own (a channel's moderators): an Administrator is made one by a call of its
     * own once it is a member, and stops being one by another when it is removed.
     */
    boolean roleInAddCall();
}

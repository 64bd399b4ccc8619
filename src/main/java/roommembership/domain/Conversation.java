package roommembership.domain;

/**
 * What members are added to: a legacy Chime chat room or, later, a Chime SDK messaging channel. The domain plans,
 * calls, checks and settles every kind alike; a kind differs only in what it tells the domain here.
 */
public sealed interface Conversation permits RoomKey {

    /** The most members one add call of this kind's API takes. */
    int maxMembersPerCall();
}

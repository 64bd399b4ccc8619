package roommembership.target;

import roommembership.model.Membership;
import roommembership.model.Role;

import java.time.Duration;
import java.util.List;

/**
 * Port: adds members to a conversation, at most its limit per call, removes them, sets their roles, and reads who is
 * in it. Each API is one implementation for its own kind of conversation; {@link Targets} puts them behind one.
 * Every call must end within its {@code timeLimit}, retries included; a call cut short is a transient failure.
 */
public interface Memberships<C extends Conversation> {
    CallResult addMembers(C conversation, List<Membership> members, Duration timeLimit);

    /**
     * Removes one member (neither API removes in batches). A {@code NotFound} or {@code BadRequest} failure does not
     * tell a member that was not there from a conversation that does not exist: the caller reads the conversation to
     * know which.
     */
    CallResult removeMember(C conversation, String memberId, Duration timeLimit);

    /**
     * Gives a member this role: rooms by updating the membership; channels by making or unmaking it a moderator.
     * An answer with a {@code Conflict} error for the member means it has the role already.
     */
    CallResult setRole(C conversation, String memberId, Role role, Duration timeLimit);

    /** Every page of the conversation's members. */
    Roster members(C conversation, Duration timeLimit);

    /** The conversation's administrators (a channel's moderators), as {@link #members} reads its members. */
    Roster administrators(C conversation, Duration timeLimit);
}

package roommembership.domain;

import java.time.Duration;
import java.util.List;

/**
 * Port: adds members to a conversation, at most its limit per call, and reads who is in it. Each API is one
 * implementation for its own kind of conversation; {@link Targets} puts them behind one.
 */
public interface Memberships<C extends Conversation> {
    /**
     * @param timeLimit the call, with all its retries, must end within this; a call cut short is a transient failure
     */
    CallResult addMembers(C conversation, List<Membership> members, Duration timeLimit);

    /**
     * @param timeLimit every page, with its retries, must be read within this
     */
    Roster members(C conversation, Duration timeLimit);

    /**
     * Makes a member an administrator by a call of its own, for a kind whose add call does not set the role
     * ({@link Conversation#roleInAddCall()} false). An answer with a {@code Conflict} error for the member means it is
     * one already.
     */
    CallResult grantAdministrator(C conversation, String memberId, Duration timeLimit);

    /** The conversation's administrators, as {@link #members} reads its members. */
    Roster administrators(C conversation, Duration timeLimit);
}

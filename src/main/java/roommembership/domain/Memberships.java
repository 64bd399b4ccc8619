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
}

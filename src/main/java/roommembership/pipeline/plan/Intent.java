package roommembership.pipeline.plan;

import roommembership.model.Action;
import roommembership.model.Membership;

import java.util.Objects;

/**
 * What one batch wants for one member of one target, merged over its records in event order: the last record's
 * action wins; an add takes the type of the last add and the role the last add named since the last removal.
 *
 * @param membership the member as the calls send it
 */
public record Intent(Action action, Membership membership) {
    public Intent {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(membership, "membership");
    }

    /**
     * Whether carrying out this intent carries out a record's request for the member too: the same action and, for
     * an add that named a role, the same named role. A request it does not satisfy was overridden by a later one.
     */
    public boolean satisfies(Action asked, Membership member) {
        return covers(action, membership, asked, member);
    }

    /** Whether doing {@code action} for {@code doing} also does what {@code askedAction} for {@code asked} asks. */
    public static boolean covers(Action action, Membership doing, Action askedAction, Membership asked) {
        if (action != askedAction) {
            return false;
        }
        return action == Action.REMOVE || !asked.roleNamed() || (doing.roleNamed() && doing.role() == asked.role());
    }
}

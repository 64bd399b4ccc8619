package roommembership.model;

import java.util.Optional;

/** What a request asks for its members: to be in the target, or not. Spelled as the request's Action field. */
public enum Action {
    ADD("Add"),
    REMOVE("Remove");

    private final String wireName;

    Action(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Exact, case-sensitive match, as for Role. */
    public static Optional<Action> fromWireName(String name) {
        for (Action action : values()) {
            if (action.wireName.equals(name)) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }
}

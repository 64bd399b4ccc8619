package roommembership.model;

import java.util.Optional;

/** A member's role, spelled as the chat-room API spells it; a channel's Administrators are its moderators. */
public enum Role {
    ADMINISTRATOR("Administrator"),
    MEMBER("Member");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Exact, case-sensitive match: the API rejects any other spelling. */
    public static Optional<Role> fromWireName(String name) {
        for (Role role : values()) {
            if (role.wireName.equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}

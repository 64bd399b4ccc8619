package roommembership.model;

import java.util.Optional;

/** A channel membership's type, spelled as the Chime SDK spells it; a room member is always a default one. */
public enum MembershipType {
    /** Listed by ListChannelMemberships. */
    DEFAULT,
    /** Listed only when ListChannelMemberships asks for type HIDDEN. */
    HIDDEN;

    public String wireName() {
        return name();
    }

    /** Exact, case-sensitive match: the API rejects any other spelling. */
    public static Optional<MembershipType> fromWireName(String name) {
        for (MembershipType type : values()) {
            if (type.name().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}

package roommembership.domain;

import java.util.Set;

/**
 * The Chime accounts this deployment manages, so that a producer on the queue cannot reach any other account.
 *
 * @param accountIds the accounts requests may name; empty permits every account
 */
public record AccountAllowlist(Set<String> accountIds) {
    public AccountAllowlist {
        accountIds = Set.copyOf(accountIds);
    }

    public static AccountAllowlist anyAccount() {
        return new AccountAllowlist(Set.of());
    }

    public boolean permits(String accountId) {
        return accountIds.isEmpty() || accountIds.contains(accountId);
    }

    /** The message as it may go on: a request for another account keeps no member, each one rejected as Forbidden. */
    public ParsedMessage admit(ParsedMessage message) {
        if (!(message instanceof ParsedMessage.Request request) || !(request.conversation() instanceof RoomKey room)
                || permits(room.accountId())) {
            return message;
        }
        return request.refused(ErrorCodes.FORBIDDEN, "account " + room.accountId()
                + " is not in ALLOWED_ACCOUNT_IDS: this deployment does not manage it");
    }
}

package roommembership.pipeline.read;

import roommembership.model.ErrorCodes;
import roommembership.target.RoomKey;

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

    /**
     * The message as it may go on: a request for another account, routed or not, keeps no member, each one and each
     * item already rejected refused as Forbidden.
     */
    public ParsedMessage admit(ParsedMessage message) {
        if (!(message instanceof ParsedMessage.Request request)) {
            return message;
        }
        // A legacy request routed to a channel still names its producer's account.
        RoomKey room = request.routedFrom().map(ParsedMessage.Routed::room)
                .orElse(request.conversation() instanceof RoomKey key ? key : null);
        if (room == null || permits(room.accountId())) {
            return message;
        }
        return request.refused(ErrorCodes.FORBIDDEN, "account " + room.accountId()
                + " is not in ALLOWED_ACCOUNT_IDS: this deployment does not manage it");
    }
}

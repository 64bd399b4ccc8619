package roommembership.pipeline.read;

import roommembership.target.RoomKey;

import java.util.LinkedHashSet;

import roommembership.model.ErrorCodes;

import java.util.Optional;
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
        Optional<String> account = request.routedFrom().map(ParsedMessage.Routed::room).orElse(request.target())
                .account();
        if (account.isEmpty() || permits(account.get())) {
            return message;
        }
        return request.refused(ErrorCodes.FORBIDDEN, "account " + account.get()
                + " is not in ALLOWED_ACCOUNT_IDS: this deployment does not manage it");
    }

    /**
     * The allowlist as {@code ALLOWED_ACCOUNT_IDS} gives it: comma-separated account ids; unset or blank permits every
     * account. Strict: a list that read as empty after a typo (",") would permit every account.
     */
    public static AccountAllowlist parse(String text) {
        if (text == null || text.isBlank()) {
            return AccountAllowlist.anyAccount();
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String entry : text.split(",", -1)) {
            String id = entry.trim();
            if (!RoomKey.isId(id)) {
                throw new IllegalStateException("ALLOWED_ACCOUNT_IDS must be a comma-separated list of Chime "
                        + "account ids, each " + RoomKey.ID_RULE + "; '" + id + "' is not one");
            }
            ids.add(id);
        }
        return new AccountAllowlist(ids);
    }
}

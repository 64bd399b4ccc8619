package roommembership.domain;

import java.util.ArrayList;
import java.util.List;
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
        if (!(message instanceof ParsedMessage.Request request) || permits(request.room().accountId())) {
            return message;
        }
        String reason = "account " + request.room().accountId()
                + " is not in ALLOWED_ACCOUNT_IDS: this deployment does not manage it";
        List<RejectedItem> forbidden = new ArrayList<>();
        for (Membership member : request.members()) {
            forbidden.add(new RejectedItem(member.memberId(), member.role().wireName(), ErrorCodes.FORBIDDEN, reason));
        }
        for (RejectedItem item : request.rejected()) {
            forbidden.add(new RejectedItem(item.memberId(), item.role(), ErrorCodes.FORBIDDEN, reason));
        }
        return new ParsedMessage.Request(request.room(), List.of(), forbidden);
    }
}

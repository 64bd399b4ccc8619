package roommembership.pipeline.read;

import roommembership.model.SourceRecord;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The read stage: each record's body as a request this deployment may carry out, or the reason it is none: parsed,
 * routed to channels where the deployment says so, its members' ids held to their target's path rule, and admitted.
 */
public record Reading(Optional<LegacyRouting> routing, ChannelAccess channelAccess, AccountAllowlist allowedAccounts) {
    public Reading {
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(channelAccess, "channelAccess");
        Objects.requireNonNull(allowedAccounts, "allowedAccounts");
    }

    /** One message per record, in batch order. */
    public List<ParsedMessage> read(List<SourceRecord> records) {
        return records.stream().map(record -> admitted(record.body())).toList();
    }

    /** One body as a request this deployment may carry out, or why not: a message's, or a roster line's. */
    public ParsedMessage admitted(String body) {
        ParsedMessage message = MessageParser.parse(body);
        if (routing.isPresent()) {
            message = routing.get().route(message);
        }
        // Once the target is known: a room's MemberId is a path segment of its removal and role calls.
        if (message instanceof ParsedMessage.Request request) {
            message = request.withPathSafeMembers();
        }
        // The account's refusal comes last, so its reason stands over any other.
        return allowedAccounts.admit(channelAccess.admit(message));
    }
}

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

    /**
     * One message per record, in batch order. A roster trigger among them is none the function carries out here:
     * rosters are only planned for now, as dry runs, which are handled apart ({@link RosterBatch}).
     */
    public List<ParsedMessage> read(List<SourceRecord> records) {
        return records.stream().map(record -> RosterTrigger.of(record.body())
                .<ParsedMessage>map(Reading::notCarriedOut)
                .orElseGet(() -> admitted(record.body()))).toList();
    }

    private static ParsedMessage notCarriedOut(RosterTrigger trigger) {
        if (trigger instanceof RosterTrigger.Invalid invalid) {
            return new ParsedMessage.Invalid(invalid.reason());
        }
        if (trigger instanceof RosterTrigger.Apply apply) {
            return new ParsedMessage.Invalid("a roster is only planned for now, not applied: put it under "
                    + RosterBatch.DRY_RUN_PREFIX + " for a dry run; "
                    + String.join(", ", apply.rosters().stream().map(RosterTrigger.RosterObject::uri).toList())
                    + " changed nothing");
        }
        return new ParsedMessage.Invalid("S3's test event is settled where it is read");
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

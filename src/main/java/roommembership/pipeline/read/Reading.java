package roommembership.pipeline.read;

import roommembership.model.SourceRecord;

import java.util.ArrayList;
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

    /** How a roster to apply is read as requests: see {@link ParsedMessage.Roster}. */
    @FunctionalInterface
    public interface Rosters {
        /**
         * @param earlier the messages of the batch's records before the roster's, in batch order: the roster comes
         *                after them, so their members of its targets that it does not name are removed
         */
        ParsedMessage apply(RosterTrigger.Apply rosters, List<ParsedMessage> earlier);

        /** Rosters are not read: each one is refused, saying so. */
        Rosters NOT_READ = (rosters, earlier) -> new ParsedMessage.Invalid("this deployment reads no rosters: "
                + String.join(", ", rosters.rosters().stream().map(RosterTrigger.RosterObject::uri).toList())
                + " changed nothing");
    }

    /** One message per record, in batch order, reading no roster. */
    public List<ParsedMessage> read(List<SourceRecord> records) {
        return read(records, Rosters.NOT_READ);
    }

    /**
     * One message per record, in batch order: a request, a roster read through {@code rosters}, or why it is none. A
     * request from a roster names it, so that its letters do too. S3's test event is settled apart
     * ({@link RosterBatch}) and is no request here.
     */
    public List<ParsedMessage> read(List<SourceRecord> records, Rosters rosters) {
        List<ParsedMessage> messages = new ArrayList<>(records.size());
        for (SourceRecord record : records) {
            String body = record.body();
            Optional<RosterTrigger> trigger = RosterTrigger.of(body);
            if (trigger.isEmpty()) {
                ParsedMessage message = admitted(body);
                Optional<String> roster = RosterTrigger.rosterOfRequest(body);
                messages.add(roster.isPresent() && message instanceof ParsedMessage.Request request
                        ? request.inRoster(roster.get()) : message);
            } else if (trigger.get() instanceof RosterTrigger.Apply apply) {
                messages.add(rosters.apply(apply, List.copyOf(messages)));
            } else if (trigger.get() instanceof RosterTrigger.Invalid invalid) {
                messages.add(new ParsedMessage.Invalid(invalid.reason()));
            } else {
                messages.add(new ParsedMessage.Invalid("S3's test event is settled where it is read"));
            }
        }
        return messages;
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

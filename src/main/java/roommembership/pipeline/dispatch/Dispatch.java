package roommembership.pipeline.dispatch;

import roommembership.pipeline.plan.Intent;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.target.MemberKey;
import roommembership.target.Target;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one batch wants for one target, to be carried out by the invocation that takes the target's message group
 * from the target queue: the merged intents, in the producer's form.
 *
 * @param routedFrom for members whose requests were legacy ones sent to this channel: the room and the MemberIds
 *                   the producer wrote, so that the requests keep their form and any letter names what was asked
 * @param intents one per member, as the batch wants it at its end
 * @param sourceMessageIds the records that asked for any of these members
 * @param roster the roster these intents are part of, which the dispatched request names; with no intents, the
 *               roster this target is to be reconciled with
 */
public record Dispatch(Target target, Optional<ParsedMessage.Routed> routedFrom, List<Intent> intents,
                       List<String> sourceMessageIds, Optional<String> roster) {
    public Dispatch {
        Objects.requireNonNull(roster, "roster");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(routedFrom, "routedFrom");
        intents = List.copyOf(intents);
        sourceMessageIds = List.copyOf(sourceMessageIds);
        if (intents.isEmpty() && roster.isEmpty()) {
            throw new IllegalArgumentException("a dispatch names at least one member, or is a roster's target");
        }
    }

    /** One target of a roster, to be reconciled with it where the target's requests are carried out. */
    public static Dispatch roster(Target target, String roster, String sourceMessageId) {
        return new Dispatch(target, Optional.empty(), List.of(), List.of(sourceMessageId), Optional.of(roster));
    }

    /** Whether this dispatch hands on a roster's target rather than members. */
    public boolean rosterTarget() {
        return intents.isEmpty();
    }

    /** The members this dispatch carries, as the plan keys them. */
    public List<MemberKey> keys() {
        return intents.stream().map(intent -> new MemberKey(target, intent.membership().memberId())).toList();
    }
}

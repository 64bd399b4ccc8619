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
 * @param roster the roster these intents are part of, which the dispatched request names
 */
public record Dispatch(Target target, Optional<ParsedMessage.Routed> routedFrom, List<Intent> intents,
                       List<String> sourceMessageIds, Optional<String> roster) {
    public Dispatch {
        Objects.requireNonNull(roster, "roster");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(routedFrom, "routedFrom");
        intents = List.copyOf(intents);
        sourceMessageIds = List.copyOf(sourceMessageIds);
        if (intents.isEmpty()) {
            throw new IllegalArgumentException("a dispatch names at least one member");
        }
    }

    /** The members this dispatch carries, as the plan keys them. */
    public List<MemberKey> keys() {
        return intents.stream().map(intent -> new MemberKey(target, intent.membership().memberId())).toList();
    }
}

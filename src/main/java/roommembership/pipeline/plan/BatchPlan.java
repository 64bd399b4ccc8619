package roommembership.pipeline.plan;

import roommembership.model.Action;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.target.Target;
import roommembership.target.MemberKey;
import roommembership.target.TargetCount;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The calls one batch needs: every valid request merged per target and member, the adds split into chunks,
 * the removals one call each.
 *
 * @param rooms the rooms with members to add or remove
 * @param channels the channels with members to add or remove
 * @param adds the add calls, each at most its target's limit of one membership type
 * @param removals the remove calls, one member each
 * @param intents what the batch wants for each member it names
 */
public record BatchPlan(int rooms, int channels, List<Change.Add> adds, List<Change.Remove> removals,
                        Map<MemberKey, Intent> intents) {

    public BatchPlan {
        adds = List.copyOf(adds);
        removals = List.copyOf(removals);
        intents = Collections.unmodifiableMap(new LinkedHashMap<>(intents));
    }

    /**
     * Merges the requests of all messages per target and member, in batch order (see {@link Intent}): a member
     * asked for more than once is sent once, as the batch wants it at its end.
     */
    public static BatchPlan of(List<ParsedMessage> messages) {
        Map<Target, Map<String, Merge>> targets = new LinkedHashMap<>();
        int named = 0;
        for (ParsedMessage.Request request : requests(messages)) {
            if (!request.members().isEmpty()) {
                Map<String, Merge> members =
                        targets.computeIfAbsent(request.target(), c -> new LinkedHashMap<>());
                for (Membership member : request.members()) {
                    members.computeIfAbsent(member.memberId(), id -> new Merge()).then(request.action(), member);
                }
                named += request.members().size();
            }
        }
        List<Change.Add> calls = new ArrayList<>();
        List<Change.Remove> removals = new ArrayList<>();
        // Sized for every member named, so that a batch of thousands is not rehashed on the way.
        Map<MemberKey, Intent> intents = new LinkedHashMap<>(named * 4 / 3 + 1);
        targets.forEach((target, members) -> {
            List<Membership> adds = new ArrayList<>();
            members.forEach((memberId, merge) -> {
                Intent intent = merge.intent();
                intents.put(new MemberKey(target, memberId), intent);
                if (intent.action() == Action.ADD) {
                    adds.add(intent.membership());
                } else {
                    removals.add(new Change.Remove(target, intent.membership()));
                }
            });
            chunk(target, adds, calls);
        });
        TargetCount count = TargetCount.of(targets.keySet());
        return new BatchPlan(count.rooms(), count.channels(), calls, removals, intents);
    }

    /** Every request of the messages, in batch order. */
    private static List<ParsedMessage.Request> requests(List<ParsedMessage> messages) {
        return messages.stream().flatMap(message -> message.requests().stream()).toList();
    }

    /** The adds and the removals, made at once: the plan never names a member for both. */
    public List<Change> changes() {
        List<Change> changes = new ArrayList<>(adds.size() + removals.size());
        changes.addAll(adds);
        changes.addAll(removals);
        return changes;
    }

    /** The intent for a member the batch names. */
    public Intent intent(MemberKey key) {
        return intents.get(key);
    }

    /** One member's requests folded in event order. */
    private static final class Merge {
        private Action action;
        private Membership last;
        private Role namedRole;

        void then(Action next, Membership member) {
            action = next;
            last = member;
            if (next == Action.REMOVE) {
                namedRole = null;
            } else if (member.roleNamed()) {
                namedRole = member.role();
            }
        }

        Intent intent() {
            if (action == Action.REMOVE) {
                return new Intent(action, Membership.withoutRole(last.memberId(), last.type()));
            }
            return new Intent(action, namedRole == null
                    ? Membership.withoutRole(last.memberId(), last.type())
                    : new Membership(last.memberId(), namedRole, last.type(), true));
        }
    }

    /** One call takes one membership type, so hidden members go in calls of their own. */
    private static void chunk(Target target, List<Membership> members, List<Change.Add> calls) {
        Map<MembershipType, List<Membership>> byType = new LinkedHashMap<>();
        for (Membership member : members) {
            byType.computeIfAbsent(member.type(), type -> new ArrayList<>()).add(member);
        }
        byType.values().forEach(ofOneType -> split(target, ofOneType, calls));
    }

    private static void split(Target target, List<Membership> members, List<Change.Add> calls) {
        int limit = target.maxMembersPerCall();
        List<Membership> chunk = new ArrayList<>(Math.min(limit, members.size()));
        for (Membership member : members) {
            chunk.add(member);
            if (chunk.size() == limit) {
                calls.add(new Change.Add(target, chunk));
                chunk = new ArrayList<>(limit);
            }
        }
        if (!chunk.isEmpty()) {
            calls.add(new Change.Add(target, chunk));
        }
    }
}

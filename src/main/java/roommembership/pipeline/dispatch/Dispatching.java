package roommembership.pipeline.dispatch;

import roommembership.model.ErrorCodes;
import roommembership.model.MemberOutcome;
import roommembership.model.Membership;
import roommembership.model.SourceRecord;
import roommembership.pipeline.plan.BatchPlan;
import roommembership.pipeline.plan.Intent;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.target.MemberKey;
import roommembership.target.Target;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The dispatch stage: a batch's plan as one {@link Dispatch} per target and request form, and, once sent, each
 * member's outcome. A batch read from the source queue is dispatched; the target queue's batches are carried out.
 */
public final class Dispatching {
    private Dispatching() {
    }

    /**
     * The batch's dispatches in batch order around its rosters: the requests before a roster, merged; then each
     * target of the roster, to be reconciled with it; then the requests after it, merged. Each target's messages keep
     * that order in its message group, so the roster overrides the requests before it and those after it override the
     * roster, as in a batch carried out where it arrived.
     *
     * @param plan the whole batch's plan: its intents are the dispatches when the batch holds no roster to hand on
     */
    public static List<Dispatch> inOrder(List<SourceRecord> records, List<ParsedMessage> messages, BatchPlan plan) {
        if (messages.stream().noneMatch(ParsedMessage.RosterFanOut.class::isInstance)) {
            return of(records, messages, plan);
        }
        List<Dispatch> dispatches = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) instanceof ParsedMessage.RosterFanOut fanOut) {
                dispatches.addAll(merged(records, messages, from, i));
                for (ParsedMessage.RosterTarget target : fanOut.targets()) {
                    dispatches.add(Dispatch.roster(target.target(), target.roster(), records.get(i).messageId()));
                }
                from = i + 1;
            }
        }
        dispatches.addAll(merged(records, messages, from, messages.size()));
        return dispatches;
    }

    /** The records' messages once their dispatches were sent: a roster with a target not confirmed sent goes back. */
    public static List<ParsedMessage> afterSending(List<SourceRecord> records, List<ParsedMessage> messages,
                                                   List<Dispatch> unsent) {
        Set<String> rostersUnsent = new HashSet<>();
        unsent.stream().filter(Dispatch::rosterTarget).forEach(d -> rostersUnsent.addAll(d.sourceMessageIds()));
        if (rostersUnsent.isEmpty()) {
            return messages;
        }
        List<ParsedMessage> after = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            after.add(messages.get(i) instanceof ParsedMessage.RosterFanOut
                    && rostersUnsent.contains(records.get(i).messageId())
                    ? new ParsedMessage.Unavailable(ErrorCodes.SERVICE_UNAVAILABLE,
                            "the target queue did not confirm every target of the roster")
                    : messages.get(i));
        }
        return after;
    }

    private static List<Dispatch> merged(List<SourceRecord> records, List<ParsedMessage> messages, int from, int to) {
        if (from == to) {
            return List.of();
        }
        List<ParsedMessage> part = messages.subList(from, to);
        return of(records.subList(from, to), part, BatchPlan.of(part));
    }

    /**
     * Every intent of the plan, grouped per target, and within a target per the form its last request came in (a
     * channel's own, or a legacy room's routed to it) and the roster it came from, in plan order.
     */
    public static List<Dispatch> of(List<SourceRecord> records, List<ParsedMessage> messages, BatchPlan plan) {
        Map<MemberKey, ParsedMessage.Request> lastForm = new HashMap<>();
        Map<MemberKey, Set<String>> askedBy = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            for (ParsedMessage.Request request : messages.get(i).requests()) {
                for (Membership member : request.members()) {
                    MemberKey key = new MemberKey(request.target(), member.memberId());
                    lastForm.put(key, request);
                    askedBy.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(records.get(i).messageId());
                }
            }
        }
        Map<Group, Collected> groups = new LinkedHashMap<>();
        plan.intents().forEach((key, intent) -> {
            ParsedMessage.Request last = lastForm.get(key);
            Optional<ParsedMessage.Routed> routed = last.routedFrom();
            Group group = new Group(key.target(), routed.map(ParsedMessage.Routed::room), last.roster());
            groups.computeIfAbsent(group, g -> new Collected()).add(intent, routed, askedBy.get(key));
        });
        List<Dispatch> dispatches = new ArrayList<>(groups.size());
        groups.forEach((group, collected) -> dispatches.add(collected.dispatch(group)));
        return dispatches;
    }

    /**
     * Each member's outcome once the dispatches were sent: handed on, or, when its dispatch was not confirmed sent,
     * unknown, so that its records go back to SQS.
     */
    public static Map<MemberKey, MemberOutcome> outcomes(List<Dispatch> dispatches, List<Dispatch> unsent) {
        Set<Dispatch> notSent = Collections.newSetFromMap(new IdentityHashMap<>());
        notSent.addAll(unsent);
        Map<MemberKey, MemberOutcome> outcomes = new HashMap<>();
        for (Dispatch dispatch : dispatches) {
            MemberOutcome outcome = notSent.contains(dispatch)
                    ? new MemberOutcome.Uncertain(ErrorCodes.SERVICE_UNAVAILABLE,
                            "the target queue did not confirm the request")
                    : new MemberOutcome.Dispatched();
            // A member dispatched twice (before a roster and after it) is settled only once both went.
            dispatch.keys().forEach(key -> outcomes.merge(key, outcome, (was, now) -> was.unsettled() ? was : now));
        }
        return outcomes;
    }

    /**
     * A target, the room its requests were written for when they were legacy ones routed to it, and the roster they
     * are part of.
     */
    private record Group(Target target, Optional<Target> room, Optional<String> roster) {
    }

    /** One group's intents, the legacy ids of its routed members, and the records that asked. */
    private static final class Collected {
        private final List<Intent> intents = new ArrayList<>();
        private final Map<String, String> legacyIds = new HashMap<>();
        private final Set<String> sources = new LinkedHashSet<>();

        void add(Intent intent, Optional<ParsedMessage.Routed> routed, Set<String> askedBy) {
            intents.add(intent);
            String memberId = intent.membership().memberId();
            routed.ifPresent(from -> legacyIds.put(memberId, from.legacyMemberId(memberId)));
            sources.addAll(Objects.requireNonNull(askedBy, "askedBy"));
        }

        Dispatch dispatch(Group group) {
            Optional<ParsedMessage.Routed> routed =
                    group.room().map(room -> new ParsedMessage.Routed(room, legacyIds));
            return new Dispatch(group.target(), routed, intents, List.copyOf(sources), group.roster());
        }
    }
}

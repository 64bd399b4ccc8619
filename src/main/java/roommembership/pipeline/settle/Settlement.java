package roommembership.pipeline.settle;

import roommembership.model.Action;
import roommembership.model.MemberOutcome;
import roommembership.model.Membership;
import roommembership.model.SourceRecord;
import roommembership.pipeline.plan.BatchPlan;
import roommembership.pipeline.plan.Intent;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.pipeline.read.RejectedItem;
import roommembership.target.MemberKey;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.IdentityHashMap;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per record, whether SQS must deliver it again or it is settled now with these dead letters: a pure function of
 * the batch's messages and its members' outcomes.
 *
 * @param retry the records SQS must deliver again, by position in the batch
 * @param requests how each record's membership requests end, by position in the batch, if its letters go
 */
public record Settlement(Set<Integer> retry, List<Letter> deadLetters, List<RecordRequests> requests) {

    /**
     * One record's membership requests.
     *
     * @param items its member items, refused ones included
     * @param settledNow how they end if the record is settled now, each letter of theirs sent
     * @param letters the letters for its items, to tell which were sent
     */
    public record RecordRequests(int items, RequestEnds settledNow, List<Letter> letters) {
        public RecordRequests {
            letters = List.copyOf(letters);
        }
    }

    /**
     * Decides, per record, whether SQS must deliver it again or it is settled now with these dead letters.
     * A record handed back to SQS sends no dead letters yet, so a record is dead-lettered at most once; a message
     * delivered twice in one batch is decided once.
     *
     * <p>A record's request for a member is answered by the batch's intent for that member: when the intent carries
     * it out, by its outcome; when a later record overrode it, by that record, which carries it from then on. A failure
     * is not dead-lettered for a record while another record that asks the same goes back to SQS: that one carries
     * the request forward.
     *
     * @param memberships each member's outcome from its add or removal alone
     * @param outcomes each member's outcome once its role, if it needed a call, is known
     */
    public static Settlement of(List<SourceRecord> records, List<ParsedMessage> messages, BatchPlan plan,
                         Map<MemberKey, MemberOutcome> memberships, Map<MemberKey, MemberOutcome> outcomes,
                         int maxReceiveCount, Clock clock) {
        Set<Integer> retry = new LinkedHashSet<>();
        List<List<Failure>> failuresPerRecord = new ArrayList<>(records.size());
        List<Counts> countsPerRecord = new ArrayList<>(records.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            SourceRecord record = records.get(i);
            List<Failure> failures = new ArrayList<>();
            failuresPerRecord.add(failures);
            Counts counts = new Counts();
            countsPerRecord.add(counts);
            messages.get(i).requests().forEach(request ->
                    counts.items += request.members().size() + request.rejected().size());
            if (!seen.add(record.messageId())) {
                // The same message delivered twice: its first delivery answers it.
                counts.leftToAnother = counts.items;
                continue;
            }
            if (messages.get(i) instanceof ParsedMessage.Invalid invalid) {
                failures.add(new Failure(null, null, null, new Letter.ForUnreadableMessage(invalid.reason(),
                        invalid.errorCode(), invalid.roster(), record.messageId(), record.body(), clock.instant())));
                continue;
            }
            // Not attempted, or attempted without an answer: only another delivery can settle it.
            boolean unsettled = messages.get(i) instanceof ParsedMessage.Unavailable;
            boolean transientFailure = false;
            for (ParsedMessage.Request request : messages.get(i).requests()) {
                for (RejectedItem item : request.rejected()) {
                    failures.add(new Failure(null, null, request.action(), Letter.ForMember.of(request,
                            item.memberId(), item.role(), item.type(), item.errorCode(), item.reason(),
                            record.messageId(), clock.instant())));
                }
                for (Membership member : request.members()) {
                    MemberKey key = new MemberKey(request.target(), member.memberId());
                    if (!plan.intent(key).satisfies(request.action(), member)) {
                        counts.leftToAnother++;
                        continue;
                    }
                    // A role call answers the records that named a role, and a removal's (a leaver's moderation ends
                    // with it); an add that named none is settled by the add alone.
                    MemberOutcome outcome = (member.roleNamed() || request.action() == Action.REMOVE
                            ? outcomes : memberships).get(key);
                    if (outcome.unsettled()) {
                        unsettled = true;
                    } else if (outcome instanceof MemberOutcome.WithError failure) {
                        transientFailure |= failure instanceof MemberOutcome.TransientFailure;
                        failures.add(new Failure(key, member, request.action(), Letter.ForMember.of(request,
                                member.memberId(), member.namedRole(), member.type().wireName(),
                                failure.errorCode(), failure.message(), record.messageId(), clock.instant())));
                    } else {
                        counts.settled(outcome);
                    }
                }
            }
            if (unsettled || (transientFailure && record.receiveCount() < maxReceiveCount)) {
                retry.add(i);
            }
        }
        retry = withLaterRecordsOfFailedGroups(records, retry);
        Map<MemberKey, List<Asked>> goingBack = askedBy(records, messages, retry);
        List<Letter> letters = new ArrayList<>();
        List<RecordRequests> requests = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            Counts counts = countsPerRecord.get(i);
            List<Letter> itemLetters = new ArrayList<>();
            if (!retry.contains(i)) {
                String messageId = records.get(i).messageId();
                for (Failure failure : failuresPerRecord.get(i)) {
                    boolean carried = failure.key() != null && goingBack.getOrDefault(failure.key(), List.of()).stream()
                            .anyMatch(other -> !other.messageId().equals(messageId) && Intent.covers(other.action(),
                                    other.member(), failure.action(), failure.member()));
                    if (carried) {
                        counts.leftToAnother++;
                    } else {
                        letters.add(failure.letter());
                        if (failure.letter() instanceof Letter.ForMember) {
                            itemLetters.add(failure.letter());
                        }
                    }
                }
            }
            requests.add(new RecordRequests(counts.items, new RequestEnds(counts.carriedOut, counts.alreadySo,
                    itemLetters.size(), 0, counts.dispatched, counts.leftToAnother), itemLetters));
        }
        return new Settlement(retry, letters, requests);
    }

    /** One record's requests as they are settled, counted while the batch is walked. */
    private static final class Counts {
        int items;
        int carriedOut;
        int alreadySo;
        int dispatched;
        int leftToAnother;

        void settled(MemberOutcome outcome) {
            if (outcome instanceof MemberOutcome.AlreadyMember || outcome instanceof MemberOutcome.AlreadyAbsent) {
                alreadySo++;
            } else if (outcome instanceof MemberOutcome.Dispatched) {
                dispatched++;
            } else if (outcome.holds()) {
                carriedOut++;
            } else {
                throw new IllegalStateException("not a settled outcome: " + outcome);
            }
        }
    }

    /**
     * The batch's end once its letters were sent: a record whose letter could not be sent goes back to SQS too (and,
     * on a FIFO queue, every later record of its group), and only the letters sent count as dead-lettered.
     */
    public Settled afterSending(List<SourceRecord> records, List<Letter> unsent) {
        Set<String> unsentSources = new HashSet<>();
        unsent.forEach(letter -> unsentSources.add(letter.sourceMessageId()));
        Set<Integer> failed = new LinkedHashSet<>(retry);
        for (int i = 0; i < records.size(); i++) {
            if (unsentSources.contains(records.get(i).messageId())) {
                failed.add(i);
            }
        }
        failed = withLaterRecordsOfFailedGroups(records, failed);
        // By identity: two letters can be equal (the same blank item twice) and still be two requests.
        Set<Letter> unsentLetters = Collections.newSetFromMap(new IdentityHashMap<>());
        unsentLetters.addAll(unsent);
        List<Letter> sent = deadLetters.stream().filter(letter -> !unsentLetters.contains(letter)).toList();
        Map<String, Integer> byErrorCode = new TreeMap<>();
        sent.forEach(letter -> byErrorCode.merge(letter.errorCode(), 1, Integer::sum));
        // A message delivered twice in one batch is reported once.
        List<String> retryIds = failed.stream().sorted().map(i -> records.get(i).messageId()).distinct().toList();
        return new Settled(retryIds, sent, byErrorCode, requestEnds(failed, unsentLetters));
    }

    /** The requests' ends: a record that goes back hands back every item whose letter was not sent. */
    private RequestEnds requestEnds(Set<Integer> failed, Set<Letter> unsentLetters) {
        RequestEnds ends = RequestEnds.NONE;
        for (int i = 0; i < requests.size(); i++) {
            RecordRequests record = requests.get(i);
            if (failed.contains(i)) {
                int lettersSent = (int) record.letters().stream().filter(l -> !unsentLetters.contains(l)).count();
                ends = ends.plus(new RequestEnds(0, 0, lettersSent, record.items() - lettersSent, 0, 0));
            } else {
                ends = ends.plus(record.settledNow());
            }
        }
        return ends;
    }

    /** What the records going back to SQS ask, per member. */
    private static Map<MemberKey, List<Asked>> askedBy(List<SourceRecord> records, List<ParsedMessage> messages,
                                                       Set<Integer> retry) {
        Map<MemberKey, List<Asked>> asked = new HashMap<>();
        for (int i : retry) {
            for (ParsedMessage.Request request : messages.get(i).requests()) {
                for (Membership member : request.members()) {
                    asked.computeIfAbsent(new MemberKey(request.target(), member.memberId()),
                            key -> new ArrayList<>()).add(new Asked(records.get(i).messageId(), request.action(), member));
                }
            }
        }
        return asked;
    }

    private record Asked(String messageId, Action action, Membership member) {
    }

    /** A dead letter a record would send; for a member's failure, the member it is for and what was asked. */
    private record Failure(MemberKey key, Membership member, Action action, Letter letter) {
    }

    /** FIFO order: once a record of a message group fails, every later record of that group fails too. */
    public static Set<Integer> withLaterRecordsOfFailedGroups(List<SourceRecord> records, Set<Integer> failed) {
        Set<String> failedGroups = new HashSet<>();
        Set<Integer> result = new LinkedHashSet<>();
        for (int i = 0; i < records.size(); i++) {
            var group = records.get(i).fifoGroup();
            if (failed.contains(i) || (group.isPresent() && failedGroups.contains(group.get()))) {
                result.add(i);
                group.ifPresent(failedGroups::add);
            }
        }
        return result;
    }
}

package roommembership.domain;

import java.time.Clock;
import java.util.ArrayList;
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
 */
record Settlement(Set<Integer> retry, List<DeadLetter> deadLetters) {

    /**
     * Decides, per record, whether SQS must deliver it again or it is settled now with these dead letters.
     * A record handed back to SQS sends no dead letters yet, so a record is dead-lettered at most once.
     *
     * @param added each member's outcome from its add alone
     * @param outcomes each member's outcome once its grant, if it had one, is known
     */
    static Settlement of(List<SourceRecord> records, List<ParsedMessage> messages, Map<MemberKey, MemberOutcome> added,
                         Map<MemberKey, MemberOutcome> outcomes, int maxReceiveCount, Clock clock) {
        Set<Integer> retry = new LinkedHashSet<>();
        List<List<DeadLetter>> lettersPerRecord = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            SourceRecord record = records.get(i);
            List<DeadLetter> letters = new ArrayList<>();
            lettersPerRecord.add(letters);
            if (messages.get(i) instanceof ParsedMessage.Invalid invalid) {
                letters.add(DeadLetterFormat.forUnreadableMessage(
                        invalid.reason(), record.messageId(), record.body(), clock.instant()));
                continue;
            }
            ParsedMessage.Request request = (ParsedMessage.Request) messages.get(i);
            for (RejectedItem item : request.rejected()) {
                letters.add(DeadLetterFormat.forMember(request, item.memberId(), item.role(), item.type(),
                        item.errorCode(), item.reason(), record.messageId(), clock.instant()));
            }
            // Not attempted, or attempted without an answer: only another delivery can settle it.
            boolean unsettled = false;
            boolean transientFailure = false;
            for (Membership member : request.members()) {
                // A grant answers the records that asked for an administrator; one that asked for a member is settled
                // by the add alone, even when a later record made the member an administrator.
                MemberOutcome outcome = (member.role() == Role.ADMINISTRATOR ? outcomes : added)
                        .get(new MemberKey(request.conversation(), member.memberId()));
                if (outcome instanceof MemberOutcome.NotAttempted || outcome instanceof MemberOutcome.Uncertain) {
                    unsettled = true;
                } else if (outcome instanceof MemberOutcome.WithError failure) {
                    transientFailure |= failure instanceof MemberOutcome.TransientFailure;
                    letters.add(DeadLetterFormat.forMember(request, member.memberId(), member.role().wireName(),
                            member.type().wireName(), failure.errorCode(), failure.message(), record.messageId(),
                            clock.instant()));
                }
            }
            if (unsettled || (transientFailure && record.receiveCount() < maxReceiveCount)) {
                retry.add(i);
            }
        }
        retry = withLaterRecordsOfFailedGroups(records, retry);
        List<DeadLetter> letters = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (!retry.contains(i)) {
                letters.addAll(lettersPerRecord.get(i));
            }
        }
        return new Settlement(retry, letters);
    }

    /** FIFO order: once a record of a message group fails, every later record of that group fails too. */
    static Set<Integer> withLaterRecordsOfFailedGroups(List<SourceRecord> records, Set<Integer> failed) {
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

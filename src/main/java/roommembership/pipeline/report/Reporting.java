package roommembership.pipeline.report;

import roommembership.model.MemberOutcome;
import roommembership.model.SourceRecord;
import roommembership.pipeline.apply.Applied;
import roommembership.pipeline.apply.OddEntries;
import roommembership.pipeline.apply.ReadFailure;
import roommembership.pipeline.apply.Reads;
import roommembership.pipeline.plan.BatchPlan;
import roommembership.pipeline.read.ParsedMessage;
import roommembership.model.SendFailure;
import roommembership.pipeline.settle.Settled;
import roommembership.target.MemberKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The report stage: what one batch came to, in the figures its log line and metrics give. */
public final class Reporting {
    private Reporting() {
    }

    /**
     * @param calls every call the batch made: its changes and its role changes
     * @param reads every read of targets the batch made
     * @param memberships each member's outcome from its add or removal
     * @param roles the outcome of each member whose role was learnt or set
     * @param sendFailures the dead-letter sends that failed, for the log
     */
    public static BatchReport of(List<SourceRecord> records, List<ParsedMessage> messages, BatchPlan plan,
                                 Applied calls, List<Reads> reads, Map<MemberKey, MemberOutcome> memberships,
                                 Map<MemberKey, MemberOutcome> roles, Settled settled, List<SendFailure> sendFailures,
                                 long durationMillis) {
        return of(records, messages, plan, calls, reads, memberships, roles, settled, sendFailures, List.of(),
                durationMillis);
    }

    /** A batch dispatched to the target queue: no call, and each member's outcome its dispatch's. */
    public static BatchReport dispatched(List<SourceRecord> records, List<ParsedMessage> messages, BatchPlan plan,
                                         Map<MemberKey, MemberOutcome> outcomes, Settled settled,
                                         List<SendFailure> sendFailures, List<SendFailure> dispatchFailures,
                                         long durationMillis) {
        return of(records, messages, plan, Applied.none(), List.of(), outcomes, Map.of(), settled, sendFailures,
                dispatchFailures, durationMillis);
    }

    private static BatchReport of(List<SourceRecord> records, List<ParsedMessage> messages, BatchPlan plan,
                                  Applied calls, List<Reads> reads, Map<MemberKey, MemberOutcome> memberships,
                                  Map<MemberKey, MemberOutcome> roles, Settled settled, List<SendFailure> sendFailures,
                                  List<SendFailure> dispatchFailures, long durationMillis) {
        Summary summary = Summary.builder()
                .records(records.size())
                .rooms(plan.rooms())
                .channels(plan.channels())
                .calls(calls.calls())
                .membershipRequests(membershipRequests(messages))
                .requestEnds(settled.requestEnds())
                .added(count(memberships, MemberOutcome.Added.class))
                .alreadyMembers(count(memberships, MemberOutcome.AlreadyMember.class))
                .removed(count(memberships, MemberOutcome.Removed.class))
                .alreadyAbsent(count(memberships, MemberOutcome.AlreadyAbsent.class))
                .rolesChanged(count(roles, MemberOutcome.RoleChanged.class))
                .deadLetteredByErrorCode(settled.deadLetteredByErrorCode())
                .recordsRetried(settled.retryMessageIds().size())
                .invalidMessages(invalidMessages(messages))
                .chimeThrottles(calls.throttles())
                .dispatched(count(memberships, MemberOutcome.Dispatched.class))
                .durationMillis(durationMillis)
                .build();
        List<OddEntries> oddEntries = new ArrayList<>(calls.oddEntries());
        reads.forEach(read -> oddEntries.addAll(read.oddEntries()));
        List<ReadFailure> readFailures = reads.stream().flatMap(read -> read.failures().stream()).toList();
        return new BatchReport(settled.retryMessageIds(), settled.sent(),
                new BatchReport.Incidents(calls.failures(), readFailures, oddEntries, sendFailures,
                        dispatchFailures), summary);
    }

    private static int count(Map<MemberKey, MemberOutcome> outcomes, Class<? extends MemberOutcome> kind) {
        return (int) outcomes.values().stream().filter(kind::isInstance).count();
    }

    /** Member items of the readable messages; an item rejected on its own is a request too. */
    private static int membershipRequests(List<ParsedMessage> messages) {
        return messages.stream().flatMap(message -> message.requests().stream())
                .mapToInt(request -> request.members().size() + request.rejected().size()).sum();
    }

    private static int invalidMessages(List<ParsedMessage> messages) {
        return (int) messages.stream().filter(ParsedMessage.Invalid.class::isInstance).count();
    }
}

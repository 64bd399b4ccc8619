package roommembership.reliability;

import java.util.Random;

/**
 * Which faults a run injects, each as the chance that an invocation starts with it armed.
 *
 * @param throttleBurst the next 1-6 Chime requests answer 429 Throttled
 * @param serverErrors the next 1-6 Chime requests answer 500 or 503
 * @param resetMidResponse the next 1-3 Chime requests take effect, then the connection drops mid-response
 * @param connectionReset the next 1-3 Chime connections drop before any answer
 * @param followUpCalls the next 1-3 calls of one operation after the adds (a removal, a role change, or a read of a
 *                      room's members, a channel's members or its moderators) get a 429, a 5xx or either connection
 *                      fault
 * @param latencySpike every Chime request of this invocation waits 10-80 ms
 * @param memberTransient a requested member (of a room or a channel) gets a transient per-member code on its next
 *                        1-4 calls
 * @param persistentMember a requested member gets a transient per-member code on every call, for good
 * @param moderatorFault a requested administrator's CreateChannelModerator calls answer 429 or 503, or take effect
 *                       and lose their answer, for the next 1-4 calls or for good
 * @param deadLetterRefusal the next 1-12 sends to the failed-member queue are refused
 * @param deadline the invocation has only 0-300 ms more than the safety margin
 * @param lostResponse the function's response is lost after it ran (the runtime died): every record comes back
 * @param memberCallFault a requested member's removal or role change (UpdateRoomMembership, DeleteRoomMembership,
 *                        DeleteChannelMembership, DeleteChannelModerator) answers 429, 500 or 503, or takes effect and
 *                        loses its answer, for its next 1-4 calls or for good
 */
public record FaultPlan(double throttleBurst, double serverErrors, double resetMidResponse, double connectionReset,
                        double followUpCalls, double latencySpike, double memberTransient, double persistentMember,
                        double moderatorFault, double deadLetterRefusal, double deadline, double lostResponse,
                        double memberCallFault) {

    public static FaultPlan none() {
        return new FaultPlan(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Each kind is on in about half the runs, at a random rate. */
    public static FaultPlan random(Random random) {
        return new FaultPlan(rate(random, 0.3), rate(random, 0.3), rate(random, 0.3), rate(random, 0.2),
                rate(random, 0.3), rate(random, 0.3), rate(random, 0.4), rate(random, 0.1), rate(random, 0.4), rate(random, 0.3),
                rate(random, 0.2), rate(random, 0.1), rate(random, 0.4));
    }

    /** The soak's mix: every kind on, at moderate rates. */
    public static FaultPlan soak() {
        return new FaultPlan(0.4, 0.4, 0.3, 0.15, 0.3, 0.2, 0.5, 0.05, 0.4, 0.2, 0.1, 0.05, 0.5);
    }

    public boolean any() {
        return chimeFaults() || deadLetterRefusal > 0 || deadline > 0 || lostResponse > 0;
    }

    /** Faults after which Chime may answer a transient code for a member it could otherwise add. */
    public boolean chimeFaults() {
        return throttleBurst > 0 || serverErrors > 0 || resetMidResponse > 0 || connectionReset > 0 || followUpCalls > 0
                || memberTransient > 0 || persistentMember > 0 || moderatorFault > 0 || latencySpike > 0
                || memberCallFault > 0;
    }

    /**
     * Faults after which a dead-letter record may be sent twice: a send that is refused part-way, or an invocation
     * whose work was done but whose response was lost, makes SQS deliver the record again.
     */
    public boolean mayDuplicateDeadLetters() {
        return deadLetterRefusal > 0 || lostResponse > 0;
    }

    private static double rate(Random random, double max) {
        return random.nextBoolean() ? random.nextDouble() * max : 0;
    }
}

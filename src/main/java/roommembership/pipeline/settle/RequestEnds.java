package roommembership.pipeline.settle;

/**
 * How a batch's membership requests ended: every member item of a readable record, an item refused on its own
 * included, counts in exactly one of these, so that they add up to the batch's membership requests.
 *
 * @param carriedOut added, removed, or its role set as asked
 * @param alreadySo already a member (with the role asked), or already absent
 * @param deadLettered its letter went to the failed-member queue
 * @param handedBack its record goes back to SQS, to be carried out on another delivery
 * @param dispatched handed on to the target queue, whose own invocation carries it out
 * @param leftToAnother answered by another request of the batch for the same member: a later one that overrode it,
 *                      one whose record goes back to SQS, or the same message delivered twice
 */
public record RequestEnds(int carriedOut, int alreadySo, int deadLettered, int handedBack, int dispatched,
                          int leftToAnother) {
    public static final RequestEnds NONE = new RequestEnds(0, 0, 0, 0, 0, 0);

    public int total() {
        return carriedOut + alreadySo + deadLettered + handedBack + dispatched + leftToAnother;
    }

    RequestEnds plus(RequestEnds other) {
        return new RequestEnds(carriedOut + other.carriedOut, alreadySo + other.alreadySo,
                deadLettered + other.deadLettered, handedBack + other.handedBack, dispatched + other.dispatched,
                leftToAnother + other.leftToAnother);
    }
}

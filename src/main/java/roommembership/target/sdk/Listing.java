package roommembership.target.sdk;

import roommembership.model.ErrorCodes;
import roommembership.target.Roster;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How every listing of either API is read to its end: page after page while a NextToken comes back, each page within
 * the time left, its entries taken only where they name a member, and never more pages than any target can fill. The
 * API's adapter reads one page and says which members it names; what a listing comes to is decided here, alike for
 * every listing.
 *
 * @param operation the list operation, for the messages
 * @param maxPages the most pages one listing may take: more means a NextToken that never ends
 * @param holder what is listed, for the messages: {@code room}, {@code channel}
 */
public record Listing(String operation, int maxPages, String holder) {

    public Listing {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(holder, "holder");
        if (maxPages < 1) {
            throw new IllegalArgumentException("maxPages must be at least 1");
        }
    }

    /**
     * One page as its adapter read it.
     *
     * @param memberIds the member id of each entry the listing is after, in the page's order; null (or blank) for an
     *                  entry that names no member, which is skipped and counted
     */
    public record Page(List<String> memberIds, String nextToken, Set<String> marked) {
        public Page {
            memberIds = memberIds.stream().map(id -> id == null || id.isBlank() ? "" : id).toList();
            marked = Set.copyOf(marked);
        }

        public Page(List<String> memberIds, String nextToken) {
            this(memberIds, nextToken, Set.of());
        }
    }

    /**
     * A listing read with a mark on some of its members (a room's administrators, say), so that one listing gives
     * what would otherwise take two reads.
     *
     * @param marked the members a page marked; empty when the roster is unknown
     */
    public record Marked(Roster roster, Set<String> marked) {
        public Marked {
            Objects.requireNonNull(roster, "roster");
            marked = Set.copyOf(marked);
        }
    }

    /** Reads the page a NextToken (null: the first) names, within a time limit. */
    @FunctionalInterface
    public interface PageCall {
        Page read(String nextToken, Duration timeLimit);
    }

    /**
     * Every page of each listing in turn, all within one time limit, as one roster; the first listing that cannot
     * be read to its end makes the roster unknown.
     */
    public Roster read(Duration timeLimit, ChimeErrors errors, List<PageCall> listings) {
        return readMarked(timeLimit, errors, listings).roster();
    }

    /** As {@link #read}, keeping the members the pages marked. */
    public Marked readMarked(Duration timeLimit, ChimeErrors errors, List<PageCall> listings) {
        long deadline = System.nanoTime() + Math.max(0, timeLimit.toNanos());
        Set<String> memberIds = new HashSet<>();
        Set<String> marked = new HashSet<>();
        int unnamed = 0;
        try {
            for (PageCall listing : listings) {
                String nextToken = null;
                int pages = 0;
                do {
                    Optional<Duration> left = CallTime.left(deadline);
                    if (left.isEmpty()) {
                        return new Marked(CallTime.NO_READ, Set.of());
                    }
                    if (pages++ == maxPages) {
                        return givenUp("gave a NextToken on each of " + maxPages + " pages, more than any " + holder
                                + " has");
                    }
                    Page page = listing.read(nextToken, left.get());
                    for (String memberId : page.memberIds()) {
                        if (memberId.isEmpty()) {
                            unnamed++;
                        } else {
                            memberIds.add(memberId);
                            if (page.marked().contains(memberId)) {
                                marked.add(memberId);
                            }
                        }
                    }
                    if (page.nextToken() != null && page.nextToken().equals(nextToken)) {
                        return givenUp("gave the NextToken it was asked with");
                    }
                    nextToken = page.nextToken();
                } while (nextToken != null && !nextToken.isEmpty());
            }
            return new Marked(new Roster.Known(memberIds, unnamed), marked);
        } catch (RuntimeException e) {
            return new Marked(new Roster.Unknown(errors.errorCodeOf(e), ChimeErrors.messageOf(e)), Set.of());
        }
    }

    /** A listing that would not end: a failure of the read, which a later read may get past. */
    private Marked givenUp(String why) {
        return new Marked(new Roster.Unknown(ErrorCodes.SERVICE_FAILURE, operation + " " + why
                + ": the listing was given up"), Set.of());
    }
}

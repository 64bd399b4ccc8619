package roommembership.target.sdk;

import roommembership.target.Roster;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How every listing of either API is read to its end: page after page while a NextToken comes back, each page within
 * the time left, its entries taken only where they name a member. The API's adapter reads one page and says which
 * members it names; what a listing comes to is decided here, alike for every listing.
 */
public final class Listing {

    /**
     * One page as its adapter read it.
     *
     * @param memberIds the member id of each entry the listing is after, in the page's order; null (or blank) for an
     *                  entry that names no member, which is skipped and counted
     */
    public record Page(List<String> memberIds, String nextToken) {
        public Page {
            memberIds = memberIds.stream().map(id -> id == null || id.isBlank() ? "" : id).toList();
        }
    }

    /** Reads the page a NextToken (null: the first) names, within a time limit. */
    @FunctionalInterface
    public interface PageCall {
        Page read(String nextToken, Duration timeLimit);
    }

    private Listing() {
    }

    /**
     * Every page of each listing in turn, all within one time limit, as one roster; the first listing that cannot
     * be read makes the roster unknown.
     */
    public static Roster read(Duration timeLimit, ChimeErrors errors, List<PageCall> listings) {
        long deadline = System.nanoTime() + Math.max(0, timeLimit.toNanos());
        Set<String> memberIds = new HashSet<>();
        int unnamed = 0;
        try {
            for (PageCall listing : listings) {
                String nextToken = null;
                do {
                    Optional<Duration> left = CallTime.left(deadline);
                    if (left.isEmpty()) {
                        return CallTime.NO_READ;
                    }
                    Page page = listing.read(nextToken, left.get());
                    for (String memberId : page.memberIds()) {
                        if (memberId.isEmpty()) {
                            unnamed++;
                        } else {
                            memberIds.add(memberId);
                        }
                    }
                    nextToken = page.nextToken();
                } while (nextToken != null && !nextToken.isEmpty());
            }
            return new Roster.Known(memberIds, unnamed);
        } catch (SdkException e) {
            return new Roster.Unknown(errors.errorCodeOf(e), ChimeErrors.messageOf(e));
        }
    }
}

package roommembership.target.sdk;

import org.junit.jupiter.api.Test;
import roommembership.target.Roster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** How a listing is read to its end, whatever its pages say, on scripted pages. */
class ListingTest {
    private static final Listing LISTING = new Listing("ListThings", 5, "thing");
    private static final ChimeErrors ERRORS = new ChimeErrors(List.of());
    private static final Duration TIME = Duration.ofSeconds(5);

    @Test
    void everyPageOfEveryListingIsReadAndEntriesWithoutAMemberAreCountedNotTaken() {
        List<String> asked = new ArrayList<>();
        Listing.PageCall first = (token, left) -> {
            asked.add("first " + token);
            return token == null ? page("t1", "a", null, "b") : page(null, "", "c");
        };
        Listing.PageCall second = (token, left) -> {
            asked.add("second " + token);
            return page("", "a", " ");
        };

        Roster roster = LISTING.read(TIME, ERRORS, List.of(first, second));

        assertThat(roster).isEqualTo(new Roster.Known(Set.of("a", "b", "c"), 3));
        assertThat(asked).containsExactly("first null", "first t1", "second null");
    }

    @Test
    void theMembersPagesMarkAreKeptOverEveryPageAndAnUnknownListingMarksNoOne() {
        Listing.PageCall marking = (token, left) -> token == null
                ? new Listing.Page(Arrays.asList("a", "b", null), "t1", Set.of("a"))
                : new Listing.Page(List.of("c"), null, Set.of("c", "not-listed"));

        Listing.Marked read = LISTING.readMarked(TIME, ERRORS, List.of(marking));

        // A mark on a member the page does not list marks no one.
        assertThat(read).isEqualTo(new Listing.Marked(new Roster.Known(Set.of("a", "b", "c"), 1), Set.of("a", "c")));
        assertThat(LISTING.readMarked(TIME, ERRORS, List.of((token, left) -> {
            throw new IllegalStateException("no answer");
        })).marked()).isEmpty();
    }

    @Test
    void aListingThatGivesANextTokenOnEveryPageIsGivenUpAtItsBound() {
        AtomicInteger pages = new AtomicInteger();

        Roster roster = LISTING.read(TIME, ERRORS, List.of((token, left) -> page("t" + pages.incrementAndGet(), "a")));

        assertThat(roster).isEqualTo(new Roster.Unknown("ServiceFailure",
                "ListThings gave a NextToken on each of 5 pages, more than any thing has: the listing was given up"));
        assertThat(pages).hasValue(5);
    }

    @Test
    void aPageWhoseNextTokenIsTheOneItWasAskedWithEndsTheListingAtOnce() {
        AtomicInteger pages = new AtomicInteger();

        Roster roster = LISTING.read(TIME, ERRORS, List.of((token, left) -> {
            pages.incrementAndGet();
            return page("same", "a");
        }));

        assertThat(roster).isEqualTo(new Roster.Unknown("ServiceFailure",
                "ListThings gave the NextToken it was asked with: the listing was given up"));
        assertThat(pages).hasValue(2);
    }

    @Test
    void noPageIsAskedForWithoutTimeAndEachIsGivenOnlyWhatIsLeft() {
        List<Duration> limits = new ArrayList<>();

        Roster none = LISTING.read(Duration.ZERO, ERRORS, List.of((token, left) -> {
            throw new AssertionError("no page without time");
        }));
        LISTING.read(Duration.ofMinutes(5), ERRORS, List.of((token, left) -> {
            limits.add(left);
            return page(null, "a");
        }));

        assertThat(none).isEqualTo(CallTime.NO_READ);
        assertThat(limits).singleElement().isEqualTo(CallTime.MAX);
    }

    @Test
    void aPageThatCannotBeTakenIsAFailureOfTheReadNotOfTheFunction() {
        Roster roster = LISTING.read(TIME, ERRORS, List.of((token, left) -> {
            throw new IllegalStateException("an answer no one foresaw");
        }));

        assertThat(roster).isEqualTo(new Roster.Unknown("ServiceFailure",
                "Chime's answer was not the operation's: an answer no one foresaw"));
    }

    private static Listing.Page page(String nextToken, String... memberIds) {
        return new Listing.Page(Arrays.asList(memberIds), nextToken);
    }
}

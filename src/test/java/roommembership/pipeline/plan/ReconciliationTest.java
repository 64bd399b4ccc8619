package roommembership.pipeline.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.target.TargetState;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static roommembership.model.MembershipType.DEFAULT;
import static roommembership.model.MembershipType.HIDDEN;

/** A roster makes its target hold exactly its members, within the deletion brake, never touching the protected. */
class ReconciliationTest {
    private static final Set<String> NONE_PROTECTED = Set.of();

    /** A room's plan: a removal ends the role with the membership. */
    private static Reconciliation inRoom(Map<String, Membership> roster, TargetState now, Set<String> protectedMembers,
                                         RemovalLimit limit) {
        return Reconciliation.of(roster, now, protectedMembers, limit, true);
    }

    @Test
    void addsRemovesPromotesAndDemotesToLeaveExactlyTheRoster() {
        TargetState now = state(Map.of("ann", DEFAULT, "bob", DEFAULT, "cat", DEFAULT, "dan", DEFAULT),
                Set.of("bob", "cat", "mod"));
        Map<String, Membership> roster = roster(
                admin("ann"), member("bob"), admin("cat"), plain("eve"), admin("fay"));

        Reconciliation plan = inRoom(roster, now, NONE_PROTECTED, new RemovalLimit(25, false));

        assertThat(plan).isEqualTo(new Reconciliation(
                List.of(plain("eve"), admin("fay")),
                List.of("dan"),
                List.of("ann"),
                // bob is named a Member; mod moderates without being a member
                List.of("bob", "mod"),
                List.of(), List.of(), 4, 25));
    }

    @Test
    void aMemberTheRosterNamesWithoutARoleIsAPlainMember() {
        TargetState now = state(Map.of("bob", DEFAULT), Set.of("bob"));

        Reconciliation plan = inRoom(roster(plain("bob")), now, NONE_PROTECTED, RemovalLimit.DEFAULT);

        assertThat(plan.demotions()).containsExactly("bob");
        assertThat(plan.adds()).isEmpty();
    }

    @Test
    void aRemovedAdministratorLosesTheRoleWithTheRemovalNotByADemotion() {
        TargetState now = state(Map.of("bob", DEFAULT, "ann", DEFAULT), Set.of("bob"));

        Reconciliation plan = inRoom(roster(plain("ann")), now, NONE_PROTECTED, new RemovalLimit(5, false));

        assertThat(plan.removals()).containsExactly("bob");
        assertThat(plan.demotions()).isEmpty();
    }

    @Test
    void aRemovedModeratorOfAChannelIsDemotedTooSinceModeratorsOutliveMemberships() {
        TargetState now = state(Map.of("bob", DEFAULT, "ann", DEFAULT), Set.of("bob"));

        Reconciliation plan = Reconciliation.of(roster(plain("ann")), now, NONE_PROTECTED, new RemovalLimit(5, false),
                false);

        assertThat(plan.removals()).containsExactly("bob");
        assertThat(plan.demotions()).containsExactly("bob");
    }

    @Test
    void aModeratorWhoseRemovalTheBrakeHoldsKeepsTheRoleUntilTheRemovalIsReleased() {
        TargetState now = state(Map.of("bob", DEFAULT, "ann", DEFAULT), Set.of("bob"));

        Reconciliation plan = Reconciliation.of(roster(plain("ann")), now, NONE_PROTECTED, new RemovalLimit(0, false),
                false);

        assertThat(plan.heldRemovals()).containsExactly("bob");
        assertThat(plan.demotions()).isEmpty();
    }

    @Test
    void theProtectedAndTheBearerAreNeitherRemovedNorDemoted() {
        TargetState now = state(Map.of("bearer", DEFAULT, "ops", DEFAULT, "ann", DEFAULT), Set.of("bearer", "ops"));

        Reconciliation plan = inRoom(roster(plain("ann")), now, Set.of("bearer", "ops"),
                new RemovalLimit(5, false));

        assertThat(plan.nothingToDo()).isTrue();
        assertThat(plan.heldRemovals()).isEmpty();
    }

    @Test
    void aMemberOfAnotherTypeStaysAsItIsAndIsNoted() {
        TargetState now = state(Map.of("ann", HIDDEN), Set.of());

        Reconciliation plan = inRoom(roster(plain("ann")), now, NONE_PROTECTED, RemovalLimit.DEFAULT);

        assertThat(plan.typeMismatches()).containsExactly("ann");
        assertThat(plan.nothingToDo()).isTrue();
    }

    @Test
    void aRosterTheTargetAlreadyHoldsNeedsNoCall() {
        TargetState now = state(Map.of("ann", DEFAULT, "bob", DEFAULT), Set.of("ann"));

        assertThat(inRoom(roster(admin("ann"), plain("bob")), now, NONE_PROTECTED, RemovalLimit.DEFAULT)
                .nothingToDo()).isTrue();
    }

    @Test
    void theBrakeHoldsEveryRemovalOfATargetOneOverItsLimitAndNoneAtIt() {
        Map<String, MembershipType> hundred = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            hundred.put(String.format("m%03d", i), DEFAULT);
        }
        Map<String, Membership> keepNinety = new LinkedHashMap<>();
        for (int i = 0; i < 90; i++) {
            keepNinety.put(String.format("m%03d", i), plain(String.format("m%03d", i)));
        }
        Map<String, Membership> keepEightyNine = new LinkedHashMap<>(keepNinety);
        keepEightyNine.remove("m089");
        keepEightyNine.put("new", plain("new"));

        Reconciliation atLimit = inRoom(keepNinety, state(hundred, Set.of()), NONE_PROTECTED,
                RemovalLimit.DEFAULT);
        Reconciliation overLimit = inRoom(keepEightyNine, state(hundred, Set.of()), NONE_PROTECTED,
                RemovalLimit.DEFAULT);

        assertThat(atLimit.removals()).hasSize(10);
        assertThat(atLimit.heldRemovals()).isEmpty();
        assertThat(overLimit.removals()).isEmpty();
        assertThat(overLimit.heldRemovals()).hasSize(11).contains("m089", "m099");
        assertThat(overLimit.removalsAllowed()).isEqualTo(10);
        // Held removals hold nothing else back.
        assertThat(overLimit.adds()).containsExactly(plain("new"));
    }

    @ParameterizedTest
    @CsvSource({"10%, 100, 10", "10%, 49, 5", "10%, 0, 5", "1%, 1000, 10", "0%, 1000, 0", "0, 1000, 0",
            "25, 3, 25", "100%, 7, 7", "33%, 10, 5", "50%, 11, 5", "50%, 13, 6"})
    void theLimitIsACountOrAPercentageRoundedDownWithAFloorOfFive(String text, int members, int allowed) {
        assertThat(RemovalLimit.parse(text).orElseThrow().allowed(members)).isEqualTo(allowed);
    }

    @ParameterizedTest
    @CsvSource({"''", "ten", "-1", "101%", "%", "1.5", "10 %", "10%%", "1234567890"})
    void aLimitThatIsNeitherACountNorAPercentageIsRefused(String text) {
        assertThat(RemovalLimit.parse(text)).isEqualTo(Optional.empty());
    }

    private static TargetState state(Map<String, MembershipType> members, Set<String> administrators) {
        return new TargetState(members, administrators);
    }

    private static Map<String, Membership> roster(Membership... members) {
        Map<String, Membership> roster = new LinkedHashMap<>();
        for (Membership member : members) {
            roster.put(member.memberId(), member);
        }
        return roster;
    }

    private static Membership admin(String id) {
        return new Membership(id, Role.ADMINISTRATOR);
    }

    private static Membership member(String id) {
        return new Membership(id, Role.MEMBER);
    }

    private static Membership plain(String id) {
        return Membership.withoutRole(id);
    }
}

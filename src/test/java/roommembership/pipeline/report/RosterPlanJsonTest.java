package roommembership.pipeline.report;

import org.junit.jupiter.api.Test;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.pipeline.plan.Reconciliation;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;
import roommembership.target.Target;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A roster's plan, as the dry run writes it and every roster logs it. */
class RosterPlanJsonTest {
    private static final String APP = "arn:aws:chime:us-east-1:111122223333:app-instance/hr";
    private static final Target SALES = new RoomKey("acct-1", "sales");
    private static final Target GENERAL = ChannelKey.of(APP + "/channel/general").orElseThrow();

    @Test
    void theDocumentHoldsEveryTargetsPlanWithItsCountsAndTheTargetsThatCouldNotBeRead() {
        Map<Target, Reconciliation> targets = new LinkedHashMap<>();
        targets.put(SALES, new Reconciliation(List.of(new Membership("ann", Role.ADMINISTRATOR)), List.of("bob"),
                List.of(), List.of("cat"), List.of(), List.of(), 12, 5));
        targets.put(GENERAL, new Reconciliation(
                List.of(new Membership(APP + "/user/dan", Role.MEMBER, MembershipType.HIDDEN)), List.of(),
                List.of(APP + "/user/eve"), List.of(), List.of(APP + "/user/fay", APP + "/user/gus"),
                List.of(APP + "/user/hal"), 40, 5));

        assertThat(RosterPlanJson.document("s3://hr-rosters/dry-run/q4.jsonl", true, targets, Map.of(
                new RoomKey("acct-1", "gone"), new RosterPlanJson.Unreadable("NotFound", "no such room")))).isEqualTo(
                "{\"Roster\":\"s3://hr-rosters/dry-run/q4.jsonl\",\"DryRun\":true,\"Targets\":["
                        + "{\"AccountId\":\"acct-1\",\"RoomId\":\"sales\",\"CurrentMembers\":12,\"RemovalsAllowed\":5,"
                        + "\"Adds\":[{\"MemberId\":\"ann\",\"Role\":\"Administrator\"}],\"Removals\":[\"bob\"],"
                        + "\"Promotions\":[],\"Demotions\":[\"cat\"],\"HeldRemovals\":[],\"TypeMismatches\":[],"
                        + "\"Counts\":{\"Adds\":1,\"Removals\":1,\"Promotions\":0,\"Demotions\":1,\"HeldRemovals\":0,"
                        + "\"TypeMismatches\":0}},"
                        + "{\"ChannelArn\":\"" + APP + "/channel/general\",\"CurrentMembers\":40,\"RemovalsAllowed\":5,"
                        + "\"Adds\":[{\"MemberArn\":\"" + APP + "/user/dan\",\"Role\":\"Member\",\"Type\":\"HIDDEN\"}],"
                        + "\"Removals\":[],\"Promotions\":[\"" + APP + "/user/eve\"],\"Demotions\":[],"
                        + "\"HeldRemovals\":[\"" + APP + "/user/fay\",\"" + APP + "/user/gus\"],"
                        + "\"TypeMismatches\":[\"" + APP + "/user/hal\"],"
                        + "\"Counts\":{\"Adds\":1,\"Removals\":0,\"Promotions\":1,\"Demotions\":0,\"HeldRemovals\":2,"
                        + "\"TypeMismatches\":1}}],"
                        + "\"UnreadableTargets\":[{\"AccountId\":\"acct-1\",\"RoomId\":\"gone\",\"ErrorCode\":\"NotFound\","
                        + "\"ErrorMessage\":\"no such room\"}]}");
    }

    @Test
    void aTargetsLineNamesItsRosterAndEscapesWhatIsNotAscii() {
        Reconciliation plan = new Reconciliation(List.of(new Membership("zoë", Role.MEMBER)), List.of(), List.of(),
                List.of(), List.of(), List.of(), 0, 5);

        assertThat(RosterPlanJson.target("s3://hr-rosters/q4.jsonl", false, SALES, plan)).isEqualTo(
                "{\"Roster\":\"s3://hr-rosters/q4.jsonl\",\"DryRun\":false,\"AccountId\":\"acct-1\",\"RoomId\":\"sales\","
                        + "\"CurrentMembers\":0,\"RemovalsAllowed\":5,\"Adds\":[{\"MemberId\":\"zo\\u00EB\","
                        + "\"Role\":\"Member\"}],\"Removals\":[],\"Promotions\":[],\"Demotions\":[],\"HeldRemovals\":[],"
                        + "\"TypeMismatches\":[],\"Counts\":{\"Adds\":1,\"Removals\":0,\"Promotions\":0,\"Demotions\":0,"
                        + "\"HeldRemovals\":0,\"TypeMismatches\":0}}");
    }
}

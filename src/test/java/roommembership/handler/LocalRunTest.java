package roommembership.handler;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local run's dry run of the sample roster, then the roster applied, as {@code mvn -q test-compile exec:exec
 * -Droster=...} prints them.
 */
class LocalRunTest {

    @Test
    void theSampleRosterIsPlannedAgainstTheSampleOrganisationAndNothingChanges() throws Exception {
        String out = LocalRun.dryRun(Path.of("events", "roster.jsonl"));

        assertThat(out).startsWith("Room membership: dry run of events/roster.jsonl (as s3://local-rosters/dry-run/"
                + "roster.jsonl)");
        // engineering gains four members; general gains new-001, sales-001 moderates and lead-001 no longer does;
        // announcements loses lead-002 (its moderation with it) and has lead-001 as an Administrator.
        assertThat(out).contains("\"Adds\" : 4,", "\"MemberId\" : \"eng-005\"",
                "\"Promotions\" : [ \"arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0001/user/sales-001\" ]",
                "\"Demotions\" : [ \"arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0001/user/lead-001\" ]",
                "\"Removals\" : [ \"arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0001/user/lead-002\" ]");
        // The targets are read at once, in no fixed order: the counts are printed by operation name.
        assertThat(out).contains("Changes made: none (a dry run makes no write call; calls to Chime: "
                + "{ListChannelMemberships=4, ListChannelModerators=2, ListRoomMemberships=1})");
        assertThat(out).contains("Dead letters: 0", "{\"batchItemFailures\":[]}");
    }

    @Test
    void theSampleRosterIsThenAppliedAndEachTargetHoldsExactlyIt() throws Exception {
        String out = LocalRun.dryRun(Path.of("events", "roster.jsonl"));
        String applied = out.substring(out.indexOf("Applied as s3://local-rosters/roster.jsonl"));

        assertThat(applied).contains("Dead letters: 0", "{\"batchItemFailures\":[]}");
        assertThat(applied).contains("members {eng-001=Administrator, eng-002=Member, eng-003=Member, eng-004=Member, "
                + "eng-005=Member}");
        // announcements: lead-001 alone, its moderator; lead-002 gone with its moderation.
        String app = "arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0001";
        assertThat(applied).contains(app + "/channel/announcements\n    members {" + app + "/user/lead-001=DEFAULT}\n"
                + "    moderators [" + app + "/user/lead-001]");
        // general: sales-001 moderates instead of lead-001, and new-001 joined.
        assertThat(applied).contains("    moderators [" + app + "/user/sales-001]", app + "/user/new-001=DEFAULT");
    }
}

package roommembership.handler;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The local run's dry run of the sample roster, as {@code mvn -q test-compile exec:exec -Droster=...} prints it. */
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
}

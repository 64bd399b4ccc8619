package roommembership.schema;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import roommembership.model.Membership;
import roommembership.model.MembershipType;
import roommembership.model.Role;
import roommembership.pipeline.plan.Reconciliation;
import roommembership.pipeline.plan.RemovalLimit;
import roommembership.pipeline.read.AccountAllowlist;
import roommembership.pipeline.read.ChannelAccess;
import roommembership.pipeline.read.Reading;
import roommembership.pipeline.read.RosterLines;
import roommembership.pipeline.report.RosterPlanJson;
import roommembership.target.RoomKey;
import roommembership.target.TargetState;
import roommembership.testing.ContractSchemas;
import roommembership.testing.Directory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The roster-line schema answers a line as the function reads it: the sample roster's lines, and lines it refuses. */
class RosterSchemaTest {
    private static final RosterLines LINES = new RosterLines(new Reading(Optional.empty(),
            new ChannelAccess(Optional.of(Directory.BEARER), Set.of()), AccountAllowlist.anyAccount()));
    private static final String ROOM = "{\"AccountId\": \"" + Directory.ACME + "\", \"RoomId\": \"" + Directory.ENGINEERING
            + "\", ";

    @Test
    void everyLineOfTheSampleRosterIsValidAndTheRosterIsReadWhole() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("events", "roster.jsonl"));

        assertThat(lines).isNotEmpty().allSatisfy(line ->
                assertThat(ContractSchemas.rosterLineProblems(line)).as(line).isEmpty());
        assertThat(LINES.read(new BufferedReader(new StringReader(String.join("\n", lines)))))
                .isInstanceOf(RosterLines.Complete.class);
    }

    /** The ends of room lines the function refuses: after the target's ids, what makes each line bad. */
    static Stream<String> refusedLineEnds() {
        return Stream.of(
                "\"MemberId\": \"eng-001\", \"Action\": \"Remove\"}",
                "\"MemberId\": \"eng-001\", \"Role\": \"Owner\"}",
                "\"MembershipItemList\": []}",
                "\"MemberId\": \"\"}");
    }

    @ParameterizedTest
    @MethodSource("refusedLineEnds")
    void aLineTheFunctionRefusesTheSchemaRefusesToo(String rest) {
        String line = ROOM + rest;

        assertThat(ContractSchemas.rosterLineProblems(line)).as(line).isNotEmpty();
        assertThat(LINES.read(new BufferedReader(new StringReader(line)))).isInstanceOf(RosterLines.Refused.class);
    }

    @Test
    void aPlanOfTargetsAndAPlanOfARefusedRosterAreBothValidAndNothingElseIs() {
        String refused = RosterPlanJson.refused("s3://hr-rosters/dry-run/a.jsonl", true, "NoSuchKey", "not there");
        String planned = RosterPlanJson.document("s3://hr-rosters/dry-run/a.jsonl", true, Map.of(
                        new RoomKey(Directory.ACME, Directory.ENGINEERING), Reconciliation.of(
                                Map.of("eng-002", new Membership("eng-002", Role.ADMINISTRATOR)),
                                new TargetState(Map.of("eng-001", MembershipType.DEFAULT), Set.of("eng-001")),
                                Set.of(), RemovalLimit.DEFAULT, true)),
                Map.of(new RoomKey(Directory.ACME, Directory.SALES),
                        new RosterPlanJson.Unreadable("NotFound", "no such room")));

        assertThat(ContractSchemas.rosterPlanProblems(refused)).isEmpty();
        assertThat(ContractSchemas.rosterPlanProblems(planned)).isEmpty();
        // Both at once, or neither, is no plan the function writes.
        assertThat(ContractSchemas.rosterPlanProblems(refused.replace("}", ",\"Targets\":[],\"UnreadableTargets\":[]}")))
                .isNotEmpty();
        assertThat(ContractSchemas.rosterPlanProblems("{\"Roster\":\"s3://b/k\",\"DryRun\":true}")).isNotEmpty();
    }

    @Test
    void anAddLineIsValidWithOrWithoutItsAction() {
        assertThat(ContractSchemas.rosterLineProblems(ROOM + "\"MemberId\": \"eng-001\", \"Action\": \"Add\"}")).isEmpty();
        assertThat(ContractSchemas.rosterLineProblems(ROOM + "\"MemberId\": \"eng-001\"}")).isEmpty();
    }
}

package roommembership.handler;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What {@code mvn test-compile exec:exec} prints: the summary of a local run on each sample event, whose figures
 * add up; and the dry run of the sample roster, then the roster applied ({@code -Droster=...}).
 */
class LocalRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every SQS event in events/, run alone as -Devent= runs it; the legacy one routed too; and the README's chain. */
    static Stream<Arguments> sampleRuns() throws IOException {
        List<Arguments> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("events"))) {
            for (Path file : files.filter(file -> file.toString().endsWith(".json")).sorted().toList()) {
                JsonNode first = JSON.readTree(file.toFile()).path("Records").path(0);
                if ("aws:sqs".equals(first.path("eventSource").asText())) {
                    runs.add(Arguments.of("events/" + file.getFileName(), false));
                }
            }
        }
        runs.add(Arguments.of("events/legacy-routed-batch.json", true));
        runs.add(Arguments.of("events/hr-batch.json,events/channel-batch.json,events/leavers.json,"
                + "events/role-changes.json", false));
        return runs.stream();
    }

    @ParameterizedTest(name = "{0}, routed to channels: {1}")
    @MethodSource("sampleRuns")
    void everyFigureOfTheSummaryAddsUpAndAgreesWithTheTablesAndTheLetters(String events, boolean routed)
            throws Exception {
        String out = LocalRun.run(List.of(events.split(",")), routed);

        List<Printed> runs = Printed.each(out);
        assertThat(runs).hasSize(events.split(",").length);
        for (Printed run : runs) {
            // Each request ends one way, and is for a member sent once, for a member another request names, or refused.
            List<Sum> requests = run.sums("membership requests?");
            assertThat(requests).hasSize(2).allSatisfy(Sum::addsUp);
            assertThat(requests.get(1).total()).as(run.title()).isEqualTo(requests.get(0).total());
            // The letters are those of the requests dead-lettered and of the whole records, each listed once.
            Sum letters = run.sums("dead letters?").get(0);
            letters.addsUp();
            assertThat(letters.parts().get(0)).as(letters.text()).isEqualTo(requests.get(0).part("dead-lettered"));
            assertThat(run.letterLines()).as(run.title()).hasSize(letters.total());
            assertThat(run.letterLines().stream().filter(line -> line.contains("the whole record")))
                    .as(run.title()).hasSize(letters.parts().get(1));
            // The calls the function counted are the emulator's, target by target, and no more than the requests need.
            Sum calls = run.sums("calls? that change memberships").get(0);
            calls.addsUp();
            assertThat(calls.text()).as(run.title())
                    .endsWith("the fewest the requests need: " + calls.total() + " (reads not counted)");
            assertThat(run.callRows()).allSatisfy(row -> assertThat(row.calls()).as(row.text())
                    .containsExactly(row.needed()));
            assertThat(run.callRow("all rooms").plus(run.callRow("all channels")).figures()).as(run.title())
                    .containsExactly(run.targetCallRows().stream().reduce(CallRow.NONE, CallRow::plus).figures());
            assertThat(List.of(run.callRow("all rooms").total(), run.callRow("all channels").total()))
                    .as(calls.text()).isEqualTo(calls.parts());
            // Each table row's members ended one way, and the rows hold every member sent.
            assertThat(run.memberRows()).allSatisfy(row -> assertThat(row.figures()[0]).as(row.text())
                    .isEqualTo(Arrays.stream(row.figures()).skip(1).sum()));
            assertThat(run.memberRows().stream().mapToInt(row -> row.figures()[0]).sum()).as(run.title())
                    .isEqualTo(requests.get(1).parts().get(0));
            assertThat(run.letterRecords()).as(run.title()).isSorted();
        }
        assertThat(out).doesNotContain("\u001b");
    }

    @Test
    void theHrBatchCountsEachOfItsItemsOnceAndEng010AskedForTwiceOnce() throws Exception {
        String out = LocalRun.run(List.of("events/hr-batch.json"), false);

        assertThat(out).contains("Summary: 8 records, 3 rooms, 0 channels\n"
                + "  138 membership requests = 133 carried out + 2 already so + 2 dead-lettered + 0 handed back to SQS"
                + " + 1 left to another request for the same member\n"
                + "  138 membership requests = 137 for the members sent to Chime, once each + 1 naming a member another"
                + " request names + 0 refused before any call (the tables below count members)\n"
                + "  2 dead letters = 2 for membership requests + 0 for whole records that could not be read as"
                + " requests\n"
                + "  5 calls that change memberships = 5 to rooms + 0 to channels; the fewest the requests need: 5"
                + " (reads not counted)\n");
    }

    @Test
    void malformedRecordsAreCountedOnceEachAsWholeRecordsOrAsRequestsRefused() throws Exception {
        String out = LocalRun.run(List.of("events/malformed-records.json"), false);

        assertThat(out).contains("Summary: 6 records (4 of them could not be read as requests), 2 rooms, 0 channels\n"
                + "  4 membership requests = 2 carried out + 0 already so + 2 dead-lettered + 0 handed back to SQS\n"
                + "  4 membership requests = 2 for the members sent to Chime, once each + 0 naming a member another"
                + " request names + 2 refused before any call (the tables below count members)\n"
                + "  6 dead letters = 2 for membership requests + 4 for whole records that could not be read as"
                + " requests\n");
        assertThat(out).contains("Dead letters (6: 2 for membership requests, 4 for whole records), in batch order\n");
        assertThat(out).contains("  record 5   BadRequest       (blank member id) in sales (…000501): MemberId is"
                + " missing or blank\n");
    }

    @Test
    void rolesChangedAfterTheHrBatchAreRequestsCarriedOutEachByOneCall() throws Exception {
        List<Printed> runs = Printed.each(LocalRun.run(List.of("events/hr-batch.json", "events/role-changes.json"),
                false));

        // sales-004 and eng-010 joined in the hr batch; sales-001 and lead-001 are in #general from the start.
        assertThat(runs.get(1).lines()).contains(
                "  4 membership requests = 4 carried out + 0 already so + 0 dead-lettered + 0 handed back to SQS",
                "  7 calls that change memberships = 4 to rooms + 3 to channels; the fewest the requests need: 7"
                        + " (reads not counted)",
                "Roles changed (4)");
    }

    @Test
    void theLettersArePrintedInBatchOrderRunAfterRun() throws Exception {
        List<String> ids = EventLoader.loadSQSEvent("events/malformed-records.json").getRecords().stream()
                .map(SQSEvent.SQSMessage::getMessageId).toList();

        // Ten runs of the same batch: the queue hands the letters back in an order of its own, often not the batch's.
        List<Printed> runs = Printed.each(LocalRun.run(Collections.nCopies(10, "events/malformed-records.json"),
                false));

        for (Printed run : runs) {
            assertThat(run.letters()).extracting(letter -> letter.path("SourceMessageId").asText(),
                            letter -> letter.path("MembershipItemList").path(0).path("MemberId").asText(null))
                    .containsExactly(tuple(ids.get(0), null), tuple(ids.get(1), null), tuple(ids.get(2), null),
                            tuple(ids.get(3), null), tuple(ids.get(4), "sales-012"), tuple(ids.get(4), "   "));
        }
        assertThat(runs).extracting(Printed::letterLines).containsOnly(runs.get(0).letterLines());
    }

    @Test
    void theRunPrintsNoEscapeCodeAndMavenAddsNoneAfterIt() throws Exception {
        String out = LocalRun.run(List.of("events/channel-batch.json"), false);

        assertThat(out).doesNotContain("\u001b");
        // Maven's console library, without its native part on some systems, takes any output for a terminal.
        assertThat(Files.readString(Path.of(".mvn", "jvm.config")).split("\\s+")).contains("-Djansi.noreset=true");
    }

    @Test
    void theReadmesFirstCommandsLetMavenShowEachDownloadAndStepOfAFirstBuild() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        int block = readme.indexOf("```bash");
        List<String> commands = readme.subList(block + 1, readme.subList(block + 1, readme.size()).indexOf("```")
                + block + 1);

        assertThat(commands).hasSize(3).allSatisfy(command -> assertThat(command.split("#")[0].split("\\s+"))
                .doesNotContain("-q", "--quiet"));
        // Every build reads these options: none may hide what a first build downloads.
        assertThat(Files.readString(Path.of(".mvn", "maven.config")).split("\\s+"))
                .doesNotContain("-q", "--quiet", "-ntp", "--no-transfer-progress");
    }

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

    /** A printed sum: {@code <total> <subject> = <part> ... + <part> ...}. */
    record Sum(String text, int total, List<Integer> parts, List<String> partTexts) {
        private static final Pattern LEADING_NUMBER = Pattern.compile("^(\\d+) ");

        void addsUp() {
            assertThat(parts.stream().mapToInt(Integer::intValue).sum()).as(text).isEqualTo(total);
        }

        /** The figure of the part that names this. */
        int part(String name) {
            return parts.get(IntStream.range(0, partTexts.size()).filter(i -> partTexts.get(i).contains(name))
                    .findFirst().orElseThrow(() -> new AssertionError("no part " + name + " in " + text)));
        }

        static Sum of(String line, int total, String right) {
            List<Integer> parts = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (String part : right.split(" \\+ ")) {
                Matcher number = LEADING_NUMBER.matcher(part);
                assertThat(number.find()).as("a figure first in '%s' of %s", part, line).isTrue();
                parts.add(Integer.parseInt(number.group(1)));
                texts.add(part);
            }
            return new Sum(line, total, parts, texts);
        }
    }

    /** A table row: its text and its figures, in column order ({@code 1 of 2} is two figures). */
    record Row(String text, int[] figures) {
        private static final Pattern FIGURE = Pattern.compile("(?<=\\s)(\\d+)(?= |$)");

        static Row of(String line) {
            Matcher figure = FIGURE.matcher(line);
            List<Integer> figures = new ArrayList<>();
            while (figure.find()) {
                figures.add(Integer.parseInt(figure.group(1)));
            }
            return new Row(line, figures.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** A row of the calls table: the calls of each kind, each beside the fewest needed. */
    record CallRow(String text, int adds, int addsNeeded, int removals, int removalsNeeded, int roles,
                   int rolesNeeded) {
        static final CallRow NONE = new CallRow("", 0, 0, 0, 0, 0, 0);

        static CallRow of(Row row) {
            assertThat(row.figures()).as(row.text()).hasSize(6);
            int[] f = row.figures();
            return new CallRow(row.text(), f[0], f[1], f[2], f[3], f[4], f[5]);
        }

        int[] calls() {
            return new int[]{adds, removals, roles};
        }

        int total() {
            return adds + removals + roles;
        }

        int[] needed() {
            return new int[]{addsNeeded, removalsNeeded, rolesNeeded};
        }

        int[] figures() {
            return new int[]{adds, addsNeeded, removals, removalsNeeded, roles, rolesNeeded};
        }

        CallRow plus(CallRow other) {
            return new CallRow(text, adds + other.adds, addsNeeded + other.addsNeeded, removals + other.removals,
                    removalsNeeded + other.removalsNeeded, roles + other.roles, rolesNeeded + other.rolesNeeded);
        }
    }

    /** One run of the printed output, read back. */
    record Printed(List<String> lines) {
        private static final String START = "Room membership: local run of ";

        static List<Printed> each(String out) {
            List<Printed> runs = new ArrayList<>();
            for (String line : out.split("\n", -1)) {
                if (line.startsWith(START)) {
                    runs.add(new Printed(new ArrayList<>()));
                }
                if (!runs.isEmpty()) {
                    runs.get(runs.size() - 1).lines().add(line);
                }
            }
            return runs;
        }

        String title() {
            return lines.get(0);
        }

        List<Sum> sums(String subject) {
            Pattern sum = Pattern.compile("^  (\\d+) " + subject + " = (.+)$");
            List<Sum> sums = new ArrayList<>();
            for (String line : lines) {
                Matcher matcher = sum.matcher(line);
                if (matcher.matches()) {
                    sums.add(Sum.of(line, Integer.parseInt(matcher.group(1)), matcher.group(2)));
                }
            }
            assertThat(sums).as("'%s' in %s", subject, title()).isNotEmpty();
            return sums;
        }

        /** The rows of the calls table, targets and sums alike. */
        List<CallRow> callRows() {
            return rows("Calls per target ").stream().map(CallRow::of).toList();
        }

        List<CallRow> targetCallRows() {
            return callRows().stream().filter(row -> !row.text().startsWith("all ")).toList();
        }

        /** A row of the calls table; a run with no target prints no table, and calls nothing. */
        CallRow callRow(String name) {
            if (callRows().isEmpty()) {
                return CallRow.NONE;
            }
            return callRows().stream().filter(row -> row.text().startsWith(name + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no row " + name + " in " + title()));
        }

        /** The rows of the adds and removals tables: members, then how they ended (a channel's hidden and moderators
         * aside). */
        List<Row> memberRows() {
            List<Row> rows = new ArrayList<>(rows("Room: adds "));
            rows("Channel: adds ").forEach(row -> rows.add(new Row(row.text(), new int[]{row.figures()[0],
                    row.figures()[1], row.figures()[2], row.figures()[6]})));
            rows.addAll(rows("Removals "));
            return rows;
        }

        /** The listing of the dead letters, one line each. */
        List<String> letterLines() {
            return lines.stream().filter(line -> line.startsWith("  record ")).toList();
        }

        /** The batch position of the record each listed letter came from. */
        List<Integer> letterRecords() {
            return letterLines().stream().map(line -> Integer.parseInt(line.split("\\s+")[2])).toList();
        }

        /** The dead letters as sent, in the order printed. */
        List<JsonNode> letters() {
            int from = lines.indexOf("Dead-letter messages, as sent to the failed-member queue") + 1;
            return lines.subList(from, lines.indexOf("Batch response")).stream().filter(line -> !line.isBlank())
                    .map(line -> {
                        try {
                            return JSON.readTree(line);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).toList();
        }

        /** The rows under a table's heading, up to the first line that is no row of figures. */
        private List<Row> rows(String heading) {
            int at = IntStream.range(0, lines.size()).filter(i -> lines.get(i).startsWith(heading)).findFirst()
                    .orElse(lines.size());
            List<Row> rows = new ArrayList<>();
            for (String line : lines.subList(Math.min(at + 1, lines.size()), lines.size())) {
                if (line.isBlank() || line.startsWith("(")) {
                    break;
                }
                rows.add(Row.of(line));
            }
            return rows;
        }
    }
}

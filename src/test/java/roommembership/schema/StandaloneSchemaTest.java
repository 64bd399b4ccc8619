package roommembership.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.erosb.jsonsKema.FormatValidationPolicy;
import com.github.erosb.jsonsKema.IJsonValue;
import com.github.erosb.jsonsKema.JsonParseException;
import com.github.erosb.jsonsKema.JsonParser;
import com.github.erosb.jsonsKema.PrepopulatedSchemaClient;
import com.github.erosb.jsonsKema.SchemaClient;
import com.github.erosb.jsonsKema.SchemaLoader;
import com.github.erosb.jsonsKema.SchemaLoaderConfig;
import com.github.erosb.jsonsKema.Validator;
import com.github.erosb.jsonsKema.ValidatorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import roommembership.model.Action;
import roommembership.pipeline.report.RosterPlanJson;
import roommembership.pipeline.settle.Letter;
import roommembership.sqs.LetterJson;
import roommembership.target.ChannelKey;
import roommembership.target.RoomKey;
import roommembership.target.Target;
import roommembership.testing.ContractSchemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each file of {@code schema/} stands alone, as a producer on another stack uses it: json-sKema, a validator of
 * another make than the one {@link ContractSchemas} uses, loads one file with no registry, no other document and no
 * way to fetch anything, and answers the sample events, the sample roster and the dead letters the function writes as
 * {@link ContractSchemas} does.
 */
class StandaloneSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "a1b2c3d4-5e6f-4a0b-9c8d-7e6f5a4b3c2d";
    private static final String ROOM_ID = "9f3c2a10-2222-4c1e-8a6b-000000000501";
    private static final String APP_INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/acme-hr-0001";
    private static final Target ROOM = new RoomKey(ACCOUNT, ROOM_ID);
    private static final Target CHANNEL = ChannelKey.of(APP_INSTANCE + "/channel/general").orElseThrow();
    private static final Optional<String> ROSTER = Optional.of("s3://hr-rosters/acme.jsonl");
    private static final Instant FAILED_AT = Instant.parse("2026-11-26T10:52:12.114Z");

    /**
     * Every fetch refused: a reference that leaves its file fails the load instead of reaching the network. Only the
     * 2020-12 meta-schemas answer, from the library's own copies, as they do for {@link ContractSchemas}.
     */
    private static final SchemaClient NOTHING_BUT_META_SCHEMAS = new PrepopulatedSchemaClient(uri -> {
        throw new UncheckedIOException(new IOException("a standalone schema fetches nothing, yet it asked for " + uri));
    }, Map.of());

    private static final Validator REQUEST = standalone(published("request.schema.json"));
    private static final Validator DEAD_LETTER = standalone(published("dead-letter.schema.json"));
    private static final Validator ROSTER_LINE = standalone(published("roster-line.schema.json"));
    private static final Validator ROSTER_PLAN = standalone(published("roster-plan.schema.json"));

    /** Whether each validator refuses a document: the project's own and the standalone one. */
    record Refusals(boolean contractSchemas, boolean standalone) {
        static Refusals of(String document, Function<String, List<String>> contractSchemas, Validator standalone) {
            return new Refusals(!contractSchemas.apply(document).isEmpty(), refuses(standalone, document));
        }

        static Refusals both(boolean refused) {
            return new Refusals(refused, refused);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("roommembership.schema.SchemaTest#sampleBodies")
    void everySampleBodyIsAnsweredAsTheProjectsValidatorAnswersIt(String event, String body) {
        boolean malformed = event.equals("malformed-records.json") && !body.contains("HR-4711");
        Refusals refusals = new Refusals(!ContractSchemas.requestProblems(body).isEmpty(), refusesRequest(body));

        assertThat(refusals).as("%s", body).isEqualTo(Refusals.both(malformed));
    }

    @Test
    void everyLineOfTheSampleRosterIsTaken() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("events", "roster.jsonl"));

        assertThat(lines).isNotEmpty().allSatisfy(line ->
                assertThat(Refusals.of(line, ContractSchemas::rosterLineProblems, ROSTER_LINE)).as("%s", line)
                        .isEqualTo(Refusals.both(false)));
    }

    @ParameterizedTest
    @MethodSource("roommembership.schema.RosterSchemaTest#refusedLineEnds")
    void aRosterLineTheFunctionRefusesIsRefused(String rest) {
        String line = "{\"AccountId\": \"" + ACCOUNT + "\", \"RoomId\": \"" + ROOM_ID + "\", " + rest;

        assertThat(Refusals.of(line, ContractSchemas::rosterLineProblems, ROSTER_LINE)).isEqualTo(Refusals.both(true));
    }

    static Stream<Arguments> lettersTheFunctionWrites() {
        String member = APP_INSTANCE + "/user/eng-001";
        return Stream.of(
                Arguments.of("a room's member not found", new Letter.ForMember(ROOM, Optional.empty(), "eng-001",
                        "eng-001", "Member", null, Action.ADD, "NotFound", "gone", "m1", FAILED_AT)),
                Arguments.of("a room's member refused as given", new Letter.ForMember(ROOM, Optional.empty(), "   ",
                        "   ", "Owner", null, Action.ADD, "BadRequest", "blank", "m2", FAILED_AT)),
                Arguments.of("a room routed to a channel", new Letter.ForMember(CHANNEL, Optional.of(ROOM), member,
                        "eng-001", null, null, Action.REMOVE, "Throttled", "slow", "m3", FAILED_AT)),
                Arguments.of("a channel's member", new Letter.ForMember(CHANNEL, Optional.empty(), member, member,
                        null, "HIDDEN", Action.ADD, "Forbidden", "not allowed", "m4", FAILED_AT)),
                Arguments.of("a roster's removal held", new Letter.ForMember(CHANNEL, Optional.empty(), member, member,
                        null, "DEFAULT", Action.REMOVE, "RemovalHeld", "3 of 2", "m5", FAILED_AT, ROSTER)),
                Arguments.of("an unreadable message", new Letter.ForUnreadableMessage("body is not a JSON object", "m6",
                        "[]", FAILED_AT)),
                Arguments.of("a roster refused whole", new Letter.ForUnreadableMessage("no such key", "NoSuchKey",
                        ROSTER, "m7", "{\"Roster\":\"" + ROSTER.get() + "\"}", FAILED_AT)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lettersTheFunctionWrites")
    void everyShapeOfLetterTheFunctionWritesIsTaken(String shape, Letter letter) {
        String body = LetterJson.body(letter);

        assertThat(Refusals.of(body, ContractSchemas::deadLetterProblems, DEAD_LETTER)).as("%s", body)
                .isEqualTo(Refusals.both(false));
    }

    static Stream<Arguments> brokenLetters() {
        String notFound = LetterJson.body(new Letter.ForMember(ROOM, Optional.empty(), "eng-001", "eng-001", null,
                null, Action.ADD, "NotFound", "gone", "m1", FAILED_AT));
        String unreadable = LetterJson.body(new Letter.ForUnreadableMessage("not JSON", "m6", "add me", FAILED_AT));
        return Stream.of(
                // A member that was sent is a valid request: the request schema embedded in the file says so.
                Arguments.of(notFound.replace(ROOM_ID, "room 501")),
                Arguments.of(notFound.replace("eng-001", "")),
                Arguments.of(notFound.replace("2026-11-26T10:52:12.114Z", "yesterday")),
                Arguments.of(notFound.replace("\"FailedAt\"", "\"FailedOn\"")),
                Arguments.of(notFound.replace("{\"AccountId\"", "{\"Extra\":1,\"AccountId\"")),
                Arguments.of(unreadable.replace("BadRequest", "NotFound")),
                Arguments.of(unreadable.replace("\"Body\"", "\"Raw\"")));
    }

    @ParameterizedTest
    @MethodSource("brokenLetters")
    void aLetterThatBreaksTheContractIsRefused(String body) {
        assertThat(Refusals.of(body, ContractSchemas::deadLetterProblems, DEAD_LETTER)).isEqualTo(Refusals.both(true));
    }

    @Test
    void aPlanOfARefusedRosterIsTakenAndAPlanOfNothingRefused() {
        String refused = RosterPlanJson.refused(ROSTER.get(), true, "NoSuchKey", "not there");

        assertThat(Refusals.of(refused, ContractSchemas::rosterPlanProblems, ROSTER_PLAN))
                .isEqualTo(Refusals.both(false));
        assertThat(Refusals.of("{\"Roster\":\"s3://b/k\",\"DryRun\":true}", ContractSchemas::rosterPlanProblems,
                ROSTER_PLAN)).isEqualTo(Refusals.both(true));
    }

    @Test
    void aSchemaWhoseReferenceLeavesItsFileFailsToLoadInsteadOfFetching() {
        // The source refers to the request schema by a relative $ref: on its own it resolves nowhere.
        assertThatThrownBy(() -> standalone(PublishedSchemas.SOURCES.resolve("dead-letter.schema.json")))
                .hasStackTraceContaining("a standalone schema fetches nothing, yet it asked for "
                        + ContractSchemas.REQUEST_ID);
    }

    private static Path published(String file) {
        return PublishedSchemas.PUBLISHED.resolve(file);
    }

    /** The schema of one file, its base the file's own location until its $id says otherwise. */
    private static Validator standalone(Path file) {
        try {
            URI location = file.toAbsolutePath().toUri();
            IJsonValue schema = new JsonParser(Files.readString(file), location).parse();
            return Validator.create(new SchemaLoader(schema, new SchemaLoaderConfig(NOTHING_BUT_META_SCHEMAS,
                    location)).load(), new ValidatorConfig(FormatValidationPolicy.ALWAYS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A body as the request schema tells producers to check it: an SNS notification's Message as well. */
    private static boolean refusesRequest(String body) {
        // The whole schema holds a Message that is no notification itself (none of the samples' is) to #/$defs/request.
        return refuses(REQUEST, body) || snsMessage(body).map(message -> refuses(REQUEST, message)).orElse(false);
    }

    private static Optional<String> snsMessage(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            return json.path("Type").asText().equals("Notification") && json.path("Message").isTextual()
                    ? Optional.of(json.get("Message").textValue()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean refuses(Validator validator, String document) {
        try {
            return validator.validate(new JsonParser(document).parse()) != null;
        } catch (JsonParseException e) {
            return true;
        }
    }
}

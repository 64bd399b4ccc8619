package roommembership.testing;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The JSON Schemas of {@code schema/} as a producer's validator applies them: the request schema to a message body,
 * the dead-letter schema to a record. The meta-schema comes from the library's bundled copy and each {@code $id} from
 * its file, so validating never fetches anything.
 */
public final class ContractSchemas {
    public static final String BASE = "https://room-membership.example/schema/";
    public static final String REQUEST_ID = BASE + "request.schema.json";
    public static final String DEAD_LETTER_ID = BASE + "dead-letter.schema.json";
    public static final String ROSTER_LINE_ID = BASE + "roster-line.schema.json";
    public static final String ROSTER_PLAN_ID = BASE + "roster-plan.schema.json";
    private static final Path DIRECTORY = Path.of(System.getProperty("basedir", ".")).resolve("schema");

    /**
     * A reader as lenient as a producer's: no limit on depth or length, and a repeated key keeps its last value (what
     * RFC 8259 leaves to the reader); only text after the value makes it no JSON.
     */
    private static final ObjectMapper READER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Integer.MAX_VALUE).maxStringLength(Integer.MAX_VALUE)
                    .maxDocumentLength(-1).build())
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build())
                    .schemaLoader(loader -> loader.fetchRemoteResources(false))
                    .schemas(ContractSchemas::localCopy));
    private static final Schema REQUEST = REGISTRY.getSchema(SchemaLocation.of(REQUEST_ID));
    private static final Schema INNER_REQUEST = REGISTRY.getSchema(SchemaLocation.of(REQUEST_ID + "#/$defs/request"));
    private static final Schema DEAD_LETTER = REGISTRY.getSchema(SchemaLocation.of(DEAD_LETTER_ID));
    private static final Schema ROSTER_LINE = REGISTRY.getSchema(SchemaLocation.of(ROSTER_LINE_ID));
    private static final Schema ROSTER_PLAN = REGISTRY.getSchema(SchemaLocation.of(ROSTER_PLAN_ID));

    private ContractSchemas() {
    }

    /** What the request schema finds wrong with a message body, an SNS notification's Message included; empty if none. */
    public static List<String> requestProblems(String body) {
        Optional<JsonNode> json = read(body);
        if (json.isEmpty()) {
            return List.of("the body is not JSON");
        }
        List<String> problems = messages(REQUEST.validate(json.get()));
        if (!problems.isEmpty() || !isSnsNotification(json.get())) {
            return problems;
        }
        // contentSchema is an annotation: the Message is validated on its own, as the schema tells producers to.
        Optional<JsonNode> message = read(json.get().get("Message").textValue());
        if (message.isEmpty()) {
            return List.of("the SNS Message is not JSON");
        }
        return messages(INNER_REQUEST.validate(message.get())).stream().map(problem -> "Message: " + problem).toList();
    }

    /** What the dead-letter schema finds wrong with a record's body; empty if none. */
    public static List<String> deadLetterProblems(String body) {
        return read(body).map(json -> messages(DEAD_LETTER.validate(json)))
                .orElse(List.of("the record is not JSON"));
    }

    /** What the roster-line schema finds wrong with one line of a roster; empty if none. */
    public static List<String> rosterLineProblems(String line) {
        return read(line).map(json -> messages(ROSTER_LINE.validate(json))).orElse(List.of("the line is not JSON"));
    }

    /** What the roster-plan schema finds wrong with a plan the function wrote; empty if none. */
    public static List<String> rosterPlanProblems(String plan) {
        return read(plan).map(json -> messages(ROSTER_PLAN.validate(json))).orElse(List.of("the plan is not JSON"));
    }

    /** The same condition as the schema's top-level "if", and the parser's. */
    private static boolean isSnsNotification(JsonNode json) {
        return json.path("Type").isTextual() && json.path("Type").textValue().equals("Notification")
                && json.path("Message").isTextual();
    }

    private static Optional<JsonNode> read(String text) {
        try {
            return Optional.ofNullable(READER.readTree(text)).filter(node -> !node.isMissingNode());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static List<String> messages(List<Error> errors) {
        // A message may quote the offending value, which can be a quarter of a mebibyte.
        return errors.stream().map(Error::getMessage)
                .map(message -> message.length() <= 300 ? message : message.substring(0, 300) + "...").toList();
    }

    /** The file of one of our $ids; null for any other, which the bundled meta-schemas answer. */
    private static String localCopy(String iri) {
        if (!iri.startsWith(BASE)) {
            return null;
        }
        try {
            return Files.readString(DIRECTORY.resolve(iri.substring(BASE.length())));
        } catch (IOException e) {
            throw new UncheckedIOException("no local copy of " + iri, e);
        }
    }
}

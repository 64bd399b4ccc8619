package roommembership.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import roommembership.testing.ContractSchemas;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files of {@code schema/} are what producers validate against, each on its own: every one is made from
 * {@code src/schema/} by {@link PublishedSchemas}, and every reference in it is absolute and lands in the same file.
 */
class PublishedSchemasTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void schemaHoldsExactlyWhatItsSourcesMake() throws IOException {
        SortedMap<String, String> published = new TreeMap<>();
        try (Stream<Path> files = Files.list(PublishedSchemas.PUBLISHED)) {
            for (Path file : files.toList()) {
                published.put(file.getFileName().toString(), Files.readString(file));
            }
        }

        assertThat(published)
                .as("schema/ is made from src/schema/; after a change there, run: %s", PublishedSchemas.COMMAND)
                .isEqualTo(PublishedSchemas.from(PublishedSchemas.SOURCES));
    }

    @ParameterizedTest
    @ValueSource(strings = {"request.schema.json", "dead-letter.schema.json", "roster-line.schema.json",
            "roster-plan.schema.json"})
    void everyReferenceIsAnAbsoluteUriThatLandsInTheSameFile(String file) throws IOException {
        JsonNode schema = JSON.readTree(Files.readString(PublishedSchemas.PUBLISHED.resolve(file)));
        Map<String, JsonNode> resources = new HashMap<>();
        collectResources(schema, resources);
        List<String> references = new ArrayList<>();
        collectReferences(schema, references);

        assertThat(references).isNotEmpty().allSatisfy(reference -> {
            URI uri = URI.create(reference);
            assertThat(uri.isAbsolute()).as(reference).isTrue();
            String resource = reference.contains("#") ? reference.substring(0, reference.indexOf('#')) : reference;
            String pointer = uri.getFragment() == null ? "" : uri.getFragment();
            assertThat(resources).as(reference).containsKey(resource);
            assertThat(resources.get(resource).at(pointer).isMissingNode()).as(reference).isFalse();
        });
    }

    @Test
    void aSchemaThatRefersToTheRequestSchemaCarriesItWhole() throws IOException {
        JsonNode request = JSON.readTree(Files.readString(PublishedSchemas.PUBLISHED.resolve("request.schema.json")));

        for (String file : List.of("dead-letter.schema.json", "roster-line.schema.json")) {
            JsonNode schema = JSON.readTree(Files.readString(PublishedSchemas.PUBLISHED.resolve(file)));
            assertThat(schema.path("$defs").path(ContractSchemas.REQUEST_ID)).as(file).isEqualTo(request);
        }
    }

    /** Every schema resource of the file by its $id: the file itself and each one embedded in it. */
    private static void collectResources(JsonNode node, Map<String, JsonNode> resources) {
        if (node.path("$id").isTextual()) {
            resources.put(node.get("$id").textValue(), node);
        }
        node.forEach(child -> collectResources(child, resources));
    }

    private static void collectReferences(JsonNode node, List<String> references) {
        if (node.path("$ref").isTextual()) {
            references.add(node.get("$ref").textValue());
        }
        node.forEach(child -> collectReferences(child, references));
    }
}

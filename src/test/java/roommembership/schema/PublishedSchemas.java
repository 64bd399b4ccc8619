package roommembership.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The schemas producers take, made from their sources: each file of {@code src/schema/} becomes the file of the same
 * name in {@code schema/}, with every {@code $ref} made absolute and every schema it refers to embedded under
 * {@code $defs} as a resource with its own {@code $id} (a JSON Schema 2020-12 compound document). A validator given
 * that one file resolves every reference in it, with no registry and no network. Each definition is written once, in
 * its source; {@code PublishedSchemasTest} fails while {@code schema/} is not what this makes of them.
 */
public final class PublishedSchemas {
    /** What remakes {@code schema/} after a change in {@code src/schema/}. */
    public static final String COMMAND = "mvn -q test-compile exec:exec@schemas";
    public static final Path SOURCES = Path.of("src", "schema");
    public static final Path PUBLISHED = Path.of("schema");
    /** Columns a nested object or array may take on one line before it is written one member per line. */
    private static final int WIDTH = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PublishedSchemas() {
    }

    public static void main(String[] args) throws IOException {
        for (Map.Entry<String, String> file : from(SOURCES).entrySet()) {
            Files.writeString(PUBLISHED.resolve(file.getKey()), file.getValue());
        }
    }

    /** Each published schema's file name and text, made from the sources in {@code directory}. */
    public static SortedMap<String, String> from(Path directory) throws IOException {
        Map<URI, String> files = new LinkedHashMap<>();
        Map<URI, ObjectNode> resources = new LinkedHashMap<>();
        try (Stream<Path> sources = Files.list(directory)) {
            for (Path source : sources.filter(path -> path.toString().endsWith(".schema.json")).sorted().toList()) {
                ObjectNode schema = (ObjectNode) JSON.readTree(Files.readString(source));
                URI id = URI.create(schema.path("$id").asText());
                if (!id.isAbsolute() || id.getFragment() != null) {
                    throw new IllegalArgumentException(source + ": the $id must be an absolute URI, without '#'");
                }
                resolveReferences(schema, id);
                files.put(id, source.getFileName().toString());
                resources.put(id, schema);
            }
        }
        SortedMap<String, String> published = new TreeMap<>();
        files.forEach((id, file) -> {
            ObjectNode schema = resources.get(id).deepCopy();
            for (URI embedded : referredResources(id, resources)) {
                schema.withObjectProperty("$defs").set(embedded.toString(), resources.get(embedded).deepCopy());
            }
            published.put(file, render(schema));
        });
        return published;
    }

    /** Every {@code $ref} resolved against the {@code $id} in scope, as a validator resolves it. */
    private static void resolveReferences(JsonNode node, URI base) {
        if (node instanceof ObjectNode object) {
            URI scope = object.path("$id").isTextual() ? base.resolve(object.get("$id").textValue()) : base;
            if (object.path("$ref").isTextual()) {
                object.put("$ref", scope.resolve(object.get("$ref").textValue()).toString());
            }
            object.forEach(value -> resolveReferences(value, scope));
        } else if (node instanceof ArrayNode array) {
            array.forEach(item -> resolveReferences(item, base));
        }
    }

    /** The other resources the schema of {@code id} refers to, directly or through one another, in order found. */
    private static Set<URI> referredResources(URI id, Map<URI, ObjectNode> resources) {
        Set<URI> found = new LinkedHashSet<>(List.of(id));
        List<URI> toRead = new ArrayList<>(List.of(id));
        while (!toRead.isEmpty()) {
            URI reading = toRead.remove(0);
            for (URI referred : references(resources.get(reading))) {
                if (!resources.containsKey(referred)) {
                    throw new IllegalArgumentException(fileName(reading) + " refers to " + referred
                            + ", which is the $id of no file of " + SOURCES);
                }
                if (found.add(referred)) {
                    toRead.add(referred);
                }
            }
        }
        found.remove(id);
        return found;
    }

    /** The resources a schema's {@code $ref}s point into: each absolute reference without its fragment. */
    private static List<URI> references(JsonNode node) {
        List<URI> references = new ArrayList<>();
        if (node.path("$ref").isTextual()) {
            URI reference = URI.create(node.get("$ref").textValue());
            try {
                references.add(new URI(reference.getScheme(), reference.getSchemeSpecificPart(), null));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(reference.toString(), e);
            }
        }
        node.forEach(child -> references.addAll(references(child)));
        return references;
    }

    private static String fileName(URI id) {
        return id.toString().substring(id.toString().lastIndexOf('/') + 1);
    }

    private static String render(JsonNode schema) {
        StringBuilder text = new StringBuilder();
        write(text, schema, 0, 0);
        return text.append('\n').toString();
    }

    /**
     * A value on one line when it fits in {@link #WIDTH} columns with what stands before and after it there, as the
     * sources are written by hand; otherwise one member per line, two spaces deeper.
     */
    private static void write(StringBuilder text, JsonNode node, int depth, int taken) {
        String oneLine = oneLine(node);
        if (!node.isContainerNode() || node.isEmpty() || taken + oneLine.length() <= WIDTH) {
            text.append(oneLine);
            return;
        }
        List<String> names = new ArrayList<>();
        List<JsonNode> values = new ArrayList<>();
        if (node.isObject()) {
            node.properties().forEach(member -> {
                names.add(quoted(member.getKey()) + ": ");
                values.add(member.getValue());
            });
        } else {
            node.forEach(item -> {
                names.add("");
                values.add(item);
            });
        }
        String indent = "  ".repeat(depth + 1);
        text.append(node.isObject() ? '{' : '[');
        for (int i = 0; i < values.size(); i++) {
            boolean last = i == values.size() - 1;
            text.append('\n').append(indent).append(names.get(i));
            write(text, values.get(i), depth + 1, indent.length() + names.get(i).length() + (last ? 0 : 1));
            text.append(last ? "" : ",");
        }
        text.append('\n').append("  ".repeat(depth)).append(node.isObject() ? '}' : ']');
    }

    private static String oneLine(JsonNode node) {
        if (node.isObject()) {
            List<String> members = new ArrayList<>();
            node.properties().forEach(member ->
                    members.add(quoted(member.getKey()) + ": " + oneLine(member.getValue())));
            return "{" + String.join(", ", members) + "}";
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(oneLine(item)));
            return "[" + String.join(", ", items) + "]";
        }
        return scalar(node);
    }

    private static String quoted(String name) {
        return scalar(JSON.getNodeFactory().textNode(name));
    }

    private static String scalar(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

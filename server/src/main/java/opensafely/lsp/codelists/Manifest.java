package opensafely.lsp.codelists;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * codelists/codelists.json: for each downloaded CSV, the codelist it came from, when, and the SHA-1 of its
 * content. OpenSAFELY generates it and checks the CSVs against it; so do we, in the same format (two-space
 * indentation, entries in codelists.txt order, no newline at the end) so that an update by either tool
 * gives the same file.
 */
public record Manifest(Map<String, Entry> files) {
    public static final String FILE = "codelists.json";

    public record Entry(String id, String url, String downloadedAt, String sha) {
    }

    /** A manifest that is not the JSON OpenSAFELY writes. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static Manifest parse(String text) throws Invalid {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new Invalid("not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject() || !root.path("files").isObject()) {
            throw new Invalid("it has no \"files\" object");
        }
        Map<String, Entry> files = new LinkedHashMap<>();
        var fields = root.get("files").fields();
        while (fields.hasNext()) {
            var f = fields.next();
            JsonNode e = f.getValue();
            if (!e.isObject()) throw new Invalid("the entry for '" + f.getKey() + "' is not an object");
            files.put(f.getKey(), new Entry(e.path("id").asText(null), e.path("url").asText(null),
                    e.path("downloaded_at").asText(null), e.path("sha").asText(null)));
        }
        return new Manifest(files);
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode files = root.putObject("files");
        for (Map.Entry<String, Entry> e : this.files.entrySet()) {
            ObjectNode entry = files.putObject(e.getKey());
            entry.put("id", e.getValue().id());
            entry.put("url", e.getValue().url());
            entry.put("downloaded_at", e.getValue().downloadedAt());
            entry.put("sha", e.getValue().sha());
        }
        // Python's json.dumps(indent=2): two spaces, "key": value, and {} for an empty object.
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator(""));
        try {
            return JSON.writer(printer).writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }
}

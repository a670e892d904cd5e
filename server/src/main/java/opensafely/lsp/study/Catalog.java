package opensafely.lsp.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What cohort-extractor offers: every {@code patients.*} function with its parameters, plus the type map,
 * date-expression vocabulary and reserved expression words. Read once from the JSON companions of the
 * specification, which are bundled as resources.
 */
final class Catalog {
    /** One parameter. {@code allowed} holds the permitted literal values (null entries for None) when they are enumerable. */
    record Param(String name, boolean required, boolean hasDefault, Object defaultValue, String type, List<Object> allowed,
                 String allowedNote, String doc, boolean deprecated, List<String> systems, String kind, String pattern,
                 List<String> keys) {
        boolean varPositional() {
            return "var_positional".equals(kind);
        }

        boolean varKeyword() {
            return "var_keyword".equals(kind);
        }

        String defaultText() {
            if (!hasDefault) return null;
            return Values.pythonLiteral(defaultValue);
        }
    }

    record Function(String name, List<Param> params, String summary, List<String> notes, String fixedType,
                    Map<String, String> byReturning, String defaultReturning, Map<String, String> extraColumns,
                    String typeNote) {
        Optional<Param> param(String n) {
            return params.stream().filter(p -> p.name.equals(n)).findFirst();
        }

        boolean acceptsAnyKeyword() {
            return params.stream().anyMatch(Param::varKeyword);
        }

        List<Param> named() {
            return params.stream().filter(p -> p.kind == null).toList();
        }

        List<Param> required() {
            return params.stream().filter(p -> p.required && p.kind == null).toList();
        }

        /** The column type for a returning value, if the function's type depends on it. */
        Optional<String> typeFor(String returning) {
            if (byReturning.isEmpty()) return Optional.ofNullable(fixedType);
            if (returning == null) return Optional.empty();
            String t = byReturning.get(returning);
            if (t == null && returning.startsWith("rct__")) t = byReturning.get("rct__germdefence__<other property>");
            return Optional.ofNullable(t);
        }
    }

    private static final Catalog INSTANCE = load();

    private final Map<String, Function> functions;
    final Map<String, String> returningTypes;
    final List<String> dateFunctions;
    final List<String> dateFunctionsWithColumn;
    final List<String> dateUnits;
    final Set<String> reservedWords;
    final Map<String, String> isaricColumns;

    private Catalog(Map<String, Function> functions, Map<String, String> returningTypes, List<String> dateFunctions,
                    List<String> dateFunctionsWithColumn, List<String> dateUnits, Set<String> reservedWords,
                    Map<String, String> isaricColumns) {
        this.functions = functions;
        this.returningTypes = returningTypes;
        this.dateFunctions = dateFunctions;
        this.dateFunctionsWithColumn = dateFunctionsWithColumn;
        this.dateUnits = dateUnits;
        this.reservedWords = reservedWords;
        this.isaricColumns = isaricColumns;
    }

    static Catalog get() {
        return INSTANCE;
    }

    Optional<Function> function(String name) {
        return Optional.ofNullable(functions.get(name));
    }

    Set<String> functionNames() {
        return functions.keySet();
    }

    List<Function> functions() {
        return List.copyOf(functions.values());
    }

    private static Catalog load() {
        ObjectMapper json = new ObjectMapper();
        JsonNode fns = read(json, "cohortextractor-functions.json");
        JsonNode extra = read(json, "cohortextractor-extra.json");
        Map<String, Function> functions = new LinkedHashMap<>();
        for (JsonNode f : fns) {
            List<Param> params = new ArrayList<>();
            for (JsonNode p : f.get("params")) {
                List<Object> allowed = null;
                String allowedNote = null;
                JsonNode a = p.get("allowed");
                if (a != null && a.isArray()) {
                    allowed = new ArrayList<>();
                    for (JsonNode v : a) allowed.add(scalar(v));
                } else if (a != null && a.isTextual()) {
                    allowedNote = a.asText();
                }
                params.add(new Param(p.get("name").asText(), p.path("required").asBoolean(false), p.has("default"),
                        p.has("default") ? scalar(p.get("default")) : null, p.path("type").asText(""), allowed, allowedNote,
                        p.path("doc").asText(""), p.path("deprecated").asBoolean(false), strings(p.get("systems")),
                        p.has("kind") ? p.get("kind").asText() : null, p.has("pattern") ? p.get("pattern").asText() : null,
                        strings(p.get("keys"))));
            }
            JsonNode r = f.get("returns");
            Map<String, String> byReturning = new LinkedHashMap<>();
            if (r.has("by_returning")) r.get("by_returning").fields().forEachRemaining(e -> byReturning.put(e.getKey(), e.getValue().asText()));
            Map<String, String> extraCols = new LinkedHashMap<>();
            if (r.has("extra_columns")) r.get("extra_columns").fields().forEachRemaining(e -> extraCols.put(e.getKey(), e.getValue().asText()));
            String type = r.has("type") ? r.get("type").asText() : r.has("default") ? r.get("default").asText() : null;
            String fixed = type != null && Set.of("bool", "int", "float", "str", "date").contains(type) ? type : null;
            String note = fixed == null ? (type != null ? type : r.has("type_inferred_from_keys") ? "inferred from the category keys"
                    : r.has("type_inferred") ? "inferred from the value" : null) : null;
            functions.put(f.get("name").asText(), new Function(f.get("name").asText(), List.copyOf(params),
                    f.path("summary").asText(""), strings(f.get("notes")), fixed, byReturning,
                    r.has("default_returning") ? r.get("default_returning").asText() : null, extraCols, note));
        }
        Map<String, String> types = new LinkedHashMap<>();
        extra.get("returning_type_map").fields().forEachRemaining(e -> types.put(e.getKey(), e.getValue().asText()));
        JsonNode de = extra.get("date_expression");
        Set<String> reserved = new LinkedHashSet<>(strings(extra.get("expression_reserved_words_sqlparse_0_3_1")));
        Map<String, String> isaric = new LinkedHashMap<>();
        extra.get("isaric_columns").fields().forEachRemaining(e -> isaric.put(e.getKey(), e.getValue().asText()));
        return new Catalog(Collections.unmodifiableMap(functions), types, strings(de.get("functions_static")),
                strings(de.get("functions_with_column_reference")), strings(de.get("units")), reserved, isaric);
    }

    private static JsonNode read(ObjectMapper json, String name) {
        try (InputStream in = Catalog.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object scalar(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isBoolean()) return v.asBoolean();
        if (v.isIntegralNumber()) return v.asLong();
        if (v.isNumber()) return v.asDouble();
        return v.asText();
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null && n.isArray()) n.forEach(x -> out.add(x.asText()));
        return List.copyOf(out);
    }
}

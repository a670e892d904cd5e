package opensafely.lsp.ehrql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What ehrQL offers, read once from the specification's machine-readable companion (ehrql-schema.json,
 * bundled as a resource): the table modules with their tables, columns and helper methods, the series
 * methods with their overloads, and the code systems with their patterns.
 */
final class Schema {
    /** A table helper (method or {@code @property}). */
    record Helper(String name, List<String> params, String returns, String summary, boolean property) {
    }

    record Table(String qualified, String name, String module, boolean event, String summary, String docsUrl,
                 String permission, Map<String, String> columns, Map<String, List<String>> categories,
                 Map<String, Helper> helpers, Map<String, List<String>> notes) {
        /** "tpp", "core", "raw.tpp"... */
        String schema() {
            return module.substring("ehrql.tables.".length());
        }
    }

    /** One overload of a series method; receivers are families (Bool, Int, Code...), dims "patient"/"event". */
    record Overload(String name, Set<String> receivers, Set<String> dims, List<String> args, String returns,
                    String resultDim, String operator, boolean property, String notes) {
        /** The value type of the result for a series of {@code selfType}, or null when it is not a plain type. */
        String resultType(String selfType) {
            return switch (returns) {
                case "Self" -> selfType;
                case "Bool" -> "bool";
                case "Int" -> "int";
                case "Float" -> "float";
                case "Date" -> "date";
                case "Str" -> "str";
                default -> null;
            };
        }
    }

    record CodeSystem(String name, String label, Pattern pattern, boolean multi) {
        boolean matches(String code) {
            return pattern.matcher(code).matches();
        }
    }

    /** A frame method's schema entry. */
    record FrameMethod(String name, Set<String> receivers, String returns, String notes) {
    }

    private static final Schema INSTANCE = load();

    /** Module name ("ehrql.tables.tpp") → table name → table. */
    final Map<String, Map<String, Table>> modules = new LinkedHashMap<>();
    final Map<String, List<Overload>> seriesMethods = new LinkedHashMap<>();
    final Map<String, FrameMethod> frameMethods = new LinkedHashMap<>();
    final Map<String, CodeSystem> codeSystems = new LinkedHashMap<>();
    final Map<String, String> functionReturns = new LinkedHashMap<>();
    final Map<String, List<String>> functionArgs = new LinkedHashMap<>();
    final Set<String> reservedColumns = new LinkedHashSet<>();
    Pattern columnName = Pattern.compile("^[A-Za-z]+[A-Za-z0-9_]*$");
    final Map<String, String> dummyDataOptions = new LinkedHashMap<>();
    String commit = "";

    static Schema get() {
        return INSTANCE;
    }

    private static Schema load() {
        try (InputStream in = Schema.class.getResourceAsStream("ehrql-schema.json")) {
            if (in == null) throw new IllegalStateException("ehrql-schema.json is missing from the classpath");
            return new Schema(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Schema(JsonNode root) {
        commit = root.path("source").path("commit").asText("");
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("tables").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode t = e.getValue();
            String module = t.path("module").asText();
            String name = e.getKey().substring(e.getKey().lastIndexOf('.') + 1);
            Map<String, String> columns = new LinkedHashMap<>();
            t.path("columns").fields().forEachRemaining(c -> columns.put(c.getKey(), c.getValue().asText()));
            Map<String, List<String>> cats = new LinkedHashMap<>();
            t.path("column_constraints").fields().forEachRemaining(c -> {
                JsonNode cat = c.getValue().path("categorical");
                if (cat.isArray()) {
                    List<String> vals = new ArrayList<>();
                    cat.forEach(v -> vals.add(v.asText()));
                    cats.put(c.getKey(), vals);
                }
            });
            Map<String, List<String>> notes = new LinkedHashMap<>();
            t.path("column_constraints").fields().forEachRemaining(c -> {
                List<String> ns = new ArrayList<>();
                JsonNode k = c.getValue();
                if (k.path("not_null").asBoolean(false)) ns.add("never NULL");
                if (k.path("first_of_month").asBoolean(false)) ns.add("always the 1st of a month");
                if (k.path("closed_range").isArray() && k.path("closed_range").size() >= 2) {
                    ns.add("from " + k.path("closed_range").get(0).asText() + " to " + k.path("closed_range").get(1).asText()
                            + (k.path("closed_range").size() > 2 && k.path("closed_range").get(2).asInt(1) != 1 ? " in steps of " + k.path("closed_range").get(2).asText() : ""));
                }
                if (k.path("regex").isTextual()) ns.add("matches `" + k.path("regex").asText() + "`");
                if (!ns.isEmpty()) notes.put(c.getKey(), ns);
            });
            Map<String, Helper> helpers = new LinkedHashMap<>();
            t.path("methods").fields().forEachRemaining(m -> {
                List<String> params = new ArrayList<>();
                m.getValue().path("params").forEach(p -> params.add(p.asText()));
                helpers.put(m.getKey(), new Helper(m.getKey(), params, m.getValue().path("returns").asText(),
                        m.getValue().path("summary").asText(""), m.getValue().path("property").asBoolean(false)));
            });
            String perm = t.path("required_permission").isTextual() ? t.path("required_permission").asText() : null;
            Table table = new Table(e.getKey(), name, module, t.path("kind").asText().equals("event_frame"),
                    t.path("summary").asText(""), t.path("docs_url").asText(""), perm, columns, cats, helpers, notes);
            modules.computeIfAbsent(module, k -> new LinkedHashMap<>()).put(name, table);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("series_methods").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<Overload> overloads = new ArrayList<>();
            for (JsonNode o : e.getValue()) {
                Set<String> receivers = new LinkedHashSet<>();
                o.path("receivers").forEach(r -> receivers.add(r.asText()));
                Set<String> dims = new LinkedHashSet<>();
                o.path("dims").forEach(r -> dims.add(r.asText()));
                List<String> args = new ArrayList<>();
                o.path("args").forEach(a -> args.add(a.asText()));
                overloads.add(new Overload(e.getKey(), receivers, dims, args, o.path("returns").asText(),
                        o.path("result_dim").asText("same"), o.path("operator").isTextual() ? o.path("operator").asText() : null,
                        o.path("property").asBoolean(false), o.path("notes").asText("")));
            }
            seriesMethods.put(e.getKey(), overloads);
        }
        root.path("frame_methods").fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("<")) return;
            Set<String> receivers = new LinkedHashSet<>();
            e.getValue().path("receivers").forEach(r -> receivers.add(r.asText()));
            frameMethods.put(e.getKey(), new FrameMethod(e.getKey(), receivers, e.getValue().path("returns").asText(),
                    e.getValue().path("notes").asText("")));
        });
        root.path("code_systems").fields().forEachRemaining(e -> {
            JsonNode c = e.getValue();
            boolean multi = c.has("prefix_regex");
            String regex = multi ? c.path("prefix_regex").asText() : c.path("regex").asText();
            codeSystems.put(e.getKey(), new CodeSystem(e.getKey(), c.path("label").asText(e.getKey()), Pattern.compile(regex), multi));
        });
        root.path("functions").fields().forEachRemaining(e -> {
            functionReturns.put(e.getKey(), e.getValue().path("returns").asText(e.getValue().path("kind").asText("")));
            List<String> args = new ArrayList<>();
            e.getValue().path("args").forEach(a -> args.add(a.asText()));
            functionArgs.put(e.getKey(), args);
        });
        JsonNode assign = root.path("dataset_api").path("attribute_assignment");
        assign.path("reserved").forEach(r -> reservedColumns.add(r.asText()));
        if (assign.path("name_regex").isTextual()) columnName = Pattern.compile(assign.path("name_regex").asText());
        root.path("dataset_api").path("configure_dummy_data").path("kwargs").fields()
                .forEachRemaining(e -> dummyDataOptions.put(e.getKey(), e.getValue().asText()));
    }

    /** The tables a module exports, or null when it is not a table module. */
    Map<String, Table> tables(String module) {
        return modules.get(module);
    }

    boolean isTableModule(String module) {
        return modules.containsKey(module);
    }

    Optional<CodeSystem> codeSystem(String name) {
        return Optional.ofNullable(codeSystems.get(name));
    }

    /** The value-type family of a column type: Bool, Int, Float, Str, Date, Code or MultiCodeString. */
    String family(String valueType) {
        return switch (valueType) {
            case "bool" -> "Bool";
            case "int" -> "Int";
            case "float" -> "Float";
            case "str" -> "Str";
            case "date" -> "Date";
            default -> {
                CodeSystem cs = codeSystems.get(valueType);
                yield cs == null ? "Unknown" : cs.multi() ? "MultiCodeString" : "Code";
            }
        };
    }

    /** Overloads of a series method that apply to a receiver family and dimension. */
    List<Overload> overloads(String method, String family, boolean event) {
        List<Overload> all = seriesMethods.get(method);
        if (all == null) return List.of();
        String dim = event ? "event" : "patient";
        return all.stream().filter(o -> o.receivers().contains(family) && o.dims().contains(dim)).toList();
    }

    /** Names of the (non-operator) series methods available on a receiver. */
    List<String> methodNames(String family, boolean event) {
        List<String> out = new ArrayList<>();
        for (String m : seriesMethods.keySet()) {
            if (m.startsWith("__")) continue;
            if (!overloads(m, family, event).isEmpty()) out.add(m);
        }
        return out;
    }
}

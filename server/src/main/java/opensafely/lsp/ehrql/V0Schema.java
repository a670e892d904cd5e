package opensafely.lsp.ehrql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.text.LineIndex;

/**
 * ehrQL v0's dialect, as far as a definition written for it (`from ehrql.tables.beta.tpp import ...`) can be judged:
 * the table modules under ehrql.tables.beta with their tables and columns, and every name of v0's query language
 * (ehrql-v0-tables.json, names only, from the last v0 release). v1 moved those modules to ehrql.tables and renamed
 * a few features, so such a file is evaluated with v1's types, and only findings about a name v0 did not have either
 * are kept: a misspelt table, column or method fails under either image, an older spelling (if_null_then,
 * hospital_admissions) is v0's own and is not a fault.
 */
final class V0Schema {
    static final String BETA = "ehrql.tables.beta";

    /** The rules whose finding is about one name at its range: kept for a v0 file when v0 lacks that name too. */
    private static final Set<Rule> NAME_RULES = Set.of(Rule.EHRQL_UNKNOWN_IMPORT, Rule.EHRQL_UNKNOWN_TABLE,
            Rule.EHRQL_UNKNOWN_COLUMN, Rule.EHRQL_UNKNOWN_METHOD, Rule.EHRQL_UNKNOWN_ATTRIBUTE);
    /**
     * Rules that hold whatever the dialect: bad syntax, a NameError, a TypeError calling the study's own function, a
     * codelist file that is not there or lacks the column (v0's codelist_from_csv took the same arguments as v1's).
     */
    private static final Set<Rule> ANY_DIALECT = Set.of(Rule.EHRQL_SYNTAX, Rule.EHRQL_UNDEFINED_NAME, Rule.EHRQL_UNKNOWN_KEYWORD,
            Rule.EHRQL_CODELIST_FILE_MISSING, Rule.EHRQL_CODELIST_COLUMN_MISSING);

    private static final V0Schema INSTANCE = load();

    /** "ehrql.tables.beta.tpp" → table → its columns and helper methods. */
    private final Map<String, Map<String, Set<String>>> modules = new LinkedHashMap<>();
    /** Every table, column and language name of v0. */
    private final Set<String> names = new HashSet<>();

    static V0Schema get() {
        return INSTANCE;
    }

    private static V0Schema load() {
        V0Schema s = new V0Schema();
        try (InputStream in = V0Schema.class.getResourceAsStream("ehrql-v0-tables.json")) {
            if (in == null) return s; // without the list nothing is judged: every name counts as known
            JsonNode root = new ObjectMapper().readTree(in);
            root.path("modules").fields().forEachRemaining(m -> {
                Map<String, Set<String>> tables = new LinkedHashMap<>();
                m.getValue().fields().forEachRemaining(t -> {
                    Set<String> cols = new LinkedHashSet<>();
                    t.getValue().forEach(c -> cols.add(c.asText()));
                    tables.put(t.getKey(), cols);
                    s.names.add(t.getKey());
                    s.names.addAll(cols);
                });
                s.modules.put(m.getKey(), tables);
            });
            root.path("language").forEach(n -> s.names.add(n.asText()));
        } catch (IOException e) {
            s.modules.clear();
        }
        return s;
    }

    boolean loaded() {
        return !modules.isEmpty();
    }

    static boolean isBeta(String module) {
        return module.equals(BETA) || module.startsWith(BETA + ".");
    }

    /** The tables of a v0 table module, or null when v0 had no such module (as far as this list knows). */
    Map<String, Set<String>> tables(String module) {
        return modules.get(module);
    }

    Set<String> moduleNames() {
        return modules.keySet();
    }

    /** The v1 module a v0 one moved to: ehrql.tables.beta.tpp → ehrql.tables.tpp. */
    static String v1Module(String module) {
        return "ehrql.tables." + module.substring(BETA.length() + 1);
    }

    /** Whether a file is written for v0's table modules. */
    static boolean writtenForV0(String text) {
        return text.contains(BETA);
    }

    /**
     * The findings that stand for a file written in v0's dialect: those of any dialect, and name findings for a name
     * v0 lacks too. {@code text} is the file the findings are in.
     */
    List<Diagnostic> judge(List<Diagnostic> found, SourceFile file) {
        return judge(found, file.text, file.lines);
    }

    List<Diagnostic> judge(List<Diagnostic> found, String text, LineIndex lines) {
        if (!loaded()) return found.stream().filter(d -> ANY_DIALECT.contains(d.rule())).toList();
        return found.stream().filter(d -> ANY_DIALECT.contains(d.rule())
                || NAME_RULES.contains(d.rule()) && !names.contains(token(d, text, lines))).toList();
    }

    private static String token(Diagnostic d, String text, LineIndex lines) {
        try {
            int s = lines.offset(d.range().start());
            int e = lines.offset(d.range().end());
            String t = text.substring(s, Math.max(s, e)).strip();
            // a dotted module name is judged by its last part (ehrql.tables.beta.tpx → tpx)
            return t.substring(t.lastIndexOf('.') + 1);
        } catch (RuntimeException e) {
            return "";
        }
    }
}

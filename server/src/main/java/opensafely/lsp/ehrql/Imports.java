package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.EValue.UNKNOWN;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.ehrql.EValue.Module;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;

/**
 * What import statements bind: ehrQL's own modules, tables and names (with near-miss suggestions for unknown ones),
 * datetime, and sibling modules loaded through {@link Evaluator.Modules}. It also remembers the restricted tables
 * imported, whose permission is checked once the whole file has run (claim_permissions may come later).
 */
final class Imports {
    /** The names ehrql exports (completion offers the same list). */
    static final Set<String> EHRQL_EXPORTS = Set.of("create_dataset", "Dataset", "codelist_from_csv", "case", "when",
            "maximum_of", "minimum_of", "days", "weeks", "months", "years", "table_from_file", "get_parameter",
            "claim_permissions", "show", "create_measures", "Measures", "INTERVAL", "Error");

    /** Names a table module binds besides its tables (from its own imports); importing them works. */
    private static final Set<String> MODULE_LEVEL_NAMES = Set.of("table", "date", "datetime", "codes", "operator", "functools", "re",
            "table_from_file", "table_from_rows", "codelist_from_csv");

    /** Restricted tables imported by this file: the table and the import alias. */
    private final List<Object[]> restricted = new ArrayList<>();

    private final Evaluator ev;
    private final SourceFile file;
    private final Schema schema;

    Imports(Evaluator ev) {
        this.ev = ev;
        this.file = ev.file;
        this.schema = ev.schema;
    }

    /** Restricted tables need a permission; for local runs on dummy data it must be claimed. */
    void permissions() {
        if (ev.out.claimsUnknown || restricted.isEmpty() || file != ev.out.doc()) return;
        // Only for a definition that project.yaml runs, and tables it uses beyond importing them.
        FileRules.Use use = FileRules.use(file, ev.folder);
        if (!use.dataset() && !use.measures()) return;
        for (Object[] r : restricted) {
            Schema.Table t = (Schema.Table) r[0];
            Py.Alias a = (Py.Alias) r[1];
            if (ev.out.claimed.contains(t.permission())) continue;
            if (!Pattern.compile("\\b" + Pattern.quote(a.bound()) + "\\b").matcher(file.text.substring(Math.min(file.text.length(), a.end()))).find()) continue;
            ev.out.report(Rule.EHRQL_PERMISSION, file, a.start(), a.end(), "'" + t.name() + "' is a restricted table: the project needs the '"
                    + t.permission() + "' permission on the server, and a local run on dummy data stops with a permission error unless the definition calls "
                    + "claim_permissions(\"" + t.permission() + "\") (from ehrql).");
        }
    }

    EValue moduleValue(String name, Py.Node at) {
        if (name.equals("ehrql") || name.equals("ehrql.codes") || name.equals("ehrql.tables") || schema.isTableModule(name)) {
            return new Module(name, null);
        }
        if (name.startsWith("ehrql.")) return UNKNOWN;
        if (name.equals("datetime")) return new Module("datetime", null);
        Map<String, Binding> names = ev.modules.load(file, name, 0);
        return names == null ? UNKNOWN : new Module(name, names);
    }

    void importFrom(Py.ImportFrom i, Map<String, Binding> scope) {
        String m = i.module();
        if (i.level() == 0 && V0Schema.isBeta(m) && V0Schema.get().loaded()) {
            importFromV0(i, scope);
            return;
        }
        if (i.level() == 0 && (m.equals("ehrql") || m.startsWith("ehrql."))) {
            Map<String, Schema.Table> tables = schema.tables(m);
            boolean known = m.equals("ehrql") || m.equals("ehrql.codes") || m.equals("ehrql.tables") || tables != null;
            if (!known) {
                List<String> candidates = new ArrayList<>(schema.modules.keySet());
                candidates.addAll(List.of("ehrql", "ehrql.codes", "ehrql.tables"));
                if (m.startsWith("ehrql.tables.") || m.equals("ehrql.query_language") || m.startsWith("ehrql.")) {
                    Optional<String> dym = DidYouMean.closest(m, candidates);
                    // Only a near miss is surely a typo; other names may be older or internal modules.
                    if (m.startsWith("ehrql.tables.") && dym.isPresent()) {
                        ev.report(Rule.EHRQL_UNKNOWN_IMPORT, i.moduleStart(), i.moduleEnd(), "ehrQL has no table module '" + m
                                + "'. Table modules: " + String.join(", ", schema.modules.keySet()) + "." + DidYouMean.suffix(dym),
                                dym.map(d -> Fix.replace("Change to '" + d + "'", file.range(i.moduleStart(), i.moduleEnd()), d)).stream().toArray(Fix[]::new));
                    }
                }
                for (Py.Alias a : i.names()) scope.put(a.bound(), new Binding(UNKNOWN, aliasOrigin(a)));
                return;
            }
            if (i.star()) {
                if (tables != null) tables.forEach((n, t) -> scope.put(n, new Binding(tableFrame(t), null)));
                else if (m.equals("ehrql")) EHRQL_EXPORTS.forEach(n -> scope.put(n, new Binding(ehrqlName(n), null)));
                else if (m.equals("ehrql.codes")) {
                    schema.codeSystems.keySet().forEach(n -> scope.put(n, new Binding(new CodeClass(n), null)));
                    scope.put("codelist_from_csv", new Binding(new Func("codelist_from_csv"), null));
                }
                return;
            }
            for (Py.Alias a : i.names()) {
                EValue v = UNKNOWN;
                if (tables != null) {
                    Schema.Table t = tables.get(a.name());
                    if (t != null) {
                        v = tableFrame(t);
                        if (t.permission() != null) restricted.add(new Object[] {t, a});
                    } else if (EHRQL_EXPORTS.contains(a.name())) v = ehrqlName(a.name()); // table modules import these for their helpers
                    else if (MODULE_LEVEL_NAMES.contains(a.name()) || Character.isUpperCase(a.name().charAt(0)) || a.name().startsWith("_")) v = UNKNOWN;
                    else {
                        Optional<String> dym = DidYouMean.closest(a.name(), tables.keySet());
                        ev.report(Rule.EHRQL_UNKNOWN_TABLE, a.start(), a.end(), "'" + m + "' has no table '" + a.name() + "'."
                                + DidYouMean.suffix(dym) + otherSchemas(a.name(), m),
                                dym.map(d -> Fix.replace("Change to '" + d + "'", file.range(a.start(), a.end()), d)).stream().toArray(Fix[]::new));
                    }
                } else if (m.equals("ehrql")) {
                    if (EHRQL_EXPORTS.contains(a.name())) v = ehrqlName(a.name());
                    else if (!a.name().equals("codes") && !a.name().equals("tables") && !a.name().startsWith("_")
                            && DidYouMean.closest(a.name(), EHRQL_EXPORTS).isPresent()) {
                        // Only a near miss of an export is surely wrong: other names may be submodules (ehrql.query_language).
                        Optional<String> dym = DidYouMean.closest(a.name(), EHRQL_EXPORTS);
                        ev.report(Rule.EHRQL_UNKNOWN_IMPORT, a.start(), a.end(), "ehrql does not export '" + a.name() + "'." + DidYouMean.suffix(dym),
                                dym.map(d -> Fix.replace("Change to '" + d + "'", file.range(a.start(), a.end()), d)).stream().toArray(Fix[]::new));
                    } else if (!a.name().startsWith("_")) v = new Module("ehrql." + a.name(), null);
                } else if (m.equals("ehrql.codes")) {
                    if (schema.codeSystems.containsKey(a.name())) v = new CodeClass(a.name());
                    else if (a.name().equals("codelist_from_csv")) v = new Func("codelist_from_csv");
                    else {
                        List<String> codeNames = new ArrayList<>(schema.codeSystems.keySet());
                        codeNames.add("codelist_from_csv");
                        Optional<String> dym = DidYouMean.closest(a.name(), codeNames);
                        if (dym.isPresent()) {
                            ev.report(Rule.EHRQL_UNKNOWN_IMPORT, a.start(), a.end(), "ehrql.codes has no '" + a.name() + "'." + DidYouMean.suffix(dym),
                                    Fix.replace("Change to '" + dym.get() + "'", file.range(a.start(), a.end()), dym.get()));
                        }
                    }
                } else if (m.equals("ehrql.tables")) {
                    if (schema.isTableModule("ehrql.tables." + a.name())) v = new Module("ehrql.tables." + a.name(), null);
                }
                scope.put(a.bound(), new Binding(v, aliasOrigin(a)));
            }
            return;
        }
        if (i.level() == 0 && m.equals("datetime")) {
            for (Py.Alias a : i.names()) {
                scope.put(a.bound(), new Binding(a.name().equals("date") ? new Func("date") : UNKNOWN, aliasOrigin(a)));
            }
            return;
        }
        Map<String, Binding> names = ev.modules.load(file, m, i.level());
        if (i.star()) {
            if (names == null || names.containsKey(Evaluator.OPEN_NAMES)) ev.namesOpen = true;
            if (names != null) {
                names.forEach((n, b) -> {
                    if (!n.startsWith("_") && !n.equals(Evaluator.OPEN_NAMES)) scope.put(n, b);
                });
            }
            return;
        }
        for (Py.Alias a : i.names()) {
            Binding b = names == null ? null : names.get(a.name());
            if (b == null && names != null) {
                Map<String, Binding> sub = ev.modules.load(file, m.isEmpty() ? a.name() : m + "." + a.name(), i.level());
                if (sub != null) b = new Binding(new Module(a.name(), sub), null);
            }
            EValue v = b == null ? UNKNOWN : b.value();
            Origin def = b != null && b.defined() != null ? b.defined() : aliasOrigin(a);
            scope.put(a.bound(), new Binding(v, def));
        }
    }

    /**
     * An import from v0's table modules (ehrql.tables.beta...): names are judged against v0's tables, and bound to
     * the v1 table of the same name where there is one (its columns and methods are mostly v0's; what v0 spelt
     * otherwise is let through by {@link V0Schema#judge}), else to an unknown value.
     */
    private void importFromV0(Py.ImportFrom i, Map<String, Binding> scope) {
        V0Schema v0 = V0Schema.get();
        String m = i.module();
        if (m.equals(V0Schema.BETA)) {
            for (Py.Alias a : i.names()) {
                String sub = V0Schema.BETA + "." + a.name();
                EValue v = UNKNOWN;
                if (v0.tables(sub) != null) {
                    String v1 = V0Schema.v1Module(sub);
                    if (schema.isTableModule(v1)) v = new Module(v1, null);
                } else if (!a.name().equals("raw") && !a.name().startsWith("_")) {
                    List<String> subs = v0.moduleNames().stream().map(n -> n.substring(V0Schema.BETA.length() + 1)).filter(n -> !n.contains(".")).toList();
                    Optional<String> dym = DidYouMean.closest(a.name(), subs);
                    if (dym.isPresent()) {
                        ev.report(Rule.EHRQL_UNKNOWN_IMPORT, a.start(), a.end(), "ehrQL v0 has no table module '" + sub + "'."
                                + DidYouMean.suffix(dym), Fix.replace("Change to '" + dym.get() + "'", file.range(a.start(), a.end()), dym.get()));
                    }
                }
                scope.put(a.bound(), new Binding(v, aliasOrigin(a)));
            }
            return;
        }
        Map<String, Set<String>> tables = v0.tables(m);
        if (tables == null) {
            // Not a module the list knows (ehrql.tables.beta.emis held no tables): only a near miss is surely a typo.
            Optional<String> dym = DidYouMean.closest(m, v0.moduleNames());
            if (dym.isPresent() && !m.startsWith(V0Schema.BETA + ".emis") && !m.startsWith(V0Schema.BETA + ".raw.emis")) {
                ev.report(Rule.EHRQL_UNKNOWN_IMPORT, i.moduleStart(), i.moduleEnd(), "ehrQL v0 has no table module '" + m + "'."
                        + DidYouMean.suffix(dym), Fix.replace("Change to '" + dym.get() + "'", file.range(i.moduleStart(), i.moduleEnd()), dym.get()));
            }
            for (Py.Alias a : i.names()) scope.put(a.bound(), new Binding(UNKNOWN, aliasOrigin(a)));
            if (i.star()) ev.namesOpen = true;
            return;
        }
        Map<String, Schema.Table> v1 = schema.tables(V0Schema.v1Module(m));
        if (i.star()) {
            tables.keySet().forEach(n -> {
                Schema.Table t = v1 == null ? null : v1.get(n);
                scope.put(n, new Binding(t == null ? UNKNOWN : tableFrame(t), null));
            });
            return;
        }
        for (Py.Alias a : i.names()) {
            EValue v = UNKNOWN;
            if (tables.containsKey(a.name())) {
                Schema.Table t = v1 == null ? null : v1.get(a.name());
                if (t != null) v = tableFrame(t);
            } else if (!EHRQL_EXPORTS.contains(a.name()) && !MODULE_LEVEL_NAMES.contains(a.name())
                    && !Character.isUpperCase(a.name().charAt(0)) && !a.name().startsWith("_")) {
                Optional<String> dym = DidYouMean.closest(a.name(), tables.keySet());
                ev.report(Rule.EHRQL_UNKNOWN_TABLE, a.start(), a.end(), "'" + m + "' (ehrQL v0) has no table '" + a.name() + "'."
                        + DidYouMean.suffix(dym), dym.map(d -> Fix.replace("Change to '" + d + "'", file.range(a.start(), a.end()), d)).stream().toArray(Fix[]::new));
            }
            scope.put(a.bound(), new Binding(v, aliasOrigin(a)));
        }
    }

    private Origin aliasOrigin(Py.Alias a) {
        return new Origin(file, a.start(), a.end());
    }

    private String otherSchemas(String table, String module) {
        List<String> in = new ArrayList<>();
        schema.modules.forEach((mod, ts) -> {
            if (!mod.equals(module) && ts.containsKey(table)) in.add(mod);
        });
        return in.isEmpty() ? "" : " It is in " + String.join(", ", in) + ".";
    }

    /** A table as imported: a frame with the table's own helper methods. */
    static Frame tableFrame(Schema.Table t) {
        return new Frame(t, t.event(), false, true, t.qualified());
    }

    /** The value an ehrql export stands for. */
    static EValue ehrqlName(String n) {
        return switch (n) {
            case "INTERVAL" -> new IntervalPlaceholder();
            case "Dataset", "Measures", "Error" -> new Func("ehrql." + n);
            default -> new Func(n);
        };
    }
}

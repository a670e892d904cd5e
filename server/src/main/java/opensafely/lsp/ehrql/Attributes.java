package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.Descriptions.typeName;
import static opensafely.lsp.ehrql.EValue.UNKNOWN;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.ehrql.EValue.Module;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;

/**
 * What `x.name` gives for each kind of value: a module's names, a frame's columns and methods, a series' methods
 * (from the schema's overloads), a dataset's columns and methods, and the few attributes of durations, date
 * differences, INTERVAL and when(...). Unknown names are reported with the nearest known one.
 */
final class Attributes {
    /** Attributes that code set on frame objects, by frame lineage and name. */
    private final Map<String, EValue> extraAttributes = new HashMap<>();

    private final Evaluator ev;
    private final SourceFile file;
    private final Schema schema;
    private final TypeChecks checks;

    Attributes(Evaluator ev) {
        this.ev = ev;
        this.file = ev.file;
        this.schema = ev.schema;
        this.checks = ev.checks;
    }

    /** Records an attribute that code set on a frame object (frame.x = ...), so that reading it gives the value back. */
    void setOnFrame(Frame f, String name, EValue v) {
        extraAttributes.put(f.lineage() + "." + name, v);
    }

    EValue attribute(EValue obj, Py.Attribute a, boolean called) {
        String name = a.attr();
        if (name.isEmpty() || obj instanceof Unknown || name.startsWith("__")) return UNKNOWN;
        if (name.startsWith("_") && !(obj instanceof Module)) return UNKNOWN; // private parts of ehrQL objects: not followed
        if (obj instanceof Module m) return moduleAttr(m, a);
        if (obj instanceof Frame f) return frameAttr(f, a);
        if (obj instanceof Series s) return seriesAttr(s, a);
        if (obj instanceof Dataset d) {
            if (DatasetCalls.DATASET_METHODS.contains(name)) {
                Column c = d.columns.get(name);
                return c != null ? c.value() : new Method(d, name);
            }
            Column c = d.columns.get(name);
            if (c != null) return c.value();
            // add_event_table is ehrQL's (hidden from its own completion); the tables it adds are not followed.
            if (name.equals("add_event_table")) return new Method(d, name);
            if (d.eventTables.containsKey(name)) return UNKNOWN;
            if (name.startsWith("_") || name.equals("population") || name.equals("dummy_data_config")
                    || name.equals("variables")) {
                return UNKNOWN;
            }
            Optional<String> misspeltMethod = called ? DidYouMean.closest(name, DatasetCalls.DATASET_METHODS) : Optional.empty();
            // Called, a name that is not a method fails whatever columns unfollowed code set: a column holds a series,
            // which cannot be called. So a near miss of a method is said even when the columns are not all known.
            boolean columnsKnown = !d.escaped && !d.columns.values().stream().anyMatch(Column::conditional);
            if ((columnsKnown || misspeltMethod.isPresent()) && !ev.out.muted()) {
                Optional<String> method = DidYouMean.closest(name, DatasetCalls.DATASET_METHODS);
                Optional<String> col = DidYouMean.closest(name, d.columns.keySet());
                Optional<String> dym = called && method.isPresent() ? method : col.isPresent() ? col : method;
                Rule rule = called && method.isPresent() ? Rule.EHRQL_UNKNOWN_ATTRIBUTE : Rule.EHRQL_UNDEFINED_COLUMN;
                String msg = rule == Rule.EHRQL_UNKNOWN_ATTRIBUTE ? "Dataset has no method '" + name + "'." + DidYouMean.suffix(dym)
                        : "Column '" + name + "' has not been set on the dataset at this point." + DidYouMean.suffix(dym)
                        + (dym.isEmpty() ? " Set it (dataset." + name + " = ...) before reading it." : "");
                ev.report(rule, a.attrStart(), a.end(), msg,
                        dym.map(x -> Fix.replace("Change to '" + x + "'", file.range(a.attrStart(), a.end()), x)).stream().toArray(Fix[]::new));
            }
            return UNKNOWN;
        }
        if (obj instanceof Measures m) {
            if (MeasuresCalls.MEASURES_METHODS.contains(name)) return new Method(m, name);
            if (name.startsWith("_")) return UNKNOWN;
            unknownAttr(a, "Measures", MeasuresCalls.MEASURES_METHODS);
            return UNKNOWN;
        }
        if (obj instanceof Duration d) {
            if (name.equals("starting_on") || name.equals("ending_on")) return new Method(d, name);
            return UNKNOWN;
        }
        if (obj instanceof DateDifference dd) {
            if (Set.of("days", "weeks", "months", "years").contains(name)) {
                return new Series("int", dd.event(), dd.table(), null, null);
            }
            unknownAttr(a, "A date difference", List.of("days", "weeks", "months", "years"));
            return UNKNOWN;
        }
        if (obj instanceof IntervalPlaceholder) {
            if (name.equals("start_date") || name.equals("end_date")) return Series.patient("date");
            if (name.equals("count") || name.equals("index")) return UNKNOWN; // it is a tuple too
            unknownAttr(a, "INTERVAL", List.of("start_date", "end_date"));
            return UNKNOWN;
        }
        if (obj instanceof When w) {
            if (!w.hasThen() && name.equals("then")) return new Method(w, name);
            if (w.hasThen() && name.equals("otherwise")) return new Method(w, name);
            unknownAttr(a, w.hasThen() ? "when(...).then(...)" : "when(...)", w.hasThen() ? List.of("otherwise") : List.of("then"));
            return UNKNOWN;
        }
        if (obj instanceof Func f && f.name().equals("date")) return new Func("date." + name);
        return UNKNOWN;
    }

    private void unknownAttr(Py.Attribute a, String what, java.util.Collection<String> known) {
        Optional<String> dym = DidYouMean.closest(a.attr(), known);
        ev.report(Rule.EHRQL_UNKNOWN_ATTRIBUTE, a.attrStart(), a.end(), what + " has no attribute '" + a.attr() + "'." + DidYouMean.suffix(dym)
                + (dym.isEmpty() ? " It has: " + String.join(", ", known) + "." : ""),
                dym.map(x -> Fix.replace("Change to '" + x + "'", file.range(a.attrStart(), a.end()), x)).stream().toArray(Fix[]::new));
    }

    private EValue moduleAttr(Module m, Py.Attribute a) {
        String name = a.attr();
        if (m.names() != null) {
            Binding b = m.names().get(name);
            return b == null ? UNKNOWN : b.value();
        }
        switch (m.name()) {
            case "ehrql" -> {
                if (Imports.EHRQL_EXPORTS.contains(name)) return Imports.ehrqlName(name);
                if (name.equals("codes") || name.equals("tables")) return new Module("ehrql." + name, null);
                return UNKNOWN;
            }
            case "ehrql.codes" -> {
                if (schema.codeSystems.containsKey(name)) return new CodeClass(name);
                if (name.equals("codelist_from_csv")) return new Func(name);
                return UNKNOWN;
            }
            case "ehrql.tables" -> {
                return schema.isTableModule("ehrql.tables." + name) ? new Module("ehrql.tables." + name, null) : UNKNOWN;
            }
            case "datetime" -> {
                return name.equals("date") ? new Func("date") : UNKNOWN;
            }
            default -> {
                Map<String, Schema.Table> tables = schema.tables(m.name());
                if (tables == null) return UNKNOWN;
                Schema.Table t = tables.get(name);
                if (t != null) return Imports.tableFrame(t);
                if (name.startsWith("_")) return UNKNOWN;
                Optional<String> dym = DidYouMean.closest(name, tables.keySet());
                ev.report(Rule.EHRQL_UNKNOWN_TABLE, a.attrStart(), a.end(), "'" + m.name() + "' has no table '" + name + "'." + DidYouMean.suffix(dym),
                        dym.map(x -> Fix.replace("Change to '" + x + "'", file.range(a.attrStart(), a.end()), x)).stream().toArray(Fix[]::new));
                return UNKNOWN;
            }
        }
    }

    private EValue frameAttr(Frame f, Py.Attribute a) {
        String name = a.attr();
        Schema.Table t = f.table();
        EValue extra = extraAttributes.get(f.lineage() + "." + name);
        if (extra != null) return extra;
        if (!extraAttributes.isEmpty() && !t.columns().containsKey(name) && !t.helpers().containsKey(name)) {
            for (String k : extraAttributes.keySet()) if (k.endsWith("." + name)) return UNKNOWN;
        }
        String type = t.columns().get(name);
        if (type != null) {
            return new Series(type, f.event(), f.event() ? t : null, f.event() ? f.lineage() : null, t.categories().get(name));
        }
        Schema.Helper h = t.helpers().get(name);
        if (h != null) {
            if (h.property()) return new Series("str", f.event(), f.event() ? t : null, f.event() ? f.lineage() : null, null);
            if (f.tableMethods()) return new Method(f, name);
            ev.report(Rule.EHRQL_UNKNOWN_METHOD, a.attrStart(), a.end(), "'" + name + "' is a method of the " + t.name()
                    + " table itself; a frame made from it by first_for_patient()/for_patient_on() no longer has it. Call it on " + t.name() + ".");
            return UNKNOWN;
        }
        switch (name) {
            case "exists_for_patient", "count_for_patient" -> {
                return new Method(f, name);
            }
            case "where", "except_where", "sort_by" -> {
                if (!f.event()) {
                    ev.report(Rule.EHRQL_UNKNOWN_METHOD, a.attrStart(), a.end(), "'" + name + "' is only for event frames (many rows per patient); "
                            + (f.tableMethods() ? t.name() + " has one row per patient." : "this frame already has one row per patient.")
                            + (name.equals("sort_by") ? "" : " Use the columns directly, e.g. in case(when(...)...)."));
                    return UNKNOWN;
                }
                return new Method(f, name);
            }
            case "first_for_patient", "last_for_patient" -> {
                if (!f.event()) {
                    ev.report(Rule.EHRQL_UNKNOWN_METHOD, a.attrStart(), a.end(), "'" + name + "' picks one row from many, but this frame already has one row per patient.");
                    return UNKNOWN;
                }
                if (!f.sorted()) {
                    String recv = file.text.substring(a.value().start(), Math.min(a.value().end(), file.text.length()));
                    if (recv.length() > 40 || !recv.matches("[\\w.]+")) recv = t.name();
                    String insert = "sort_by(" + recv + "." + firstDateColumn(t) + ").";
                    ev.report(Rule.EHRQL_FIRST_WITHOUT_SORT, a.attrStart(), a.end(), name + "() needs the rows sorted first: call .sort_by(<column>) before it, e.g. "
                            + recv + "." + insert + name + "().",
                            Fix.replace("Sort by " + recv + "." + firstDateColumn(t) + " first", file.range(a.attrStart(), a.attrStart()), insert));
                }
                return new Method(f, name);
            }
            default -> {
            }
        }
        if (name.startsWith("_") || name.equals("patient_id")) return UNKNOWN;
        List<String> known = new ArrayList<>(t.columns().keySet());
        known.addAll(t.helpers().keySet());
        List<String> methods = new ArrayList<>(List.of("exists_for_patient", "count_for_patient"));
        if (f.event()) methods.addAll(List.of("where", "except_where", "sort_by"));
        if (f.sorted()) methods.addAll(List.of("first_for_patient", "last_for_patient"));
        known.addAll(methods);
        Optional<String> dym = DidYouMean.closest(name, known);
        String elsewhere = "";
        if (dym.isEmpty()) {
            List<String> in = new ArrayList<>();
            schema.modules.forEach((mod, ts) -> {
                Schema.Table other = ts.get(t.name());
                if (other != null && other != t && other.columns().containsKey(name)) in.add(mod);
            });
            if (!in.isEmpty()) elsewhere = " (" + t.name() + " in " + String.join(", ", in) + " has it: import the table from there)";
        }
        ev.report(Rule.EHRQL_UNKNOWN_COLUMN, a.attrStart(), a.end(), "'" + t.name() + "' (" + t.module() + ") has no column '" + name + "'"
                + elsewhere + "." + DidYouMean.suffix(dym),
                dym.map(x -> Fix.replace("Change to '" + x + "'", file.range(a.attrStart(), a.end()), x)).stream().toArray(Fix[]::new));
        return UNKNOWN;
    }

    private static String firstDateColumn(Schema.Table t) {
        for (Map.Entry<String, String> c : t.columns().entrySet()) if (c.getValue().equals("date")) return c.getKey();
        return t.columns().keySet().stream().findFirst().orElse("date");
    }

    private EValue seriesAttr(Series s, Py.Attribute a) {
        String name = a.attr();
        String fam = checks.family(s);
        if (fam == null || fam.equals("Unknown")) return schema.seriesMethods.containsKey(name) ? new Method(s, name) : UNKNOWN;
        List<Schema.Overload> os = schema.overloads(name, fam, s.event());
        if (!os.isEmpty()) {
            Schema.Overload o = os.get(0);
            if (o.property()) return new Series("int", s.event(), s.table(), s.lineage(), null);
            return new Method(s, name);
        }
        if (name.startsWith("_")) return UNKNOWN;
        List<Schema.Overload> any = schema.seriesMethods.get(name);
        String msg;
        if (any != null) {
            boolean otherDim = any.stream().anyMatch(o -> o.receivers().contains(fam));
            if (otherDim && !s.event()) {
                msg = "'" + name + "' aggregates many values per patient, but this " + typeName(s) + " already has one value per patient. "
                        + "Call it on the event-level series (before first_for_patient()/for_patient_on()), or drop it.";
            } else {
                msg = "'" + name + "' is not available on " + (fam.equals("Code") ? "a code series (" + s.type() + ")" : "a " + typeName(s)) + "."
                        + hintFor(name, fam);
            }
            ev.report(Rule.EHRQL_UNKNOWN_METHOD, a.attrStart(), a.end(), msg);
        } else {
            List<String> names = schema.methodNames(fam, s.event());
            Optional<String> dym = DidYouMean.closest(name, names);
            ev.report(Rule.EHRQL_UNKNOWN_METHOD, a.attrStart(), a.end(), typeName(s) + " has no method '" + name + "'." + DidYouMean.suffix(dym),
                    dym.map(x -> Fix.replace("Change to '" + x + "'", file.range(a.attrStart(), a.end()), x)).stream().toArray(Fix[]::new));
        }
        return UNKNOWN;
    }

    private static String hintFor(String name, String fam) {
        if (fam.equals("MultiCodeString") && (name.equals("is_in") || name.equals("is_not_in"))) return " The column holds several codes: use contains_any_of(...).";
        if (fam.equals("Code") && (name.endsWith("_for_patient"))) return " Codes cannot be ordered or summed; count them with count_distinct_for_patient() or test them with is_in(...).";
        return "";
    }
}

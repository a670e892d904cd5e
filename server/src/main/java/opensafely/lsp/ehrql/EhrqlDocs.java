package opensafely.lsp.ehrql;

import java.util.List;
import java.util.Map;
import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.ehrql.EValue.Module;

/** Hover and completion texts (Markdown), written from the schema. */
final class EhrqlDocs {
    private EhrqlDocs() {
    }

    private static final Map<String, String> TYPE_WORDS = Map.of(
            "bool", "true/false", "int", "whole number", "float", "decimal number", "str", "text", "date", "date");

    static String valueType(String t) {
        if (t == null) return "value";
        String w = TYPE_WORDS.get(t);
        if (w != null) return w;
        Schema.CodeSystem cs = Schema.get().codeSystems.get(t);
        return cs == null ? t : cs.label() + " code" + (cs.multi() ? "s (several in one string)" : "");
    }

    static String table(Schema.Table t) {
        StringBuilder b = new StringBuilder("**").append(t.name()).append("** — ").append(t.event() ? "event frame (many rows per patient)"
                : "patient frame (one row per patient)").append(", `").append(t.module()).append("`\n\n");
        if (!t.summary().isEmpty()) b.append(t.summary()).append("\n\n");
        if (t.permission() != null) b.append("Needs the `").append(t.permission()).append("` permission (claim_permissions for dummy data).\n\n");
        b.append("| column | type |\n| --- | --- |\n");
        t.columns().forEach((c, type) -> b.append("| ").append(c).append(" | ").append(type).append(" |\n"));
        if (!t.helpers().isEmpty()) {
            b.append("\nHelpers: ");
            b.append(String.join(", ", t.helpers().values().stream().map(h -> h.property() ? h.name() : h.name() + "(" + String.join(", ", h.params()) + ")").toList()));
            b.append("\n");
        }
        if (!t.docsUrl().isEmpty()) b.append("\n[Reference](").append(t.docsUrl()).append(")");
        return b.toString();
    }

    static String column(Schema.Table t, String column, boolean event) {
        String type = t.columns().get(column);
        Series s = new Series(type, event, null, null, null);
        StringBuilder b = new StringBuilder("**").append(t.name()).append(".").append(column).append("**: `").append(Descriptions.typeName(s)).append("`\n\n");
        b.append(event ? "Many values per patient" : "One value per patient").append(": a ").append(valueType(type)).append(" column of the ")
                .append(t.name()).append(" table (`").append(t.module()).append("`).");
        List<String> notes = t.notes().get(column);
        if (notes != null) b.append(" Values are ").append(String.join("; ", notes)).append(".");
        List<String> cats = t.categories().get(column);
        if (cats != null) b.append("\n\nValues: ").append(String.join(", ", cats.stream().map(c -> "`" + c + "`").toList()));
        if (!t.docsUrl().isEmpty()) b.append("\n\n[Reference](").append(t.docsUrl()).append(".").append(column).append(")");
        return b.toString();
    }

    static String helper(Schema.Table t, Schema.Helper h) {
        String sig = h.property() ? h.name() : h.name() + "(" + String.join(", ", h.params()) + ")";
        return "**" + t.name() + "." + sig + "** → `" + h.returns() + "`\n\n" + h.summary();
    }

    static String frameMethod(String name, Frame f) {
        String r = switch (name) {
            case "exists_for_patient" -> "BoolPatientSeries — whether the patient has any row";
            case "count_for_patient" -> "IntPatientSeries — the number of rows for the patient (0 when none)";
            case "where" -> "the frame, keeping the rows where the condition is true";
            case "except_where" -> "the frame, dropping the rows where the condition is true (NULL rows are kept)";
            case "sort_by" -> "a sorted frame, ready for first_for_patient()/last_for_patient(); NULL sorts first";
            case "first_for_patient" -> "a patient frame: the first row of each patient in sort order";
            case "last_for_patient" -> "a patient frame: the last row of each patient in sort order";
            default -> "";
        };
        String args = switch (name) {
            case "where", "except_where" -> "(condition)";
            case "sort_by" -> "(*columns)";
            default -> "()";
        };
        return "**" + f.table().name() + "." + name + args + "** → " + r;
    }

    /** Signature and result of a series method for a receiver. */
    static String seriesMethod(String name, Series s) {
        String fam = s.type() == null ? null : Schema.get().family(s.type());
        List<Schema.Overload> os = fam == null ? Schema.get().seriesMethods.getOrDefault(name, List.of()) : Schema.get().overloads(name, fam, s.event());
        if (os.isEmpty()) return "**" + name + "**";
        Schema.Overload o = os.get(0);
        String result = resultName(o, s);
        StringBuilder b = new StringBuilder("**").append(name);
        if (!o.property()) b.append("(").append(String.join(", ", o.args().stream().map(a -> a.split(":")[0]).toList())).append(")");
        b.append("** → `").append(result).append("`\n\n");
        if (!o.args().isEmpty()) b.append("Arguments: ").append(String.join("; ", o.args())).append("\n\n");
        if (!o.notes().isEmpty()) b.append(o.notes());
        return b.toString();
    }

    static String resultName(Schema.Overload o, Series s) {
        String t = o.resultType(s.type());
        if (o.returns().equals("DateDifference")) return "DateDifference";
        boolean event = switch (o.resultDim()) {
            case "patient" -> false;
            default -> s.event();
        };
        return t == null ? o.returns() : Descriptions.typeName(new Series(t, event, null, null, null));
    }

    /** A one-line description of what a value is. */
    static String value(EValue v) {
        if (v instanceof Series s) return "`" + Descriptions.typeName(s) + "`" + (s.type() != null ? " — " + (s.event() ? "many values per patient" : "one value per patient")
                + ", " + valueType(s.type()) : "");
        if (v instanceof Frame f) return (f.event() ? "event frame" : "patient frame") + " from `" + f.table().name() + "` (" + f.table().module() + ")"
                + (f.sorted() ? ", sorted" : "");
        if (v instanceof Codelist c) return "codelist" + (c.path() != null ? " from `" + c.path() + "`" : "") + (c.column() != null ? ", column `" + c.column() + "`" : "")
                + (c.category() != null ? ", categories from `" + c.category() + "`" : "");
        if (v instanceof Dataset d) return "dataset with " + d.columns.size() + " column" + (d.columns.size() == 1 ? "" : "s");
        if (v instanceof Measures m) return "measures (" + m.measures.size() + " defined)";
        if (v instanceof Duration d) return "duration: " + d.unit() + (d.literal() != null ? "(" + d.literal() + ")" : "");
        if (v instanceof DateDifference) return "date difference: use .days, .weeks, .months or .years";
        if (v instanceof Intervals) return "list of (start, end) intervals";
        if (v instanceof IntervalPlaceholder) return "INTERVAL: the measure's current interval (.start_date, .end_date)";
        if (v instanceof CodeClass c) return "code class " + c.system() + " (" + valueType(c.system()) + ")";
        if (v instanceof Code c) return c.system() + " code" + (c.value() != null ? " `" + c.value() + "`" : "");
        if (v instanceof Module m) return "module `" + m.name() + "`";
        if (v instanceof Func f) return "function `" + f.name() + "`";
        if (v instanceof LocalFunc f) return "function `" + f.def().name() + "` defined in " + f.file().name();
        if (v instanceof When w) return w.hasThen() ? "when(...).then(...): use inside case(...) or add .otherwise(...)" : "when(...): add .then(value)";
        if (v instanceof Lit l) return "Python " + l.kind().name().toLowerCase(java.util.Locale.ROOT) + (l.value() != null ? " `" + l.value() + "`" : "");
        if (v instanceof ListLit l) return "Python " + (l.tuple() ? "tuple" : "list") + " of " + l.items().size();
        return null;
    }
}

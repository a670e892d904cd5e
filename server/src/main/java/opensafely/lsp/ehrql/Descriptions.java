package opensafely.lsp.ehrql;

import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.ehrql.EValue.Module;

/**
 * How values are put into words for messages and hover: ehrQL's own type names (IntPatientSeries...), "the int 3",
 * and why a value is not a series. Kept apart so every check words the same value the same way.
 */
final class Descriptions {
    private Descriptions() {
    }

    static String typeName(Series s) {
        String t = s.type() == null ? "" : switch (s.type()) {
            case "bool" -> "Bool";
            case "int" -> "Int";
            case "float" -> "Float";
            case "str" -> "Str";
            case "date" -> "Date";
            default -> s.type().endsWith("MultiCodeString") ? "MultiCodeString" : "Code";
        };
        String base = t + (s.event() ? "EventSeries" : "PatientSeries");
        if (s.type() != null && !t.equals(s.type().substring(0, 1).toUpperCase() + s.type().substring(1)) && !t.isEmpty()
                && !s.type().equals("bool") && !s.type().equals("int") && !s.type().equals("float") && !s.type().equals("str") && !s.type().equals("date")) {
            base += "[" + s.type() + "]";
        }
        return s.type() == null ? (s.event() ? "event-level series" : "patient-level series") : base;
    }

    static String describe(EValue v) {
        if (v instanceof Series s) return "a " + typeName(s);
        if (v instanceof Lit l) return switch (l.kind()) {
            case STR -> l.value() == null ? "a string" : "the string \"" + l.value() + "\"";
            case INT -> "the int " + l.value();
            case FLOAT -> "the float " + l.value();
            case BOOL -> "a bool";
            case NONE -> "None";
            case DATE -> "a date";
        };
        if (v instanceof Frame f) return "a frame (" + f.table().name() + ")";
        if (v instanceof ListLit) return "a list";
        if (v instanceof DictLit) return "a dict";
        if (v instanceof Codelist) return "a codelist";
        if (v instanceof Duration d) return "a duration (" + d.unit() + ")";
        if (v instanceof DateDifference) return "a date difference";
        if (v instanceof Code c) return "a " + c.system() + " code";
        if (v instanceof PlainObject) return "a plain Python object";
        return "a " + v.getClass().getSimpleName();
    }

    /** Why a value is not a series, or null when it is one (or may be). */
    static String notASeries(EValue v) {
        if (v instanceof Frame f) {
            return "this is a frame (" + (f.event() ? "many rows" : "one row") + " per patient), not a column: add a column name such as `.date`"
                    + (f.event() ? ", after choosing one row per patient or aggregating" : "") + ".";
        }
        if (v instanceof Lit l) return "this is a Python " + l.kind().name().toLowerCase(java.util.Locale.ROOT) + " value.";
        if (v instanceof ListLit l) return l.tuple() ? "this is a tuple: remove the trailing comma." : "this is a Python list.";
        if (v instanceof DictLit) return "this is a Python dict.";
        if (v instanceof DateDifference) return "this is the difference between two dates: add .days, .weeks, .months or .years.";
        if (v instanceof Duration) return "this is a duration (days(...), years(...)).";
        if (v instanceof Method m) return "'" + m.name() + "' is a method that is referenced but not called: add parentheses, `" + m.name() + "()`.";
        if (v instanceof LocalFunc f) return "'" + f.def().name() + "' is a function that is not called: add parentheses.";
        if (v instanceof When w) return w.hasThen() ? "when(...).then(...) needs `.otherwise(...)` (use `.otherwise(None)` for no default) or must be inside case(...)."
                : "when(...) needs `.then(...)` and belongs inside case(...).";
        if (v instanceof Codelist) return "this is a codelist: test a column with .is_in(codelist).";
        if (v instanceof Dataset || v instanceof Measures) return "this is a dataset/measures object.";
        if (v instanceof Code) return "this is a single code.";
        if (v instanceof PlainObject) return "this is a plain Python object (object()), not an ehrQL value.";
        if (v instanceof Intervals || v instanceof IntervalPlaceholder) return "these are intervals.";
        if (v instanceof Module || v instanceof Func || v instanceof CodeClass) return "this is a module, class or function.";
        return null;
    }

    static String article(String type) {
        String t = type.equals("str") ? "string" : type;
        return ("aeiouAEIOU".indexOf(t.charAt(0)) >= 0 ? "an " : "a ") + t;
    }
}

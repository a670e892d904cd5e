package opensafely.lsp.study;

import java.util.Locale;

/** Helpers for showing and comparing values. */
final class Values {
    private Values() {
    }

    /** A spec default or allowed value as Python source: None, True, 'x', 3. */
    static String pythonLiteral(Object v) {
        if (v == null) return "None";
        if (v instanceof Boolean b) return b ? "True" : "False";
        if (v instanceof String s) return "\"" + s + "\"";
        if (v instanceof Double d && d == Math.floor(d)) return String.valueOf(d.longValue());
        return String.valueOf(v);
    }

    /** A value as Python would print it with str(), or null when not known. */
    static String str(Value v) {
        if (v instanceof Value.Str s) return s.value();
        if (v instanceof Value.Num n) return n.integer() ? String.valueOf(n.asLong()) : pyFloat(n.value());
        if (v instanceof Value.Bool b) return b.value() ? "True" : "False";
        if (v instanceof Value.None) return "None";
        return null;
    }

    static String pyFloat(double d) {
        if (d == Math.floor(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16) return String.format(Locale.ROOT, "%.1f", d);
        return String.valueOf(d);
    }

    /** Whether a literal equals a spec value (null = None). */
    static boolean matches(Value v, Object spec) {
        if (spec == null) return v instanceof Value.None;
        if (spec instanceof Boolean b) return v instanceof Value.Bool x && x.value() == b;
        if (spec instanceof String s) return v instanceof Value.Str x && s.equals(x.value());
        if (spec instanceof Number n) return v instanceof Value.Num x && x.value() == n.doubleValue();
        return false;
    }

    /** Whether the value is a literal the analysis fully knows (so a mismatch can be reported). */
    static boolean known(Value v) {
        return v instanceof Value.Str || v instanceof Value.Num || v instanceof Value.Bool || v instanceof Value.None;
    }

    /** Python truthiness, or null when unknown. */
    static Boolean truthy(Value v) {
        if (v instanceof Value.Bool b) return b.value();
        if (v instanceof Value.None) return false;
        if (v instanceof Value.Num n) return n.value() != 0;
        if (v instanceof Value.Str s) return !s.value().isEmpty();
        if (v instanceof Value.ListV l && l.complete) return !l.items.isEmpty();
        if (v instanceof Value.DictV d && d.complete) return !d.entries.isEmpty();
        if (v instanceof Value.Call || v instanceof Value.Codelist || v instanceof Value.Func) return true;
        return null;
    }

    static String describe(Value v) {
        if (v instanceof Value.Str s) return "the string \"" + s.value() + "\"";
        if (v instanceof Value.Num n) return (n.integer() ? "the integer " : "the number ") + str(n);
        if (v instanceof Value.Bool b) return str(b);
        if (v instanceof Value.None) return "None";
        if (v instanceof Value.ListV l) return l.tuple ? "a tuple" : "a list";
        if (v instanceof Value.DictV) return "a dict";
        if (v instanceof Value.Codelist) return "a codelist";
        if (v instanceof Value.Call c) return c.function().equals("StudyDefinition") || c.function().equals("Measure")
                ? "a " + c.function() : "patients." + c.function() + "(...)";
        return "a value";
    }
}

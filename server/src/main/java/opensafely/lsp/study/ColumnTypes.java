package opensafely.lsp.study;

import java.util.HashSet;
import java.util.Set;

/** The column type and date format cohort-extractor gives a variable, when the analysis can tell. */
final class ColumnTypes {
    private ColumnTypes() {
    }

    /** "bool", "int", "float", "str", "date", or null when unknown. */
    static String type(StudyModel.Variable v, StudyModel m) {
        return type(v, m, new HashSet<>());
    }

    private static String type(StudyModel.Variable v, StudyModel m, Set<String> seen) {
        if (v == null || !seen.add(v.name())) return null;
        if (v.derived()) return "date";
        Value.Call c = v.call();
        if (c == null) return null;
        Catalog.Function fn = Catalog.get().function(c.function()).orElse(null);
        if (fn == null) return null;
        switch (fn.name()) {
            case "categorised_as": {
                Value defs = c.positional().isEmpty() ? c.arg("category_definitions") : c.positional().get(0);
                return keyType(defs);
            }
            case "care_home_status_as_of": {
                Value defs = c.arg("categorised_as");
                return defs == null || defs instanceof Value.None ? "bool" : keyType(defs);
            }
            case "fixed_value": {
                Value x = c.positional().isEmpty() ? c.arg("value") : c.positional().get(0);
                if (x instanceof Value.Str s) return DateExpression.isIsoDate(s.value()) ? "date" : "str";
                if (x instanceof Value.Bool) return "bool";
                if (x instanceof Value.Num n) return n.integer() ? "int" : "float";
                return null;
            }
            case "minimum_of", "maximum_of": {
                for (Value x : c.positional()) {
                    if (x instanceof Value.Str s) {
                        if (DateExpression.isIsoDate(s.value())) return "date";
                        return type(m.byName.get(s.value()), m, seen);
                    }
                    return null;
                }
                return null;
            }
            case "with_value_from_file": {
                Value t = c.arg("returning_type");
                if (t == null && c.positional().size() > 2) t = c.positional().get(2);
                return t instanceof Value.Str s ? s.value() : null;
            }
            case "with_an_isaric_record": {
                Value r = c.arg("returning");
                if (r == null && !c.positional().isEmpty()) r = c.positional().get(0);
                return r instanceof Value.Str s ? Catalog.get().isaricColumns.get(s.value()) : null;
            }
            default:
                break;
        }
        if (!fn.byReturning().isEmpty()) {
            String returning = returning(c, fn);
            return returning == null ? null : fn.typeFor(returning).orElse(null);
        }
        return fn.fixedType();
    }

    /** The effective returning value (given or default), or null when unknown. */
    static String returning(Value.Call c, Catalog.Function fn) {
        Value r = c.arg("returning");
        if (r == null) {
            int idx = fn.named().stream().map(Catalog.Param::name).toList().indexOf("returning");
            if (idx >= 0 && idx < c.positional().size()) r = c.positional().get(idx);
        }
        if (r == null) {
            if (c.open()) return null;
            // Legacy flags pick the returning value when none is given.
            if (Boolean.TRUE.equals(truthy(c.arg("return_first_date_in_period"))) || Boolean.TRUE.equals(truthy(c.arg("return_last_date_in_period")))) return "date";
            if (Boolean.TRUE.equals(truthy(c.arg("return_number_of_matches_in_period")))) return "number_of_matches_in_period";
            return fn.defaultReturning();
        }
        return r instanceof Value.Str s ? s.value() : null;
    }

    private static Boolean truthy(Value v) {
        return v == null ? Boolean.FALSE : Values.truthy(v);
    }

    private static String keyType(Value defs) {
        if (!(defs instanceof Value.DictV d) || !d.complete || d.entries.isEmpty()) return null;
        Set<String> types = new HashSet<>();
        boolean zeroOne = true;
        for (Value.Entry e : d.entries) {
            Value k = e.key();
            if (k instanceof Value.Num n) {
                types.add(n.integer() ? "int" : "float");
                if (!(n.integer() && (n.value() == 0 || n.value() == 1))) zeroOne = false;
            } else if (k instanceof Value.Str s) {
                types.add(s.value().matches("^\\d\\d\\d\\d-\\d\\d-\\d\\d.*") ? "date" : "str");
                zeroOne = false;
            } else {
                return null;
            }
        }
        if (types.size() != 1) return null;
        String t = types.iterator().next();
        return t.equals("int") && zeroOne ? "bool" : t;
    }

    /** "YYYY", "YYYY-MM", "YYYY-MM-DD", "None" (year only), or null when unknown. */
    static String dateFormat(StudyModel.Variable v, StudyModel m) {
        Value.Call c = v.call();
        if (c == null) return null;
        if (c.function().equals("categorised_as") || c.function().equals("care_home_status_as_of")) return "YYYY-MM-DD";
        if (c.function().equals("minimum_of") || c.function().equals("maximum_of")) {
            for (Value x : c.positional()) {
                if (x instanceof Value.Str s) {
                    if (DateExpression.isIsoDate(s.value())) return "YYYY-MM-DD";
                    StudyModel.Variable src = m.byName.get(s.value());
                    return src == null || src == v ? null : dateFormat(src, m);
                }
                return null;
            }
            return null;
        }
        Value f = c.arg("date_format");
        if (f instanceof Value.Str s) return s.value();
        if (f instanceof Value.None) return "None";
        if (f != null) return null;
        if (c.open()) return null;
        if (Boolean.TRUE.equals(truthy(c.arg("include_day")))) return "YYYY-MM-DD";
        if (Boolean.TRUE.equals(truthy(c.arg("include_month")))) return "YYYY-MM";
        return Catalog.get().function(c.function()).flatMap(fn -> fn.param("date_format"))
                .map(p -> p.defaultValue() instanceof String s ? s : "None").orElse("None");
    }
}

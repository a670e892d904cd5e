package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.ArgV.hasStar;
import static opensafely.lsp.ehrql.ArgV.keyword;
import static opensafely.lsp.ehrql.ArgV.nameEnd;
import static opensafely.lsp.ehrql.ArgV.nameStart;
import static opensafely.lsp.ehrql.ArgV.positional;
import static opensafely.lsp.ehrql.Descriptions.describe;
import static opensafely.lsp.ehrql.EValue.UNKNOWN;
import static opensafely.lsp.ehrql.TypeChecks.litType;
import static opensafely.lsp.ehrql.TypeChecks.widest;

import java.util.List;
import java.util.Set;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.python.Py;

/**
 * Calls of a series' methods (is_in, is_on_or_before, map_values, the *_for_patient aggregates...): the arguments
 * are checked against the receiver's type, and the result's type and level come from the schema's overloads.
 */
final class SeriesMethods {
    private final Evaluator ev;
    private final Schema schema;
    private final TypeChecks checks;

    SeriesMethods(Evaluator ev) {
        this.ev = ev;
        this.schema = ev.schema;
        this.checks = ev.checks;
    }

    /**
     * A series method call: the arguments are checked by name, and the result is the schema's overload for the
     * receiver (its value type and level: same, patient, or the widest of receiver and arguments).
     */
    EValue seriesCall(Series s, String name, List<ArgV> args, Py.Call c) {
        EValue checked = seriesCallChecked(s, name, args, c);
        String fam = checks.family(s);
        if (fam == null || fam.equals("Unknown")) return checked;
        List<Schema.Overload> os = schema.overloads(name, fam, s.event());
        if (os.isEmpty()) return checked;
        Schema.Overload o = os.get(0);
        String type = o.resultType(s.type());
        if (type == null) return checked; // the type of a mapping's values: worked out by the checks
        if (checked instanceof Unknown && CHECKED_METHODS.contains(name)) return checked; // reported, or not known
        Series r = switch (o.resultDim()) {
            case "patient" -> Series.patient(type);
            case "widest" -> {
                Series w = s.with(type, s.event());
                for (ArgV a : args) w = widest(w, a.value(), type);
                yield w;
            }
            default -> s.with(type, s.event());
        };
        return r;
    }

    /** The series methods whose arguments seriesCallChecked checks (an unknown result from them means "not known"). */
    private static final Set<String> CHECKED_METHODS = Set.of("absolute", "as_float", "as_int", "contains", "contains_any_of", "count_distinct_for_patient", "count_episodes_for_patient", "is_after", "is_before", "is_between_but_not_on", "is_during", "is_in", "is_not_in", "is_not_null", "is_null", "is_on_or_after", "is_on_or_before", "is_on_or_between", "map_values", "maximum_for_patient", "mean_for_patient", "minimum_for_patient", "sum_for_patient", "to_category", "to_first_of_month", "to_first_of_year", "when_null_then");

    private EValue seriesCallChecked(Series s, String name, List<ArgV> args, Py.Call c) {
        String fam = checks.family(s);
        List<ArgV> pos = positional(args);
        ArgV a0 = pos.isEmpty() ? null : pos.get(0);
        EValue v0 = a0 == null ? UNKNOWN : a0.value();
        boolean knownFam = fam != null && !fam.equals("Unknown");
        switch (name) {
            case "is_null", "is_not_null" -> {
                return s.with("bool", s.event());
            }
            case "when_null_then" -> {
                if (a0 != null && knownFam) checks.checkOperand(s, v0, a0.node(), "when_null_then()");
                return widest(s, v0, s.type());
            }
            case "is_in", "is_not_in" -> {
                if (knownFam && fam.equals("MultiCodeString")) {
                    ev.report(Rule.EHRQL_UNKNOWN_METHOD, nameStart(c), nameEnd(c), name + "() cannot be used on a column that joins several codes "
                            + "in one string: use " + (name.equals("is_in") ? "" : "~") + "column.contains_any_of(codelist) instead.");
                    return s.with("bool", s.event());
                }
                if (a0 != null && knownFam) checks.checkMembers(s, v0, a0.node(), name);
                return s.with("bool", s.event());
            }
            case "map_values", "to_category" -> {
                return s.with(mappedType(args), s.event());
            }
            case "count_distinct_for_patient" -> {
                return Series.patient("int");
            }
            case "as_int" -> {
                return s.with("int", s.event());
            }
            case "as_float" -> {
                return s.with("float", s.event());
            }
            case "contains" -> {
                if (a0 != null && knownFam) {
                    if (fam.equals("MultiCodeString")) {
                        if (v0 instanceof Lit l && l.kind() == LitKind.STR) checks.checkCode(s.type(), l, true);
                        else if (v0 instanceof Code code && !code.system().equals(s.type().replace("MultiCodeString", "Code"))) {
                            ev.report(Rule.EHRQL_WRONG_TYPE, a0.node(), "contains() on this column takes " + s.type().replace("MultiCodeString", "Code") + " codes or their string prefixes, not "
                                    + describe(v0) + ".");
                        }
                    } else if (v0 instanceof Lit l && l.kind() != LitKind.STR || v0 instanceof Series o && o.type() != null && !o.type().equals("str")) {
                        ev.report(Rule.EHRQL_WRONG_TYPE, a0.node(), "contains() takes a string, not " + describe(v0) + ".");
                    } else checks.sameDomain(s, v0, a0.node());
                }
                return widest(s, v0, "bool");
            }
            case "contains_any_of" -> {
                if (a0 != null && knownFam) checks.checkMembers(s, v0, a0.node(), name);
                return s.with("bool", s.event());
            }
            case "minimum_for_patient", "maximum_for_patient", "sum_for_patient" -> {
                return Series.patient(s.type());
            }
            case "mean_for_patient" -> {
                return Series.patient("float");
            }
            case "absolute" -> {
                return s.with(s.type(), s.event());
            }
            case "to_first_of_month", "to_first_of_year" -> {
                return s.with("date", s.event());
            }
            case "is_before", "is_on_or_before", "is_after", "is_on_or_after" -> {
                if (a0 != null) checkDateOperand(s, v0, a0.node(), name + "()");
                return widest(s, v0, "bool");
            }
            case "is_between_but_not_on", "is_on_or_between" -> {
                Series r = s.with("bool", s.event());
                if (pos.size() != 2 && !hasStar(args) && args.size() != 2) {
                    ev.report(Rule.EHRQL_WRONG_TYPE, nameStart(c), nameEnd(c), name + "() takes two dates (start, end), not " + args.size() + ".");
                }
                for (ArgV a : args) {
                    checkDateOperand(s, a.value(), a.node(), name + "()");
                    r = widest(r, a.value(), "bool");
                }
                return r;
            }
            case "is_during" -> {
                if (a0 != null) {
                    if (v0 instanceof ListLit l && l.complete()) {
                        if (l.items().size() != 2) ev.report(Rule.EHRQL_WRONG_TYPE, a0.node(), "is_during() takes one (start, end) pair, such as INTERVAL.");
                        else for (EValue x : l.items()) checkDateOperand(s, x, a0.node(), "is_during()");
                    } else if (v0 instanceof Lit || v0 instanceof Series) {
                        ev.report(Rule.EHRQL_WRONG_TYPE, a0.node(), "is_during() takes a (start, end) pair such as INTERVAL, not " + describe(v0)
                                + ". For a single date use is_on_or_before()/is_on_or_after().");
                    }
                }
                return s.with("bool", s.event());
            }
            case "count_episodes_for_patient" -> {
                EValue gap = a0 != null ? v0 : keyword(args, "maximum_gap") != null ? keyword(args, "maximum_gap").value() : UNKNOWN;
                Py.Node at = a0 != null ? a0.node() : keyword(args, "maximum_gap") != null ? keyword(args, "maximum_gap").node() : null;
                if (at != null && (gap instanceof Duration d && !(d.unit().equals("days") || d.unit().equals("weeks")) || gap instanceof Lit)) {
                    ev.report(Rule.EHRQL_WRONG_TYPE, at, "count_episodes_for_patient() takes days(n) or weeks(n) as the maximum gap, not " + describe(gap) + ".");
                } else if (at != null && gap instanceof Duration d && d.seriesValue()) {
                    ev.report(Rule.EHRQL_WRONG_TYPE, at, "count_episodes_for_patient() needs a single, fixed number of " + d.unit()
                            + ": a literal number, not a series.");
                }
                return Series.patient("int");
            }
            default -> {
                return UNKNOWN;
            }
        }
    }

    private void checkDateOperand(Series s, EValue v, Py.Node at, String what) {
        if (v instanceof Lit l && l.kind() == LitKind.STR) checks.checkDateLiteral(l);
        else if (checks.family(s) != null && !checks.family(s).equals("Unknown")) checks.checkOperand(s, v, at, what);
    }

    /** The value type of map_values/to_category's result, from the mapping's values. */
    private String mappedType(List<ArgV> args) {
        EValue m = positional(args).isEmpty() ? (keyword(args, "mapping") != null ? keyword(args, "mapping").value()
                : keyword(args, "categorisation") != null ? keyword(args, "categorisation").value() : UNKNOWN) : positional(args).get(0).value();
        if (m instanceof Codelist cl && cl.category() != null) return "str";
        if (!(m instanceof DictLit d) || d.values().isEmpty()) return null;
        String t = null;
        for (EValue v : d.values()) {
            String vt = v instanceof Lit l ? litType(l) : v instanceof Series s ? s.type() : null;
            if (vt == null) return null;
            if (t != null && !t.equals(vt)) return null;
            t = vt;
        }
        return t;
    }
}

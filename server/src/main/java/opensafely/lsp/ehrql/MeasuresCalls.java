package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.ArgV.nameEnd;
import static opensafely.lsp.ehrql.ArgV.nameStart;
import static opensafely.lsp.ehrql.Descriptions.describe;
import static opensafely.lsp.ehrql.Descriptions.notASeries;
import static opensafely.lsp.ehrql.Descriptions.typeName;
import static opensafely.lsp.ehrql.EValue.UNKNOWN;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;

/**
 * What a measures object is given: define_measure and define_defaults (names, numerator, denominator, group_by,
 * intervals), configure_dummy_data and configure_disclosure_control. A measure's missing arguments are judged only
 * once the whole file has run, since define_defaults may come later.
 */
final class MeasuresCalls {
    static final Set<String> MEASURES_METHODS = Set.of("define_measure", "define_defaults", "configure_dummy_data",
            "configure_disclosure_control");
    /** define_measure's arguments in positional order (define_defaults takes all but the name). */
    static final List<String> MEASURE_KEYS = List.of("name", "numerator", "denominator", "group_by", "intervals");
    /** Columns of the measures output: a group_by name cannot be one of them. */
    static final Set<String> GROUP_RESERVED = Set.of("measure", "numerator", "denominator", "ratio", "interval_start", "interval_end");

    private final Evaluator ev;
    private final SourceFile file;
    private final Schema schema;
    private final DatasetCalls datasetCalls;

    MeasuresCalls(Evaluator ev) {
        this.ev = ev;
        this.file = ev.file;
        this.schema = ev.schema;
        this.datasetCalls = ev.datasetCalls;
    }

    EValue measuresCall(Measures m, String name, List<ArgV> args, Py.Call c) {
        switch (name) {
            case "define_measure", "define_defaults" -> {
                boolean defaults = name.equals("define_defaults");
                List<String> keys = defaults ? MEASURE_KEYS.subList(1, MEASURE_KEYS.size()) : MEASURE_KEYS;
                Map<String, ArgV> given = new LinkedHashMap<>();
                int p = 0;
                boolean opaque = false;
                for (ArgV a : args) {
                    switch (a.arg().kind()) {
                        case POSITIONAL -> {
                            if (p < keys.size()) given.put(keys.get(p++), a);
                            else ev.report(Rule.EHRQL_MEASURE_ARGUMENT, a.node(), name + "() takes at most " + keys.size() + " arguments.");
                        }
                        case KEYWORD -> {
                            if (keys.contains(a.arg().keyword())) given.put(a.arg().keyword(), a);
                            else {
                                Optional<String> dym = DidYouMean.closest(a.arg().keyword(), keys);
                                ev.report(Rule.EHRQL_MEASURE_ARGUMENT, a.arg().keywordStart(), a.arg().keywordEnd(), name + "() has no argument '"
                                        + a.arg().keyword() + "'; it takes " + String.join(", ", keys) + "." + DidYouMean.suffix(dym),
                                        dym.map(x -> Fix.replace("Change to '" + x + "'", file.range(a.arg().keywordStart(), a.arg().keywordEnd()), x)).stream().toArray(Fix[]::new));
                            }
                        }
                        default -> opaque = true;
                    }
                }
                for (Map.Entry<String, ArgV> e : given.entrySet()) checkMeasureValue(e.getKey(), e.getValue());
                if (defaults) {
                    m.defaultsCalls++;
                    if (m.defaultsCalls > 1 && ev.conditional == 0) {
                        ev.report(Rule.EHRQL_MEASURE_ARGUMENT, nameStart(c), nameEnd(c), "define_defaults() may be called only once; put all the defaults in one call.");
                    }
                    if (opaque || ev.conditional > 0) m.escaped = true;
                    given.forEach((k, v) -> m.defaults.put(k, v.value()));
                    return new Lit(LitKind.NONE, null, null);
                }
                m.calls++;
                ArgV n = given.get("name");
                EValue groups = given.containsKey("group_by") ? given.get("group_by").value() : m.defaults.get("group_by");
                if (groups instanceof DictLit d && ev.conditional == 0) sameGroupTypes(m, d);
                if (n == null && !opaque) {
                    ev.report(Rule.EHRQL_MEASURE_ARGUMENT, nameStart(c), nameEnd(c), "define_measure() needs a name, e.g. define_measure(name=\"my_measure\", ...).");
                } else if (n != null && n.value() instanceof Lit l && l.value() instanceof String s) {
                    if (!schema.columnName.matcher(s).matches()) {
                        ev.report(Rule.EHRQL_MEASURE_NAME, n.node(), "'" + s + "' is not a valid measure name: start with a letter and use only letters, digits and underscores.");
                    } else if (m.measures.containsKey(s) && ev.conditional == 0) {
                        ev.report(Rule.EHRQL_MEASURE_NAME, n.node(), "A measure called '" + s + "' is already defined; measure names must be unique.");
                    }
                    m.measures.put(s, ev.origin(n.node()));
                } else if (n != null && !(n.value() instanceof Unknown) && !(n.value() instanceof Lit l && l.kind() == LitKind.STR)) {
                    ev.report(Rule.EHRQL_MEASURE_ARGUMENT, n.node(), "A measure's name must be a string, not " + describe(n.value()) + ".");
                }
                if (!opaque && ev.conditional == 0) {
                    Set<String> present = new LinkedHashSet<>(given.keySet());
                    int s0 = nameStart(c), e0 = nameEnd(c);
                    ev.atEnd.add(() -> {
                        if (m.escaped) return;
                        List<String> missing = new ArrayList<>();
                        for (String k : List.of("numerator", "denominator", "intervals")) {
                            if (!present.contains(k) && !m.defaults.containsKey(k)) missing.add(k);
                        }
                        if (!missing.isEmpty()) {
                            ev.report(Rule.EHRQL_MEASURE_ARGUMENT, s0, e0, "This measure has no " + String.join(", ", missing)
                                    + ", and define_defaults() gives none. Pass " + (missing.size() == 1 ? "it" : "them") + " here or in measures.define_defaults(...).");
                        }
                    });
                }
                return new Lit(LitKind.NONE, null, null);
            }
            case "configure_dummy_data" -> {
                datasetCalls.checkDummyData(args, c, true);
                return new Lit(LitKind.NONE, null, null);
            }
            case "configure_disclosure_control" -> {
                for (ArgV a : args) {
                    if (a.arg().kind() == Py.ArgKind.KEYWORD && !"enabled".equals(a.arg().keyword())) {
                        ev.report(Rule.EHRQL_MEASURE_ARGUMENT, a.arg().keywordStart(), a.arg().keywordEnd(),
                                "configure_disclosure_control() takes only enabled=True/False.");
                    } else if (a.value() instanceof Lit l && l.kind() != LitKind.BOOL) {
                        ev.report(Rule.EHRQL_MEASURE_ARGUMENT, a.node(), "enabled must be True or False, not " + describe(l) + ".");
                    }
                }
                return new Lit(LitKind.NONE, null, null);
            }
            default -> {
                return UNKNOWN;
            }
        }
    }

    /**
     * ehrQL refuses a group_by column whose definition differs from the one an earlier measure gave it. Two
     * expressions may define the same series, so only a different value type is surely a different definition.
     */
    private void sameGroupTypes(Measures m, DictLit d) {
        for (int i = 0; i < d.keys().size() && i < d.values().size(); i++) {
            if (!(d.keys().get(i) instanceof Lit kl && kl.value() instanceof String gn) || !(d.values().get(i) instanceof Series s) || s.type() == null) continue;
            String before = m.groupTypes.putIfAbsent(gn, s.type());
            if (before != null && !before.equals(s.type()) && kl.origin() != null) {
                ev.reportIn(Rule.EHRQL_MEASURE_ARGUMENT, kl.origin().file(), kl.origin().start(), kl.origin().end(), "The group_by column '" + gn
                        + "' is " + describe(s) + " here but " + Descriptions.article(before) + " series in an earlier measure: ehrQL needs every "
                        + "measure to define a group_by column the same way. Rename one of them.");
            }
        }
    }

    /**
     * A list written out by hand: ehrQL wants each item a tuple of two datetime.date objects, start first
     * (strings are not converted here, unlike everywhere else).
     */
    private void checkIntervalPairs(ListLit list, Py.Node at) {
        for (EValue item : list.items()) {
            Origin o = item instanceof ListLit il ? il.origin() : item instanceof Lit l ? l.origin() : null;
            int s = o != null && o.file() == file ? o.start() : at.start(), e = o != null && o.file() == file ? o.end() : at.end();
            if (item instanceof ListLit pair && pair.complete()) {
                String problem = !pair.tuple() ? "a list, not a tuple" : pair.items().size() != 2 ? "a tuple of " + pair.items().size() + ", not a pair" : null;
                if (problem == null) {
                    for (EValue d : pair.items()) {
                        if (d instanceof Lit dl && dl.kind() != LitKind.DATE || d instanceof Series || d instanceof Duration) {
                            problem = "its " + describe(d) + " is not a date: write date(2024, 1, 1) (from datetime import date) or use months(12).starting_on(\"2024-01-01\")";
                            break;
                        }
                    }
                }
                if (problem != null) {
                    ev.reportIn(Rule.EHRQL_INVALID_INTERVAL, file, s, e, "Each interval must be a (start, end) pair of dates, but this is " + problem + ".");
                } else if (pair.items().get(0) instanceof Lit a && a.value() instanceof java.time.LocalDate start
                        && pair.items().get(1) instanceof Lit b && b.value() instanceof java.time.LocalDate end && start.isAfter(end)) {
                    ev.reportIn(Rule.EHRQL_INVALID_INTERVAL, file, s, e, "This interval ends (" + end + ") before it starts (" + start + "): put the start date first.");
                }
            } else if (item instanceof Lit || item instanceof Series || item instanceof PlainObject || item instanceof Duration) {
                ev.reportIn(Rule.EHRQL_INVALID_INTERVAL, file, s, e, "Each interval must be a (start, end) pair of dates, not " + describe(item) + ".");
            }
        }
    }

    private void checkMeasureValue(String key, ArgV a) {
        EValue v = a.value();
        if (v instanceof Lit l && l.kind() == LitKind.NONE) return;
        switch (key) {
            case "numerator", "denominator" -> {
                if (v instanceof Series s) {
                    if (s.type() != null && !s.type().equals("bool") && !s.type().equals("int")) {
                        ev.report(Rule.EHRQL_MEASURE_ARGUMENT, a.node(), "A measure's " + key + " must be a boolean or integer series, not " + describe(s) + ".");
                    } else if (s.event()) {
                        ev.report(Rule.EHRQL_MEASURE_ARGUMENT, a.node(), "A measure's " + key + " needs one value per patient, but this " + typeName(s)
                                + " has many. Aggregate it, e.g. with .exists_for_patient() or .count_for_patient().");
                    }
                } else if (notASeries(v) != null) {
                    ev.report(Rule.EHRQL_MEASURE_ARGUMENT, a.node(), "A measure's " + key + " must be a boolean or integer patient series, but " + notASeries(v));
                }
            }
            case "group_by" -> {
                if (v instanceof DictLit d) {
                    for (int i = 0; i < d.keys().size(); i++) {
                        EValue k = d.keys().get(i), gv = d.values().get(i);
                        if (k instanceof Lit kl && kl.kind() != LitKind.STR && kl.origin() != null) {
                            ev.reportIn(Rule.EHRQL_MEASURE_NAME, kl.origin().file(), kl.origin().start(), kl.origin().end(), "group_by names must be strings, not "
                                    + describe(kl) + ": write \"" + kl.value() + "\".");
                        }
                        if (k instanceof Lit kl && kl.value() instanceof String gn && kl.origin() != null) {
                            if (GROUP_RESERVED.contains(gn)) {
                                ev.reportIn(Rule.EHRQL_MEASURE_NAME, kl.origin().file(), kl.origin().start(), kl.origin().end(), "'" + gn
                                        + "' is a column of the measures output already; choose another group name.");
                            } else if (!schema.columnName.matcher(gn).matches()) {
                                ev.reportIn(Rule.EHRQL_MEASURE_NAME, kl.origin().file(), kl.origin().start(), kl.origin().end(), "'" + gn
                                        + "' is not a valid group name: start with a letter and use only letters, digits and underscores.");
                            }
                        }
                        if (gv instanceof Series s && s.event()) {
                            ev.report(Rule.EHRQL_MEASURE_ARGUMENT, a.node(), "Each group_by value needs one value per patient; '" + (k instanceof Lit kl ? kl.value() : "?")
                                    + "' is " + describe(s) + ".");
                        } else if (!(gv instanceof Series) && notASeries(gv) != null && !(gv instanceof Unknown)) {
                            ev.report(Rule.EHRQL_MEASURE_ARGUMENT, a.node(), "Each group_by value must be a patient series, but '" + (k instanceof Lit kl ? kl.value() : "?")
                                    + "' is " + describe(gv) + ".");
                        }
                    }
                } else if (v instanceof ListLit || v instanceof Series || v instanceof Lit) {
                    ev.report(Rule.EHRQL_MEASURE_ARGUMENT, a.node(), "group_by is a dict of group names to patient series, e.g. group_by={\"sex\": patients.sex}.");
                }
            }
            case "intervals" -> {
                if (v instanceof Duration d) {
                    ev.report(Rule.EHRQL_INVALID_INTERVAL, a.node(), "intervals needs a list of (start, end) pairs: add .starting_on(\"YYYY-MM-DD\") or .ending_on(...) to "
                            + d.unit() + "(...).");
                } else if (v instanceof Lit || v instanceof IntervalPlaceholder || v instanceof Series || v instanceof PlainObject || v instanceof DictLit
                        || v instanceof ListLit l && l.tuple()) {
                    ev.report(Rule.EHRQL_INVALID_INTERVAL, a.node(), "intervals needs a list of (start, end) pairs such as months(12).starting_on(\"2024-01-01\"), not "
                            + (v instanceof ListLit ? "a tuple" : describe(v)) + ".");
                } else if (v instanceof ListLit l) {
                    checkIntervalPairs(l, a.node());
                }
            }
            case "name" -> {
            }
            default -> {
            }
        }
    }
}

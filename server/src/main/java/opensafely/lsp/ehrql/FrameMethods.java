package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.ArgV.hasStar;
import static opensafely.lsp.ehrql.ArgV.nameEnd;
import static opensafely.lsp.ehrql.ArgV.nameStart;
import static opensafely.lsp.ehrql.ArgV.positional;
import static opensafely.lsp.ehrql.Descriptions.describe;
import static opensafely.lsp.ehrql.EValue.UNKNOWN;

import java.util.List;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;

/**
 * Calls of a frame's methods: where/except_where, sort_by, first/last_for_patient, the aggregates, and the helper
 * methods some tables have (addresses.for_patient_on(...), ons_deaths.cause_of_death_is_in(...)). Each call gives
 * a new frame whose lineage records the calls that made it.
 */
final class FrameMethods {
    private final Evaluator ev;
    private final SourceFile file;
    private final TypeChecks checks;

    FrameMethods(Evaluator ev) {
        this.ev = ev;
        this.file = ev.file;
        this.checks = ev.checks;
    }

    EValue frameCall(Frame f, String name, List<ArgV> args, Py.Call c) {
        Schema.Table t = f.table();
        switch (name) {
            case "exists_for_patient" -> {
                return Series.patient("bool");
            }
            case "count_for_patient" -> {
                return Series.patient("int");
            }
            case "where", "except_where" -> {
                if (hasStar(args)) return new Frame(t, true, f.sorted(), f.tableMethods(), f.lineage() + "/?");
                List<ArgV> pos = positional(args);
                if (pos.size() != 1 || args.size() != 1) {
                    ev.report(Rule.EHRQL_WRONG_TYPE, nameStart(c), nameEnd(c), name + "() takes exactly one condition; combine several with & (or |).");
                } else {
                    ArgV a = pos.get(0);
                    EValue v = a.value();
                    if (v instanceof Series s) {
                        if (s.type() != null && !s.type().equals("bool")) {
                            ev.report(Rule.EHRQL_WRONG_TYPE, a.node(), name + "() needs a boolean condition, not " + describe(s)
                                    + ". Compare it, e.g. `" + "... > 0` or `.is_in(codes)`.");
                        } else sameDomainFrame(t, s, a.node());
                    } else if (v instanceof Lit l && l.kind() != LitKind.BOOL || v instanceof Frame || v instanceof Codelist || v instanceof ListLit) {
                        ev.report(Rule.EHRQL_WRONG_TYPE, a.node(), name + "() needs a boolean series as its condition, not " + describe(v) + ".");
                    }
                }
                return new Frame(t, true, f.sorted(), f.tableMethods(), f.lineage() + "/" + name.charAt(0) + c.start());
            }
            case "sort_by" -> {
                for (ArgV a : args) {
                    if (a.arg().kind() != Py.ArgKind.POSITIONAL) continue;
                    EValue v = a.value();
                    if (v instanceof Lit l && l.kind() == LitKind.STR) {
                        String col = l.value() == null ? "date" : (String) l.value();
                        ev.report(Rule.EHRQL_WRONG_TYPE, a.node(), "sort_by() takes series such as " + t.name() + "." + col + ", not the string \"" + col + "\".",
                                Fix.replace("Change to " + t.name() + "." + col, file.range(a.node().start(), a.node().end()), t.name() + "." + col));
                    } else if (v instanceof Series s) {
                        if (!s.event()) {
                            ev.report(Rule.EHRQL_WRONG_TYPE, a.node(), "Cannot sort by a patient-level series (it is the same on every row): sort by a column of this frame.");
                        } else sameDomainFrame(t, s, a.node());
                    } else if (v instanceof Lit || v instanceof Frame) {
                        ev.report(Rule.EHRQL_WRONG_TYPE, a.node(), "sort_by() takes columns of this frame, not " + describe(v) + ".");
                    }
                }
                return new Frame(t, true, true, f.tableMethods(), f.lineage());
            }
            case "first_for_patient", "last_for_patient" -> {
                return new Frame(t, false, false, false, f.lineage() + "/" + name);
            }
            default -> {
            }
        }
        Schema.Helper h = t.helpers().get(name);
        if (h == null) return UNKNOWN;
        List<ArgV> pos = positional(args);
        if (!hasStar(args) && args.stream().allMatch(a -> a.arg().kind() == Py.ArgKind.POSITIONAL || h.params().contains(a.arg().keyword()))) {
            int n = args.size();
            if (n != h.params().size()) {
                ev.report(Rule.EHRQL_WRONG_TYPE, nameStart(c), nameEnd(c), t.name() + "." + name + "() takes " + h.params().size() + " argument"
                        + (h.params().size() == 1 ? "" : "s") + " (" + String.join(", ", h.params()) + "), not " + n + ".");
            }
        }
        for (int i = 0; i < pos.size() && i < h.params().size(); i++) {
            if (h.params().get(i).contains("date")) checks.checkDateArg(pos.get(i).value(), pos.get(i).node(), t.name() + "." + name + "()");
        }
        for (ArgV a : args) {
            if (a.arg().kind() == Py.ArgKind.KEYWORD && a.arg().keyword() != null && a.arg().keyword().contains("date")) {
                checks.checkDateArg(a.value(), a.node(), t.name() + "." + name + "()");
            }
        }
        if (name.equals("cause_of_death_is_in") && !pos.isEmpty()) {
            checks.checkMembers(new Series("ICD10Code", false, null, null, null), pos.get(0).value(), pos.get(0).node(), name);
        }
        String r = h.returns();
        if (r.startsWith("PatientFrame")) return new Frame(t, false, false, false, f.lineage() + "/" + name);
        if (r.startsWith("EventFrame")) return new Frame(t, true, f.sorted(), true, f.lineage() + "/" + name + c.start());
        return seriesFromName(r);
    }

    /** "IntPatientSeries" → an int patient series. */
    private static EValue seriesFromName(String r) {
        boolean event = r.contains("Event");
        String type = r.startsWith("Int") ? "int" : r.startsWith("Bool") ? "bool" : r.startsWith("Float") ? "float" : r.startsWith("Str") ? "str"
                : r.startsWith("Date") ? "date" : null;
        if (type == null || event) return UNKNOWN;
        return Series.patient(type);
    }

    private void sameDomainFrame(Schema.Table t, Series s, Py.Node at) {
        if (!s.event() || s.table() == null || s.table().name().equals(t.name())) return;
        ev.report(Rule.EHRQL_DIFFERENT_FRAMES, at, "This condition uses '" + s.table().name() + "', which has many rows per patient, to filter '" + t.name()
                + "'. Use columns of " + t.name() + ", or a patient-level series (e.g. an aggregate of " + s.table().name() + ").");
    }
}

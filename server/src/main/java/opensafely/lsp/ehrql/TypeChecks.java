package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.Descriptions.article;
import static opensafely.lsp.ehrql.Descriptions.describe;
import static opensafely.lsp.ehrql.Descriptions.typeName;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import opensafely.lsp.codelists.CodelistCsvFiles;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;

/**
 * Whether a value fits where ehrQL expects a type: operands of a series (int with float, dates, codes, a column's
 * categories), members given to is_in, a codelist's coding system, and series from two event frames meeting. Shared by
 * the operators and by every kind of call, so that one mismatch is worded alike wherever it occurs.
 */
final class TypeChecks {
    /** A date as ehrQL writes it, YYYY-MM-DD. */
    static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final Evaluator ev;
    private final SourceFile file;
    private final Schema schema;

    TypeChecks(Evaluator ev) {
        this.ev = ev;
        this.file = ev.file;
        this.schema = ev.schema;
    }

    /** The schema's family of a series' type (Int, Date, Code...); null when the type is not known. */
    String family(Series s) {
        return s.type() == null ? null : schema.family(s.type());
    }

    /** Two event-level things from different tables cannot meet. Reports at {@code at} and returns false. */
    boolean sameDomain(EValue a, EValue b, Py.Node at) {
        Schema.Table ta = tableOf(a), tb = tableOf(b);
        if (ta == null || tb == null) return true;
        if (ta.name().equals(tb.name())) return true;
        ev.report(Rule.EHRQL_DIFFERENT_FRAMES, at, "This combines a series from '" + ta.name() + "' with one from '" + tb.name()
                + "', both with many values per patient. Aggregate one of them first (e.g. .maximum_for_patient()), pick one row with "
                + "sort_by(...).first_for_patient(), or test membership with .is_in(...).");
        return false;
    }

    /** A series of {@code type} at the level of s and other together: event-level, from that table, when either is. */
    static Series widest(Series s, EValue other, String type) {
        boolean ev = s.event() || isEvent(other);
        if (s.event()) return new Series(type, true, s.table(), s.lineage(), null);
        if (other instanceof Series o && o.event()) return new Series(type, true, o.table(), o.lineage(), null);
        if (other instanceof DateDifference dd && dd.event()) return new Series(type, true, dd.table(), null, null);
        return new Series(type, ev, null, null, null);
    }

    /** Whether a value has many values per patient. */
    static boolean isEvent(EValue v) {
        return v instanceof Series s && s.event() || v instanceof DateDifference d && d.event();
    }

    /** The event table a value comes from; null for a patient-level value. */
    static Schema.Table tableOf(EValue v) {
        if (v instanceof Series s) return s.event() ? s.table() : null;
        if (v instanceof DateDifference d) return d.event() ? d.table() : null;
        return null;
    }

    /** Checks a date string literal; returns false when it was reported. */
    boolean checkDateLiteral(Lit l) {
        if (l.kind() != LitKind.STR || l.value() == null || l.origin() == null) return true;
        String v = (String) l.value();
        if (!ISO_DATE.matcher(v).matches()) {
            java.util.regex.Matcher ymd = Pattern.compile("(\\d{4})[/.](\\d{1,2})[/.](\\d{1,2})").matcher(v);
            Fix[] fix = new Fix[0];
            if (ymd.matches() && l.origin().file() == file) {
                String iso = ymd.group(1) + "-" + (ymd.group(2).length() == 1 ? "0" : "") + ymd.group(2) + "-" + (ymd.group(3).length() == 1 ? "0" : "") + ymd.group(3);
                fix = new Fix[] {Fix.replace("Change to \"" + iso + "\"", file.range(l.origin().start(), l.origin().end()), "\"" + iso + "\"")};
            }
            ev.reportIn(Rule.EHRQL_INVALID_DATE, l.origin().file(), l.origin().start(), l.origin().end(),
                    "Dates must be written YYYY-MM-DD (e.g. \"2024-01-31\"), not \"" + v + "\".", fix);
            return false;
        }
        try {
            LocalDate.parse(v);
        } catch (DateTimeException ex) {
            ev.reportIn(Rule.EHRQL_INVALID_DATE, l.origin().file(), l.origin().start(), l.origin().end(), "\"" + v + "\" is not a date that exists.");
            return false;
        }
        return true;
    }

    /** Checks a value given where a date is expected (a date series, date literal or YYYY-MM-DD string). */
    void checkDateArg(EValue v, Py.Node at, String what) {
        if (v instanceof Lit l) {
            if (l.kind() == LitKind.STR) checkDateLiteral(l);
            else if (l.kind() == LitKind.INT || l.kind() == LitKind.FLOAT || l.kind() == LitKind.BOOL) {
                ev.report(Rule.EHRQL_WRONG_TYPE, at, what + " needs a date (\"YYYY-MM-DD\", a datetime.date or a date series), not " + describe(v) + ".");
            }
        } else if (v instanceof Series s && s.type() != null && !s.type().equals("date")) {
            ev.report(Rule.EHRQL_WRONG_TYPE, at, what + " needs a date, not " + describe(v) + ".");
        } else if (v instanceof Duration || v instanceof Frame || v instanceof Codelist) {
            ev.report(Rule.EHRQL_WRONG_TYPE, at, what + " needs a date, not " + describe(v) + ".");
        }
    }

    /**
     * Checks that {@code other} can meet a series of the receiver's type (comparison, when_null_then, arithmetic
     * operand...). {@code numeric} allows int with float as ehrQL's numeric operators do for literals.
     */
    void checkOperand(Series recv, EValue other, Py.Node at, String what) {
        if (recv.type() == null || other instanceof Unknown || at == null) return;
        String rt = recv.type();
        String fam = schema.family(rt);
        if (other instanceof Series o) {
            if (o.type() == null || o.type().equals(rt)) {
                sameDomain(recv, o, at);
                return;
            }
            if ((rt.equals("int") && o.type().equals("float")) || (rt.equals("float") && o.type().equals("int"))) {
                ev.report(Rule.EHRQL_INT_FLOAT, at, what + ": ehrQL does not mix an " + rt + " series with a " + o.type()
                        + " series. Convert one side with .as_float() or .as_int().");
            } else {
                ev.report(Rule.EHRQL_WRONG_TYPE, at, what + " expects a " + typeName(recv.with(rt, false)).replace("PatientSeries", "")
                        + " value but got " + describe(o) + ".");
            }
            return;
        }
        if (other instanceof Lit l) {
            switch (l.kind()) {
                case NONE -> {
                }
                case STR -> {
                    if (fam.equals("Str")) {
                        checkCategory(recv, l);
                    } else if (fam.equals("Date")) {
                        checkDateLiteral(l);
                    } else if (fam.equals("Code")) {
                        checkCode(rt, l, false);
                    } else if (!fam.equals("MultiCodeString")) {
                        ev.report(Rule.EHRQL_WRONG_TYPE, at, what + " expects " + article(rt) + " value but got " + describe(l) + ".");
                    }
                }
                case INT -> {
                    if (!fam.equals("Int") && !fam.equals("Float")) {
                        ev.report(Rule.EHRQL_WRONG_TYPE, at, what + " expects " + article(rt) + " value but got " + describe(l) + ".");
                    }
                }
                case FLOAT -> {
                    if (fam.equals("Int")) {
                        ev.report(Rule.EHRQL_INT_FLOAT, at, what + ": an int series cannot meet the float " + l.value()
                                + ". Use an int, or convert the series with .as_float().");
                    } else if (!fam.equals("Float")) {
                        ev.report(Rule.EHRQL_WRONG_TYPE, at, what + " expects " + article(rt) + " value but got " + describe(l) + ".");
                    }
                }
                case BOOL -> {
                    if (!fam.equals("Bool") && !fam.equals("Int")) {
                        ev.report(Rule.EHRQL_WRONG_TYPE, at, what + " expects " + article(rt) + " value but got " + describe(l) + ".");
                    }
                }
                case DATE -> {
                    if (!fam.equals("Date")) ev.report(Rule.EHRQL_WRONG_TYPE, at, what + " expects " + article(rt) + " value but got a date.");
                }
            }
            return;
        }
        if (other instanceof Code c) {
            if (!c.system().equals(rt) && !fam.equals("MultiCodeString")) {
                ev.report(Rule.EHRQL_WRONG_TYPE, at, what + " expects " + article(rt) + " value but got a " + c.system() + " code.");
            }
            return;
        }
        if (other instanceof Frame || other instanceof Codelist || other instanceof ListLit || other instanceof DictLit
                || other instanceof Duration && !fam.equals("Date")) {
            ev.report(Rule.EHRQL_WRONG_TYPE, at, what + " expects " + article(rt) + " value but got " + describe(other) + ".");
        }
    }

    private void checkCategory(Series recv, Lit l) {
        if (recv.categories() == null || l.value() == null || l.origin() == null) return;
        if (recv.categories().contains((String) l.value())) return;
        Optional<String> dym = DidYouMean.closest((String) l.value(), recv.categories());
        if (dym.isEmpty()) {
            for (String c : recv.categories()) if (c.equalsIgnoreCase((String) l.value())) dym = Optional.of(c);
        }
        Optional<String> fix = dym;
        ev.reportIn(Rule.EHRQL_UNKNOWN_CATEGORY, l.origin().file(), l.origin().start(), l.origin().end(), "\"" + l.value()
                + "\" is not one of this column's values (" + String.join(", ", recv.categories()) + ")." + DidYouMean.suffix(dym),
                fix.map(d -> Fix.replace("Change to \"" + d + "\"", file.range(l.origin().start(), l.origin().end()), "\"" + d + "\"")).stream().toArray(Fix[]::new));
    }

    /** Checks a code string against a code system (prefix pattern for multi-code strings). */
    void checkCode(String system, Lit l, boolean prefix) {
        if (l.value() == null || l.origin() == null) return;
        Schema.CodeSystem cs = schema.codeSystems.get(system);
        if (cs == null) return;
        String code = (String) l.value();
        if (cs.matches(code)) return;
        ev.reportIn(Rule.EHRQL_INVALID_CODE, l.origin().file(), l.origin().start(), l.origin().end(), "\"" + code + "\" is not a valid "
                + cs.label() + (prefix ? " code or prefix" : " code") + " (" + system + "), so ehrQL rejects it. Check the code, and that the column's coding system is the one intended.");
    }

    /** Checks the elements of a list/codelist given to is_in / contains_any_of against the column's type. */
    void checkMembers(Series recv, EValue arg, Py.Node at, String method) {
        if (recv.type() == null) return;
        String fam = schema.family(recv.type());
        boolean prefix = fam.equals("MultiCodeString");
        if (arg instanceof ListLit l) {
            for (EValue item : l.items()) {
                if (item instanceof Lit il && il.kind() == LitKind.STR && (fam.equals("Code") || prefix)) checkCode(recv.type(), il, prefix);
                else if (item instanceof Lit il && fam.equals("Date") && il.kind() == LitKind.STR) checkDateLiteral(il);
                else if (item instanceof Lit il && fam.equals("Str")) {
                    if (il.kind() == LitKind.STR) checkCategory(recv, il);
                } else if (item instanceof Lit il && il.kind() == LitKind.FLOAT && fam.equals("Int")) {
                    if (il.origin() != null) ev.reportIn(Rule.EHRQL_INT_FLOAT, il.origin().file(), il.origin().start(), il.origin().end(),
                            "This int series cannot be compared with the float " + il.value() + ".");
                }
            }
            return;
        }
        if (arg instanceof DictLit d) {
            checkMembers(recv, new ListLit(d.keys(), false, d.complete(), d.origin()), at, method);
            return;
        }
        if (arg instanceof Codelist cl) {
            if (fam.equals("Code") || prefix) checkCodelistSystem(recv.type(), cl, at, prefix);
            return;
        }
        if (arg instanceof Series s) {
            if (!s.event()) {
                ev.report(Rule.EHRQL_WRONG_TYPE, at, method + "() takes a list of values or an event-level series, not a patient-level series: compare with == instead.");
            } else if (s.type() != null && !s.type().equals(recv.type())) {
                // An event series here matches any of the patient's values, from any table: only the type must agree.
                checkOperand(recv, new Series(s.type(), false, null, null, null), at, method + "()");
            }
            return;
        }
        if (arg instanceof PlainObject) {
            ev.report(Rule.EHRQL_WRONG_TYPE, at, method + "() takes a list (or codelist) of values, not a plain Python object.");
            return;
        }
        if (arg instanceof Lit || arg instanceof Code || arg instanceof Frame) {
            ev.report(Rule.EHRQL_WRONG_TYPE, at, method + "() takes a list (or codelist) of values, not " + describe(arg) + ": write " + method + "([...]).");
        }
    }

    private void checkCodelistSystem(String system, Codelist cl, Py.Node at, boolean prefix) {
        if (cl.path() == null || cl.column() == null || ev.folder == null || !ev.folder.known()) return;
        Schema.CodeSystem cs = schema.codeSystems.get(system);
        if (cs == null) return;
        Optional<CodelistCsvFiles.Csv> csv = ev.folder.resolve(cl.path()).flatMap(p -> ev.csvs.read(ev.folder, p));
        if (csv.isEmpty()) return;
        List<String> codes = csv.get().column(cl.column());
        if (codes == null || codes.isEmpty()) return;
        int bad = 0;
        String first = null;
        for (String c : codes) {
            if (!cs.matches(c)) {
                bad++;
                if (first == null) first = c;
            }
        }
        if (bad == 0) return;
        ev.report(Rule.EHRQL_CODELIST_SYSTEM, at, bad + " of " + codes.size() + " codes in " + cl.path() + " (column '" + cl.column() + "') are not "
                + cs.label() + " codes" + (prefix ? " or prefixes" : "") + ", e.g. \"" + opensafely.lsp.workspace.Excerpt.of(first) + "\"; ehrQL rejects them when it compares them with this "
                + system + " column. Use a codelist for this column's coding system.");
    }

    /** The series type a literal stands for (ehrQL casts literals to the series they meet); null for None. */
    static String litType(Lit l) {
        return switch (l.kind()) {
            case STR -> "str";
            case INT -> "int";
            case FLOAT -> "float";
            case BOOL -> "bool";
            case DATE -> "date";
            case NONE -> null;
        };
    }
}

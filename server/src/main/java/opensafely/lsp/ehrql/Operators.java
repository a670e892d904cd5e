package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.Descriptions.describe;
import static opensafely.lsp.ehrql.EValue.UNKNOWN;
import static opensafely.lsp.ehrql.TypeChecks.isEvent;
import static opensafely.lsp.ehrql.TypeChecks.tableOf;
import static opensafely.lsp.ehrql.TypeChecks.widest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;

/**
 * Python's operators on ehrQL values: arithmetic, &, |, ~ and comparisons on series (with their type and level
 * rules), and the little literal arithmetic that names and dates are built from. Python's own precedence traps
 * (a == 1 | b == 2, chained comparisons) are reported here too.
 */
final class Operators {
    private final Evaluator ev;
    private final SourceFile file;
    private final TypeChecks checks;

    Operators(Evaluator ev) {
        this.ev = ev;
        this.file = ev.file;
        this.checks = ev.checks;
    }

    EValue binop(String op, EValue l, EValue r, Py.Node ln, Py.Node rn, Py.Node whole) {
        if (l instanceof Series s) return seriesOp(s, op, r, rn, false, whole);
        if (r instanceof Series s) return seriesOp(s, op, l, ln, true, whole);
        if (l instanceof Unknown || r instanceof Unknown) return UNKNOWN;
        if (l instanceof DateDifference || r instanceof DateDifference) return UNKNOWN;
        boolean addSub = op.equals("+") || op.equals("-");
        if (l instanceof Duration a && r instanceof Duration b) {
            if (a.unit().equals(b.unit()) && addSub) return new Duration(a.unit(), null, a.seriesValue() || b.seriesValue());
            if (addSub) {
                ev.report(Rule.EHRQL_WRONG_TYPE, whole, "Durations of different units cannot be combined (" + a.unit() + " " + op + " " + b.unit()
                        + "): a month or a year is not a fixed number of days. Add each to the date in turn.");
            }
            return UNKNOWN;
        }
        if (addSub && (l instanceof Duration && isNumber(r) || r instanceof Duration && isNumber(l))) {
            Duration d = l instanceof Duration x ? x : (Duration) r;
            ev.report(Rule.EHRQL_WRONG_TYPE, whole, "A number and a duration cannot be added or subtracted: write " + d.unit()
                    + "(...) for both, or add the duration to a date.");
            return UNKNOWN;
        }
        if ((l instanceof Duration && r instanceof Lit lit && lit.kind() == LitKind.STR) || (r instanceof Duration && l instanceof Lit lit2 && lit2.kind() == LitKind.STR)) {
            Lit s = l instanceof Lit x ? x : (Lit) r;
            checks.checkDateLiteral(s);
            return new Lit(LitKind.DATE, null, null);
        }
        if (l instanceof Lit a && r instanceof Lit b) {
            if (op.equals("+") && a.kind() == LitKind.STR && b.kind() == LitKind.STR) {
                return new Lit(LitKind.STR, a.value() == null || b.value() == null ? null : (String) a.value() + b.value(), ev.origin(whole));
            }
            if (a.kind() == LitKind.INT && b.kind() == LitKind.INT && a.value() != null && b.value() != null) {
                long x = (Long) a.value(), y = (Long) b.value();
                return switch (op) {
                    case "+" -> new Lit(LitKind.INT, x + y, ev.origin(whole));
                    case "-" -> new Lit(LitKind.INT, x - y, ev.origin(whole));
                    case "*" -> new Lit(LitKind.INT, x * y, ev.origin(whole));
                    default -> new Lit(op.equals("/") ? LitKind.FLOAT : LitKind.INT, null, ev.origin(whole));
                };
            }
            if ((a.kind() == LitKind.INT || a.kind() == LitKind.FLOAT) && (b.kind() == LitKind.INT || b.kind() == LitKind.FLOAT)) {
                return new Lit(op.equals("//") ? LitKind.INT : LitKind.FLOAT, null, ev.origin(whole));
            }
            return UNKNOWN;
        }
        if (op.equals("+") && (l instanceof ListLit || l instanceof Codelist) && (r instanceof ListLit || r instanceof Codelist)) {
            List<EValue> items = new ArrayList<>();
            boolean complete = l instanceof ListLit a && a.complete() && r instanceof ListLit b && b.complete();
            if (l instanceof ListLit a) items.addAll(a.items());
            if (r instanceof ListLit b) items.addAll(b.items());
            return new ListLit(items, false, complete, ev.origin(whole));
        }
        return UNKNOWN;
    }

    private static boolean isNumber(EValue v) {
        return v instanceof Lit l && (l.kind() == LitKind.INT || l.kind() == LitKind.FLOAT);
    }

    private EValue seriesOp(Series s, String op, EValue other, Py.Node otherNode, boolean reflected, Py.Node whole) {
        String fam = checks.family(s);
        if (fam == null || fam.equals("Unknown")) {
            if (op.equals("&") || op.equals("|")) return widest(s, other, "bool");
            return UNKNOWN;
        }
        if (other instanceof Unknown) {
            if (op.equals("&") || op.equals("|")) return widest(s, other, "bool");
            if (fam.equals("Date") && op.equals("-")) return UNKNOWN;
            if (fam.equals("Date") && op.equals("+")) return s.with("date", s.event());
            if (fam.equals("Int") || fam.equals("Float")) {
                return switch (op) {
                    case "/", "**" -> s.with("float", s.event());
                    case "//" -> s.with("int", s.event());
                    case "+", "-", "*" -> fam.equals("Float") ? s.with("float", s.event()) : UNKNOWN;
                    default -> UNKNOWN;
                };
            }
            return UNKNOWN;
        }
        Py.Node at = otherNode == null ? whole : otherNode;
        switch (op) {
            case "&", "|" -> {
                if (!fam.equals("Bool")) {
                    ev.report(Rule.EHRQL_WRONG_TYPE, reflected ? at : whole, "`" + op + "` combines boolean series, but this is " + describe(s)
                            + ". Compare it first (in parentheses), e.g. `(x > 0) " + op + " ...`.");
                    return UNKNOWN;
                }
                if (other instanceof Series o && o.type() != null && !o.type().equals("bool")) {
                    ev.report(Rule.EHRQL_WRONG_TYPE, at, "`" + op + "` combines boolean series, but this is " + describe(o) + ".");
                    return UNKNOWN;
                }
                if (other instanceof ListLit t && t.tuple()) {
                    ev.report(Rule.EHRQL_WRONG_TYPE, at, "`" + op + "` combines boolean series, but this is a tuple: remove the trailing comma where it is defined.");
                    return UNKNOWN;
                }
                if (other instanceof Lit l && l.kind() != LitKind.BOOL || other instanceof Frame || other instanceof Codelist) {
                    ev.report(Rule.EHRQL_WRONG_TYPE, at, "`" + op + "` combines boolean series, not " + describe(other) + ".");
                    return UNKNOWN;
                }
                checks.sameDomain(s, other, whole);
                return widest(s, other, "bool");
            }
            case "+", "-" -> {
                if (fam.equals("Date")) {
                    if (other instanceof Duration d) {
                        if (reflected && op.equals("-")) {
                            ev.report(Rule.EHRQL_WRONG_TYPE, whole, "A duration minus a date has no meaning: write date - duration.");
                            return UNKNOWN;
                        }
                        Series r = s.with("date", s.event());
                        return r;
                    }
                    if (op.equals("-") && (other instanceof Lit l && (l.kind() == LitKind.STR || l.kind() == LitKind.DATE)
                            || other instanceof Series o && "date".equals(o.type()))) {
                        if (other instanceof Lit l) checks.checkDateLiteral(l);
                        checks.sameDomain(s, other, whole);
                        boolean ev = s.event() || isEvent(other);
                        Schema.Table t = s.event() ? s.table() : tableOf(other);
                        return new DateDifference(ev, t);
                    }
                    if (op.equals("+") && (other instanceof Lit l && (l.kind() == LitKind.STR || l.kind() == LitKind.DATE)
                            || other instanceof Series o && "date".equals(o.type()))) {
                        ev.report(Rule.EHRQL_WRONG_TYPE, whole, "Two dates cannot be added: add a duration (days(...), months(...), years(...)) to a date, "
                                + "or subtract one date from another.");
                        return UNKNOWN;
                    }
                    if (other instanceof Lit l && (l.kind() == LitKind.INT || l.kind() == LitKind.FLOAT)) {
                        ev.report(Rule.EHRQL_WRONG_TYPE, at, "A number cannot be added to or taken from a date: use a duration, e.g. days(" + l.value()
                                + ") or years(" + l.value() + ").",
                                l.value() == null ? new Fix[0] : new Fix[] {Fix.replace("Change to days(" + l.value() + ")", file.range(at.start(), at.end()), "days(" + l.value() + ")")});
                        return UNKNOWN;
                    }
                    if (other instanceof Series o && o.type() != null) {
                        ev.report(Rule.EHRQL_WRONG_TYPE, at, "A date series can only be combined with a duration (days(...), years(...)) or, with -, another date; not " + describe(o) + ".");
                        return UNKNOWN;
                    }
                    return UNKNOWN;
                }
                return arithmetic(s, op, other, at, whole);
            }
            case "*" -> {
                return arithmetic(s, op, other, at, whole);
            }
            case "/", "//", "**" -> {
                if (!fam.equals("Int") && !fam.equals("Float")) {
                    ev.report(Rule.EHRQL_WRONG_TYPE, whole, "`" + op + "` needs numbers, but this is " + describe(s) + ".");
                    return UNKNOWN;
                }
                if (other instanceof Series o && o.type() != null && !o.type().equals("int") && !o.type().equals("float")
                        || other instanceof Lit l && l.kind() != LitKind.INT && l.kind() != LitKind.FLOAT) {
                    ev.report(Rule.EHRQL_WRONG_TYPE, at, "`" + op + "` needs a number, not " + describe(other) + ".");
                    return UNKNOWN;
                }
                checks.sameDomain(s, other, whole);
                return widest(s, other, op.equals("//") ? "int" : "float");
            }
            default -> {
                return UNKNOWN;
            }
        }
    }

    private EValue arithmetic(Series s, String op, EValue other, Py.Node at, Py.Node whole) {
        String fam = checks.family(s);
        if (!fam.equals("Int") && !fam.equals("Float")) {
            ev.report(Rule.EHRQL_WRONG_TYPE, whole, "`" + op + "` is for numbers (and dates with durations); this is " + describe(s) + ".");
            return UNKNOWN;
        }
        if (other instanceof Duration) {
            ev.report(Rule.EHRQL_WRONG_TYPE, at, "A duration can only be added to a date, not to " + describe(s) + ".");
            return UNKNOWN;
        }
        checks.checkOperand(s, other, at, "`" + op + "`");
        if (other instanceof Series o && o.type() != null && !o.type().equals(s.type())) return UNKNOWN;
        if (other instanceof Lit l && l.kind() == LitKind.FLOAT && fam.equals("Int")) return UNKNOWN;
        return widest(s, other, s.type());
    }

    EValue unary(Py.Unary u, EValue v) {
        if (!(v instanceof Series s)) {
            if (v instanceof Lit l && u.op().equals("-") && l.value() instanceof Long x) return new Lit(LitKind.INT, -x, ev.origin(u));
            if (v instanceof Lit l && u.op().equals("-") && l.kind() == LitKind.FLOAT) return new Lit(LitKind.FLOAT, null, ev.origin(u));
            if (v instanceof Duration d && u.op().equals("-")) return d;
            return UNKNOWN;
        }
        String fam = checks.family(s);
        if (fam == null || fam.equals("Unknown")) return u.op().equals("~") ? s.with("bool", s.event()) : UNKNOWN;
        if (u.op().equals("~")) {
            if (!fam.equals("Bool")) {
                ev.report(Rule.EHRQL_WRONG_TYPE, u, "`~` negates a boolean series, but this is " + describe(s) + ".");
                return UNKNOWN;
            }
            return s.with("bool", s.event());
        }
        if (u.op().equals("-")) {
            if (!fam.equals("Int") && !fam.equals("Float")) {
                ev.report(Rule.EHRQL_WRONG_TYPE, u, "Unary `-` needs a number, but this is " + describe(s) + ".");
                return UNKNOWN;
            }
            return s.with(s.type(), s.event());
        }
        return UNKNOWN;
    }

    private static boolean isOrAnd(Py.Expr e) {
        return e instanceof Py.BinOp b && b.op().equals("|") || e instanceof Py.BitOp b2 && b2.op().equals("&");
    }

    EValue compare(Py.Compare c, Map<String, Binding> scope) {
        // a == 1 | b == 2 parses as a == (1 | b) == 2: say so once, rather than what follows from it.
        for (int i = 1; i < c.operands().size(); i++) {
            Py.Expr operand = c.operands().get(i);
            if (isOrAnd(operand) && !parenthesised(operand)) {
                EValue l = ev.evalMuted(c.operands().get(0), scope);
                EValue mid = ev.evalMuted(operand, scope);
                boolean series = l instanceof Series || mid instanceof Series;
                if (!series) {
                    for (Py.Expr x : c.operands()) if (ev.evalMuted(x, scope) instanceof Series) series = true;
                }
                if (series) {
                    int opAt = operand instanceof Py.BinOp b ? opOffset(b.left().end(), b.right().start(), "|") : ((Py.BitOp) operand).opStart();
                    String op = operand instanceof Py.BinOp ? "|" : "&";
                    ev.report(Rule.EHRQL_OPERATOR_PRECEDENCE, opAt, opAt + 1, "`" + op + "` binds more tightly than comparisons, so this reads as "
                            + "`a == (x " + op + " y) == b`. Put parentheses around each comparison: `(a == x) " + op + " (y == b)`.");
                    for (Py.Expr x : c.operands()) ev.evalMuted(x, scope);
                    return UNKNOWN;
                }
            }
        }
        List<EValue> vs = new ArrayList<>();
        for (Py.Expr x : c.operands()) vs.add(ev.eval(x, scope));
        boolean anySeries = vs.stream().anyMatch(v -> v instanceof Series);
        if (!anySeries) {
            if (c.ops().size() == 1 && (c.ops().get(0).equals("is") || c.ops().get(0).equals("is not"))) {
                // `x is None` is decided when x is known: a helper's `if codelist is not None:` then takes one way.
                Boolean same = sameAsNone(vs.get(0), vs.get(1));
                if (same != null) return new Lit(LitKind.BOOL, c.ops().get(0).equals("is") == same, ev.origin(c));
            }
            if (vs.stream().anyMatch(v -> v instanceof Unknown)) return UNKNOWN;
            return new Lit(LitKind.BOOL, null, ev.origin(c));
        }
        if (c.ops().size() > 1) {
            int at = c.opStarts().get(1);
            ev.report(Rule.EHRQL_PYTHON_BOOLEAN, at, at + c.ops().get(1).length(), "Chained comparisons (`a < b < c`) cannot be used with ehrQL series: "
                    + "write `(a < b) & (b < c)`, or use is_on_or_between()/is_between_but_not_on() for dates.");
            return UNKNOWN;
        }
        String op = c.ops().get(0);
        EValue l = vs.get(0), r = vs.get(1);
        Py.Expr ln = c.operands().get(0), rn = c.operands().get(1);
        if (op.equals("in") || op.equals("not in")) {
            if (l instanceof Series) {
                int at = c.opStarts().get(0);
                ev.report(Rule.EHRQL_PYTHON_BOOLEAN, at, at + op.length(), "Python's `" + op + "` cannot test an ehrQL series: use "
                        + (op.equals("in") ? ".is_in(...)" : ".is_not_in(...)") + ".");
            }
            return UNKNOWN;
        }
        if (op.equals("is") || op.equals("is not")) return UNKNOWN;
        Series s = l instanceof Series x ? x : (Series) r;
        EValue other = l instanceof Series ? r : l;
        Py.Node otherNode = l instanceof Series ? rn : ln;
        String fam = checks.family(s);
        if (fam == null || fam.equals("Unknown")) return widest(s, other, "bool");
        boolean ordering = !op.equals("==") && !op.equals("!=");
        if (ordering && (fam.equals("Bool") || fam.equals("Code") || fam.equals("MultiCodeString"))) {
            int at = c.opStarts().get(0);
            ev.report(Rule.EHRQL_WRONG_TYPE, at, at + op.length(), "`" + op + "` needs values with an order; " + describe(s) + " has none."
                    + (fam.equals("Code") ? " Test codes with == or is_in(...)." : ""));
            return UNKNOWN;
        }
        if (!ordering && fam.equals("MultiCodeString")) {
            int at = c.opStarts().get(0);
            ev.report(Rule.EHRQL_WRONG_TYPE, at, at + op.length(), "This column holds several codes in one string: use contains(...) or contains_any_of(...) rather than `" + op + "`.");
            return UNKNOWN;
        }
        if (!checks.sameDomain(s, other, otherNode)) return UNKNOWN;
        if (other instanceof Series o && o.type() != null && s.type() != null && !o.type().equals(s.type())) {
            checks.checkOperand(s, other, otherNode, "`" + op + "`");
            return UNKNOWN;
        }
        checks.checkOperand(s, other, otherNode, "`" + op + "`");
        return widest(s, other, "bool");
    }

    /** Whether the source has an opening parenthesis just before an expression (the tree keeps no parentheses). */
    private boolean parenthesised(Py.Expr e) {
        int i = e.start() - 1;
        while (i >= 0 && Character.isWhitespace(file.text.charAt(i))) i--;
        return i >= 0 && file.text.charAt(i) == '(';
    }

    private int opOffset(int from, int to, String op) {
        int i = file.text.indexOf(op, from);
        return i >= 0 && i < to ? i : from;
    }
    /** Whether `l is r` holds when one side is None and the other is known to be None or not; else null. */
    private static Boolean sameAsNone(EValue l, EValue r) {
        Boolean ln = isNone(l), rn = isNone(r);
        if (ln == null || rn == null || !ln && !rn) return null;
        return ln && rn;
    }

    private static Boolean isNone(EValue v) {
        if (v instanceof Lit lit) return lit.kind() == LitKind.NONE;
        if (v instanceof Unknown || v instanceof PlainObject) return null;
        return false;
    }

}

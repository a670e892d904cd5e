package opensafely.lsp.ehrql;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import opensafely.lsp.ehrql.DummyQuery.*;
import opensafely.lsp.ehrql.EValue.Codelist;
import opensafely.lsp.ehrql.EValue.Dataset;
import opensafely.lsp.ehrql.EValue.Lit;
import opensafely.lsp.ehrql.EValue.Series;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;

/**
 * Turns the expressions of a dataset definition into {@link DummyQuery} trees, reading names through the
 * module-level assignments seen so far and the static evaluator's value of each node (for imported constants,
 * codelists and tables). Nothing is run; what is not understood becomes {@link Opaque}.
 */
final class DummyCompiler {
    private final Map<Py.Node, EValue> types;
    private final Function<Codelist, Set<String>> codelists;
    private final Function<Codelist, Map<String, String>> categories;
    /** Module-level names bound by a plain assignment, compiled when assigned (so later rebinding does not leak back). */
    final Map<String, DummyQuery> names = new LinkedHashMap<>();
    /** The dataset's columns compiled so far, for `dataset.x` read back. */
    final Map<String, DummyQuery> columns = new LinkedHashMap<>();
    /** The source node of each compiled query, for messages that name a part of the definition. */
    final Map<DummyQuery, Py.Node> sources = new IdentityHashMap<>();
    /** Literal values each table column is compared with anywhere ("table.column" → values): candidate codes. */
    final Map<String, Set<String>> literals = new LinkedHashMap<>();
    /** The file of each compiled query that comes from a helper in another module (for messages). */
    final Map<DummyQuery, SourceFile> files = new IdentityHashMap<>();
    /** The file whose expressions are compiled now (set while a helper of a sibling module is followed). */
    SourceFile file;
    /** Follows a call of a helper function (set by {@link DummyStatements}); null: helper calls are not followed. */
    Function<Py.Call, DummyQuery> helpers;
    private int opaque;

    DummyCompiler(Map<Py.Node, EValue> types, Function<Codelist, Set<String>> codelists, Function<Codelist, Map<String, String>> categories) {
        this.types = types;
        this.codelists = codelists;
        this.categories = categories;
    }

    DummyQuery compile(Py.Expr e) {
        DummyQuery q;
        try {
            q = compile0(e);
        } catch (RuntimeException ex) {
            q = null;
        }
        if (q == null) q = fromType(e);
        if (sources.putIfAbsent(q, e) == null && file != null) files.putIfAbsent(q, file);
        return q;
    }

    private DummyQuery compile0(Py.Expr e) {
        if (e instanceof Py.Name n) return names.containsKey(n.id()) ? names.get(n.id()) : fromType(e);
        if (e instanceof Py.Str s) return s.fString() ? null : new Const(s.value());
        if (e instanceof Py.Num n) return n.integer() ? new Const((long) n.value()) : new Const(n.value());
        if (e instanceof Py.Const c) {
            return switch (c.kind()) {
                case TRUE -> new Const(true);
                case FALSE -> new Const(false);
                case NONE -> new Const(null);
                default -> null;
            };
        }
        if (e instanceof Py.Seq s) {
            Set<String> vals = new LinkedHashSet<>();
            for (Py.Expr x : s.elements()) {
                DummyQuery q = compile(x);
                if (q instanceof Const c && c.value() != null) vals.add(String.valueOf(c.value()));
                else if (q instanceof ValueSet v) vals.addAll(v.values());
                else return null;
            }
            return new ValueSet(vals, "list");
        }
        if (e instanceof Py.Attribute a) return attribute(a);
        if (e instanceof Py.Call c) return call(c);
        if (e instanceof Py.BitOp b && b.op().equals("&")) return new And(compile(b.left()), compile(b.right()));
        if (e instanceof Py.BinOp b) {
            if (b.op().equals("|")) return new Or(compile(b.left()), compile(b.right()));
            if (b.op().equals("+") || b.op().equals("-") || b.op().equals("*") || b.op().equals("/")) {
                DummyQuery l = compile(b.left()), r = compile(b.right());
                // Python arithmetic on literals (32844 * 1 / 5) is folded here: it is a constant of the definition.
                if (l instanceof Const x && r instanceof Const y && x.value() instanceof Number m && y.value() instanceof Number n) {
                    if (b.op().equals("/")) return n.doubleValue() == 0 ? null : new Const(m.doubleValue() / n.doubleValue());
                    if (m instanceof Long i && n instanceof Long j) return new Const(b.op().equals("+") ? i + j : b.op().equals("-") ? i - j : i * j);
                    double i = m.doubleValue(), j = n.doubleValue();
                    return new Const(b.op().equals("+") ? i + j : b.op().equals("-") ? i - j : i * j);
                }
                return new Arith(b.op(), l, r);
            }
            return null;
        }
        if (e instanceof Py.Unary u) {
            if (u.op().equals("~")) return new Not(compile(u.operand()));
            if (u.op().equals("-")) return new Arith("-", new Const(0L), compile(u.operand()));
            return null;
        }
        if (e instanceof Py.Compare c && c.ops().size() == 1) {
            String op = c.ops().get(0);
            if (!Set.of("==", "!=", "<", "<=", ">", ">=").contains(op)) return null;
            DummyQuery l = compile(c.operands().get(0)), r = compile(c.operands().get(1));
            noteLiteral(l, r);
            noteLiteral(r, l);
            return new Cmp(op, l, r);
        }
        return null;
    }

    private DummyQuery attribute(Py.Attribute a) {
        if (types.get(a.value()) instanceof Dataset) return columns.get(a.attr());
        DummyQuery r = compile(a.value());
        String at = a.attr();
        if (r instanceof Frame f) {
            if (!f.table().columns().containsKey(at)) return null;
            if (f.pick() != null) return new Agg(f, f.pick(), new RowCol(f, at));
            if (f.table().name().equals("patients") && f.conditions().isEmpty() && Set.of("date_of_birth", "sex", "date_of_death").contains(at)) {
                return new PatientCol(at);
            }
            if (!f.table().event()) return new Agg(f, "first", new RowCol(f, at)); // at most one row per patient
            return new RowCol(f, at);
        }
        if (Set.of("year", "month", "day").contains(at) && !(r instanceof Opaque)) return new DatePart(r, at);
        if (r instanceof Arith d && d.op().equals("-") && Set.of("days", "weeks", "months", "years").contains(at)) return new DateDiff(d.left(), d.right(), at);
        return null;
    }

    private DummyQuery call(Py.Call c) {
        List<Py.Expr> pos = new ArrayList<>();
        Map<String, Py.Expr> kw = new LinkedHashMap<>();
        for (Py.Arg a : c.args()) {
            if (a.kind() == Py.ArgKind.POSITIONAL) pos.add(a.value());
            else if (a.kind() == Py.ArgKind.KEYWORD) kw.put(a.keyword(), a.value());
            else return null;
        }
        if (c.func() instanceof Py.Attribute fa) {
            if (types.get(fa.value()) instanceof Dataset) return null;
            if (types.get(fa) instanceof EValue.LocalFunc && helpers != null) return helpers.apply(c); // module.helper(...)
            String m = fa.attr();
            if (m.equals("otherwise") && pos.size() == 1) {
                List<DummyQuery[]> arms = whenThen(fa.value());
                if (arms == null) return null;
                return new Case(arms.stream().map(x -> x[0]).toList(), arms.stream().map(x -> x[1]).toList(), compile(pos.get(0)));
            }
            DummyQuery r = compile(fa.value());
            if (r instanceof Frame f) return frameCall(f, m, pos, c);
            return seriesCall(r, m, pos);
        }
        EValue callee = types.get(c.func());
        String fn = callee instanceof EValue.Func f ? f.name() : c.func() instanceof Py.Name n ? n.id() : "";
        switch (fn) {
            case "case" -> {
                List<DummyQuery> conds = new ArrayList<>(), vals = new ArrayList<>();
                for (Py.Expr arm : pos) {
                    List<DummyQuery[]> a = whenThen(arm);
                    if (a == null || a.size() != 1) return null;
                    conds.add(a.get(0)[0]);
                    vals.add(a.get(0)[1]);
                }
                Py.Expr other = kw.get("otherwise");
                return new Case(conds, vals, other == null ? new Const(null) : compile(other));
            }
            case "days", "weeks", "months", "years" -> {
                if (pos.size() == 1 && compile(pos.get(0)) instanceof Const k && k.value() instanceof Long n) return new DummyQuery.Duration(fn, n);
                return null;
            }
            case "builtin.int", "builtin.float" -> {
                if (pos.size() != 1 || !(compile(pos.get(0)) instanceof Const k) || !(k.value() instanceof Number n)) return null;
                return new Const(fn.equals("builtin.int") ? (Object) (long) n.doubleValue() : (Object) n.doubleValue());
            }
            case "maximum_of", "minimum_of" -> {
                return new Extreme(fn.equals("maximum_of"), pos.stream().map(this::compile).toList());
            }
            case "date" -> {
                if (pos.size() != 3) return null;
                long[] ymd = new long[3];
                for (int i = 0; i < 3; i++) {
                    if (!(compile(pos.get(i)) instanceof Const k && k.value() instanceof Long v)) return null;
                    ymd[i] = v;
                }
                try {
                    return new Const(LocalDate.of((int) ymd[0], (int) ymd[1], (int) ymd[2]));
                } catch (DateTimeException ex) {
                    return null;
                }
            }
            default -> {
                return callee instanceof EValue.LocalFunc && helpers != null ? helpers.apply(c) : null;
            }
        }
    }

    /** when(c).then(v) (possibly chained before .otherwise): the arms as {condition, value} pairs. */
    private List<DummyQuery[]> whenThen(Py.Expr e) {
        if (e instanceof Py.Call then && then.func() instanceof Py.Attribute ta && ta.attr().equals("then") && then.args().size() == 1
                && ta.value() instanceof Py.Call when && when.args().size() == 1) {
            List<DummyQuery[]> arms = new ArrayList<>();
            arms.add(new DummyQuery[] {compile(when.args().get(0).value()), compile(then.args().get(0).value())});
            return arms;
        }
        return null;
    }

    private DummyQuery frameCall(Frame f, String m, List<Py.Expr> pos, Py.Call c) {
        String text = f.text() + "." + m + "(...)";
        switch (m) {
            case "where" -> {
                return pos.size() == 1 ? f.where(compile(pos.get(0)), text) : null;
            }
            case "except_where" -> {
                return pos.size() == 1 ? f.where(new Except(compile(pos.get(0))), text) : null;
            }
            case "sort_by" -> {
                return new Frame(f.table(), f.conditions(), pos.stream().map(this::compile).toList(), null, text);
            }
            case "first_for_patient", "last_for_patient" -> {
                return new Frame(f.table(), f.conditions(), f.sortKeys(), m.startsWith("first") ? "first" : "last", text);
            }
            case "exists_for_patient" -> {
                return new Agg(f, "exists", null);
            }
            case "count_for_patient" -> {
                return new Agg(f, "count", null);
            }
            case "for_patient_on", "exists_for_patient_on" -> {
                if (pos.size() != 1 || !f.table().columns().containsKey("start_date")) return null;
                DummyQuery d = compile(pos.get(0));
                Frame on = new Frame(f.table(), f.conditions(), List.of(), null, text)
                        .where(new Cmp("<=", new RowCol(f, "start_date"), d), text)
                        .where(new Or(new IsNull(new RowCol(f, "end_date"), false), new Cmp(">", new RowCol(f, "end_date"), d)), text);
                if (m.startsWith("exists")) return new Agg(on, "exists", null);
                return new Frame(on.table(), on.conditions(), List.of(new RowCol(f, "start_date")), "last", text);
            }
            case "spanning" -> {
                if (pos.size() != 2 || !f.table().columns().containsKey("start_date")) return null;
                DummyQuery a = compile(pos.get(0)), b = compile(pos.get(1));
                return f.where(new Cmp("<=", new RowCol(f, "start_date"), a), text)
                        .where(new Or(new IsNull(new RowCol(f, "end_date"), false), new Cmp(">=", new RowCol(f, "end_date"), b)), text);
            }
            case "age_on" -> {
                return f.table().name().equals("patients") && pos.size() == 1 ? new AgeOn(compile(pos.get(0))) : null;
            }
            case "is_alive_on" -> {
                if (!f.table().name().equals("patients") || pos.size() != 1) return null;
                DummyQuery d = compile(pos.get(0));
                return new Or(new IsNull(new PatientCol("date_of_death"), false), new Cmp(">", new PatientCol("date_of_death"), d));
            }
            case "is_dead_on" -> {
                if (!f.table().name().equals("patients") || pos.size() != 1) return null;
                return new And(new IsNull(new PatientCol("date_of_death"), true), new Cmp("<", new PatientCol("date_of_death"), compile(pos.get(0))));
            }
            default -> {
                return null;
            }
        }
    }

    private DummyQuery seriesCall(DummyQuery r, String m, List<Py.Expr> pos) {
        if (r instanceof Opaque) return null;
        if (m.equals("to_category") && pos.size() == 1 && types.get(pos.get(0)) instanceof Codelist cl && cl.category() != null) {
            Map<String, String> cats = categories.apply(cl);
            return cats == null ? null : new MapValues(r, new LinkedHashMap<>(cats), new Const(null));
        }
        if (m.equals("map_values") && !pos.isEmpty() && pos.get(0) instanceof Py.Dict dict) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Py.DictItem it : dict.items()) {
                if (it.key() == null || !(compile(it.key()) instanceof Const k) || k.value() == null || !(compile(it.value()) instanceof Const v)) return null;
                map.put(String.valueOf(k.value()), v.value());
            }
            return new MapValues(r, map, pos.size() > 1 ? compile(pos.get(1)) : new Const(null));
        }
        if (pos.size() == 1) {
            DummyQuery x = compile(pos.get(0));
            switch (m) {
                case "is_in", "is_not_in" -> {
                    if (!(x instanceof ValueSet)) return null;
                    noteLiteral(r, x);
                    return new IsIn(r, x, m.equals("is_not_in"));
                }
                case "is_on_or_after" -> {
                    return new Cmp(">=", r, x);
                }
                case "is_after" -> {
                    return new Cmp(">", r, x);
                }
                case "is_on_or_before" -> {
                    return new Cmp("<=", r, x);
                }
                case "is_before" -> {
                    return new Cmp("<", r, x);
                }
                case "when_null_then" -> {
                    return new WhenNull(r, x);
                }
                default -> {
                    return null;
                }
            }
        }
        if (pos.size() == 2 && (m.equals("is_on_or_between") || m.equals("is_between_but_not_on"))) {
            boolean on = m.equals("is_on_or_between");
            return new And(new Cmp(on ? ">=" : ">", r, compile(pos.get(0))), new Cmp(on ? "<=" : "<", r, compile(pos.get(1))));
        }
        if (!pos.isEmpty()) return null;
        switch (m) {
            case "is_null", "is_not_null" -> {
                return new IsNull(r, m.equals("is_not_null"));
            }
            case "maximum_for_patient", "minimum_for_patient", "sum_for_patient", "mean_for_patient", "count_distinct_for_patient" -> {
                Frame f = frameOf(r);
                if (f == null) return null;
                String kind = switch (m) {
                    case "maximum_for_patient" -> "max";
                    case "minimum_for_patient" -> "min";
                    case "sum_for_patient" -> "sum";
                    case "mean_for_patient" -> "mean";
                    default -> "count_distinct";
                };
                return new Agg(f, kind, r);
            }
            default -> {
                return null;
            }
        }
    }

    /** The frame an event-level expression reads its rows from (the last one met), or null. */
    static Frame frameOf(DummyQuery q) {
        if (q instanceof RowCol rc) return rc.frame();
        if (q instanceof Cmp c) return firstNonNull(frameOf(c.left()), frameOf(c.right()));
        if (q instanceof Arith a) return firstNonNull(frameOf(a.left()), frameOf(a.right()));
        if (q instanceof DateDiff d) return firstNonNull(frameOf(d.left()), frameOf(d.right()));
        if (q instanceof DatePart d) return frameOf(d.date());
        if (q instanceof WhenNull w) return firstNonNull(frameOf(w.value()), frameOf(w.otherwise()));
        if (q instanceof Case cs) {
            for (DummyQuery x : cs.values()) if (frameOf(x) != null) return frameOf(x);
            for (DummyQuery x : cs.conditions()) if (frameOf(x) != null) return frameOf(x);
        }
        return null;
    }

    private static Frame firstNonNull(Frame a, Frame b) {
        return a != null ? a : b;
    }

    private void noteLiteral(DummyQuery col, DummyQuery lit) {
        if (!(col instanceof RowCol rc)) return;
        Set<String> s = literals.computeIfAbsent(rc.frame().table().qualified() + "." + rc.column(), k -> new LinkedHashSet<>());
        if (lit instanceof Const c && c.value() instanceof String v) s.add(v);
        if (lit instanceof ValueSet v && s.size() < 100_000) s.addAll(v.values());
    }

    private DummyQuery fromType(Py.Expr e) {
        EValue v = types.get(e);
        if (v instanceof Lit l) {
            if (l.value() instanceof String || l.value() instanceof Long || l.value() instanceof Double || l.value() instanceof Boolean) return new Const(l.value());
            if (l.kind() == EValue.LitKind.NONE) return new Const(null);
        }
        if (v instanceof Codelist cl) {
            Set<String> codes = codelists.apply(cl);
            if (codes != null) return new ValueSet(codes, cl.path());
        }
        if (v instanceof EValue.Code code && code.value() != null) return new Const(code.value());
        if (v instanceof EValue.Frame f && f.lineage() != null && f.lineage().equals(f.table().qualified())) {
            return new Frame(f.table(), List.of(), List.of(), null, f.table().name());
        }
        if (v instanceof Series s) return new Opaque(s.type(), s.categories(), opaque++);
        if (v == null || v instanceof EValue.Unknown || v instanceof Lit) return new Param(opaque++);
        return new Opaque(null, null, opaque++);
    }
}

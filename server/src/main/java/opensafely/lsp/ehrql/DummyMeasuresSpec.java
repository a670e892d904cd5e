package opensafely.lsp.ehrql;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import opensafely.lsp.dummydata.ColumnSpec;
import opensafely.lsp.dummydata.ColumnType;
import opensafely.lsp.dummydata.Patient;
import opensafely.lsp.dummydata.TableSpec;
import opensafely.lsp.ehrql.DummyQuery.*;
import opensafely.lsp.ehrql.EValue.Binding;
import opensafely.lsp.ehrql.EValue.Lit;
import opensafely.lsp.ehrql.EValue.Measures;
import opensafely.lsp.ehrql.EValue.Series;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.PyTreeBuilder;
import opensafely.lsp.workspace.Document;

/**
 * Dummy output of an ehrQL measures definition (generate-measures): one row per measure × interval × group,
 * with ehrQL's columns {@code measure, interval_start, interval_end, ratio, numerator, denominator}, then every
 * group_by name of any measure (empty where a measure does not group by it). Groups are the categories of each
 * group_by series (a categorical column, a case/when of literals, sex...); numerators never exceed denominators.
 * Only measures whose name and arguments are written at module level are read.
 */
public final class DummyMeasuresSpec {
    private record Measure(String name, List<LocalDate[]> intervals, Map<String, List<Object>> groups) {
        long rows() {
            long n = intervals.size();
            for (List<Object> g : groups.values()) n *= g.size();
            return n;
        }
    }

    private DummyMeasuresSpec() {
    }

    public static DummyDatasetSpec.Result build(Document doc, long seed, LocalDate today) {
        DatasetAnalyzer.Analysis a = new DatasetAnalyzer().compute(doc.path(), doc.text(), doc.folder());
        if (!a.file().syntaxErrors.isEmpty()) return new DummyDatasetSpec.Result(null, "it has a syntax error; run `check` for details");
        boolean hasMeasures = a.globals().values().stream().anyMatch(b -> b.value() instanceof Measures);
        if (!hasMeasures) return new DummyDatasetSpec.Result(null, "it makes no measures (no `measures = create_measures()` at module level)");
        DummyCompiler compiler = new DummyCompiler(a.types(), c -> null, c -> null);
        Map<String, Py.Expr> names = new HashMap<>();
        Map<String, Py.Expr> defaults = new HashMap<>();
        List<Measure> measures = new ArrayList<>();
        LocalDate fallbackStart = LocalDate.of(today.getYear() - 1, 1, 1);
        for (Py.Stmt s : a.file().module.body()) {
            if (s instanceof Py.Assign as && as.targets().size() == 1 && as.targets().get(0) instanceof Py.Name n) {
                names.put(n.id(), as.value());
                compiler.names.put(n.id(), compiler.compile(as.value()));
                continue;
            }
            if (!(s instanceof Py.ExprStmt e && e.value() instanceof Py.Call c && c.func() instanceof Py.Attribute f && a.types().get(f.value()) instanceof Measures)) {
                for (String n : PyTreeBuilder.assigned(List.of(s))) {
                    names.remove(n);
                    compiler.names.remove(n);
                }
                continue;
            }
            Map<String, Py.Expr> args = new LinkedHashMap<>();
            int pos = 0;
            for (Py.Arg arg : c.args()) {
                if (arg.kind() == Py.ArgKind.KEYWORD) args.put(arg.keyword(), arg.value());
                else if (arg.kind() == Py.ArgKind.POSITIONAL && pos < MeasuresCalls.MEASURE_KEYS.size()) {
                    args.put(MeasuresCalls.MEASURE_KEYS.get(f.attr().equals("define_defaults") ? pos + 1 : pos), arg.value());
                    pos++;
                }
            }
            if (f.attr().equals("define_defaults")) defaults.putAll(args);
            if (!f.attr().equals("define_measure")) continue;
            if (!(args.get("name") instanceof Py.Str str) || str.value() == null) continue;
            Py.Expr intervals = args.getOrDefault("intervals", defaults.get("intervals"));
            Py.Expr groupBy = args.getOrDefault("group_by", defaults.get("group_by"));
            Map<String, List<Object>> groups = new LinkedHashMap<>();
            Py.Expr g = resolve(groupBy, names);
            if (g instanceof Py.Dict d) {
                for (Py.DictItem it : d.items()) {
                    if (it.key() instanceof Py.Str k && k.value() != null) groups.put(k.value(), categories(it.value(), a.types(), compiler));
                }
            }
            measures.add(new Measure(str.value(), intervals(resolve(intervals, names), a.types(), names, fallbackStart), groups));
        }
        if (measures.isEmpty()) {
            return new DummyDatasetSpec.Result(null, "no measure is defined at module level with a literal name (measures defined in loops or functions are not read yet)");
        }
        return new DummyDatasetSpec.Result(table(measures, seed), null);
    }

    private static Py.Expr resolve(Py.Expr e, Map<String, Py.Expr> names) {
        for (int i = 0; i < 10 && e instanceof Py.Name n && names.containsKey(n.id()); i++) e = names.get(n.id());
        return e;
    }

    /** The values a group_by series takes: its categories, the literal outcomes of a case, sex's; else two stand-ins. */
    private static List<Object> categories(Py.Expr e, Map<Py.Node, EValue> types, DummyCompiler compiler) {
        EValue v = types.get(e);
        if (v instanceof Series s && s.categories() != null && !s.categories().isEmpty()) {
            return new ArrayList<>(s.type() != null && s.type().equals("int") ? s.categories().stream().map(x -> (Object) parse(x)).toList() : s.categories());
        }
        DummyQuery q = compiler.compile(e);
        if (q instanceof PatientCol pc && pc.column().equals("sex")) return new ArrayList<>(DummyValues.SEXES);
        if (q instanceof Case c) {
            Set<Object> out = new LinkedHashSet<>();
            for (DummyQuery x : c.values()) if (x instanceof Const k && k.value() != null) out.add(k.value());
            if (c.otherwise() instanceof Const k && k.value() != null) out.add(k.value());
            if (!out.isEmpty()) return new ArrayList<>(out);
        }
        String type = v instanceof Series s ? s.type() : null;
        if ("bool".equals(type)) return new ArrayList<>(List.of(true, false));
        if ("int".equals(type)) return new ArrayList<>(List.of(1L, 2L));
        return new ArrayList<>(List.of("group_a", "group_b"));
    }

    private static Object parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return s;
        }
    }

    /** months(n).starting_on(d) / ending_on(d) (weeks, years, quarters, days too); else 12 months from {@code fallback}. */
    private static List<LocalDate[]> intervals(Py.Expr e, Map<Py.Node, EValue> types, Map<String, Py.Expr> names, LocalDate fallback) {
        String unit = "months";
        long n = 12;
        LocalDate at = fallback;
        boolean ending = false;
        if (e instanceof Py.Call c && c.func() instanceof Py.Attribute f && c.args().size() == 1
                && (f.attr().equals("starting_on") || f.attr().equals("ending_on")) && f.value() instanceof Py.Call u && u.func() instanceof Py.Name un
                && u.args().size() == 1) {
            unit = un.id();
            if (types.get(u.args().get(0).value()) instanceof Lit l && l.value() instanceof Long k && k > 0 && k <= 1000) n = k;
            Py.Expr d = resolve(c.args().get(0).value(), names);
            LocalDate date = d instanceof Py.Str s ? DummyValues.date(s.value()) : types.get(c.args().get(0).value()) instanceof Lit l ? DummyValues.date(l.value()) : null;
            if (date != null) at = date;
            ending = f.attr().equals("ending_on");
        }
        List<LocalDate[]> out = new ArrayList<>();
        // starting_on: the first interval starts on the date; ending_on: the last one ends on it.
        LocalDate first = ending ? step(at.plusDays(1), unit, -n) : at;
        for (long i = 0; i < n; i++) out.add(new LocalDate[] {step(first, unit, i), step(first, unit, i + 1).minusDays(1)});
        return out;
    }

    private static LocalDate step(LocalDate d, String unit, long k) {
        return switch (unit) {
            case "days" -> d.plusDays(k);
            case "weeks" -> d.plusWeeks(k);
            case "years" -> d.plusYears(k);
            case "quarters" -> d.plusMonths(3 * k);
            default -> d.plusMonths(k);
        };
    }

    private static TableSpec table(List<Measure> measures, long seed) {
        List<String> groupNames = new ArrayList<>();
        Map<String, ColumnType> groupTypes = new HashMap<>();
        for (Measure m : measures) {
            m.groups().forEach((name, values) -> {
                if (!groupNames.contains(name)) groupNames.add(name);
                Object first = values.get(0);
                groupTypes.putIfAbsent(name, first instanceof Long ? ColumnType.INTEGER : first instanceof Boolean ? ColumnType.BOOLEAN : ColumnType.STRING);
            });
        }
        long[] starts = new long[measures.size() + 1];
        for (int i = 0; i < measures.size(); i++) starts[i + 1] = starts[i] + measures.get(i).rows();
        List<ColumnSpec> cols = new ArrayList<>();
        cols.add(new ColumnSpec("measure", ColumnType.STRING, p -> cell(p, measures, starts).measure.name()));
        cols.add(new ColumnSpec("interval_start", ColumnType.DATE, p -> cell(p, measures, starts).interval[0]));
        cols.add(new ColumnSpec("interval_end", ColumnType.DATE, p -> cell(p, measures, starts).interval[1]));
        cols.add(new ColumnSpec("ratio", ColumnType.FLOAT, p -> counts(p)[1] == 0 ? null : (double) counts(p)[0] / counts(p)[1]));
        cols.add(new ColumnSpec("numerator", ColumnType.INTEGER, p -> counts(p)[0]));
        cols.add(new ColumnSpec("denominator", ColumnType.INTEGER, p -> counts(p)[1]));
        for (String g : groupNames) cols.add(new ColumnSpec(g, groupTypes.get(g), p -> cell(p, measures, starts).groups.get(g)));
        return new TableSpec(cols, starts[measures.size()], seed);
    }

    private record Cell(Measure measure, LocalDate[] interval, Map<String, Object> groups) {
    }

    /** Row i → its measure, interval and group values (groups vary fastest, then intervals, then measures). */
    private static Cell cell(Patient p, List<Measure> measures, long[] starts) {
        return p.shared("measure.cell", q -> {
            long i = q.index();
            int m = 0;
            while (starts[m + 1] <= i) m++;
            Measure me = measures.get(m);
            long r = i - starts[m];
            Map<String, Object> groups = new LinkedHashMap<>();
            List<String> names = new ArrayList<>(me.groups().keySet());
            for (int k = names.size() - 1; k >= 0; k--) {
                List<Object> vals = me.groups().get(names.get(k));
                groups.put(names.get(k), vals.get((int) (r % vals.size())));
                r /= vals.size();
            }
            return new Cell(me, me.intervals().get((int) r), groups);
        });
    }

    /** {numerator, denominator}: a denominator of 0–1000, a numerator never above it. */
    private static long[] counts(Patient p) {
        return p.shared("measure.counts", q -> {
            long den = q.random().nextLong(1001);
            long num = den == 0 ? 0 : q.random().nextLong(den + 1);
            return new long[] {num, den};
        });
    }
}

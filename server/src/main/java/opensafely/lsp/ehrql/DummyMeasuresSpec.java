package opensafely.lsp.ehrql;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
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
import opensafely.lsp.ehrql.EValue.LocalFunc;
import opensafely.lsp.ehrql.EValue.Measures;
import opensafely.lsp.ehrql.EValue.Series;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.PyTreeBuilder;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.pipeline.RunCommand;
import opensafely.lsp.workspace.Document;

/**
 * Dummy output of an ehrQL measures definition (generate-measures): one row per measure × interval × group,
 * with ehrQL's columns {@code measure, interval_start, interval_end, ratio, numerator, denominator}, then every
 * group_by name of any measure (empty where a measure does not group by it). Groups are the categories of each
 * group_by series (a categorical column, a case/when of literals, sex...); numerators never exceed denominators.
 * Measures defined in loops over literal collections and in helper functions are read too ({@link Walk}).
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
        return build(doc, null, seed, today);
    }

    /**
     * @param userArgs the run line's words after {@code --} (the definition's own arguments, read by argparse or
     *                 get_parameter); null: those of the project.yaml action that runs the definition
     */
    public static DummyDatasetSpec.Result build(Document doc, List<String> userArgs, long seed, LocalDate today) {
        if (userArgs == null) userArgs = DummyDataOutput.declaringRun(doc).map(r -> afterDashes(r.args().stream().map(RunCommand.Word::value).toList())).orElse(List.of());
        Map<Py.Node, EValue> inHelpers = new IdentityHashMap<>();
        DatasetAnalyzer.Analysis a = new DatasetAnalyzer().compute(doc.path(), doc.text(), doc.folder(), inHelpers);
        if (!a.file().syntaxErrors.isEmpty()) return new DummyDatasetSpec.Result(null, "it has a syntax error; run `check` for details");
        boolean hasMeasures = a.globals().values().stream().anyMatch(b -> b.value() instanceof Measures);
        if (!hasMeasures) return new DummyDatasetSpec.Result(null, "it makes no measures (no `measures = create_measures()` at module level)");
        Map<Py.Node, EValue> types = new IdentityHashMap<>(a.types());
        types.putAll(inHelpers);
        Walk w = new Walk(types, new DummyCompiler(types, c -> null, c -> null), LocalDate.of(today.getYear() - 1, 1, 1), params(userArgs));
        w.body(a.file().module.body(), a.file(), new HashMap<>());
        if (w.measures.isEmpty()) {
            return new DummyDatasetSpec.Result(null, "no measure is defined with a name this tool can read (define_measure(name=...) at module level,"
                    + " in a loop over a literal list or dict, or in a helper function)");
        }
        return new DummyDatasetSpec.Result(table(w.measures, seed, !DISCLOSURE_CONTROL_OFF.matcher(doc.text()).find()), null);
    }

    /**
     * ehrQL applies disclosure control to measures, dummy ones included, unless the definition turns it off: a count
     * of 7 or fewer becomes 0, then every count is rounded to the nearest 5, and the ratio is computed from those.
     */
    private static final java.util.regex.Pattern DISCLOSURE_CONTROL_OFF =
            java.util.regex.Pattern.compile("\\.configure_disclosure_control\\(\\s*enabled\\s*=\\s*False\\s*\\)");

    static long disclosureControlled(long count) {
        return count <= 7 ? 0 : 5 * Math.round(count / 5.0);
    }

    /**
     * The measures a definition defines, read statement by statement: at module level, in for loops over literal
     * lists, tuples and dicts (each round with the loop's names bound to that round's items), in both branches of an
     * if, and in helper functions (with their parameters bound to the arguments). A name part the model cannot know
     * (an argument read from the command line) is kept as {@code {name}}; a name defined twice is read once.
     */
    private static final class Walk {
        private static final int MAX_DEPTH = 6, MAX_ROUNDS = 1000, MAX_MEASURES = 10_000;
        final Map<Py.Node, EValue> types;
        final DummyCompiler compiler;
        final LocalDate fallbackStart;
        final Map<String, Py.Expr> defaults = new HashMap<>();
        final List<Measure> measures = new ArrayList<>();
        final Set<String> named = new HashSet<>();
        final Map<String, String> params;
        int depth;

        Walk(Map<Py.Node, EValue> types, DummyCompiler compiler, LocalDate fallbackStart, Map<String, String> params) {
            this.types = types;
            this.compiler = compiler;
            this.fallbackStart = fallbackStart;
            this.params = params;
        }

        /**
         * The value the run line gives an argument the definition reads: {@code args.name} of an argparse
         * {@code parse_args()}, or {@code get_parameter("name")} (its default when the run line has none); else null.
         */
        String param(Py.Expr e, Map<String, Py.Expr> names) {
            e = resolve(e, names);
            if (e instanceof Py.Attribute a && resolve(a.value(), names) instanceof Py.Call c && c.func() instanceof Py.Attribute f
                    && f.attr().equals("parse_args")) {
                return params.get(a.attr());
            }
            if (e instanceof Py.Call c && c.func() instanceof Py.Name f && f.id().equals("get_parameter")) {
                Py.Expr name = null, dflt = null;
                for (Py.Arg a : c.args()) {
                    if (a.kind() == Py.ArgKind.POSITIONAL && name == null) name = a.value();
                    else if (a.kind() == Py.ArgKind.KEYWORD && a.keyword().equals("name")) name = a.value();
                    else if (a.kind() == Py.ArgKind.KEYWORD && a.keyword().equals("default")) dflt = a.value();
                }
                if (name instanceof Py.Str s && s.value() != null && params.containsKey(s.value())) return params.get(s.value());
                if (dflt instanceof Py.Str s) return s.value();
                if (dflt instanceof Py.Num k) return k.integer() ? String.valueOf((long) k.value()) : String.valueOf(k.value());
            }
            return null;
        }

        void body(List<Py.Stmt> body, SourceFile file, Map<String, Py.Expr> names) {
            for (Py.Stmt s : body) {
                if (measures.size() >= MAX_MEASURES) return;
                try {
                    stmt(s, file, names);
                } catch (RuntimeException | StackOverflowError e) {
                    for (String n : PyTreeBuilder.assigned(List.of(s))) names.remove(n);
                }
            }
        }

        private void stmt(Py.Stmt s, SourceFile file, Map<String, Py.Expr> names) {
            if (s instanceof Py.Assign as && as.targets().size() == 1 && as.targets().get(0) instanceof Py.Name n) {
                names.put(n.id(), resolve(as.value(), names));
                if (depth == 0) compiler.names.put(n.id(), compiler.compile(as.value()));
            } else if (s instanceof Py.ExprStmt e && e.value() instanceof Py.Call c && c.func() instanceof Py.Attribute f && types.get(f.value()) instanceof Measures) {
                measuresCall(f.attr(), c, names);
            } else if (s instanceof Py.ExprStmt e && e.value() instanceof Py.Call c && types.get(c.func()) instanceof LocalFunc lf) {
                helper(lf, c, file, names);
            } else if (s instanceof Py.For f) {
                List<Py.Expr> items = items(resolve(f.iter(), names), names);
                Set<String> targets = new LinkedHashSet<>(PyTreeBuilder.namesIn(f.target()));
                for (int i = 0; items != null && i < items.size() && i < MAX_ROUNDS; i++) {
                    bind(f.target(), items.get(i), names);
                    body(f.body(), file, names);
                }
                for (String n : PyTreeBuilder.assigned(f.body())) names.remove(n);
                for (String n : targets) names.remove(n);
            } else if (s instanceof Py.If i) {
                // Which branch runs may depend on arguments; both are read (a name defined in both is read once).
                Map<String, Py.Expr> other = new HashMap<>(names);
                body(i.body(), file, names);
                body(i.orElse(), file, other);
                for (String n : PyTreeBuilder.assigned(i.orElse())) names.remove(n);
                for (String n : PyTreeBuilder.assigned(i.body())) names.remove(n);
            } else if (s instanceof Py.Block b) {
                body(b.body(), file, names);
            } else {
                for (String n : PyTreeBuilder.assigned(List.of(s))) {
                    names.remove(n);
                    if (depth == 0) compiler.names.remove(n);
                }
            }
        }

        /** A helper function's body, its parameters bound to the caller's argument expressions. */
        private void helper(LocalFunc lf, Py.Call c, SourceFile file, Map<String, Py.Expr> names) {
            if (depth >= MAX_DEPTH) return;
            List<Py.Param> params = lf.def().params();
            // A helper of this file sees the module's names; one of a sibling module sees none of this file's.
            Map<String, Py.Expr> local = lf.file() == file ? new HashMap<>(names) : new HashMap<>();
            int pos = 0;
            for (Py.Param p : params) if (p.defaultValue() != null) local.put(p.name(), p.defaultValue());
            for (Py.Arg a : c.args()) {
                if (a.kind() == Py.ArgKind.POSITIONAL) {
                    while (pos < params.size() && params.get(pos).kind() != Py.ArgKind.POSITIONAL) pos++;
                    if (pos < params.size()) local.put(params.get(pos++).name(), resolve(a.value(), names));
                } else if (a.kind() == Py.ArgKind.KEYWORD) {
                    local.put(a.keyword(), resolve(a.value(), names));
                } else {
                    return; // *args / **kwargs: the parameters are not known
                }
            }
            depth++;
            try {
                body(lf.def().body(), lf.file(), local);
            } finally {
                depth--;
            }
        }

        private void measuresCall(String method, Py.Call c, Map<String, Py.Expr> names) {
            Map<String, Py.Expr> args = new LinkedHashMap<>();
            int pos = 0;
            for (Py.Arg arg : c.args()) {
                if (arg.kind() == Py.ArgKind.KEYWORD) args.put(arg.keyword(), resolve(arg.value(), names));
                else if (arg.kind() == Py.ArgKind.POSITIONAL && pos < MeasuresCalls.MEASURE_KEYS.size()) {
                    args.put(MeasuresCalls.MEASURE_KEYS.get(method.equals("define_defaults") ? pos + 1 : pos), resolve(arg.value(), names));
                    pos++;
                }
            }
            if (method.equals("define_defaults")) defaults.putAll(args);
            if (!method.equals("define_measure") || args.get("name") == null) return;
            String name = string(args.get("name"), names, 0);
            if (name == null || !named.add(name)) return;
            Py.Expr intervals = args.getOrDefault("intervals", defaults.get("intervals"));
            Py.Expr groupBy = args.getOrDefault("group_by", defaults.get("group_by"));
            Map<String, List<Object>> groups = new LinkedHashMap<>();
            if (resolve(groupBy, names) instanceof Py.Dict d) {
                for (Py.DictItem it : d.items()) {
                    String key = it.key() == null ? null : string(it.key(), names, 0);
                    if (key != null) groups.put(key, categories(resolve(it.value(), names), types, compiler));
                }
            }
            measures.add(new Measure(name, intervals(resolve(intervals, names), types, names, fallbackStart, x -> {
                String given = param(x, names);
                return given != null ? given : string(x, names, 0); // an f-string date of a loop's year
            }), groups));
        }

        /** The items a for loop goes over, when the model knows them: a literal list, tuple, set, dict (or its keys, values, items), range(n). */
        private List<Py.Expr> items(Py.Expr iter, Map<String, Py.Expr> names) {
            if (iter instanceof Py.Seq seq) return seq.elements();
            if (iter instanceof Py.Dict d) return d.items().stream().map(Py.DictItem::key).toList();
            if (iter instanceof Py.Call c && c.args().isEmpty() && c.func() instanceof Py.Attribute f && resolve(f.value(), names) instanceof Py.Dict d) {
                List<Py.Expr> out = new ArrayList<>();
                for (Py.DictItem it : d.items()) {
                    if (it.key() == null) return null; // **other: not all items known
                    switch (f.attr()) {
                        case "keys" -> out.add(it.key());
                        case "values" -> out.add(it.value());
                        case "items" -> out.add(new Py.Seq(Py.SeqKind.TUPLE, List.of(it.key(), it.value()), it.key().start(), it.value().end()));
                        default -> {
                            return null;
                        }
                    }
                }
                return out;
            }
            // A collection the evaluator knows completely (one imported from a sibling module): its values, each
            // stood for by a node of its own whose value is recorded, so names and group categories read as usual.
            if (iter instanceof Py.Call c && c.args().isEmpty() && c.func() instanceof Py.Attribute f && types.get(f.value()) instanceof EValue.DictLit d && d.complete()) {
                List<Py.Expr> out = new ArrayList<>();
                for (int i = 0; i < d.keys().size(); i++) {
                    Py.Expr k = stand(d.keys().get(i), c), v = stand(d.values().get(i), c);
                    switch (f.attr()) {
                        case "keys" -> out.add(k);
                        case "values" -> out.add(v);
                        case "items" -> out.add(new Py.Seq(Py.SeqKind.TUPLE, List.of(k, v), c.start(), c.end()));
                        default -> {
                            return null;
                        }
                    }
                }
                return out;
            }
            if (types.get(iter) instanceof EValue.DictLit d && d.complete()) return d.keys().stream().map(k -> stand(k, iter)).toList();
            if (types.get(iter) instanceof EValue.ListLit l && l.complete()) return l.items().stream().map(k -> stand(k, iter)).toList();
            if (iter instanceof Py.Call c && c.func() instanceof Py.Name n && n.id().equals("range") && c.args().size() == 1
                    && resolve(c.args().get(0).value(), names) instanceof Py.Num k && k.integer() && k.value() >= 0) {
                List<Py.Expr> out = new ArrayList<>();
                for (long i = 0; i < Math.min(k.value(), MAX_ROUNDS); i++) out.add(new Py.Num(i, true, c.start(), c.end()));
                return out;
            }
            return null;
        }

        /** A node standing for a value the evaluator knows (an item of an imported collection). */
        private Py.Expr stand(EValue v, Py.Node at) {
            if (v instanceof Lit l && l.value() instanceof String str) return new Py.Str(str, null, -1, at.start(), at.end());
            if (v instanceof Lit l && l.value() instanceof Long k) return new Py.Num(k, true, at.start(), at.end());
            Py.Expr n = new Py.Name("<item>", at.start(), at.end());
            types.put(n, v);
            return n;
        }

        /** Binds a loop target (a name, or a tuple of names) to one item; a name whose value is not known is forgotten. */
        private void bind(Py.Expr target, Py.Expr item, Map<String, Py.Expr> names) {
            if (target instanceof Py.Name n) {
                names.put(n.id(), item);
            } else if (target instanceof Py.Seq t && resolve(item, names) instanceof Py.Seq v && v.elements().size() == t.elements().size()) {
                for (int i = 0; i < t.elements().size(); i++) bind(t.elements().get(i), v.elements().get(i), names);
            } else {
                for (String n : PyTreeBuilder.namesIn(target)) names.remove(n);
            }
        }

        /**
         * A measure or group name: a literal, an f-string, a + of strings, a name bound to one; a part the model
         * cannot know is written {@code {name}}, as the source names it.
         */
        private String string(Py.Expr e, Map<String, Py.Expr> names, int depth) {
            if (e == null || depth > 20) return null;
            String given = param(e, names);
            if (given != null) return given;
            if (e instanceof Py.Name n) {
                Py.Expr bound = names.get(n.id());
                if (bound != null && bound != e && (bound instanceof Py.Str || bound instanceof Py.Num || bound instanceof Py.BinOp || bound instanceof Py.Name
                        || bound instanceof Py.Seq)) {
                    return string(bound, names, depth + 1);
                }
                return types.get(e) instanceof Lit l && l.value() instanceof String v ? v : "{" + n.id() + "}";
            }
            if (e instanceof Py.Str s) {
                if (!s.fString()) return s.value();
                StringBuilder b = new StringBuilder();
                for (Py.FPart p : s.parts()) {
                    if (p.literal() != null) b.append(p.literal());
                    if (p.field() != null) b.append(string(p.field(), names, depth + 1));
                }
                return b.toString();
            }
            if (e instanceof Py.Num k) return k.integer() ? String.valueOf((long) k.value()) : String.valueOf(k.value());
            if (e instanceof Py.BinOp b && b.op().equals("+")) return string(b.left(), names, depth + 1) + string(b.right(), names, depth + 1);
            if (e instanceof Py.Call c && c.func() instanceof Py.Name f && f.id().equals("str") && c.args().size() == 1) return string(c.args().get(0).value(), names, depth + 1);
            if (e instanceof Py.Attribute at) return "{" + dotted(at) + "}";
            return "{?}";
        }

        private static String dotted(Py.Expr e) {
            if (e instanceof Py.Name n) return n.id();
            if (e instanceof Py.Attribute a) return dotted(a.value()) + "." + a.attr();
            return "?";
        }
    }

    private static Long parseLong(String s) {
        try {
            return s == null ? null : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The words after {@code --} of a run line: the definition's own arguments. */
    static List<String> afterDashes(List<String> words) {
        int i = words.indexOf("--");
        return i < 0 ? List.of() : words.subList(i + 1, words.size());
    }

    /** {@code --name value} / {@code --name=value} pairs (argparse's dest spelling too: dashes as underscores). */
    static Map<String, String> params(List<String> words) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (!w.startsWith("--") || w.length() == 2) continue;
            String key = w.substring(2), value = null;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < words.size() && !words.get(i + 1).startsWith("--")) {
                value = words.get(++i);
            }
            if (value == null) continue;
            out.putIfAbsent(key, value);
            out.putIfAbsent(key.replace('-', '_'), value);
        }
        return out;
    }

    private static Py.Expr resolve(Py.Expr e, Map<String, Py.Expr> names) {
        for (int i = 0; i < 10 && e instanceof Py.Name n && names.containsKey(n.id()) && names.get(n.id()) != null; i++) e = names.get(n.id());
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
    private static List<LocalDate[]> intervals(Py.Expr e, Map<Py.Node, EValue> types, Map<String, Py.Expr> names, LocalDate fallback,
                                               java.util.function.Function<Py.Expr, String> param) {
        String unit = "months";
        long n = 12;
        LocalDate at = fallback;
        boolean ending = false;
        if (e instanceof Py.Call c && c.func() instanceof Py.Attribute f && c.args().size() == 1
                && (f.attr().equals("starting_on") || f.attr().equals("ending_on")) && f.value() instanceof Py.Call u && u.func() instanceof Py.Name un
                && u.args().size() == 1) {
            unit = un.id();
            Py.Expr count = u.args().get(0).value();
            Long k = types.get(count) instanceof Lit l && l.value() instanceof Long x ? x : resolve(count, names) instanceof Py.Num x && x.integer() ? (Long) (long) x.value()
                    : parseLong(param.apply(count));
            if (k != null && k > 0 && k <= 1000) n = k;
            Py.Expr d = resolve(c.args().get(0).value(), names);
            String given = param.apply(c.args().get(0).value());
            LocalDate date = d instanceof Py.Str s && !s.fString() ? DummyValues.date(s.value()) : null;
            if (date == null && types.get(c.args().get(0).value()) instanceof Lit l) date = DummyValues.date(l.value());
            if (date == null && given != null) date = DummyValues.date(given);
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

    private static TableSpec table(List<Measure> measures, long seed, boolean disclosureControl) {
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
        cols.add(new ColumnSpec("ratio", ColumnType.FLOAT, p -> counts(p, disclosureControl)[1] == 0 ? null : (double) counts(p, disclosureControl)[0] / counts(p, disclosureControl)[1]));
        cols.add(new ColumnSpec("numerator", ColumnType.INTEGER, p -> counts(p, disclosureControl)[0]));
        cols.add(new ColumnSpec("denominator", ColumnType.INTEGER, p -> counts(p, disclosureControl)[1]));
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

    /** {numerator, denominator}: a denominator of 0–1000, a numerator never above it (rounding keeps that order). */
    private static long[] counts(Patient p, boolean disclosureControl) {
        return p.shared("measure.counts", q -> {
            long den = q.random().nextLong(1001);
            long num = den == 0 ? 0 : q.random().nextLong(den + 1);
            return disclosureControl ? new long[] {disclosureControlled(num), disclosureControlled(den)} : new long[] {num, den};
        });
    }
}

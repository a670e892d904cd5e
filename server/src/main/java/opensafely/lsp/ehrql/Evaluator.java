package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.EValue.UNKNOWN;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import opensafely.lsp.codelists.CodelistCsvFiles;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.PyTreeBuilder;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.workspace.StudyFolder;

/**
 * Runs a dataset or measures definition in the mind: statement by statement, tracking what each name holds
 * (tables, frames, series with their value type and level, codelists, the dataset...). It follows sibling
 * modules and helper functions, never imports or runs anything, and reports through {@link Findings} only
 * where every value involved is known.
 *
 * <p>This class is the tree walk and its state (scopes, branch depth, helper-function calls); what a construct
 * means is left to one part per kind: {@link Imports}, {@link Attributes}, {@link Operators},
 * {@link FrameMethods}, {@link SeriesMethods}, {@link EhrqlFunctions}, {@link DatasetCalls},
 * {@link MeasuresCalls} and {@link HelperCalls} (the file's own functions, followed per call), with {@link TypeChecks} and {@link Descriptions} shared between them.
 */
final class Evaluator {
    /** Local modules, loaded once per analysis. */
    interface Modules {
        /** The names a module binds, or null when it cannot be found or is being loaded (an import cycle). */
        Map<String, Binding> load(SourceFile from, String module, int level);
    }

    final Schema schema = Schema.get();
    final SourceFile file;
    final Findings out;
    final Modules modules;
    final StudyFolder folder;
    final CodelistCsvFiles csvs;
    /** Value of each expression of the checked document (for hover and completion). */
    final Map<Py.Node, EValue> types;
    final Map<String, Binding> globals = new LinkedHashMap<>();
    /** A star import of a module that was not followed: any name may be bound by it. */
    boolean namesOpen;
    /** A NameError was reported: module-level code after it never runs. */
    boolean nameError;
    /** Not a Python name: the key under which a module's names say that they may be incomplete (namesOpen). */
    static final String OPEN_NAMES = " open";
    /** Bodies of the module's functions, checked once the module has run. */
    private final List<Runnable> bodies = new ArrayList<>();
    /** Non-zero while a function body is checked with unknown parameters (not while a call is followed). */
    private int bodyPass;
    /** Measures calls whose missing arguments can only be judged at the end (after define_defaults). */
    final List<Runnable> atEnd = new ArrayList<>();
    /** Depth of loops, branches and function bodies: code there may run more than once or not at all. */
    int conditional;
    /** Depth of if/else branches: findings there are about code that may not run, so they are warnings. */
    int branches;
    /** The expression a module-level name was last set to by a plain assignment (for the population's NULL test). */
    private final Map<String, Defined> definedBy = new HashMap<>();

    /** A plain module-level assignment: the binding it made and the expression. */
    private record Defined(Binding binding, Py.Expr expr) {
    }

    /** The expression a module-level name holds now, if a plain assignment set it and nothing has rebound it since. */
    Py.Expr definition(String name) {
        Defined d = definedBy.get(name);
        return d != null && globals.get(name) == d.binding() ? d.expr() : null;
    }
    int depth;
    /**
     * Null, or (for dummy data, which follows helper calls) the value of each node evaluated inside a helper call,
     * in any module; the first call's value is kept.
     */
    Map<Py.Node, EValue> helperTypes;
    /** The return values seen while a helper function is run for one call. */
    List<EValue> returns;

    // What each kind of construct means, one part per kind. Each evaluator has its own parts, bound to it: they
    // report in its file with its branch severity, and read its state (conditional, definition, atEnd).
    private final Imports imports;
    final TypeChecks checks;
    private final Attributes attributes;
    private final Operators operators;
    private final FrameMethods frameMethods;
    private final SeriesMethods seriesMethods;
    final DatasetCalls datasetCalls;
    private final MeasuresCalls measuresCalls;
    private final EhrqlFunctions functions;
    private final HelperCalls helperCalls;

    Evaluator(SourceFile file, Findings out, Modules modules, StudyFolder folder, CodelistCsvFiles csvs, Map<Py.Node, EValue> types) {
        this.file = file;
        this.out = out;
        this.modules = modules;
        this.folder = folder;
        this.csvs = csvs;
        this.types = types;
        // In this order: later parts take the checks and dataset calls they share from this evaluator.
        this.imports = new Imports(this);
        this.checks = new TypeChecks(this);
        this.attributes = new Attributes(this);
        this.operators = new Operators(this);
        this.frameMethods = new FrameMethods(this);
        this.seriesMethods = new SeriesMethods(this);
        this.datasetCalls = new DatasetCalls(this);
        this.measuresCalls = new MeasuresCalls(this);
        this.functions = new EhrqlFunctions(this);
        this.helperCalls = new HelperCalls(this);
    }

    Map<String, Binding> run() {
        exec(file.module.body(), globals);
        // By index: a body's nested functions join the list while it runs.
        for (int i = 0; i < bodies.size() && i < 500; i++) {
            try {
                bodies.get(i).run();
            } catch (RuntimeException | StackOverflowError e) {
                // one odd function must not stop the rest
            }
        }
        atEnd.add(imports::permissions);
        for (Runnable r : atEnd) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // one odd measure must not stop the rest
            }
        }
        return globals;
    }

    // -------------------------------------------------------------------------------- reporting

    void report(Rule rule, int start, int end, String message, Fix... fixes) {
        out.report(rule, severity(rule), file, start, end, message, fixes);
    }

    void report(Rule rule, Py.Node n, String message, Fix... fixes) {
        out.report(rule, severity(rule), file, n.start(), n.end(), message, fixes);
    }

    void reportIn(Rule rule, SourceFile f, int start, int end, String message, Fix... fixes) {
        out.report(rule, severity(rule), f, start, end, message, fixes);
    }

    /** In an if/else branch the code may never run: what would fail there is a warning, not an error. */
    private Severity severity(Rule rule) {
        Severity s = rule.defaultSeverity();
        return branches > 0 && s == Severity.ERROR ? Severity.WARNING : s;
    }

    void reportSeverity(Rule rule, Severity s, int start, int end, String message) {
        out.report(rule, s, file, start, end, message);
    }

    Origin origin(Py.Node n) {
        return Origin.of(file, n);
    }

    // ------------------------------------------------------------------------------- statements

    void exec(List<Py.Stmt> body, Map<String, Binding> scope) {
        for (Py.Stmt s : body) {
            try {
                stmt(s, scope);
            } catch (RuntimeException | StackOverflowError e) {
                // A construct not foreseen: the names it binds become unknown, the rest goes on.
                for (String n : PyTreeBuilder.assigned(List.of(s))) scope.put(n, new Binding(UNKNOWN, null));
            }
        }
    }

    private void stmt(Py.Stmt s, Map<String, Binding> scope) {
        if (s instanceof Py.ImportFrom i) imports.importFrom(i, scope);
        else if (s instanceof Py.Import i) {
            for (Py.Alias a : i.names()) {
                String top = a.name().split("\\.")[0];
                EValue v = a.asName() != null ? imports.moduleValue(a.name(), i) : imports.moduleValue(top, i);
                scope.put(a.asName() != null ? a.asName() : top, new Binding(v, new Origin(file, a.start(), a.end())));
            }
        } else if (s instanceof Py.Assign a) {
            EValue v = eval(a.value(), scope);
            for (Py.Expr t : a.targets()) assign(t, v, a.value(), scope);
        } else if (s instanceof Py.AugAssign a) {
            EValue v = eval(a.value(), scope);
            EValue old = eval(a.target(), scope);
            String op = a.op().substring(0, a.op().length() - 1);
            EValue r = operators.binop(op, old, v, a.target(), a.value(), a);
            if (a.target() instanceof Py.Name n) scope.put(n.id(), new Binding(r, origin(n)));
        } else if (s instanceof Py.ExprStmt e) {
            eval(e.value(), scope);
        } else if (s instanceof Py.FuncDef f) {
            scope.put(f.name(), new Binding(new LocalFunc(f, file, globalsOf(scope)), new Origin(file, f.nameStart(), f.nameEnd())));
            // The body is checked once with unknown parameters: what it says regardless of them is still said. It
            // runs after the module, with the names the module ends with (as a call later in the file would see).
            // A function nested in one being checked so is checked too, seeing the enclosing function's names.
            if ((depth == 0 || bodyPass > 0) && !out.muted()) {
                Map<String, Binding> globalScope = depth == 0 ? globalsOf(scope) : scope;
                bodies.add(() -> {
                    bodyPass++;
                    Map<String, Binding> local = new Scope(globalScope);
                    for (Py.Param p : f.params()) local.put(p.name(), new Binding(UNKNOWN, null));
                    conditional++;
                    depth++;
                    List<EValue> saved = returns;
                    returns = new ArrayList<>();
                    try {
                        exec(f.body(), local);
                    } finally {
                        returns = saved;
                        depth--;
                        conditional--;
                        bodyPass--;
                    }
                });
            }
        } else if (s instanceof Py.For f) {
            eval(f.iter(), scope);
            for (String n : PyTreeBuilder.namesIn(f.target())) scope.put(n, new Binding(UNKNOWN, origin(f.target())));
            conditional++;
            try {
                Map<String, Binding> before = new HashMap<>(scope);
                exec(f.body(), scope);
                // After a loop a name holds what the last round gave; unknown when that differs from before.
                for (String n : PyTreeBuilder.assigned(f.body())) {
                    Binding b = scope.get(n), old = before.get(n);
                    if (old != null && b != null && !Objects.equals(old.value(), b.value())) scope.put(n, new Binding(UNKNOWN, b.defined()));
                }
            } finally {
                conditional--;
            }
        } else if (s instanceof Py.If i) {
            EValue test = eval(i.test(), scope);
            if (test instanceof Series) {
                report(Rule.EHRQL_PYTHON_BOOLEAN, i.test(), "An ehrQL series has no single True/False value, so `if` cannot test it. "
                        + "Build the condition into the query with case(when(...).then(...)) or where(...).");
            }
            if (test instanceof Lit l && l.kind() == LitKind.BOOL && l.value() instanceof Boolean taken) {
                // Decided (`x is None` with x known): only that way runs, as surely as the if statement itself.
                exec(taken ? i.body() : i.orElse(), scope);
                return;
            }
            conditional++;
            branches++;
            try {
                Map<String, Binding> before = new HashMap<>(scope);
                exec(i.body(), scope);
                Map<String, Binding> afterBody = new HashMap<>(scope);
                scope.clear();
                scope.putAll(before);
                exec(i.orElse(), scope);
                Set<String> names = new LinkedHashSet<>(PyTreeBuilder.assigned(i.body()));
                names.addAll(PyTreeBuilder.assigned(i.orElse()));
                for (String n : names) {
                    Binding a = afterBody.get(n), b = scope.get(n);
                    if (a == null) continue;
                    if (b == null || !Objects.equals(a.value(), b.value())) {
                        scope.put(n, new Binding(b == null && !before.containsKey(n) ? a.value() : b == null ? UNKNOWN : eitherFrame(a.value(), b.value()), a.defined()));
                    }
                }
            } finally {
                branches--;
                conditional--;
            }
        } else if (s instanceof Py.Block b) {
            exec(b.body(), scope);
        } else if (s instanceof Py.Return r) {
            EValue v = r.value() == null ? new Lit(LitKind.NONE, null, origin(r)) : eval(r.value(), scope);
            if (returns != null) returns.add(v);
        } else if (s instanceof Py.OtherStmt o) {
            for (String n : o.assigned()) scope.put(n, new Binding(UNKNOWN, null));
        }
    }

    /**
     * What a name holds after an undecided if when each way gave it a frame of the same table (a helper's optional
     * `where`): that table's frame, whose columns and methods are the same either way; else unknown. Lenient where the
     * ways differ: sorted if either is, table methods only if both have them.
     */
    static EValue eitherFrame(EValue a, EValue b) {
        if (a instanceof Frame x && b instanceof Frame y && x.table() != null && y.table() != null
                && x.table().qualified().equals(y.table().qualified()) && x.event() == y.event()) {
            String lineage = Objects.equals(x.lineage(), y.lineage()) ? x.lineage() : x.lineage() + "|" + y.lineage();
            return new Frame(x.table(), x.event(), x.sorted() || y.sorted(), x.tableMethods() && y.tableMethods(), lineage);
        }
        return UNKNOWN;
    }

    /** Function bodies see the module's names through a scope of their own. */
    static final class Scope extends LinkedHashMap<String, Binding> {
        final Map<String, Binding> parent;

        Scope(Map<String, Binding> parent) {
            this.parent = parent;
        }

        @Override
        public Binding get(Object key) {
            Binding b = super.get(key);
            return b != null ? b : parent.get(key);
        }
    }

    private static Map<String, Binding> globalsOf(Map<String, Binding> scope) {
        return scope instanceof Scope s ? globalsOf(s.parent) : scope;
    }

    // ------------------------------------------------------------------------------ assignment

    private void assign(Py.Expr target, EValue v, Py.Expr valueNode, Map<String, Binding> scope) {
        if (target instanceof Py.Name n) {
            Binding b = new Binding(v, origin(n));
            scope.put(n.id(), b);
            if (scope == globals && conditional == 0 && depth == 0 && valueNode != null) definedBy.put(n.id(), new Defined(b, valueNode));
        } else if (target instanceof Py.Attribute a) {
            EValue obj = eval(a.value(), scope);
            if (obj instanceof Dataset d) {
                datasetCalls.setColumn(d, a.attr(), a.attrStart(), a.end(), v, valueNode);
            } else if (obj instanceof Frame f) {
                // Python lets code hang its own attributes on a frame object; reading them back gives the value.
                attributes.setOnFrame(f, a.attr(), v);
            }
        } else if (target instanceof Py.Seq s) {
            if (v instanceof ListLit l && l.complete() && l.items().size() == s.elements().size()) {
                for (int k = 0; k < s.elements().size(); k++) assign(s.elements().get(k), l.items().get(k), valueNode, scope);
            } else {
                for (Py.Expr e : s.elements()) assign(e, UNKNOWN, valueNode, scope);
            }
        } else if (target instanceof Py.Starred st) {
            assign(st.value(), UNKNOWN, valueNode, scope);
        } else if (target instanceof Py.Subscript sub) {
            eval(sub.value(), scope);
        }
    }

    // ------------------------------------------------------------------------------ expressions

    EValue eval(Py.Expr e, Map<String, Binding> scope) {
        if (e == null) return UNKNOWN;
        EValue v;
        try {
            v = eval0(e, scope);
        } catch (RuntimeException ex) {
            v = UNKNOWN;
        }
        if (v == null) v = UNKNOWN;
        record(e, v);
        return v;
    }

    private EValue eval0(Py.Expr e, Map<String, Binding> scope) {
        if (e instanceof Py.Name n) {
            Binding b = scope.get(n.id());
            if (b != null) return b.value();
            UndefinedNames.check(this, n, scope == globals && conditional == 0 && depth == 0);
            return switch (n.id()) {
                case "abs", "setattr", "getattr", "len", "print", "list", "str", "int", "float", "sorted", "dict", "tuple", "set", "object" -> new Func("builtin." + n.id());
                default -> UNKNOWN;
            };
        }
        if (e instanceof Py.Str s) {
            if (s.fString()) {
                for (Py.FPart p : s.parts()) if (p.field() != null) eval(p.field(), scope);
                return new Lit(LitKind.STR, null, origin(s));
            }
            return new Lit(LitKind.STR, s.value(), origin(s));
        }
        if (e instanceof Py.Num n) {
            return n.integer() ? new Lit(LitKind.INT, (long) n.value(), origin(n)) : new Lit(LitKind.FLOAT, n.value(), origin(n));
        }
        if (e instanceof Py.Const c) {
            return switch (c.kind()) {
                case TRUE -> new Lit(LitKind.BOOL, true, origin(c));
                case FALSE -> new Lit(LitKind.BOOL, false, origin(c));
                case NONE -> new Lit(LitKind.NONE, null, origin(c));
                default -> UNKNOWN;
            };
        }
        if (e instanceof Py.Seq s) {
            List<EValue> items = new ArrayList<>();
            boolean complete = true;
            for (Py.Expr x : s.elements()) {
                if (x instanceof Py.Starred st) {
                    EValue inner = eval(st.value(), scope);
                    if (inner instanceof ListLit l && l.complete()) items.addAll(l.items());
                    else complete = false;
                } else items.add(eval(x, scope));
            }
            return new ListLit(items, s.kind() == Py.SeqKind.TUPLE, complete, origin(s));
        }
        if (e instanceof Py.Dict d) {
            List<EValue> keys = new ArrayList<>(), values = new ArrayList<>();
            boolean complete = true;
            for (Py.DictItem it : d.items()) {
                if (it.key() == null) {
                    eval(it.value(), scope);
                    complete = false;
                } else {
                    keys.add(eval(it.key(), scope));
                    values.add(eval(it.value(), scope));
                }
            }
            return new DictLit(keys, values, complete, origin(d));
        }
        if (e instanceof Py.Attribute a) return attributes.attribute(eval(a.value(), scope), a, false);
        if (e instanceof Py.Call c) return call(c, scope);
        if (e instanceof Py.BinOp b) {
            EValue l = eval(b.left(), scope), r = eval(b.right(), scope);
            return operators.binop(b.op(), l, r, b.left(), b.right(), b);
        }
        if (e instanceof Py.BitOp b) {
            EValue l = eval(b.left(), scope), r = eval(b.right(), scope);
            if (b.op().equals("&")) return operators.binop("&", l, r, b.left(), b.right(), b);
            return UNKNOWN;
        }
        if (e instanceof Py.Unary u) return operators.unary(u, eval(u.operand(), scope));
        if (e instanceof Py.Not n) {
            EValue v = eval(n.operand(), scope);
            if (v instanceof Series) {
                int after = n.start() + 3;
                while (after < n.end() && Character.isWhitespace(file.text.charAt(after))) after++;
                report(Rule.EHRQL_PYTHON_BOOLEAN, n.start(), n.start() + 3, "Python's `not` cannot be used with an ehrQL series: use `~` instead.",
                        Fix.replace("Change to '~'", file.range(n.start(), after), "~"));
                return UNKNOWN;
            }
            return v instanceof Unknown ? UNKNOWN : new Lit(LitKind.BOOL, null, origin(n));
        }
        if (e instanceof Py.BoolOp b) {
            List<EValue> vs = b.values().stream().map(x -> eval(x, scope)).toList();
            // Python asks every operand but the last for its truth value (the last is returned as it is).
            if (vs.subList(0, vs.size() - 1).stream().anyMatch(v -> v instanceof Series)) {
                String repl = b.op().equals("and") ? "&" : "|";
                report(Rule.EHRQL_PYTHON_BOOLEAN, b.opStart(), b.opStart() + b.op().length(), "Python's `" + b.op()
                        + "` cannot be used with ehrQL series: use `" + repl + "`, with parentheses around each comparison.",
                        Fix.replace("Change to '" + repl + "'", file.range(b.opStart(), b.opStart() + b.op().length()), repl));
                return UNKNOWN;
            }
            return UNKNOWN;
        }
        if (e instanceof Py.Compare c) return operators.compare(c, scope);
        if (e instanceof Py.Cond c) {
            EValue t = eval(c.test(), scope);
            if (t instanceof Series) {
                report(Rule.EHRQL_PYTHON_BOOLEAN, c.test(), "A conditional expression (`x if cond else y`) cannot test an ehrQL series: use case(when(cond).then(x), otherwise=y).");
            }
            EValue a = eval(c.then(), scope), b = eval(c.otherwise(), scope);
            return Objects.equals(a, b) ? a : UNKNOWN;
        }
        if (e instanceof Py.Subscript s) {
            EValue v = eval(s.value(), scope);
            EValue k = eval(s.index(), scope);
            if (v instanceof DictLit d && d.complete() && k instanceof Lit kl && kl.value() != null) {
                for (int i = 0; i < d.keys().size(); i++) {
                    if (d.keys().get(i) instanceof Lit dk && kl.value().equals(dk.value())) return d.values().get(i);
                }
            }
            if (v instanceof ListLit l && l.complete() && k instanceof Lit kl && kl.kind() == LitKind.INT && kl.value() != null) {
                int i = (int) (long) (Long) kl.value();
                if (i < 0) i += l.items().size();
                if (i >= 0 && i < l.items().size()) return l.items().get(i);
            }
            return UNKNOWN;
        }
        return UNKNOWN; // comprehensions, lambdas...
    }

    // ------------------------------------------------------------------------------------ calls

    private EValue call(Py.Call c, Map<String, Binding> scope) {
        EValue callee;
        if (c.func() instanceof Py.Attribute a) {
            EValue recv = eval(a.value(), scope);
            callee = attributes.attribute(recv, a, true);
            record(a, callee);
        } else {
            callee = eval(c.func(), scope);
        }
        List<ArgV> args = new ArrayList<>();
        for (Py.Arg a : c.args()) args.add(new ArgV(a, eval(a.value(), scope)));
        if (callee instanceof Method m) {
            if (m.receiver() instanceof Frame f) return frameMethods.frameCall(f, m.name(), args, c);
            if (m.receiver() instanceof Series s) return seriesMethods.seriesCall(s, m.name(), args, c);
            if (m.receiver() instanceof Dataset d) return datasetCalls.datasetCall(d, m.name(), args, c);
            if (m.receiver() instanceof Measures ms) return measuresCalls.measuresCall(ms, m.name(), args, c);
            if (m.receiver() instanceof Duration d) return functions.durationCall(d, m.name(), args, c);
            if (m.receiver() instanceof When w) return functions.whenCall(w, m.name(), args, c);
            return UNKNOWN;
        }
        if (callee instanceof Func f) return functions.functionCall(f.name(), args, c, scope);
        if (callee instanceof CodeClass cc) {
            if (args.size() == 1 && args.get(0).value() instanceof Lit l && l.kind() == LitKind.STR) {
                checks.checkCode(cc.system(), l, schema.codeSystems.get(cc.system()) != null && schema.codeSystems.get(cc.system()).multi());
                return new Code(cc.system(), (String) l.value());
            }
            return new Code(cc.system(), null);
        }
        escape(args);
        if (callee instanceof LocalFunc lf) return helperCalls.call(lf, args);
        return UNKNOWN;
    }

    /** A dataset or measures given to code that is not followed may be changed there. */
    static void escape(List<ArgV> args) {
        for (ArgV a : args) {
            if (a.value() instanceof Dataset d) d.escaped = true;
            if (a.value() instanceof Measures m) m.escaped = true;
        }
    }

    /** The value of a node for hover and completion; inside a helper call, for dummy data when it asks. */
    private void record(Py.Node n, EValue v) {
        if (!out.muted() && file == out.doc() && depth <= 1) types.putIfAbsent(n, v);
        else if (helperTypes != null && depth > 0) helperTypes.putIfAbsent(n, v);
    }

    /** Evaluates what a finding already made covers: nothing it finds is said, in this file or a helper module. */
    EValue evalMuted(Py.Expr e, Map<String, Binding> scope) {
        out.hush();
        try {
            return eval(e, scope);
        } finally {
            out.unhush();
        }
    }

}

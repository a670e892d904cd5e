package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.Set;
import java.util.regex.Pattern;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.text.Range;

/**
 * Reads a Python analysis script statically: the files it reads and writes ({@code pd.read_csv}, {@code open},
 * {@code .to_csv}, {@code savefig}, ...) with the paths it builds from literals, constants, f-strings, {@code %},
 * {@code str.format}, {@code os.path.join}, {@code pathlib} and loops over literal lists, and the columns it reads
 * by name from the tables it read. The statements are walked once in order; function bodies afterwards, with their
 * parameters unknown (calls are never followed). What is not followed is unknown and says nothing.
 *
 * <p>The calls themselves are {@link PythonCalls}; this class walks statements and expressions and keeps the names.
 */
public final class PythonScriptReader implements ScriptReader {
    /** Modules that are not the study's own: importing anything else may run code that writes files. */
    private static final Set<String> KNOWN_MODULES = Set.of("pandas", "numpy", "matplotlib", "seaborn", "scipy", "statsmodels",
            "sklearn", "os", "sys", "pathlib", "json", "glob", "re", "datetime", "math", "collections", "itertools", "functools",
            "typing", "argparse", "pyarrow", "csv", "gzip", "pickle", "warnings", "logging", "shutil", "random", "string", "time",
            "dateutil", "textwrap", "operator", "copy", "io", "abc", "dataclasses", "enum", "decimal", "fractions", "statistics",
            "tableone", "lifelines", "plotly", "patsy", "numbers", "contextlib", "calendar", "hashlib", "uuid", "traceback",
            "pprint", "tabulate", "jinja2", "markdown", "yaml", "zoneinfo", "pytz", "ehrql", "cohortextractor", "__future__");
    /** The builtins whose calls mean something here, or that leave a table's columns alone. */
    private static final Set<String> BUILTINS = Set.of("open", "str", "zip", "enumerate", "sorted", "list", "tuple", "exec", "eval",
            "__import__", "print", "len", "range", "min", "max", "sum", "round", "int", "float", "bool", "dict", "set", "isinstance",
            "type", "repr", "abs", "any", "all", "map", "filter", "iter", "next", "reversed", "format");
    /** A statement the tree does not model (while loops, class bodies) that may write a file. */
    private static final Pattern MAY_WRITE = Pattern.compile("to_\\w+\\(|savefig|write|open\\(|dump|save");

    /** How deep imports of the study's own modules are followed for their constants (a module importing another...). */
    private static final int MODULE_DEPTH = 2;

    private final String scriptPath;
    private final Function<String, Optional<String>> modules;

    /** A reader that does not know where the script is ({@code __file__} is then unknown). */
    public PythonScriptReader() {
        this(null);
    }

    /** @param scriptPath the script's path relative to the study folder, for {@code __file__}; null if unknown */
    public PythonScriptReader(String scriptPath) {
        this(scriptPath, p -> Optional.empty());
    }

    /**
     * @param modules the text of a module of the study by its path relative to the study folder: {@code from utilities
     *     import OUTPUT_DIR} takes the string and path constants of {@code utilities.py} beside the script
     */
    public PythonScriptReader(String scriptPath, Function<String, Optional<String>> modules) {
        this.scriptPath = scriptPath;
        this.modules = modules;
    }

    /** What a read found, with the texts of the study's modules it took constants from (for a cache to compare). */
    public record Reading(ScriptUses uses, Map<String, String> modulesRead) {
    }

    public Reading reading(String text) {
        SourceFile file = SourceFile.parse(null, text);
        Walk w = new Walk(file, scriptPath, modules, 0);
        return new Reading(read(w), Map.copyOf(w.modulesRead));
    }

    @Override
    public ScriptUses read(String text) {
        return read(SourceFile.parse(null, text));
    }

    @Override
    public ScriptUses read(String text, String path) {
        return new PythonScriptReader(path).read(text);
    }

    public ScriptUses read(SourceFile file) {
        return read(new Walk(file, scriptPath, modules, 0));
    }

    private static ScriptUses read(Walk w) {
        SourceFile file = w.file;
        try {
            if (!file.syntaxErrors.isEmpty()) w.unresolvedWrites.add(file.range(0, 0)); // not read in full
            w.block(file.module.body(), w.globals);
            w.functions();
        } catch (RuntimeException | StackOverflowError e) {
            w.unresolvedWrites.add(file.range(0, 0));
        }
        return w.result();
    }

    /** One walk over one file: the names in scope and what was found. */
    static final class Walk {
        final SourceFile file;
        final String scriptPath;
        final Scope globals = new Scope(null);
        final List<FileUse> files = new ArrayList<>();
        final List<ColumnUse> columns = new ArrayList<>();
        final List<Range> unresolvedReads = new ArrayList<>();
        final List<Range> unresolvedWrites = new ArrayList<>();
        /** Paths the script asks about ({@code os.path.exists}): a read of one may be skipped when it is not there. */
        final Set<String> guarded = new java.util.HashSet<>();
        private final List<Py.FuncDef> deferred = new ArrayList<>();
        /**
         * How many branches, try/while blocks, loops over values not known to be non-empty, and bodies of functions
         * not surely called enclose the code being walked (FileUse.conditional).
         */
        int conditional;
        /** The script's functions called where the call surely runs (module level, outside any branch). */
        final java.util.Set<String> surelyCalled = new java.util.HashSet<>();
        private final PythonCalls calls = new PythonCalls(this);
        private int groups;
        private int depth;
        private final Function<String, Optional<String>> modules;
        private final int moduleDepth;
        final Map<String, String> modulesRead = new HashMap<>();

        Walk(SourceFile file, String scriptPath, Function<String, Optional<String>> modules, int moduleDepth) {
            this.file = file;
            this.scriptPath = scriptPath;
            this.modules = modules;
            this.moduleDepth = moduleDepth;
        }

        /**
         * The module-level string and path values of a module of the study that the script imports from (looked for
         * beside the script, where Python looks first), its statements walked as the script's are; empty if none.
         */
        private Map<String, PyValue> moduleConstants(String module) {
            if (scriptPath == null || moduleDepth >= MODULE_DEPTH || module.isEmpty()) return Map.of();
            int slash = scriptPath.lastIndexOf('/');
            String path = (slash < 0 ? "" : scriptPath.substring(0, slash + 1)) + module.replace('.', '/') + ".py";
            Optional<String> text = modules.apply(path);
            if (text.isEmpty()) return Map.of();
            modulesRead.put(path, text.get());
            Walk inner = new Walk(SourceFile.parse(null, text.get()), path, modules, moduleDepth + 1);
            try {
                inner.block(inner.file.module.body(), inner.globals);
            } catch (RuntimeException | StackOverflowError e) {
                return Map.of();
            }
            modulesRead.putAll(inner.modulesRead);
            Map<String, PyValue> out = new HashMap<>();
            inner.globals.names.forEach((name, v) -> {
                if (v instanceof PyValue.Text || v instanceof PyValue.PathV || v instanceof PyValue.Seq || v instanceof PyValue.DictV) out.put(name, v);
            });
            return out;
        }

        ScriptUses result() {
            List<FileUse> f = new ArrayList<>(new LinkedHashSet<>(files));
            f.removeIf(u -> u.access() == FileUse.Access.READ && guarded.contains(u.path()));
            f.sort(Comparator.comparing((FileUse u) -> u.range().start()));
            List<ColumnUse> c = new ArrayList<>(new LinkedHashSet<>(columns));
            c.sort(Comparator.comparing((ColumnUse u) -> u.range().start()));
            return new ScriptUses(ScriptLanguage.PYTHON, f, c, unresolvedReads, unresolvedWrites);
        }

        Range range(Py.Node n) {
            return file.range(n.start(), n.end());
        }

        int newGroup() {
            return ++groups;
        }

        /** The bodies of the functions defined, each once, when every module-level name has its final value. */
        void functions() {
            for (int i = 0; i < deferred.size() && i < 10_000; i++) {
                Py.FuncDef f = deferred.get(i);
                Scope local = new Scope(globals);
                for (Py.Param p : f.params()) local.put(p.name(), PyValue.UNKNOWN);
                int saved = conditional;
                // A function called only in a branch, or not at all, may not run (nor a function it calls).
                conditional = surelyCalled.contains(f.name()) ? 0 : 1;
                try {
                    block(f.body(), local);
                } finally {
                    conditional = saved;
                }
            }
        }

        // ---------------------------------------------------------------------------------------- statements

        void block(List<Py.Stmt> body, Scope scope) {
            for (Py.Stmt s : body) stmt(s, scope);
        }

        private void stmt(Py.Stmt s, Scope scope) {
            if (++depth > 200) throw new IllegalStateException("too deep");
            try {
                statement(s, scope);
            } finally {
                depth--;
            }
        }

        private void statement(Py.Stmt s, Scope scope) {
            if (s instanceof Py.Assign a) {
                PyValue v = eval(a.value(), scope);
                for (Py.Expr t : a.targets()) bind(t, v, scope);
            } else if (s instanceof Py.AugAssign a) {
                PyValue v = eval(a.value(), scope);
                if (a.target() instanceof Py.Name n) {
                    PyValue old = scope.get(n.id());
                    scope.put(n.id(), a.op().equals("+=") && old instanceof PyValue.Text t && v instanceof PyValue.Text u ? t.concat(u)
                            : PyValue.UNKNOWN);
                } else {
                    bind(a.target(), PyValue.UNKNOWN, scope);
                }
            } else if (s instanceof Py.ExprStmt e) {
                eval(e.value(), scope);
            } else if (s instanceof Py.Import i) {
                for (Py.Alias a : i.names()) {
                    if (!known(a.name())) unresolvedWrites.add(file.range(a.start(), a.end()));
                    if (a.asName() != null) scope.put(a.asName(), new PyValue.Module(a.name()));
                    else scope.put(a.name().split("\\.")[0], new PyValue.Module(a.name().split("\\.")[0]));
                }
            } else if (s instanceof Py.ImportFrom i) {
                boolean own = i.level() > 0 || !known(i.module());
                // The study's own module may write when imported, or through the functions taken from it.
                if (own) unresolvedWrites.add(file.range(i.start(), i.end()));
                Map<String, PyValue> constants = own && i.level() == 0 ? moduleConstants(i.module()) : Map.of();
                for (Py.Alias a : i.names()) {
                    PyValue v = constants.get(a.name());
                    scope.put(a.bound(), v != null ? v : new PyValue.Module(i.module() + "." + a.name()));
                }
            } else if (s instanceof Py.FuncDef f) {
                scope.put(f.name(), new PyValue.LocalFunction(f.name()));
                deferred.add(f);
            } else if (s instanceof Py.For f) {
                PyValue over = eval(f.iter(), scope);
                loop(f.target(), over, scope);
                boolean maybeEmpty = !(over instanceof PyValue.Seq q && !q.elements().isEmpty());
                if (maybeEmpty) conditional++;
                try {
                    block(f.body(), scope);
                } finally {
                    if (maybeEmpty) conditional--;
                }
            } else if (s instanceof Py.If i) {
                eval(i.test(), scope);
                Map<String, PyValue> before = scope.snapshot();
                // `if __name__ == "__main__":` surely runs when the job runs the script; any other test may not hold.
                boolean branch = !mainGuard(i.test());
                if (branch) conditional++;
                try {
                    block(i.body(), scope);
                    Map<String, PyValue> then = scope.snapshot();
                    scope.restore(before);
                    block(i.orElse(), scope);
                    scope.merge(then);
                } finally {
                    if (branch) conditional--;
                }
            } else if (s instanceof Py.Return r) {
                if (r.value() != null) eval(r.value(), scope);
            } else if (s instanceof Py.Block b) {
                for (Py.WithItem item : b.withItems()) {
                    PyValue v = eval(item.context(), scope);
                    if (item.target() != null) bind(item.target(), v, scope);
                }
                // try: a failure is handled; while: the body may not run.
                String head = file.text.substring(b.start(), Math.min(b.start() + 6, file.text.length()));
                boolean mayNotRun = head.startsWith("try") || head.startsWith("while");
                if (mayNotRun) conditional++;
                try {
                    // The OtherStmt the tree puts first for the with-targets would forget what was just bound.
                    for (Py.Stmt inner : b.body()) {
                        if (!b.withItems().isEmpty() && inner instanceof Py.OtherStmt o && o.start() == b.start()) continue;
                        stmt(inner, scope);
                    }
                } finally {
                    if (mayNotRun) conditional--;
                }
            } else if (s instanceof Py.OtherStmt o) {
                for (String n : o.assigned()) scope.put(n, PyValue.UNKNOWN);
                String text = file.text.substring(o.start(), Math.min(o.end(), file.text.length()));
                if (MAY_WRITE.matcher(text).find()) unresolvedWrites.add(range(o));
            }
        }

        private boolean mainGuard(Py.Expr test) {
            String t = file.text.substring(test.start(), Math.min(test.end(), file.text.length())).replace('\'', '"').replace(" ", "");
            return t.equals("__name__==\"__main__\"") || t.equals("\"__main__\"==__name__");
        }

        private static boolean known(String module) {
            return KNOWN_MODULES.contains(module.split("\\.")[0]);
        }

        /** Binds an assignment target; a column or attribute assigned on a table may add a column to it. */
        void bind(Py.Expr target, PyValue v, Scope scope) {
            if (target instanceof Py.Name n) {
                scope.put(n.id(), v);
            } else if (target instanceof Py.Seq s) {
                List<PyValue> parts = v instanceof PyValue.Seq q && q.elements().size() == s.elements().size() ? q.elements() : null;
                for (int i = 0; i < s.elements().size(); i++) bind(s.elements().get(i), parts == null ? PyValue.UNKNOWN : parts.get(i), scope);
            } else if (target instanceof Py.Subscript sub) {
                PyValue base = eval(sub.value(), scope);
                eval(sub.index(), scope);
                open(base);
            } else if (target instanceof Py.Attribute a) {
                open(eval(a.value(), scope));
            } else if (target instanceof Py.Starred st) {
                bind(st.value(), PyValue.UNKNOWN, scope);
            }
        }

        static void open(PyValue v) {
            if (v instanceof PyValue.Table t) t.open = true;
            if (v instanceof PyValue.Indexer i) i.table().open = true;
        }

        /** A loop variable over a literal collection takes each of its values (as alternatives of one group). */
        void loop(Py.Expr target, PyValue iter, Scope scope) {
            if (iter instanceof PyValue.Pairs p && target instanceof Py.Seq s && s.elements().size() == p.columns().size()) {
                for (int i = 0; i < p.columns().size(); i++) bind(s.elements().get(i), p.columns().get(i), scope);
                return;
            }
            PyValue each = each(iter, newGroup());
            bind(target, each, scope);
        }

        /** The values a loop over this collection takes, as one value: alternatives of the given group, or unknown. */
        PyValue each(PyValue iter, int group) {
            List<PyValue.Text> strings = PyValue.strings(iter);
            if (strings != null && !strings.isEmpty() && strings.size() <= PyValue.MAX_ALTERNATIVES) {
                List<String> alts = new ArrayList<>();
                for (PyValue.Text t : strings) alts.add(t.alternatives().get(0));
                return new PyValue.Text(alts, group);
            }
            return PyValue.UNKNOWN;
        }

        // --------------------------------------------------------------------------------------- expressions

        PyValue eval(Py.Expr e, Scope scope) {
            if (e == null) return PyValue.UNKNOWN;
            if (++depth > 200) throw new IllegalStateException("too deep");
            try {
                return expression(e, scope);
            } finally {
                depth--;
            }
        }

        private PyValue expression(Py.Expr e, Scope scope) {
            if (e instanceof Py.Str s) return string(s, scope);
            if (e instanceof Py.Num n) return n.integer() && Math.abs(n.value()) < 1e15 ? PyValue.Text.of(Long.toString((long) n.value())) : PyValue.UNKNOWN;
            if (e instanceof Py.Name n) return name(n.id(), scope);
            if (e instanceof Py.Attribute a) return attribute(eval(a.value(), scope), a.attr());
            if (e instanceof Py.Call c) return calls.call(c, scope);
            if (e instanceof Py.BinOp b) return binary(b, scope);
            if (e instanceof Py.Subscript s) return subscript(s, scope);
            if (e instanceof Py.Seq s) {
                List<PyValue> out = new ArrayList<>();
                for (Py.Expr x : s.elements()) out.add(eval(x, scope));
                return new PyValue.Seq(out);
            }
            if (e instanceof Py.Dict d) {
                List<PyValue> keys = new ArrayList<>(), values = new ArrayList<>();
                boolean plain = true;
                for (Py.DictItem item : d.items()) {
                    if (item.key() == null) plain = false;
                    keys.add(eval(item.key(), scope));
                    values.add(eval(item.value(), scope));
                }
                return plain ? new PyValue.DictV(keys, values) : PyValue.UNKNOWN;
            }
            if (e instanceof Py.Cond c) {
                eval(c.test(), scope);
                PyValue a = eval(c.then(), scope), b = eval(c.otherwise(), scope);
                return a instanceof PyValue.Text t && b instanceof PyValue.Text u ? t.union(u) : PyValue.UNKNOWN;
            }
            if (e instanceof Py.Comp c) {
                Scope inner = new Scope(scope);
                for (Py.CompFor g : c.generators()) {
                    loop(g.target(), eval(g.iter(), inner), inner);
                    for (Py.Expr cond : g.conditions()) eval(cond, inner);
                }
                if (c.key() != null) eval(c.key(), inner);
                eval(c.element(), inner);
                return PyValue.UNKNOWN;
            }
            if (e instanceof Py.Compare c) c.operands().forEach(x -> eval(x, scope));
            else if (e instanceof Py.BoolOp b) b.values().forEach(x -> eval(x, scope));
            else if (e instanceof Py.Not n) eval(n.operand(), scope);
            else if (e instanceof Py.BitOp b) {
                eval(b.left(), scope);
                eval(b.right(), scope);
            } else if (e instanceof Py.Unary u) eval(u.operand(), scope);
            else if (e instanceof Py.Starred s) return eval(s.value(), scope);
            return PyValue.UNKNOWN;
        }

        private PyValue string(Py.Str s, Scope scope) {
            if (!s.fString()) return s.value() == null ? PyValue.UNKNOWN : PyValue.Text.of(s.value());
            PyValue.Text out = PyValue.Text.of("");
            for (Py.FPart p : s.parts()) {
                out = out.concat(p.field() == null ? (p.literal() == null ? PyValue.Text.hole() : PyValue.Text.of(p.literal()))
                        : PyValue.asText(eval(p.field(), scope)));
            }
            return out;
        }

        private PyValue name(String id, Scope scope) {
            PyValue v = scope.get(id);
            if (v != null) return v;
            if (id.equals("__file__")) return scriptPath == null ? PyValue.UNKNOWN : PyValue.Text.of(scriptPath);
            return BUILTINS.contains(id) ? new PyValue.Module("builtins." + id) : PyValue.UNKNOWN;
        }

        PyValue attribute(PyValue base, String attr) {
            if (base instanceof PyValue.Module m) return new PyValue.Module(m.name() + "." + attr);
            if (base instanceof PyValue.Table t && (attr.equals("loc") || attr.equals("iloc"))) return new PyValue.Indexer(t, attr.equals("loc"));
            if (base instanceof PyValue.PathV p) {
                switch (attr) {
                    case "parent":
                        return parentOf(p.text());
                    case "name":
                        return p.text().map(a -> a.substring(a.lastIndexOf('/') + 1));
                    case "parents":
                        return p;
                    default:
                        return PyValue.UNKNOWN;
                }
            }
            return PyValue.UNKNOWN;
        }

        static PyValue parentOf(PyValue.Text t) {
            List<String> out = new ArrayList<>();
            for (String a : t.alternatives()) {
                String parent = PathText.parent(a);
                if (parent == null) return PyValue.UNKNOWN;
                out.add(parent);
            }
            return new PyValue.PathV(new PyValue.Text(out, t.group()));
        }

        private PyValue binary(Py.BinOp b, Scope scope) {
            PyValue l = eval(b.left(), scope), r = eval(b.right(), scope);
            switch (b.op()) {
                case "+":
                    return l instanceof PyValue.Text t && r instanceof PyValue.Text u ? t.concat(u) : PyValue.UNKNOWN;
                case "/":
                    if (l instanceof PyValue.PathV p && (r instanceof PyValue.Text || r instanceof PyValue.PathV)) {
                        return new PyValue.PathV(join(p.text(), PyValue.asText(r)));
                    }
                    return PyValue.UNKNOWN;
                case "%":
                    return l instanceof PyValue.Text t ? PythonCalls.formatted(t, r instanceof PyValue.Seq s ? s.elements() : List.of(r),
                            r instanceof PyValue.DictV d ? d : null, true) : PyValue.UNKNOWN;
                default:
                    return PyValue.UNKNOWN;
            }
        }

        /** Joins two path strings (as {@code os.path.join}), element by element within a loop group. */
        static PyValue.Text join(PyValue.Text a, PyValue.Text b) {
            PyValue.Text sep = PyValue.Text.of("\u0000");
            return a.concat(sep).concat(b).map(s -> {
                int i = s.indexOf('\u0000');
                return PathText.join(s.substring(0, i), s.substring(i + 1));
            });
        }

        private PyValue subscript(Py.Subscript s, Scope scope) {
            PyValue base = eval(s.value(), scope);
            PyValue index = eval(s.index(), scope);
            if (base instanceof PyValue.Table t) {
                if (s.index() instanceof Py.Str str) {
                    column(t, str);
                    return PyValue.UNKNOWN;
                }
                if (s.index() instanceof Py.Seq seq && seq.kind() == Py.SeqKind.LIST) {
                    for (Py.Expr x : seq.elements()) if (x instanceof Py.Str str) column(t, str);
                    return t.derived();
                }
                // A boolean mask keeps every column; a name may hold a column name, which gives a Series.
                boolean mask = s.index() instanceof Py.Compare || s.index() instanceof Py.BitOp || s.index() instanceof Py.Not
                        || s.index() instanceof Py.BoolOp || s.index() instanceof Py.Call || s.index() instanceof Py.Unary;
                return mask ? t.derived() : PyValue.UNKNOWN;
            }
            if (base instanceof PyValue.Indexer ix) {
                Py.Expr cols = s.parts().size() == 2 ? s.parts().get(1)
                        : s.index() instanceof Py.Seq seq && seq.kind() == Py.SeqKind.TUPLE && seq.elements().size() == 2 ? seq.elements().get(1) : null;
                if (!ix.byLabel()) return cols == null ? ix.table().derived() : PyValue.UNKNOWN;
                if (cols instanceof Py.Str str) {
                    column(ix.table(), str);
                    return PyValue.UNKNOWN;
                }
                if (cols instanceof Py.Seq list && list.kind() == Py.SeqKind.LIST) {
                    for (Py.Expr x : list.elements()) if (x instanceof Py.Str str) column(ix.table(), str);
                    return ix.table().derived();
                }
                return cols == null ? ix.table().derived() : PyValue.UNKNOWN;
            }
            if (base instanceof PyValue.PathV p && s.value() instanceof Py.Attribute a && a.attr().equals("parents")
                    && index instanceof PyValue.Text n && n.alternatives().size() == 1 && n.alternatives().get(0).matches("\\d{1,2}")) {
                PyValue v = p;
                for (int i = 0; i <= Integer.parseInt(n.alternatives().get(0)); i++) {
                    v = v instanceof PyValue.PathV q ? parentOf(q.text()) : PyValue.UNKNOWN;
                }
                return v;
            }
            if (base instanceof PyValue.Seq q && index instanceof PyValue.Text n && n.alternatives().size() == 1
                    && n.alternatives().get(0).matches("-?\\d{1,4}")) {
                int i = Integer.parseInt(n.alternatives().get(0));
                if (i < 0) i += q.elements().size();
                return i >= 0 && i < q.elements().size() ? q.elements().get(i) : PyValue.UNKNOWN;
            }
            if (base instanceof PyValue.DictV d && index instanceof PyValue.Text k && k.alternatives().size() == 1) {
                for (int i = 0; i < d.keys().size(); i++) {
                    if (d.keys().get(i) instanceof PyValue.Text key && key.alternatives().equals(k.alternatives())) return d.values().get(i);
                }
            }
            return PyValue.UNKNOWN;
        }

        /** A column read by its literal name from a table whose columns are still those of its files. */
        void column(PyValue.Table t, Py.Str name) {
            if (t.open || name.value() == null) return;
            Range r = name.contentStart() >= 0 ? file.range(name.contentStart(), name.contentStart() + name.value().length()) : range(name);
            for (FileUse source : t.sources) columns.add(new ColumnUse(source, name.value(), r));
        }
    }

    /** Names of one scope; a function's scope sees the module's. */
    static final class Scope {
        private final Scope parent;
        Map<String, PyValue> names = new HashMap<>();

        Scope(Scope parent) {
            this.parent = parent;
        }

        PyValue get(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                PyValue v = s.names.get(name);
                if (v != null) return v;
            }
            return null;
        }

        void put(String name, PyValue v) {
            names.put(name, v);
        }

        Map<String, PyValue> snapshot() {
            return new HashMap<>(names);
        }

        void restore(Map<String, PyValue> saved) {
            names = new HashMap<>(saved);
        }

        /** After an {@code if}: a name keeps a value only where both branches agree (strings: either value). */
        void merge(Map<String, PyValue> other) {
            Set<String> all = new LinkedHashSet<>(names.keySet());
            all.addAll(other.keySet());
            for (String n : all) {
                PyValue a = names.get(n), b = other.get(n);
                if (a == b) continue;
                if (a instanceof PyValue.Text t && b instanceof PyValue.Text u) names.put(n, t.union(u));
                else if (a instanceof PyValue.PathV t && b instanceof PyValue.PathV u) names.put(n, new PyValue.PathV(t.text().union(u.text())));
                else {
                    PythonScriptReader.Walk.open(a);
                    PythonScriptReader.Walk.open(b);
                    names.put(n, PyValue.UNKNOWN);
                }
            }
        }
    }
}

package opensafely.lsp.study;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import opensafely.lsp.codelists.CodelistCsvFiles;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.PyTreeBuilder;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.study.Value.Origin;

/**
 * A static evaluator for the Python that study definitions are written in. It follows assignments, dict
 * displays and merges, {@code dict(...)}, comprehensions and loops over known lists, calls of simple functions,
 * f-strings and imports of sibling modules; cohort-extractor calls become {@link Value.Call} and codelist helpers
 * {@link Value.Codelist}. It never runs user code: whatever it cannot follow is {@link Value#UNKNOWN}.
 */
final class Interpreter {
    /** Resolves {@code from X import ...} to a sibling module's evaluated names. */
    interface Modules {
        /** The evaluated module, or null when it is not a file of the study. */
        Loaded load(SourceFile from, String module, int level);

        /**
         * The text of a data file the code opens ({@code open("analysis/config.json")}), a path relative to the
         * study folder (where cohort-extractor runs); null when it is not a committed file of the study.
         */
        default String readData(SourceFile from, String path) {
            return null;
        }
    }

    record Loaded(SourceFile file, Env env) {
    }

    /** A binding with where it was made, for go-to-definition. */
    record Binding(Value value, Origin defined) {
    }

    /** Names of a module or a function call; lookups fall back to the parent. */
    static final class Env {
        final Env parent;
        final Map<String, Binding> names = new LinkedHashMap<>();
        /** Names bound by `from x import *` of modules that could not be read: any unknown name may come from them. */
        boolean openStarImport;

        Env(Env parent) {
            this.parent = parent;
        }

        Binding lookup(String name) {
            for (Env e = this; e != null; e = e.parent) {
                Binding b = e.names.get(name);
                if (b != null) return b;
            }
            return null;
        }

        void bind(String name, Value v, Origin where) {
            names.put(name, new Binding(v, where));
        }
    }

    private static final class ReturnSignal extends RuntimeException {
        final Value value;

        ReturnSignal(Value value) {
            super(null, null, false, false);
            this.value = value;
        }
    }

    private static final Set<String> COHORTEXTRACTOR_NAMES = Set.of("StudyDefinition", "Measure", "codelist",
            "codelist_from_csv", "combine_codelists", "filter_codes_by_category", "patients", "params");
    private static final Set<String> PY_BUILTINS = Set.of("dict", "range", "list", "tuple", "len", "str", "int", "zip",
            "enumerate", "sorted", "set", "float", "bool", "open");
    /** {@code with open("path") as name:}, read from the source (the tree keeps only the bound name). */
    private static final java.util.regex.Pattern WITH_OPEN = java.util.regex.Pattern.compile(
            "with\\s+open\\(\\s*[rRuU]?(['\"])([^'\"\\\\\\n]+)\\1\\s*(?:,\\s*(?:mode\\s*=\\s*)?['\"]r[bt]?['\"]\\s*)?"
                    + "(?:,\\s*encoding\\s*=\\s*['\"][\\w-]+['\"]\\s*)?,?\\s*\\)\\s+as\\s+([A-Za-z_]\\w*)\\s*:");
    private static final int MAX_STEPS = 400_000;
    private static final int MAX_DEPTH = 24;
    private static final int MAX_ITEMS = 5_000;

    private final Modules modules;
    private int steps;
    private int depth;
    /** Set when a block that may return was not followed: the function's result is then unknown. */
    private boolean skippedReturn;

    Interpreter(Modules modules) {
        this.modules = modules;
    }

    /** Runs a module's statements and returns its names. */
    Env run(SourceFile file) {
        Env env = new Env(null);
        try {
            exec(file, file.module.body(), env);
        } catch (ReturnSignal r) {
            // A `return` outside any function: while a `def` is half typed, error recovery can leave its
            // body at module level. Python rejects the file (a syntax error is reported); the names bound
            // so far are still the best model.
        }
        return env;
    }

    // -------------------------------------------------------------------------------- statements

    private void exec(SourceFile f, List<Py.Stmt> body, Env env) {
        for (Py.Stmt s : body) {
            if (++steps > MAX_STEPS) {
                poison(f, List.of(s), env);
                continue;
            }
            try {
                stmt(f, s, env);
            } catch (ReturnSignal r) {
                throw r;
            } catch (RuntimeException e) {
                // Defensive: a construct the evaluator mishandles makes only its names unknown.
                poison(f, List.of(s), env);
            }
        }
    }

    private void stmt(SourceFile f, Py.Stmt s, Env env) {
        if (s instanceof Py.Assign a) {
            Value v = eval(f, a.value(), env);
            for (Py.Expr t : a.targets()) assign(f, t, v, env, a);
        } else if (s instanceof Py.AugAssign a) {
            if (a.target() instanceof Py.Name n) {
                Binding old = env.lookup(n.id());
                Value right = eval(f, a.value(), env);
                String op = a.op().substring(0, a.op().length() - 1);
                Value result = old == null ? Value.UNKNOWN : binop(op, old.value(), right, Origin.of(f, a));
                if (op.equals("|") && old != null && old.value() instanceof Value.DictV d) {
                    merge(d, right);
                    result = d;
                } else if (op.equals("+") && old != null && old.value() instanceof Value.ListV l) {
                    if (right instanceof Value.ListV r) l.items.addAll(r.items);
                    else l.complete = false;
                    result = l;
                }
                env.bind(n.id(), result, old != null ? old.defined() : Origin.of(f, n));
            } else if (a.target() instanceof Py.Subscript sub) {
                Value container = eval(f, sub.value(), env);
                if (container instanceof Value.DictV d) d.complete = false;
            }
        } else if (s instanceof Py.ExprStmt e) {
            eval(f, e.value(), env);
        } else if (s instanceof Py.ImportFrom i) {
            importFrom(f, i, env);
        } else if (s instanceof Py.Import i) {
            for (Py.Alias a : i.names()) {
                String first = a.name().split("\\.")[0];
                String bound = a.asName() != null ? a.asName() : first;
                Origin where = new Origin(f, a.start(), a.end());
                if (a.name().equals("cohortextractor") || a.name().startsWith("cohortextractor.")) {
                    env.bind(bound, new Value.Builtin(a.asName() != null ? a.name() : first, where), where);
                    continue;
                }
                if (a.name().equals("json")) {
                    env.bind(bound, new Value.Builtin("json", where), where);
                    continue;
                }
                Loaded m = a.name().contains(".") ? null : modules.load(f, a.name(), 0);
                env.bind(bound, m == null ? Value.UNKNOWN : new Value.Module(a.name(), m.env(), new Origin(m.file(), 0, 0)), where);
            }
        } else if (s instanceof Py.FuncDef d) {
            env.bind(d.name(), new Value.Func(d, env, f, new Origin(f, d.nameStart(), d.nameEnd())), new Origin(f, d.nameStart(), d.nameEnd()));
        } else if (s instanceof Py.For loop) {
            Value iter = eval(f, loop.iter(), env);
            List<Value> items = iterate(iter);
            if (items == null) {
                poison(f, List.of(loop), env);
                return;
            }
            for (Value item : items) {
                assign(f, loop.target(), item, env, loop.target());
                exec(f, loop.body(), env);
            }
        } else if (s instanceof Py.If i) {
            Boolean t = Values.truthy(eval(f, i.test(), env));
            if (t == null) {
                poison(f, i.body(), env);
                poison(f, i.orElse(), env);
            } else {
                exec(f, t ? i.body() : i.orElse(), env);
            }
        } else if (s instanceof Py.Return r) {
            throw new ReturnSignal(r.value() == null ? new Value.None(Origin.of(f, r)) : eval(f, r.value(), env));
        } else if (s instanceof Py.Block b) {
            if (!withOpen(f, b, env)) exec(f, b.body(), env);
        } else if (s instanceof Py.OtherStmt o) {
            for (String n : o.assigned()) env.bind(n, Value.UNKNOWN, Origin.of(f, o));
        }
    }

    /**
     * {@code with open("analysis/config.json") as f:}: binds the name to the file, so that {@code json.load(f)}
     * in the body can read it. False (nothing done) for any other block.
     */
    private boolean withOpen(SourceFile f, Py.Block b, Env env) {
        if (b.body().isEmpty() || !(b.body().get(0) instanceof Py.OtherStmt o) || o.start() != b.start() || o.assigned().size() != 1) {
            return false;
        }
        if (b.start() < 0 || b.start() >= f.text.length() || !f.text.startsWith("with", b.start())) return false;
        String header = f.text.substring(b.start(), Math.min(f.text.length(), Math.min(b.end(), b.start() + 500)));
        java.util.regex.Matcher m = WITH_OPEN.matcher(header);
        if (!m.lookingAt() || !m.group(3).equals(o.assigned().get(0))) return false;
        Origin where = new Origin(f, b.start(), b.start() + m.end());
        env.bind(m.group(3), new Value.FileRef(m.group(2), where), where);
        exec(f, b.body().subList(1, b.body().size()), env);
        return true;
    }

    private void importFrom(SourceFile f, Py.ImportFrom i, Env env) {
        Origin modOrigin = new Origin(f, i.moduleStart(), i.moduleEnd());
        if (i.level() == 0 && (i.module().equals("cohortextractor") || i.module().startsWith("cohortextractor."))) {
            if (i.star()) {
                for (String n : COHORTEXTRACTOR_NAMES) env.bind(n, new Value.Builtin(n, modOrigin), modOrigin);
            }
            for (Py.Alias a : i.names()) {
                Origin where = new Origin(f, a.start(), a.end());
                env.bind(a.bound(), new Value.Builtin(a.name(), where), where);
            }
            return;
        }
        Loaded m = modules.load(f, i.module(), i.level());
        if (i.star()) {
            if (m == null) {
                env.openStarImport = true;
                return;
            }
            if (m.env().openStarImport) env.openStarImport = true;
            for (Map.Entry<String, Binding> e : m.env().names.entrySet()) {
                if (!e.getKey().startsWith("_")) env.names.put(e.getKey(), e.getValue());
            }
            return;
        }
        for (Py.Alias a : i.names()) {
            Origin where = new Origin(f, a.start(), a.end());
            Binding b = m == null ? null : m.env().names.get(a.name());
            if (b == null && m != null) {
                Loaded sub = modules.load(f, i.module() + "." + a.name(), i.level());
                if (sub != null) b = new Binding(new Value.Module(a.name(), sub.env(), new Origin(sub.file(), 0, 0)), new Origin(sub.file(), 0, 0));
            }
            // Keep where the name was really defined, for go-to-definition across modules.
            env.bind(a.bound(), b == null ? Value.UNKNOWN : b.value(), b == null ? where : b.defined());
        }
    }

    /** Makes everything a block of statements might have assigned or filled unknown. */
    private void poison(SourceFile f, List<Py.Stmt> body, Env env) {
        if (returns(body)) skippedReturn = true;
        for (String n : PyTreeBuilder.assigned(body)) env.bind(n, Value.UNKNOWN, new Origin(f, 0, 0));
        for (Py.Stmt s : body) poisonContainers(s, env);
    }

    private static boolean returns(List<Py.Stmt> body) {
        for (Py.Stmt s : body) {
            if (s instanceof Py.Return) return true;
            if (s instanceof Py.If i && (returns(i.body()) || returns(i.orElse()))) return true;
            if (s instanceof Py.For l && returns(l.body())) return true;
            if (s instanceof Py.Block b && returns(b.body())) return true;
            if (s instanceof Py.OtherStmt) return true;
        }
        return false;
    }

    private void poisonContainers(Py.Stmt s, Env env) {
        if (s instanceof Py.Assign a) {
            for (Py.Expr t : a.targets()) if (t instanceof Py.Subscript sub) markIncomplete(sub.value(), env);
        } else if (s instanceof Py.AugAssign a) {
            if (a.target() instanceof Py.Subscript sub) markIncomplete(sub.value(), env);
            else markIncomplete(a.target(), env);
        } else if (s instanceof Py.ExprStmt e && e.value() instanceof Py.Call c && c.func() instanceof Py.Attribute at) {
            markIncomplete(at.value(), env);
        } else if (s instanceof Py.For l) {
            l.body().forEach(b -> poisonContainers(b, env));
        } else if (s instanceof Py.If i) {
            i.body().forEach(b -> poisonContainers(b, env));
            i.orElse().forEach(b -> poisonContainers(b, env));
        } else if (s instanceof Py.Block b) {
            b.body().forEach(x -> poisonContainers(x, env));
        }
    }

    private static void markIncomplete(Py.Expr target, Env env) {
        if (target instanceof Py.Name n) {
            Binding b = env.lookup(n.id());
            if (b == null) return;
            if (b.value() instanceof Value.DictV d) d.complete = false;
            if (b.value() instanceof Value.ListV l) l.complete = false;
        }
    }

    private void assign(SourceFile f, Py.Expr target, Value v, Env env, Py.Node stmt) {
        if (target instanceof Py.Name n) {
            env.bind(n.id(), v, Origin.of(f, n));
        } else if (target instanceof Py.Seq seq) {
            List<Value> items = v instanceof Value.ListV l && l.complete && l.items.size() == seq.elements().size() ? l.items : null;
            for (int k = 0; k < seq.elements().size(); k++) {
                assign(f, seq.elements().get(k), items == null ? Value.UNKNOWN : items.get(k), env, stmt);
            }
        } else if (target instanceof Py.Subscript sub) {
            Value container = eval(f, sub.value(), env);
            if (container instanceof Value.DictV d) {
                Value key = eval(f, sub.index(), env);
                d.put(new Value.Entry(key, v, Origin.of(f, sub.index())));
            } else if (container instanceof Value.ListV l) {
                l.complete = false;
            }
        }
    }

    // ------------------------------------------------------------------------------- expressions

    Value eval(SourceFile f, Py.Expr e, Env env) {
        if (++steps > MAX_STEPS) return Value.UNKNOWN;
        Origin o = Origin.of(f, e);
        if (e instanceof Py.Str s) return string(f, s, env);
        if (e instanceof Py.Num n) return new Value.Num(n.value(), n.integer(), o);
        if (e instanceof Py.Const c) {
            return switch (c.kind()) {
                case TRUE -> new Value.Bool(true, o);
                case FALSE -> new Value.Bool(false, o);
                case NONE -> new Value.None(o);
                default -> Value.UNKNOWN;
            };
        }
        if (e instanceof Py.Name n) {
            Binding b = env.lookup(n.id());
            if (b != null) return b.value();
            if (PY_BUILTINS.contains(n.id())) return new Value.Builtin(n.id(), o);
            return Value.UNKNOWN;
        }
        if (e instanceof Py.Attribute a) {
            Value obj = eval(f, a.value(), env);
            if (obj instanceof Value.Builtin b && (b.name().equals("patients") || b.name().equals("cohortextractor.patients"))) {
                return new Value.Builtin("patients." + a.attr(), new Origin(f, a.attrStart(), a.end()));
            }
            if (obj instanceof Value.Builtin b && b.name().equals("cohortextractor")) {
                return new Value.Builtin(a.attr(), o);
            }
            if (obj instanceof Value.Module m) {
                Binding b = m.env().names.get(a.attr());
                return b == null ? Value.UNKNOWN : b.value();
            }
            return Value.UNKNOWN;
        }
        if (e instanceof Py.Seq s) {
            List<Value> items = new ArrayList<>();
            boolean complete = true;
            for (Py.Expr x : s.elements()) {
                if (x instanceof Py.Starred st) {
                    List<Value> inner = iterate(eval(f, st.value(), env));
                    if (inner == null) complete = false;
                    else items.addAll(inner);
                } else {
                    items.add(eval(f, x, env));
                }
            }
            Value.ListV l = new Value.ListV(items, s.kind() == Py.SeqKind.TUPLE, o);
            l.complete = complete;
            return l;
        }
        if (e instanceof Py.Dict d) {
            Value.DictV out = new Value.DictV(o);
            for (Py.DictItem item : d.items()) {
                if (item.key() == null) {
                    merge(out, eval(f, item.value(), env));
                } else {
                    out.put(new Value.Entry(eval(f, item.key(), env), eval(f, item.value(), env), Origin.of(f, item.key())));
                }
            }
            return out;
        }
        if (e instanceof Py.Comp c) return comprehension(f, c, env);
        if (e instanceof Py.Call c) return call(f, c, env);
        if (e instanceof Py.BinOp b) return binop(b.op(), eval(f, b.left(), env), eval(f, b.right(), env), o);
        if (e instanceof Py.Unary u) {
            Value v = eval(f, u.operand(), env);
            if (u.op().equals("-") && v instanceof Value.Num n) return new Value.Num(-n.value(), n.integer(), o);
            if (u.op().equals("+") && v instanceof Value.Num n) return new Value.Num(n.value(), n.integer(), o);
            return Value.UNKNOWN;
        }
        if (e instanceof Py.Subscript s) {
            Value c = eval(f, s.value(), env);
            Value k = eval(f, s.index(), env);
            if (c instanceof Value.DictV d && k instanceof Value.Str ks) {
                Value v = d.get(ks.value());
                return v == null ? Value.UNKNOWN : v;
            }
            if (c instanceof Value.ListV l && l.complete && k instanceof Value.Num n && n.integer()) {
                int i = (int) n.asLong();
                if (i < 0) i += l.items.size();
                return i >= 0 && i < l.items.size() ? l.items.get(i) : Value.UNKNOWN;
            }
            return Value.UNKNOWN;
        }
        if (e instanceof Py.Compare c) return compare(f, c, env, o);
        if (e instanceof Py.BoolOp b) {
            // Python returns the deciding operand: `a or b` is a when a is truthy.
            Value last = Value.UNKNOWN;
            for (Py.Expr x : b.values()) {
                last = eval(f, x, env);
                Boolean t = Values.truthy(last);
                if (t == null) return Value.UNKNOWN;
                if (b.op().equals("or") == t) return last;
            }
            return last;
        }
        if (e instanceof Py.Not n) {
            Boolean t = Values.truthy(eval(f, n.operand(), env));
            return t == null ? Value.UNKNOWN : new Value.Bool(!t, o);
        }
        if (e instanceof Py.Cond c) {
            Boolean t = Values.truthy(eval(f, c.test(), env));
            if (t == null) return Value.UNKNOWN;
            return eval(f, t ? c.then() : c.otherwise(), env);
        }
        return Value.UNKNOWN;
    }

    /** {@code a == b}, {@code x in [...]}, chained {@code a < b < c}: known only when every operand is a known literal. */
    private Value compare(SourceFile f, Py.Compare c, Env env, Origin o) {
        Value left = eval(f, c.operands().get(0), env);
        for (int i = 0; i < c.ops().size(); i++) {
            Value right = eval(f, c.operands().get(i + 1), env);
            Boolean r = compareOp(c.ops().get(i), left, right);
            if (r == null) return Value.UNKNOWN;
            if (!r) return new Value.Bool(false, o);
            left = right;
        }
        return new Value.Bool(true, o);
    }

    private static Boolean compareOp(String op, Value a, Value b) {
        switch (op) {
            case "==": return equal(a, b);
            case "!=": {
                Boolean eq = equal(a, b);
                return eq == null ? null : !eq;
            }
            case "in", "not in": {
                Boolean in = contains(b, a);
                return in == null ? null : op.equals("in") == in;
            }
            case "is", "is not": {
                // Identity is only clear for the singletons None, True and False.
                Boolean same = a instanceof Value.None && b instanceof Value.None ? Boolean.TRUE
                        : a instanceof Value.Bool x && b instanceof Value.Bool y ? x.value() == y.value()
                        : (a instanceof Value.None || b instanceof Value.None) && Values.known(a) && Values.known(b) ? Boolean.FALSE : null;
                return same == null ? null : op.equals("is") == same;
            }
            case "<", "<=", ">", ">=": {
                Integer cmp = order(a, b);
                if (cmp == null) return null;
                return switch (op) {
                    case "<" -> cmp < 0;
                    case "<=" -> cmp <= 0;
                    case ">" -> cmp > 0;
                    default -> cmp >= 0;
                };
            }
            default: return null;
        }
    }

    private static Double number(Value v) {
        if (v instanceof Value.Num n) return n.value();
        if (v instanceof Value.Bool b) return b.value() ? 1.0 : 0.0;
        return null;
    }

    /** Python ==, or null when either side is not fully known. */
    private static Boolean equal(Value a, Value b) {
        if (a instanceof Value.Str x && b instanceof Value.Str y) return x.value().equals(y.value());
        Double x = number(a), y = number(b);
        if (x != null && y != null) return x.doubleValue() == y.doubleValue();
        if (a instanceof Value.ListV l && b instanceof Value.ListV m) {
            if (!l.complete || !m.complete || l.tuple != m.tuple) return null;
            if (l.items.size() != m.items.size()) return false;
            for (int i = 0; i < l.items.size(); i++) {
                Boolean e = equal(l.items.get(i), m.items.get(i));
                if (!Boolean.TRUE.equals(e)) return e;
            }
            return true;
        }
        if (Values.known(a) && Values.known(b)) return a instanceof Value.None && b instanceof Value.None;
        return null;
    }

    private static Boolean contains(Value container, Value x) {
        if (container instanceof Value.Str s && x instanceof Value.Str t) return s.value().contains(t.value());
        List<Value> items = container instanceof Value.ListV l && l.complete ? l.items
                : container instanceof Value.DictV d && d.complete ? d.entries.stream().map(Value.Entry::key).toList() : null;
        if (items == null) return null;
        boolean unknown = false;
        for (Value v : items) {
            Boolean e = equal(v, x);
            if (Boolean.TRUE.equals(e)) return true;
            if (e == null) unknown = true;
        }
        return unknown ? null : false;
    }

    private static Integer order(Value a, Value b) {
        Double x = number(a), y = number(b);
        if (x != null && y != null) return Double.compare(x, y);
        if (a instanceof Value.Str s && b instanceof Value.Str t) return Integer.signum(s.value().compareTo(t.value()));
        return null;
    }

    private static void merge(Value.DictV into, Value v) {
        if (v instanceof Value.DictV src) {
            for (Value.Entry en : src.entries) into.put(en);
            if (!src.complete) into.complete = false;
        } else {
            into.complete = false;
        }
    }

    /** A text-template placeholder such as {@code %placeholder_k%}, which a script substitutes before the study runs. */
    private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("%[A-Za-z_][A-Za-z0-9_]*%");

    private Value string(SourceFile f, Py.Str s, Env env) {
        Origin o = Origin.of(f, s);
        if (!s.fString()) {
            if (s.value() == null || PLACEHOLDER.matcher(s.value()).find()) return Value.UNKNOWN;
            return new Value.Str(s.value(), s.contentStart(), o);
        }
        StringBuilder b = new StringBuilder();
        for (Py.FPart p : s.parts()) {
            if (p.literal() != null) {
                b.append(p.literal());
                continue;
            }
            if (p.field() == null) return Value.UNKNOWN;
            String v = Values.str(eval(f, p.field(), env));
            if (v == null) return Value.UNKNOWN;
            b.append(v);
        }
        if (PLACEHOLDER.matcher(b).find()) return Value.UNKNOWN;
        return new Value.Str(b.toString(), -1, o);
    }

    private Value binop(String op, Value l, Value r, Origin o) {
        if (op.equals("+")) {
            if (l instanceof Value.Str a && r instanceof Value.Str b) return new Value.Str(a.value() + b.value(), -1, o);
            if (l instanceof Value.ListV a && r instanceof Value.ListV b) {
                List<Value> items = new ArrayList<>(a.items);
                items.addAll(b.items);
                Value.ListV out = new Value.ListV(items, a.tuple, o);
                out.complete = a.complete && b.complete;
                return out;
            }
        }
        if (op.equals("|") && l instanceof Value.DictV a && r instanceof Value.DictV b) {
            Value.DictV out = new Value.DictV(o);
            merge(out, a);
            merge(out, b);
            return out;
        }
        if (op.equals("*") && l instanceof Value.Str a && r instanceof Value.Num n && n.integer() && n.value() >= 0 && n.value() < 1000) {
            return new Value.Str(a.value().repeat((int) n.asLong()), -1, o);
        }
        if (l instanceof Value.Num a && r instanceof Value.Num b) {
            boolean integer = a.integer() && b.integer();
            switch (op) {
                case "+": return new Value.Num(a.value() + b.value(), integer, o);
                case "-": return new Value.Num(a.value() - b.value(), integer, o);
                case "*": return new Value.Num(a.value() * b.value(), integer, o);
                case "/": return b.value() == 0 ? Value.UNKNOWN : new Value.Num(a.value() / b.value(), false, o);
                case "//": return b.value() == 0 ? Value.UNKNOWN : new Value.Num(Math.floor(a.value() / b.value()), integer, o);
                case "%": return b.value() == 0 ? Value.UNKNOWN : new Value.Num(a.value() - b.value() * Math.floor(a.value() / b.value()), integer, o);
                case "**": return new Value.Num(Math.pow(a.value(), b.value()), integer && b.value() >= 0, o);
                default: return Value.UNKNOWN;
            }
        }
        return Value.UNKNOWN;
    }

    /** The elements of an iterable whose contents are fully known, else null. */
    private List<Value> iterate(Value v) {
        if (v instanceof Value.Codelist cl) return codes(cl, 0);
        if (v instanceof Value.ListV l && l.complete && l.items.size() <= MAX_ITEMS) return l.items;
        if (v instanceof Value.DictV d && d.complete) return d.entries.stream().map(Value.Entry::key).toList();
        if (v instanceof Value.Str s && s.value().length() <= MAX_ITEMS) {
            List<Value> out = new ArrayList<>();
            for (char c : s.value().toCharArray()) out.add(new Value.Str(String.valueOf(c), -1, s.origin()));
            return out;
        }
        return null;
    }

    /**
     * The elements of a codelist, as iterating it in Python gives them: code strings, or (code, category) tuples.
     * A CSV codelist is read from the study folder (stripped codes, blank ones skipped, duplicates kept); a
     * combined one joins its parts keeping the first of each code. Null when anything is not known.
     */
    private List<Value> codes(Value.Codelist cl, int nesting) {
        if (nesting > 8) return null;
        switch (cl.kind()) {
            case "literal" -> {
                return cl.parts();
            }
            case "combined" -> {
                if (cl.parts() == null) return null;
                List<Value> out = new ArrayList<>();
                Set<String> seen = new java.util.HashSet<>();
                for (Value part : cl.parts()) {
                    List<Value> codes = part instanceof Value.Codelist p ? codes(p, nesting + 1) : null;
                    if (codes == null) return null;
                    for (Value code : codes) {
                        Value key = code instanceof Value.ListV t && t.tuple && !t.items.isEmpty() ? t.items.get(0) : code;
                        if (!(key instanceof Value.Str k)) return null;
                        if (seen.add(k.value())) out.add(code);
                    }
                }
                return out.size() <= MAX_ITEMS ? out : null;
            }
            case "csv" -> {
                if (cl.path() == null || cl.column() == null || cl.origin() == null) return null;
                boolean categorised = Boolean.TRUE.equals(cl.categorised());
                if (categorised && cl.categoryColumn() == null) return null;
                String text = modules.readData(cl.origin().file(), cl.path());
                if (text == null) return null;
                String[] lines = text.split("\r?\n");
                if (lines.length == 0) return null;
                String first = lines[0].startsWith("\uFEFF") ? lines[0].substring(1) : lines[0];
                List<String> header = CodelistCsvFiles.split(first);
                int col = header.indexOf(cl.column());
                int cat = categorised ? header.indexOf(cl.categoryColumn()) : -1;
                if (col < 0 || categorised && cat < 0) return null;
                List<Value> out = new ArrayList<>();
                for (int i = 1; i < lines.length; i++) {
                    if (lines[i].isEmpty()) continue;
                    if (lines[i].chars().filter(ch -> ch == '"').count() % 2 != 0) return null; // a quoted line break
                    List<String> row = CodelistCsvFiles.split(lines[i]);
                    if (row.size() != header.size()) return null;
                    String code = row.get(col).strip();
                    if (code.isEmpty()) continue;
                    Value.Str c = new Value.Str(code, -1, cl.origin());
                    out.add(categorised ? new Value.ListV(List.of(c, new Value.Str(row.get(cat).strip(), -1, cl.origin())), true, cl.origin()) : c);
                    if (out.size() > MAX_ITEMS) return null;
                }
                return out;
            }
            default -> {
                return null;
            }
        }
    }

    private Value comprehension(SourceFile f, Py.Comp c, Env outer) {
        Env env = new Env(outer);
        Origin o = Origin.of(f, c);
        List<Value[]> produced = new ArrayList<>();
        if (!generate(f, c, 0, env, produced)) return Value.UNKNOWN;
        if (c.kind() == Py.CompKind.DICT) {
            Value.DictV d = new Value.DictV(o);
            for (Value[] kv : produced) d.put(new Value.Entry(kv[0], kv[1], Origin.of(f, c.key())));
            return d;
        }
        List<Value> items = new ArrayList<>();
        for (Value[] kv : produced) items.add(kv[1]);
        return new Value.ListV(items, false, o);
    }

    private boolean generate(SourceFile f, Py.Comp c, int level, Env env, List<Value[]> out) {
        if (level == c.generators().size()) {
            if (out.size() > MAX_ITEMS) return false;
            Value key = c.key() == null ? null : eval(f, c.key(), env);
            out.add(new Value[] {key, eval(f, c.element(), env)});
            return true;
        }
        Py.CompFor g = c.generators().get(level);
        List<Value> items = iterate(eval(f, g.iter(), env));
        if (items == null) return false;
        for (Value item : items) {
            assign(f, g.target(), item, env, g.target());
            boolean keep = true;
            for (Py.Expr cond : g.conditions()) {
                Boolean t = Values.truthy(eval(f, cond, env));
                if (t == null) return false;
                if (!t) {
                    keep = false;
                    break;
                }
            }
            if (keep && !generate(f, c, level + 1, env, out)) return false;
        }
        return true;
    }

    // ------------------------------------------------------------------------------------- calls

    private record Args(List<Value> positional, List<Origin> positionalOrigins, List<Value.Kw> keywords, boolean open) {
    }

    private Args args(SourceFile f, Py.Call c, Env env) {
        List<Value> pos = new ArrayList<>();
        List<Origin> posOrigins = new ArrayList<>();
        List<Value.Kw> kws = new ArrayList<>();
        boolean open = false;
        for (Py.Arg a : c.args()) {
            Value v = eval(f, a.value(), env);
            switch (a.kind()) {
                case POSITIONAL -> {
                    pos.add(v);
                    posOrigins.add(Origin.of(f, a.value()));
                }
                case KEYWORD -> {
                    Origin name = new Origin(f, a.keywordStart(), a.keywordEnd());
                    kws.add(new Value.Kw(a.keyword(), v, name, Origin.of(f, a.value()), name));
                }
                case STAR -> {
                    List<Value> items = iterate(v);
                    if (items == null) open = true;
                    else for (Value x : items) {
                        pos.add(x);
                        posOrigins.add(x.origin() != null ? x.origin() : Origin.of(f, a.value()));
                    }
                }
                case DOUBLE_STAR -> {
                    Origin anchor = new Origin(f, a.start(), a.end());
                    if (v instanceof Value.DictV d) {
                        if (!d.complete) open = true;
                        for (Value.Entry en : d.entries) {
                            String k = en.keyString();
                            if (k == null) {
                                open = true;
                                continue;
                            }
                            Origin vo = en.value().origin() != null ? en.value().origin() : en.keyOrigin();
                            kws.add(new Value.Kw(k, en.value(), en.keyOrigin(), vo, anchor));
                        }
                    } else {
                        open = true;
                    }
                }
            }
        }
        return new Args(pos, posOrigins, kws, open);
    }

    private Value call(SourceFile f, Py.Call c, Env env) {
        Origin o = Origin.of(f, c);
        // Methods first: the receiver must not be evaluated twice (it may be a call).
        if (c.func() instanceof Py.Attribute at) {
            Value recv = eval(f, at.value(), env);
            if (recv instanceof Value.Builtin b && (b.name().equals("patients") || b.name().equals("cohortextractor.patients"))) {
                Args a = args(f, c, env);
                return new Value.Call(at.attr(), a.positional(), a.positionalOrigins(), a.keywords(), a.open(), o,
                        new Origin(f, at.attrStart(), at.end()), c);
            }
            if (recv instanceof Value.Builtin b && b.name().equals("cohortextractor")) {
                return builtin(f, c, at.attr(), env, o);
            }
            if (recv instanceof Value.Builtin b && b.name().equals("json")) {
                Args a = args(f, c, env);
                if (at.attr().equals("load") && a.positional().size() == 1 && a.positional().get(0) instanceof Value.FileRef file) {
                    return json(f, file, o);
                }
                return Value.UNKNOWN;
            }
            if (recv instanceof Value.Module m) {
                Binding b = m.env().names.get(at.attr());
                return b == null ? Value.UNKNOWN : invoke(f, c, b.value(), env, o);
            }
            return method(f, c, recv, at.attr(), env, o);
        }
        Value fn = eval(f, c.func(), env);
        return invoke(f, c, fn, env, o);
    }

    private Value invoke(SourceFile f, Py.Call c, Value fn, Env env, Origin o) {
        if (fn instanceof Value.Builtin b) {
            if (b.name().startsWith("patients.")) {
                Args a = args(f, c, env);
                Origin name = c.func() instanceof Py.Attribute at ? new Origin(f, at.attrStart(), at.end()) : Origin.of(f, c.func());
                return new Value.Call(b.name().substring("patients.".length()), a.positional(), a.positionalOrigins(),
                        a.keywords(), a.open(), o, name, c);
            }
            return builtin(f, c, b.name(), env, o);
        }
        if (fn instanceof Value.Func func) return callFunction(f, c, func, env);
        for (Py.Arg a : c.args()) eval(f, a.value(), env);
        return Value.UNKNOWN;
    }

    private Value builtin(SourceFile f, Py.Call c, String name, Env env, Origin o) {
        Args a = args(f, c, env);
        switch (name) {
            case "StudyDefinition", "Measure" -> {
                return new Value.Call(name, a.positional(), a.positionalOrigins(), a.keywords(), a.open(), o, Origin.of(f, c.func()), c);
            }
            case "codelist_from_csv" -> {
                Value path = argAt(a, 0, "filename");
                Value system = argAt(a, 1, "system");
                Value column = argAt(a, 2, "column");
                Value category = argAt(a, 3, "category_column");
                String col = column == null ? "code" : column instanceof Value.Str s ? s.value() : null;
                String cat = category == null || category instanceof Value.None ? null : category instanceof Value.Str s ? s.value() : "?";
                return new Value.Codelist("csv", strOf(system), originOf(system), strOf(path), originOf(path), col,
                        column == null ? null : column.origin(), "?".equals(cat) ? null : cat,
                        category == null ? null : category.origin(),
                        category == null || category instanceof Value.None ? Boolean.FALSE : cat == null || "?".equals(cat) ? null : Boolean.TRUE,
                        null, o);
            }
            case "codelist" -> {
                Value codes = argAt(a, 0, "codes");
                Value system = argAt(a, 1, "system");
                Integer count = null;
                Boolean categorised = null;
                if (codes instanceof Value.ListV l && l.complete) {
                    count = l.items.size();
                    categorised = !l.items.isEmpty() && l.items.get(0) instanceof Value.ListV;
                }
                return new Value.Codelist("literal", strOf(system), originOf(system), null, null, null, null, null, null,
                        categorised, count, o, codes instanceof Value.ListV l && l.complete ? List.copyOf(l.items) : null);
            }
            case "combine_codelists" -> {
                String system = null;
                Boolean categorised = null;
                for (Value v : a.positional()) {
                    if (v instanceof Value.Codelist cl) {
                        if (system == null) system = cl.system();
                        if (categorised == null) categorised = cl.categorised();
                    }
                }
                boolean all = !a.open() && a.positional().stream().allMatch(v -> v instanceof Value.Codelist);
                return new Value.Codelist("combined", system, null, null, null, null, null, null, null, categorised, null, o,
                        all ? List.copyOf(a.positional()) : null);
            }
            case "filter_codes_by_category" -> {
                Value src = argAt(a, 0, "codes");
                String system = src instanceof Value.Codelist cl ? cl.system() : null;
                return new Value.Codelist("filtered", system, null, null, null, null, null, null, null, Boolean.TRUE, null, o);
            }
            case "dict" -> {
                Value.DictV d = new Value.DictV(o);
                if (a.open()) d.complete = false;
                if (!a.positional().isEmpty()) {
                    Value first = a.positional().get(0);
                    if (first instanceof Value.DictV src) merge(d, src);
                    else if (first instanceof Value.ListV l && l.complete) {
                        for (Value pair : l.items) {
                            if (pair instanceof Value.ListV p && p.items.size() == 2) d.put(new Value.Entry(p.items.get(0), p.items.get(1), p.origin()));
                            else d.complete = false;
                        }
                    } else d.complete = false;
                }
                for (Value.Kw k : a.keywords()) d.put(new Value.Entry(new Value.Str(k.name(), -1, k.nameOrigin()), k.value(), k.nameOrigin()));
                return d;
            }
            case "range" -> {
                List<Long> ns = new ArrayList<>();
                for (Value v : a.positional()) {
                    if (!(v instanceof Value.Num n) || !n.integer()) return Value.UNKNOWN;
                    ns.add(n.asLong());
                }
                long start = ns.size() >= 2 ? ns.get(0) : 0, stop = ns.size() == 1 ? ns.get(0) : ns.size() >= 2 ? ns.get(1) : 0;
                long step = ns.size() == 3 ? ns.get(2) : 1;
                if (ns.isEmpty() || step == 0) return Value.UNKNOWN;
                List<Value> items = new ArrayList<>();
                for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
                    if (items.size() > MAX_ITEMS) return Value.UNKNOWN;
                    items.add(new Value.Num(i, true, o));
                }
                return new Value.ListV(items, false, o);
            }
            case "list", "tuple", "sorted", "set" -> {
                if (a.positional().isEmpty()) return new Value.ListV(List.of(), name.equals("tuple"), o);
                List<Value> items = iterate(a.positional().get(0));
                if (items == null || name.equals("sorted") && !a.keywords().isEmpty()) return Value.UNKNOWN;
                if (name.equals("sorted") || name.equals("set")) {
                    List<String> keys = new ArrayList<>();
                    for (Value v : items) {
                        if (!(v instanceof Value.Str s)) return Value.UNKNOWN;
                        if (!keys.contains(s.value())) keys.add(s.value());
                    }
                    if (name.equals("sorted")) keys.sort(null);
                    return new Value.ListV(keys.stream().map(k -> (Value) new Value.Str(k, -1, o)).toList(), false, o);
                }
                return new Value.ListV(items, name.equals("tuple"), o);
            }
            case "zip" -> {
                List<List<Value>> lists = new ArrayList<>();
                for (Value v : a.positional()) {
                    List<Value> items = iterate(v);
                    if (items == null) return Value.UNKNOWN;
                    lists.add(items);
                }
                int n = lists.stream().mapToInt(List::size).min().orElse(0);
                List<Value> out = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    List<Value> tuple = new ArrayList<>();
                    for (List<Value> l : lists) tuple.add(l.get(i));
                    out.add(new Value.ListV(tuple, true, o));
                }
                return new Value.ListV(out, false, o);
            }
            case "enumerate" -> {
                List<Value> items = a.positional().isEmpty() ? null : iterate(a.positional().get(0));
                if (items == null) return Value.UNKNOWN;
                long start = a.positional().size() > 1 && a.positional().get(1) instanceof Value.Num n ? n.asLong() : 0;
                List<Value> out = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) out.add(new Value.ListV(List.of(new Value.Num(start + i, true, o), items.get(i)), true, o));
                return new Value.ListV(out, false, o);
            }
            case "len" -> {
                Value v = a.positional().isEmpty() ? null : a.positional().get(0);
                if (v instanceof Value.ListV l && l.complete) return new Value.Num(l.items.size(), true, o);
                if (v instanceof Value.DictV d && d.complete) return new Value.Num(d.entries.size(), true, o);
                if (v instanceof Value.Str s) return new Value.Num(s.value().length(), true, o);
                return Value.UNKNOWN;
            }
            case "open" -> {
                Value path = argAt(a, 0, "file");
                Value mode = argAt(a, 1, "mode");
                if (!(path instanceof Value.Str p) || mode != null && !(mode instanceof Value.Str m && m.value().matches("r[bt]?"))) {
                    return Value.UNKNOWN;
                }
                return new Value.FileRef(p.value(), o);
            }
            case "str" -> {
                String s = a.positional().isEmpty() ? "" : Values.str(a.positional().get(0));
                return s == null ? Value.UNKNOWN : new Value.Str(s, -1, o);
            }
            case "int" -> {
                Value v = a.positional().isEmpty() ? null : a.positional().get(0);
                if (v instanceof Value.Num n) return new Value.Num(Math.floor(n.value()), true, o);
                if (v instanceof Value.Str s) {
                    try {
                        return new Value.Num(Long.parseLong(s.value().trim()), true, o);
                    } catch (NumberFormatException e) {
                        return Value.UNKNOWN;
                    }
                }
                return Value.UNKNOWN;
            }
            default -> {
                return Value.UNKNOWN;
            }
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** {@code json.load(f)} of a committed file of the study: its contents, or unknown. */
    private Value json(SourceFile f, Value.FileRef file, Origin o) {
        String text = modules.readData(f, file.path());
        if (text == null) return Value.UNKNOWN;
        try {
            int[] budget = {MAX_ITEMS};
            Value v = fromJson(JSON.readTree(text), o, budget);
            return budget[0] < 0 ? Value.UNKNOWN : v;
        } catch (java.io.IOException | RuntimeException e) {
            return Value.UNKNOWN;
        }
    }

    private static Value fromJson(com.fasterxml.jackson.databind.JsonNode n, Origin o, int[] budget) {
        if (--budget[0] < 0 || n == null) return Value.UNKNOWN;
        if (n.isObject()) {
            Value.DictV d = new Value.DictV(o);
            for (java.util.Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
                d.put(new Value.Entry(new Value.Str(e.getKey(), -1, o), fromJson(e.getValue(), o, budget), o));
            }
            return d;
        }
        if (n.isArray()) {
            List<Value> items = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode x : n) items.add(fromJson(x, o, budget));
            return new Value.ListV(items, false, o);
        }
        if (n.isTextual()) return new Value.Str(n.textValue(), -1, o);
        if (n.isIntegralNumber()) return n.canConvertToLong() ? new Value.Num(n.longValue(), true, o) : Value.UNKNOWN;
        if (n.isNumber()) return new Value.Num(n.doubleValue(), false, o);
        if (n.isBoolean()) return new Value.Bool(n.booleanValue(), o);
        if (n.isNull()) return new Value.None(o);
        return Value.UNKNOWN;
    }

    private static Value argAt(Args a, int index, String name) {
        for (Value.Kw k : a.keywords()) if (k.name().equals(name)) return k.value();
        return index < a.positional().size() ? a.positional().get(index) : null;
    }

    private static String strOf(Value v) {
        return v instanceof Value.Str s ? s.value() : null;
    }

    private static Origin originOf(Value v) {
        return v == null ? null : v.origin();
    }

    private Value method(SourceFile f, Py.Call c, Value recv, String name, Env env, Origin o) {
        Args a = args(f, c, env);
        if (recv instanceof Value.DictV d) {
            switch (name) {
                case "update" -> {
                    if (a.open()) d.complete = false;
                    for (Value p : a.positional()) merge(d, p);
                    for (Value.Kw k : a.keywords()) d.put(new Value.Entry(new Value.Str(k.name(), -1, k.nameOrigin()), k.value(), k.nameOrigin()));
                    return new Value.None(o);
                }
                case "copy" -> {
                    Value.DictV copy = new Value.DictV(o);
                    merge(copy, d);
                    return copy;
                }
                case "keys" -> {
                    if (!d.complete) return Value.UNKNOWN;
                    return new Value.ListV(d.entries.stream().map(Value.Entry::key).toList(), false, o);
                }
                case "values" -> {
                    if (!d.complete) return Value.UNKNOWN;
                    return new Value.ListV(d.entries.stream().map(Value.Entry::value).toList(), false, o);
                }
                case "items" -> {
                    if (!d.complete) return Value.UNKNOWN;
                    return new Value.ListV(d.entries.stream().map(en -> (Value) new Value.ListV(List.of(en.key(), en.value()), true, o)).toList(), false, o);
                }
                case "get" -> {
                    if (a.positional().isEmpty() || !(a.positional().get(0) instanceof Value.Str k)) return Value.UNKNOWN;
                    Value v = d.get(k.value());
                    if (v != null) return v;
                    if (!d.complete) return Value.UNKNOWN;
                    return a.positional().size() > 1 ? a.positional().get(1) : new Value.None(o);
                }
                case "pop" -> {
                    d.complete = false;
                    return Value.UNKNOWN;
                }
                default -> {
                    return Value.UNKNOWN;
                }
            }
        }
        if (recv instanceof Value.ListV l) {
            switch (name) {
                case "append" -> {
                    if (a.positional().size() == 1) l.items.add(a.positional().get(0));
                    else l.complete = false;
                    return new Value.None(o);
                }
                case "extend" -> {
                    List<Value> items = a.positional().size() == 1 ? iterate(a.positional().get(0)) : null;
                    if (items == null) l.complete = false;
                    else l.items.addAll(items);
                    return new Value.None(o);
                }
                default -> {
                    l.complete = false;
                    return Value.UNKNOWN;
                }
            }
        }
        if (recv instanceof Value.Str s) {
            switch (name) {
                case "upper" -> {
                    return new Value.Str(s.value().toUpperCase(java.util.Locale.ROOT), -1, o);
                }
                case "lower" -> {
                    return new Value.Str(s.value().toLowerCase(java.util.Locale.ROOT), -1, o);
                }
                case "strip" -> {
                    return a.positional().isEmpty() ? new Value.Str(s.value().strip(), -1, o) : Value.UNKNOWN;
                }
                case "replace" -> {
                    if (a.positional().size() == 2 && a.positional().get(0) instanceof Value.Str x && a.positional().get(1) instanceof Value.Str y) {
                        return new Value.Str(s.value().replace(x.value(), y.value()), -1, o);
                    }
                    return Value.UNKNOWN;
                }
                case "join" -> {
                    List<Value> items = a.positional().size() == 1 ? iterate(a.positional().get(0)) : null;
                    if (items == null) return Value.UNKNOWN;
                    List<String> parts = new ArrayList<>();
                    for (Value v : items) {
                        if (!(v instanceof Value.Str x)) return Value.UNKNOWN;
                        parts.add(x.value());
                    }
                    return new Value.Str(String.join(s.value(), parts), -1, o);
                }
                case "format" -> {
                    return format(s.value(), a, o);
                }
                default -> {
                    return Value.UNKNOWN;
                }
            }
        }
        return Value.UNKNOWN;
    }

    /** {@code "...{}...{name}...".format(...)} with plain fields only. */
    private static Value format(String template, Args a, Origin o) {
        StringBuilder b = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < template.length(); i++) {
            char ch = template.charAt(i);
            if (ch == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
                b.append('{');
                i++;
            } else if (ch == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                b.append('}');
                i++;
            } else if (ch == '{') {
                int close = template.indexOf('}', i);
                if (close < 0) return Value.UNKNOWN;
                String field = template.substring(i + 1, close);
                Value v;
                if (field.isEmpty()) v = auto < a.positional().size() ? a.positional().get(auto++) : null;
                else if (field.chars().allMatch(Character::isDigit)) {
                    int k = Integer.parseInt(field);
                    v = k < a.positional().size() ? a.positional().get(k) : null;
                } else {
                    v = null;
                    for (Value.Kw k : a.keywords()) if (k.name().equals(field)) v = k.value();
                }
                String s = v == null ? null : Values.str(v);
                if (s == null) return Value.UNKNOWN;
                b.append(s);
                i = close;
            } else {
                b.append(ch);
            }
        }
        return new Value.Str(b.toString(), -1, o);
    }

    private Value callFunction(SourceFile callFile, Py.Call c, Value.Func fn, Env callerEnv) {
        Args a = args(callFile, c, callerEnv);
        if (depth >= MAX_DEPTH) return Value.UNKNOWN;
        Env local = new Env(fn.env());
        Map<String, Value> given = new HashMap<>();
        List<Py.Param> params = fn.def().params();
        int next = 0;
        for (Py.Param p : params) {
            if (p.kind() == Py.ArgKind.STAR) {
                List<Value> rest = next < a.positional().size() ? a.positional().subList(next, a.positional().size()) : List.of();
                Value.ListV l = new Value.ListV(rest, true, fn.origin());
                l.complete = !a.open();
                given.put(p.name(), l);
                next = a.positional().size();
            } else if (p.kind() == Py.ArgKind.POSITIONAL && next < a.positional().size()) {
                given.put(p.name(), a.positional().get(next++));
            }
        }
        Value.DictV extra = null;
        for (Value.Kw k : a.keywords()) {
            boolean named = params.stream().anyMatch(p -> p.kind() == Py.ArgKind.POSITIONAL && p.name().equals(k.name()));
            if (named) given.put(k.name(), k.value());
            else {
                if (extra == null) extra = new Value.DictV(fn.origin());
                extra.put(new Value.Entry(new Value.Str(k.name(), -1, k.nameOrigin()), k.value(), k.nameOrigin()));
            }
        }
        for (Py.Param p : params) {
            Origin where = fn.origin();
            if (p.kind() == Py.ArgKind.DOUBLE_STAR) {
                Value.DictV d = extra != null ? extra : new Value.DictV(fn.origin());
                if (a.open()) d.complete = false;
                local.bind(p.name(), d, where);
            } else if (given.containsKey(p.name())) {
                local.bind(p.name(), given.get(p.name()), where);
            } else if (a.open()) {
                local.bind(p.name(), Value.UNKNOWN, where);
            } else if (p.defaultValue() != null) {
                local.bind(p.name(), eval(fn.file(), p.defaultValue(), fn.env()), where);
            } else {
                local.bind(p.name(), Value.UNKNOWN, where);
            }
        }
        depth++;
        boolean outerSkipped = skippedReturn;
        skippedReturn = false;
        try {
            exec(fn.file(), fn.def().body(), local);
            return Value.UNKNOWN;
        } catch (ReturnSignal r) {
            return skippedReturn ? Value.UNKNOWN : r.value;
        } finally {
            depth--;
            skippedReturn = outerSkipped;
        }
    }
}

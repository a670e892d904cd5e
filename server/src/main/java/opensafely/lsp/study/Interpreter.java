package opensafely.lsp.study;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.PyTreeBuilder;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.study.Value.Origin;

/**
 * A static evaluator for the Python that study definitions are written in. It follows assignments, dict
 * displays and merges, {@code dict(...)}, comprehensions and loops over known lists, calls of simple functions,
 * f-strings and imports of sibling modules; cohort-extractor calls become {@link Value.Call} and codelist helpers
 * {@link Value.Codelist}. It never runs user code: whatever it cannot follow is {@link Value#UNKNOWN}.
 *
 * <p>This class is the statement and expression walk with its state (scopes, step and depth budgets, function calls);
 * what a construct means is left to one part per kind: {@link Imports}, {@link Operators}, {@link Comprehensions},
 * {@link BuiltinCalls}, {@link ValueMethods} and {@link DataFiles}, with {@link Args} for the arguments of a call
 * and {@link UnfollowedCode} for the blocks it cannot follow.
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

    private static final Set<String> PY_BUILTINS = Set.of("dict", "range", "list", "tuple", "len", "str", "int", "zip",
            "enumerate", "sorted", "set", "float", "bool", "open");
    /** {@code with open("path") as name:}, read from the source (the tree keeps only the bound name). */
    private static final java.util.regex.Pattern WITH_OPEN = java.util.regex.Pattern.compile(
            "with\\s+open\\(\\s*[rRuU]?(['\"])([^'\"\\\\\\n]+)\\1\\s*(?:,\\s*(?:mode\\s*=\\s*)?['\"]r[bt]?['\"]\\s*)?"
                    + "(?:,\\s*encoding\\s*=\\s*['\"][\\w-]+['\"]\\s*)?,?\\s*\\)\\s+as\\s+([A-Za-z_]\\w*)\\s*:");
    private static final int MAX_STEPS = 400_000;
    private static final int MAX_DEPTH = 24;
    static final int MAX_ITEMS = 5_000;

    private int steps;
    private int depth;
    /** Set when a block that may return was not followed: the function's result is then unknown. */
    private boolean skippedReturn;

    // What each kind of construct means, one part per kind (as the ehrQL Evaluator does).
    private final Imports imports;
    private final Comprehensions comprehensions;
    private final BuiltinCalls builtins;
    private final ValueMethods methods;
    private final DataFiles dataFiles;

    Interpreter(Modules modules) {
        this.imports = new Imports(modules);
        this.comprehensions = new Comprehensions(this);
        this.builtins = new BuiltinCalls(this);
        this.methods = new ValueMethods(this);
        this.dataFiles = new DataFiles(modules);
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
                Value result = old == null ? Value.UNKNOWN : Operators.binop(op, old.value(), right, Origin.of(f, a));
                if (op.equals("|") && old != null && old.value() instanceof Value.DictV d) {
                    Operators.merge(d, right);
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
            imports.importFrom(f, i, env);
        } else if (s instanceof Py.Import i) {
            imports.importModules(f, i, env);
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

    /** Makes everything a block of statements might have assigned or filled unknown. */
    private void poison(SourceFile f, List<Py.Stmt> body, Env env) {
        if (UnfollowedCode.returns(body)) skippedReturn = true;
        for (String n : PyTreeBuilder.assigned(body)) env.bind(n, Value.UNKNOWN, new Origin(f, 0, 0));
        for (Py.Stmt s : body) UnfollowedCode.markContainers(s, env);
    }

    void assign(SourceFile f, Py.Expr target, Value v, Env env, Py.Node stmt) {
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
                    Operators.merge(out, eval(f, item.value(), env));
                } else {
                    out.put(new Value.Entry(eval(f, item.key(), env), eval(f, item.value(), env), Origin.of(f, item.key())));
                }
            }
            return out;
        }
        if (e instanceof Py.Comp c) return comprehensions.comprehension(f, c, env);
        if (e instanceof Py.Call c) return call(f, c, env);
        if (e instanceof Py.BinOp b) return Operators.binop(b.op(), eval(f, b.left(), env), eval(f, b.right(), env), o);
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
            Boolean r = Operators.compareOp(c.ops().get(i), left, right);
            if (r == null) return Value.UNKNOWN;
            if (!r) return new Value.Bool(false, o);
            left = right;
        }
        return new Value.Bool(true, o);
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

    /** The elements of an iterable whose contents are fully known, else null. */
    List<Value> iterate(Value v) {
        if (v instanceof Value.Codelist cl) return dataFiles.codes(cl, 0);
        if (v instanceof Value.ListV l && l.complete && l.items.size() <= MAX_ITEMS) return l.items;
        if (v instanceof Value.DictV d && d.complete) return d.entries.stream().map(Value.Entry::key).toList();
        if (v instanceof Value.Str s && s.value().length() <= MAX_ITEMS) {
            List<Value> out = new ArrayList<>();
            for (char c : s.value().toCharArray()) out.add(new Value.Str(String.valueOf(c), -1, s.origin()));
            return out;
        }
        return null;
    }

    // ------------------------------------------------------------------------------------- calls

    private Value call(SourceFile f, Py.Call c, Env env) {
        Origin o = Origin.of(f, c);
        // Methods first: the receiver must not be evaluated twice (it may be a call).
        if (c.func() instanceof Py.Attribute at) {
            Value recv = eval(f, at.value(), env);
            if (recv instanceof Value.Builtin b && (b.name().equals("patients") || b.name().equals("cohortextractor.patients"))) {
                Args a = Args.of(this, f, c, env);
                return new Value.Call(at.attr(), a.positional(), a.positionalOrigins(), a.keywords(), a.open(), o,
                        new Origin(f, at.attrStart(), at.end()), c);
            }
            if (recv instanceof Value.Builtin b && b.name().equals("cohortextractor")) {
                return builtins.builtin(f, c, at.attr(), env, o);
            }
            if (recv instanceof Value.Builtin b && b.name().equals("json")) {
                Args a = Args.of(this, f, c, env);
                if (at.attr().equals("load") && a.positional().size() == 1 && a.positional().get(0) instanceof Value.FileRef file) {
                    return dataFiles.json(f, file, o);
                }
                return Value.UNKNOWN;
            }
            if (recv instanceof Value.Module m) {
                Binding b = m.env().names.get(at.attr());
                return b == null ? Value.UNKNOWN : invoke(f, c, b.value(), env, o);
            }
            return methods.method(f, c, recv, at.attr(), env, o);
        }
        Value fn = eval(f, c.func(), env);
        return invoke(f, c, fn, env, o);
    }

    private Value invoke(SourceFile f, Py.Call c, Value fn, Env env, Origin o) {
        if (fn instanceof Value.Builtin b) {
            if (b.name().startsWith("patients.")) {
                Args a = Args.of(this, f, c, env);
                Origin name = c.func() instanceof Py.Attribute at ? new Origin(f, at.attrStart(), at.end()) : Origin.of(f, c.func());
                return new Value.Call(b.name().substring("patients.".length()), a.positional(), a.positionalOrigins(),
                        a.keywords(), a.open(), o, name, c);
            }
            return builtins.builtin(f, c, b.name(), env, o);
        }
        if (fn instanceof Value.Func func) return callFunction(f, c, func, env);
        for (Py.Arg a : c.args()) eval(f, a.value(), env);
        return Value.UNKNOWN;
    }

    private Value callFunction(SourceFile callFile, Py.Call c, Value.Func fn, Env callerEnv) {
        Args a = Args.of(this, callFile, c, callerEnv);
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
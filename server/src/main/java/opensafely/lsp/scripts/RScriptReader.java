package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import opensafely.lsp.scripts.FileUse.Access;
import opensafely.lsp.scripts.RNode.Arg;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Range;

/**
 * Reads R scripts: follows assignments of strings, {@code paste}/{@code file.path}/{@code here}/{@code glue}/
 * {@code sprintf}, loops over literal vectors and calls of the script's own functions to the files read and written,
 * and data frames read from files through {@code $}, {@code [[ ]]} and dplyr verbs to the columns they use.
 *
 * <p>The script is walked once in order, like R would run it, with each name bound to what is known of its value.
 * Work is bounded by a step budget proportional to the text; past it the walk stops and the script's writes count as
 * unresolved, so no rule claims an output is never written.
 */
public final class RScriptReader implements ScriptReader {
    private static final java.util.regex.Pattern SMALL_INTEGER = java.util.regex.Pattern.compile("[0-9]{1,9}");

    @Override
    public ScriptUses read(String text) {
        try {
            return new Walk(text).run();
        } catch (RuntimeException | StackOverflowError e) {
            // a reader must never fail its caller; what it cannot read says nothing, and writes stay open
            return new ScriptUses(ScriptLanguage.R, List.of(), List.of(), List.of(), List.of(new Range(
                    new opensafely.lsp.text.Position(0, 0), new opensafely.lsp.text.Position(0, 0))));
        }
    }

    /** What is known of a value. */
    sealed interface Value {}

    /** A string (or character vector) with its possible values. */
    record Strings(List<String> options) implements Value {}

    /**
     * A data frame read from {@code source}; {@code added} holds the columns the script made itself. Columns of a
     * frame whose columns are no longer known (after {@code summarise}, a join...) are not followed at all.
     */
    record Table(FileUse source, Set<String> added) implements Value {}

    record Fn(RNode.Function def) implements Value {}

    /** A name bound to something not followed. */
    record Opaque() implements Value {}

    static final Value UNKNOWN = new Opaque();

    /** Names bound in one scope; lookups fall through to the enclosing one. */
    static final class Env {
        final Map<String, Value> vars = new HashMap<>();
        final Env parent;

        Env(Env parent) {
            this.parent = parent;
        }

        Value get(String name) {
            for (Env e = this; e != null; e = e.parent) {
                Value v = e.vars.get(name);
                if (v != null) return v;
            }
            return null;
        }

        Env root() {
            Env e = this;
            while (e.parent != null) e = e.parent;
            return e;
        }
    }

    /** One walk over one script. */
    static final class Walk {
        final String text;
        final LineIndex lines;
        final List<FileUse> files = new ArrayList<>();
        final Set<ColumnUse> columns = new LinkedHashSet<>();
        final List<Range> unresolvedReads = new ArrayList<>();
        final List<Range> unresolvedWrites = new ArrayList<>();
        final Set<RNode.Function> onStack = new HashSet<>();
        final Set<RNode.Function> called = new HashSet<>();
        final Map<RNode.Function, Env> defined = new java.util.LinkedHashMap<>();
        long budget;
        boolean exhausted;
        /** Set once the script may define names the walk cannot see (source, load, attach...). */
        boolean opaqueNames;
        /** While walking a function nobody calls: writes found there count only as unresolved. */
        boolean speculative;
        /** How many branches, try blocks and loops over unknown values enclose the code being walked (FileUse.conditional). */
        int conditional;
        /** The current folder below the study folder ("" at the start), null once setwd went somewhere unknown. */
        String cwd = "";
        Env env = new Env(null);
        final RColumns columnsOf = new RColumns(this);

        Walk(String text) {
            this.text = text;
            this.lines = new LineIndex(text);
            this.budget = 10_000L + 40L * text.length();
        }

        ScriptUses run() {
            List<RNode> program = RParser.parse(text);
            for (RNode n : program) eval(n);
            // functions defined but never called here may still run (do.call, a sourcing script): their writes
            // cannot be ruled out, nor placed
            boolean wasSpeculative = speculative;
            speculative = true;
            for (var e : new ArrayList<>(defined.entrySet())) {
                if (!called.contains(e.getKey())) invoke(e.getKey(), e.getValue(), List.of());
            }
            speculative = wasSpeculative;
            if (exhausted) unresolvedWrites.add(range(0, 0));
            List<FileUse> unique = new ArrayList<>(new LinkedHashSet<>(files));
            return new ScriptUses(ScriptLanguage.R, unique, new ArrayList<>(columns), new ArrayList<>(new LinkedHashSet<>(unresolvedReads)),
                    new ArrayList<>(new LinkedHashSet<>(unresolvedWrites)));
        }

        Range range(int start, int end) {
            return lines.range(start, end);
        }

        boolean spend() {
            if (--budget < 0) exhausted = true;
            return !exhausted;
        }

        /** Walks a node for its effects and returns what is known of its value (null: nothing). */
        Value eval(RNode node) {
            if (node == null || !spend()) return null;
            if (node instanceof RNode.Str s) return new Strings(List.of(s.value()));
            if (node instanceof RNode.Num n) return number(n.text());
            if (node instanceof RNode.Name n) return name(n);
            if (node instanceof RNode.Call c) return call(c, null, null);
            if (node instanceof RNode.Binary b) return binary(b);
            if (node instanceof RNode.Unary u) {
                // a formula is not run where it stands; as a purrr lambda it may run later, with values unknown
                boolean was = speculative;
                if (u.op().equals("~")) speculative = true;
                eval(u.operand());
                speculative = was;
                return null;
            }
            if (node instanceof RNode.Block b) {
                Value last = null;
                for (RNode s : b.body()) last = eval(s);
                return last;
            }
            if (node instanceof RNode.Function f) {
                defined.putIfAbsent(f, env);
                return new Fn(f);
            }
            if (node instanceof RNode.If i) return branches(i);
            if (node instanceof RNode.For f) return loop(f);
            if (node instanceof RNode.Loop l) {
                eval(l.condition());
                eval(l.body());
                return null;
            }
            if (node instanceof RNode.Dollar d) return columnsOf.dollar(d);
            if (node instanceof RNode.Index x) return columnsOf.index(x);
            return null;
        }

        private static Value number(String t) {
            String digits = t.endsWith("L") ? t.substring(0, t.length() - 1) : t;
            return SMALL_INTEGER.matcher(digits).matches() ? new Strings(List.of(String.valueOf(Integer.parseInt(digits)))) : null;
        }

        private Value name(RNode.Name n) {
            if (n.qualified()) return null;
            Value v = env.get(n.name());
            return v == UNKNOWN ? null : v;
        }

        /** Whether a name is bound by the script (so in a data-masked argument it may not be a column). */
        boolean bound(String name) {
            return env.get(name) != null;
        }

        private Value binary(RNode.Binary b) {
            switch (b.op()) {
                case ":=" -> {
                    // data.table's in-place column assignment, handled where the frame is indexed
                    eval(b.right());
                    return null;
                }
                case "<-", "=", "<<-" -> {
                    return assign(b.left(), b.right(), b.op().equals("<<-"));
                }
                case "->", "->>" -> {
                    return assign(b.right(), b.left(), b.op().equals("->>"));
                }
                case "%>%", "|>", "%T>%" -> {
                    return pipe(b);
                }
                case ":" -> {
                    Value l = eval(b.left());
                    Value r = eval(b.right());
                    return sequence(l, r);
                }
                default -> {
                    eval(b.left());
                    eval(b.right());
                    return null;
                }
            }
        }

        /** {@code 1:3} of small literal bounds: the numbers, as strings for paths. */
        private static Value sequence(Value l, Value r) {
            if (l instanceof Strings a && r instanceof Strings b && a.options().size() == 1 && b.options().size() == 1) {
                try {
                    int from = Integer.parseInt(a.options().get(0));
                    int to = Integer.parseInt(b.options().get(0));
                    if (Math.abs((long) to - from) < PathValues.MAX_OPTIONS) {
                        List<String> out = new ArrayList<>();
                        for (int i = from; from <= to ? i <= to : i >= to; i += from <= to ? 1 : -1) out.add(String.valueOf(i));
                        return new Strings(out);
                    }
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            return null;
        }

        private Value assign(RNode target, RNode valueNode, boolean global) {
            Value v = eval(valueNode);
            if (target instanceof RNode.Name n || target instanceof RNode.Str) {
                String name = target instanceof RNode.Name n2 ? n2.name() : ((RNode.Str) target).value();
                Env scope = global ? env.root() : env;
                scope.vars.put(name, v == null ? UNKNOWN : v);
                if (v instanceof Fn f) defined.put(f.def(), env);
            } else {
                columnsOf.assignInto(target);
            }
            return v;
        }

        private Value pipe(RNode.Binary b) {
            Value left = eval(b.left());
            RNode right = b.right();
            if (right instanceof RNode.Call c) return call(c, b.left(), left);
            if (right instanceof RNode.Name n) {
                return call(new RNode.Call(n, List.of(), n.start(), n.end()), b.left(), left);
            }
            eval(right);
            return null;
        }

        private Value branches(RNode.If i) {
            eval(i.condition());
            Env before = env;
            Env thenEnv = new Env(before);
            env = thenEnv;
            conditional++;
            Value a;
            Value b;
            Env elseEnv = new Env(before);
            try {
                a = eval(i.then());
                env = elseEnv;
                b = eval(i.otherwise());
            } finally {
                conditional--;
                env = before;
            }
            Set<String> names = new HashSet<>(thenEnv.vars.keySet());
            names.addAll(elseEnv.vars.keySet());
            for (String name : names) {
                // Bound on a side to a value nothing knows (commandArgs(), a data value) is unknown there, not
                // unbound: the other side's value must not win, or a default for local runs reads as the only one.
                Value x = thenEnv.vars.containsKey(name) ? known(thenEnv.vars.get(name)) : before.get(name);
                Value y = elseEnv.vars.containsKey(name) ? known(elseEnv.vars.get(name)) : before.get(name);
                before.vars.put(name, merge(x, y));
            }
            return i.otherwise() == null ? null : merge(known(a), known(b));
        }

        private static Value known(Value v) {
            return v == null ? UNKNOWN : v;
        }

        /** A value that is either {@code x} or {@code y}; a name unbound on one side takes the other's value. */
        static Value merge(Value x, Value y) {
            if (x == null) return y;
            if (y == null || x.equals(y)) return x;
            if (x instanceof Strings a && b(y) != null) {
                Set<String> all = new LinkedHashSet<>(a.options());
                all.addAll(b(y).options());
                return all.size() <= PathValues.MAX_OPTIONS ? new Strings(new ArrayList<>(all)) : UNKNOWN;
            }
            return UNKNOWN;
        }

        private static Strings b(Value v) {
            return v instanceof Strings s ? s : null;
        }

        private Value loop(RNode.For f) {
            Value seq = eval(f.sequence());
            if (f.variable() == null) { // while or repeat: the body may not run
                conditional++;
                try {
                    eval(f.body());
                } finally {
                    conditional--;
                }
                return null;
            }
            if (seq instanceof Strings s && s.options().size() > 1 && s.options().size() <= 12) {
                // one pass per value, so a path that names the variable twice stays consistent
                for (String option : s.options()) {
                    env.vars.put(f.variable(), new Strings(List.of(option)));
                    eval(f.body());
                }
                return null;
            }
            env.vars.put(f.variable(), seq instanceof Strings s ? s : UNKNOWN);
            boolean maybeEmpty = !(seq instanceof Strings s && !s.options().isEmpty());
            if (maybeEmpty) conditional++;
            try {
                eval(f.body());
            } finally {
                if (maybeEmpty) conditional--;
            }
            return null;
        }

        /**
         * A call; {@code pipedNode}/{@code piped} are the left side of a pipe, passed as the first argument (or where
         * a {@code .} placeholder stands).
         */
        Value call(RNode.Call c, RNode pipedNode, Value piped) {
            // try()/tryCatch() run their code, but a failure there does not fail the job: its reads are conditional.
            boolean guarded = c.fn() instanceof RNode.Name g && (g.bare().equals("try") || g.bare().equals("tryCatch")
                    || g.bare().equals("safely") || g.bare().equals("possibly"));
            if (guarded) conditional++;
            try {
                return callUnguarded(c, pipedNode, piped);
            } finally {
                if (guarded) conditional--;
            }
        }

        private Value callUnguarded(RNode.Call c, RNode pipedNode, Value piped) {
            List<RArgs.Arg> args = RArgs.of(this, c, pipedNode, piped);
            if (!(c.fn() instanceof RNode.Name fnName)) {
                Value f = eval(c.fn());
                if (f instanceof Fn fn) return invoke(fn.def(), env, args);
                return null;
            }
            String name = fnName.name();
            if (!fnName.qualified() && env.get(name) instanceof Fn fn) return invoke(fn.def(), defined.getOrDefault(fn.def(), env), args);
            RFileCalls.FileCall io = RFileCalls.of(name);
            if (io != null) return fileCall(c, name, io, args);
            Value s = RStrings.build(this, fnName.bare(), fnName.qualified() ? name : fnName.bare(), args);
            if (s != RStrings.NOT_STRING) return s;
            Value mapped = mapOver(fnName.bare(), args);
            if (mapped != RStrings.NOT_STRING) return mapped;
            Value verb = columnsOf.verb(fnName, args);
            if (verb != RStrings.NOT_STRING) return verb;
            columnsOf.formulas(args);
            switch (fnName.bare()) {
                case "attach", "assign", "list2env", "eval", "evalq", "with", "within", "local", "sys.source", "library",
                        "require" -> {
                    if (!fnName.bare().equals("library") && !fnName.bare().equals("require")) opaqueNames = true;
                }
                case "setwd" -> {
                    // later relative paths are below the new folder; below one not known they are unresolved
                    RArgs.Arg to = RArgs.find(args, 0, List.of("dir"));
                    cwd = PathValues.changeFolder(cwd, to != null && to.value() instanceof Strings dir ? dir.options() : null);
                }
                default -> {
                    if (RFileCalls.soundsLikeWrite(name)) unresolvedWrites.add(range(c.start(), c.end()));
                    // setnames(), setDT(), set(): data.table changes a frame in place, so its columns are not known
                    if (fnName.bare().startsWith("set") && !c.args().isEmpty() && c.args().get(0).value() instanceof RNode.Name n
                            && env.get(n.name()) instanceof Table) {
                        env.vars.put(n.name(), UNKNOWN);
                    }
                }
            }
            // a function handed to an unknown call may be run by it, with arguments not known
            for (RArgs.Arg a : args) {
                if (a.value() instanceof Fn fn && !onStack.contains(fn.def())) invoke(fn.def(), env, List.of());
            }
            return null;
        }

        /** {@code lapply}, {@code purrr::map}/{@code walk}... over a literal vector: the function once per value. */
        private Value mapOver(String bare, List<RArgs.Arg> args) {
            boolean mapper = bare.equals("lapply") || bare.equals("sapply") || bare.equals("vapply") || bare.equals("map")
                    || bare.equals("walk") || bare.startsWith("map_") || bare.equals("iwalk") || bare.equals("imap");
            if (!mapper || args.size() < 2) return RStrings.NOT_STRING;
            Value over = args.get(0).value();
            Fn fn = args.get(1).value() instanceof Fn f ? f : null;
            RNode fnNode = args.get(1).node();
            if (fn == null && fnNode instanceof RNode.Unary u && u.op().equals("~")) {
                // a purrr formula: its body sees the value as .x and .
                fn = new Fn(new RNode.Function(List.of(new RNode.Param(".x", null), new RNode.Param(".", null)), u.operand(),
                        u.start(), u.end()));
            }
            if (fn == null) return RStrings.NOT_STRING;
            List<String> options = over instanceof Strings s && s.options().size() <= 12 ? s.options() : null;
            if (options == null) {
                invoke(fn.def(), env, List.of());
                return null;
            }
            for (String option : options) {
                Value v = new Strings(List.of(option));
                invoke(fn.def(), env, List.of(new RArgs.Arg(null, null, v), new RArgs.Arg(null, null, v)));
            }
            return null;
        }

        /** Runs a function of the script with the values of its arguments; the value of its last expression. */
        Value invoke(RNode.Function def, Env closure, List<RArgs.Arg> args) {
            called.add(def);
            if (onStack.contains(def) || exhausted) return null;
            if (onStack.size() >= 32) {
                exhausted = true; // calls nested this deep are not followed; the script's writes stay open
                return null;
            }
            onStack.add(def);
            Env saved = env;
            env = new Env(closure == null ? saved.root() : closure);
            try {
                int positional = 0;
                Set<String> given = new HashSet<>();
                for (RArgs.Arg a : args) if (a.name() != null) given.add(a.name());
                for (RNode.Param p : def.params()) {
                    Value v = null;
                    RArgs.Arg named = null;
                    for (RArgs.Arg a : args) if (p.name().equals(a.name())) named = a;
                    if (named != null) {
                        v = named.value();
                    } else if (!given.contains(p.name())) {
                        while (positional < args.size() && args.get(positional).name() != null) positional++;
                        if (positional < args.size()) v = args.get(positional++).value();
                        else if (p.fallback() != null) v = eval(p.fallback());
                    }
                    env.vars.put(p.name(), v == null ? UNKNOWN : v);
                }
                return eval(def.body());
            } finally {
                env = saved;
                onStack.remove(def);
            }
        }

        private Value fileCall(RNode.Call c, String name, RFileCalls.FileCall io, List<RArgs.Arg> args) {
            RArgs.Arg pathArg = RArgs.find(args, io.position(), io.names());
            if (io.position() == 0 && name.endsWith("ggsave") && pathArg == null) pathArg = RArgs.find(args, -1, List.of("file"));
            String bare = name.substring(name.lastIndexOf(':') + 1);
            if (bare.equals("source") || bare.equals("sys.source") || bare.equals("load")) {
                opaqueNames = true;
                if (!bare.equals("load")) unresolvedWrites.add(range(c.start(), c.end())); // the sourced code may write
            }
            if (pathArg == null) return null;
            RArgs.Arg folder = bare.equals("ggsave") || bare.equals("gtsave") ? RArgs.find(args, -1, List.of("path")) : null;
            Value v = pathArg.value();
            if (folder != null && v instanceof Strings s && folder.value() instanceof Strings f) {
                v = new Strings(PathValues.join(List.of(f.options(), s.options()), "/"));
            } else if (folder != null) {
                v = null;
            }
            RNode where = pathArg.node() != null ? pathArg.node() : c;
            Range r = range(where.start(), where.end());
            List<FileUse> uses = new ArrayList<>();
            boolean unresolved = !(v instanceof Strings);
            if (v instanceof Strings s) {
                for (String option : s.options()) {
                    if (option.isEmpty() || option.indexOf(PathValues.ELSEWHERE) >= 0) continue;
                    String path = PathValues.path(PathValues.anchored(cwd, option));
                    if (path == null) unresolved = true;
                    else uses.add(new FileUse(io.access(), path, r, name, conditional > 0));
                }
            }
            if (speculative) {
                if (io.access() == Access.WRITE && (unresolved || !uses.isEmpty())) unresolvedWrites.add(r);
                return null;
            }
            files.addAll(uses);
            if (unresolved) (io.access() == Access.READ ? unresolvedReads : unresolvedWrites).add(r);
            if (io.access() == Access.READ && io.table() && uses.size() == 1) {
                Table t = new Table(uses.get(0), Set.of());
                columnsOf.selectedOnRead(t, args);
                return t;
            }
            return null;
        }
    }
}

package opensafely.lsp.study;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.study.Interpreter.Env;
import opensafely.lsp.study.Value.Origin;

/** List, set and dict comprehensions over iterables whose contents are known: each produces a complete list or dict, or unknown. */
final class Comprehensions {
    private final Interpreter ip;

    Comprehensions(Interpreter ip) {
        this.ip = ip;
    }

    Value comprehension(SourceFile f, Py.Comp c, Env outer) {
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
            if (out.size() > Interpreter.MAX_ITEMS) return false;
            Value key = c.key() == null ? null : ip.eval(f, c.key(), env);
            out.add(new Value[] {key, ip.eval(f, c.element(), env)});
            return true;
        }
        Py.CompFor g = c.generators().get(level);
        List<Value> items = ip.iterate(ip.eval(f, g.iter(), env));
        if (items == null) return false;
        for (Value item : items) {
            ip.assign(f, g.target(), item, env, g.target());
            boolean keep = true;
            for (Py.Expr cond : g.conditions()) {
                Boolean t = Values.truthy(ip.eval(f, cond, env));
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
}

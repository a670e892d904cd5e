package opensafely.lsp.study;

import java.util.List;
import opensafely.lsp.python.Py;
import opensafely.lsp.study.Interpreter.Binding;
import opensafely.lsp.study.Interpreter.Env;

/**
 * What a block of statements the interpreter does not follow (a loop over unknown items, a branch on an unknown
 * test, a step past the budget) may have done: returned from the function, or added to a dict or list it reached.
 */
final class UnfollowedCode {
    private UnfollowedCode() {
    }

    /** Whether the block may return (or do something not modelled, which might). */
    static boolean returns(List<Py.Stmt> body) {
        for (Py.Stmt s : body) {
            if (s instanceof Py.Return) return true;
            if (s instanceof Py.If i && (returns(i.body()) || returns(i.orElse()))) return true;
            if (s instanceof Py.For l && returns(l.body())) return true;
            if (s instanceof Py.Block b && returns(b.body())) return true;
            if (s instanceof Py.OtherStmt) return true;
        }
        return false;
    }

    static void markContainers(Py.Stmt s, Env env) {
        if (s instanceof Py.Assign a) {
            for (Py.Expr t : a.targets()) if (t instanceof Py.Subscript sub) markIncomplete(sub.value(), env);
        } else if (s instanceof Py.AugAssign a) {
            if (a.target() instanceof Py.Subscript sub) markIncomplete(sub.value(), env);
            else markIncomplete(a.target(), env);
        } else if (s instanceof Py.ExprStmt e && e.value() instanceof Py.Call c && c.func() instanceof Py.Attribute at) {
            markIncomplete(at.value(), env);
        } else if (s instanceof Py.For l) {
            l.body().forEach(b -> markContainers(b, env));
        } else if (s instanceof Py.If i) {
            i.body().forEach(b -> markContainers(b, env));
            i.orElse().forEach(b -> markContainers(b, env));
        } else if (s instanceof Py.Block b) {
            b.body().forEach(x -> markContainers(x, env));
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
}

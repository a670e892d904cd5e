package opensafely.lsp.study;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.PyTreeBuilder;

/**
 * A walk over a file's syntax tree that knows, at each expression, whether it surely runs when the file is imported:
 * module-level code outside any function, loop, branch or block ({@code with}, {@code try}, {@code while}, whose kind
 * the tree does not keep), and the first operand of what short-circuits. Subclasses see names read and calls made;
 * the rules that use it judge what the evaluator may never reach (a function no definition calls, say).
 */
abstract class CertainWalk {
    /** The names each enclosing function binds (parameters and assignments), innermost first. */
    private final Deque<Set<String>> locals = new ArrayDeque<>();

    /** A name read. */
    void name(Py.Name n, boolean certain) {
    }

    /** A call made (its function and arguments are walked after). */
    void call(Py.Call c, boolean certain) {
    }

    /** True to end the walk (Python stopped at an error that surely happens). */
    boolean stopped() {
        return false;
    }

    /** Whether an enclosing function binds this name itself (a parameter or local that hides the module's). */
    final boolean boundLocally(String id) {
        for (Set<String> l : locals) if (l.contains(id)) return true;
        return false;
    }

    final void body(List<Py.Stmt> stmts, boolean certain) {
        for (Py.Stmt s : stmts) {
            if (stopped()) return;
            stmt(s, certain);
        }
    }

    private void stmt(Py.Stmt s, boolean certain) {
        if (s instanceof Py.Assign a) {
            expr(a.value(), certain);
            for (Py.Expr t : a.targets()) target(t, certain);
        } else if (s instanceof Py.AugAssign a) {
            expr(a.value(), certain);
            expr(a.target(), certain); // `x += 1` reads x first
        } else if (s instanceof Py.ExprStmt e) {
            expr(e.value(), certain);
        } else if (s instanceof Py.FuncDef d) {
            // Defaults are evaluated when the def runs; the body only when the function is called.
            for (Py.Param p : d.params()) if (p.defaultValue() != null) expr(p.defaultValue(), certain);
            Set<String> local = new HashSet<>(PyTreeBuilder.assigned(d.body()));
            for (Py.Param p : d.params()) local.add(p.name());
            locals.push(local);
            try {
                body(d.body(), false);
            } finally {
                locals.pop();
            }
        } else if (s instanceof Py.For l) {
            expr(l.iter(), certain);
            target(l.target(), false);
            body(l.body(), false);
        } else if (s instanceof Py.If i) {
            expr(i.test(), certain);
            body(i.body(), false);
            body(i.orElse(), false);
        } else if (s instanceof Py.Return r) {
            if (r.value() != null) expr(r.value(), certain);
        } else if (s instanceof Py.Block b) {
            body(b.body(), false); // with, try, while, class: what it is, and whether it catches, is not kept
        }
    }

    /** An assignment target: a plain name is bound, not read; in `a[k] = v` or `a.b = v`, a and k are read. */
    private void target(Py.Expr t, boolean certain) {
        if (t instanceof Py.Name) return;
        if (t instanceof Py.Seq seq) seq.elements().forEach(e -> target(e, certain));
        else if (t instanceof Py.Starred st) target(st.value(), certain);
        else if (t instanceof Py.Attribute at) expr(at.value(), certain);
        else if (t instanceof Py.Subscript sub) {
            expr(sub.value(), certain);
            expr(sub.index(), certain);
        }
    }

    private void expr(Py.Expr e, boolean certain) {
        if (e == null || stopped()) return;
        if (e instanceof Py.Name n) {
            name(n, certain);
        } else if (e instanceof Py.Attribute a) {
            expr(a.value(), certain);
        } else if (e instanceof Py.Call c) {
            call(c, certain);
            expr(c.func(), certain);
            for (Py.Arg a : c.args()) expr(a.value(), certain);
        } else if (e instanceof Py.Str s) {
            if (s.parts() != null) for (Py.FPart p : s.parts()) expr(p.field(), certain);
        } else if (e instanceof Py.Seq s) {
            s.elements().forEach(x -> expr(x, certain));
        } else if (e instanceof Py.Dict d) {
            for (Py.DictItem i : d.items()) {
                expr(i.key(), certain);
                expr(i.value(), certain);
            }
        } else if (e instanceof Py.Comp c) {
            // The first iterable is read where the comprehension stands; the rest only if it yields items.
            for (int k = 0; k < c.generators().size(); k++) {
                Py.CompFor g = c.generators().get(k);
                expr(g.iter(), certain && k == 0);
                g.conditions().forEach(x -> expr(x, false));
            }
            expr(c.key(), false);
            expr(c.element(), false);
        } else if (e instanceof Py.BinOp b) {
            expr(b.left(), certain);
            expr(b.right(), certain);
        } else if (e instanceof Py.BitOp b) {
            expr(b.left(), certain);
            expr(b.right(), certain);
        } else if (e instanceof Py.Unary u) {
            expr(u.operand(), certain);
        } else if (e instanceof Py.Not n) {
            expr(n.operand(), certain);
        } else if (e instanceof Py.Subscript s) {
            expr(s.value(), certain);
            expr(s.index(), certain);
        } else if (e instanceof Py.Starred s) {
            expr(s.value(), certain);
        } else if (e instanceof Py.Cond c) {
            expr(c.test(), certain);
            expr(c.then(), false);
            expr(c.otherwise(), false);
        } else if (e instanceof Py.Compare c) {
            for (int k = 0; k < c.operands().size(); k++) expr(c.operands().get(k), certain && k < 2);
        } else if (e instanceof Py.BoolOp b) {
            for (int k = 0; k < b.values().size(); k++) expr(b.values().get(k), certain && k == 0);
        }
        // numbers, constants, and what the tree does not keep (lambda, say): nothing read that is known
    }

}

package opensafely.lsp.python;

import java.util.ArrayList;
import java.util.List;

/** Finds the nodes of a {@link Py} tree that enclose an offset, innermost last. */
public final class PyFind {
    private PyFind() {
    }

    public static List<Py.Node> path(Py.Module m, int offset) {
        List<Py.Node> out = new ArrayList<>();
        stmts(m.body(), offset, out);
        return out;
    }

    private static boolean in(Py.Node n, int offset) {
        return n != null && n.start() <= offset && offset <= n.end();
    }

    private static void stmts(List<Py.Stmt> body, int offset, List<Py.Node> out) {
        for (Py.Stmt s : body) {
            if (!in(s, offset)) continue;
            out.add(s);
            if (s instanceof Py.Assign a) {
                a.targets().forEach(t -> expr(t, offset, out));
                expr(a.value(), offset, out);
            } else if (s instanceof Py.AugAssign a) {
                expr(a.target(), offset, out);
                expr(a.value(), offset, out);
            } else if (s instanceof Py.ExprStmt e) {
                expr(e.value(), offset, out);
            } else if (s instanceof Py.Return r) {
                expr(r.value(), offset, out);
            } else if (s instanceof Py.For f) {
                expr(f.target(), offset, out);
                expr(f.iter(), offset, out);
                stmts(f.body(), offset, out);
            } else if (s instanceof Py.If i) {
                expr(i.test(), offset, out);
                stmts(i.body(), offset, out);
                stmts(i.orElse(), offset, out);
            } else if (s instanceof Py.FuncDef f) {
                stmts(f.body(), offset, out);
            } else if (s instanceof Py.Block b) {
                stmts(b.body(), offset, out);
            }
            return;
        }
    }

    private static void expr(Py.Expr e, int offset, List<Py.Node> out) {
        if (!in(e, offset)) return;
        out.add(e);
        if (e instanceof Py.Attribute a) expr(a.value(), offset, out);
        else if (e instanceof Py.Call c) {
            expr(c.func(), offset, out);
            for (Py.Arg a : c.args()) expr(a.value(), offset, out);
        } else if (e instanceof Py.Seq s) s.elements().forEach(x -> expr(x, offset, out));
        else if (e instanceof Py.Dict d) d.items().forEach(i -> {
            expr(i.key(), offset, out);
            expr(i.value(), offset, out);
        });
        else if (e instanceof Py.Comp c) {
            expr(c.key(), offset, out);
            expr(c.element(), offset, out);
            c.generators().forEach(g -> {
                expr(g.target(), offset, out);
                expr(g.iter(), offset, out);
            });
        } else if (e instanceof Py.BinOp b) {
            expr(b.left(), offset, out);
            expr(b.right(), offset, out);
        } else if (e instanceof Py.Unary u) expr(u.operand(), offset, out);
        else if (e instanceof Py.Subscript s) {
            expr(s.value(), offset, out);
            expr(s.index(), offset, out);
        } else if (e instanceof Py.Starred s) expr(s.value(), offset, out);
        else if (e instanceof Py.Cond c) {
            expr(c.test(), offset, out);
            expr(c.then(), offset, out);
            expr(c.otherwise(), offset, out);
        } else if (e instanceof Py.Compare c) c.operands().forEach(x -> expr(x, offset, out));
        else if (e instanceof Py.BoolOp b) b.values().forEach(x -> expr(x, offset, out));
        else if (e instanceof Py.Not n) expr(n.operand(), offset, out);
        else if (e instanceof Py.BitOp b) {
            expr(b.left(), offset, out);
            expr(b.right(), offset, out);
        } else if (e instanceof Py.Str s && s.parts() != null) {
            for (Py.FPart p : s.parts()) if (p.field() != null) expr(p.field(), offset, out);
        }
    }

    /** The innermost node of the path, or null. */
    public static Py.Node last(List<Py.Node> path) {
        return path.isEmpty() ? null : path.get(path.size() - 1);
    }

    /** The innermost call whose argument list contains the offset, with the argument there (or null). */
    public static Py.Arg argumentAt(List<Py.Node> path, int offset) {
        for (int i = path.size() - 1; i >= 0; i--) {
            if (path.get(i) instanceof Py.Call c) {
                for (Py.Arg a : c.args()) if (a.start() <= offset && offset <= a.end()) return a;
            }
        }
        return null;
    }
}

package opensafely.lsp.python;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import opensafely.lsp.grammar.PythonParser;
import opensafely.lsp.grammar.PythonParser.*;
import opensafely.lsp.grammar.PythonSource;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Turns the ANTLR parse tree into the small {@link Py} tree. Broken input gives error nodes and missing
 * children; any construct that cannot be read becomes {@link Py.Other}/{@link Py.OtherStmt} rather than an
 * exception, so a half-typed file still yields everything around the mistake.
 *
 * <p>This class reads the statements; {@link ExpressionBuilder} reads expressions and {@link StringLiterals} the
 * literals (with the fields of f-strings), over offsets from {@link TreeReader}.
 */
public final class PyTreeBuilder extends TreeReader {
    private final ExpressionBuilder expressions;

    private PyTreeBuilder(int base) {
        super(base);
        this.expressions = new ExpressionBuilder(base);
    }

    public static Py.Module module(File_inputContext tree) {
        PyTreeBuilder b = new PyTreeBuilder(0);
        List<Py.Stmt> body = new ArrayList<>();
        for (StmtContext s : tree.stmt()) b.stmt(s, body);
        return new Py.Module(body);
    }

    // -------------------------------------------------------------------------------- statements

    private void stmt(StmtContext s, List<Py.Stmt> out) {
        try {
            if (s.simple_stmts() != null) {
                for (Simple_stmtContext ss : s.simple_stmts().simple_stmt()) out.add(simple(ss));
            } else if (s.compound_stmt() != null) {
                out.add(compound(s.compound_stmt()));
            }
        } catch (RuntimeException e) {
            out.add(new Py.OtherStmt(List.of(), start(s), end(s)));
        }
    }

    private List<Py.Stmt> block(BlockContext b) {
        List<Py.Stmt> out = new ArrayList<>();
        if (b == null) return out;
        if (b.simple_stmts() != null) {
            for (Simple_stmtContext ss : b.simple_stmts().simple_stmt()) out.add(simple(ss));
        } else {
            for (StmtContext s : b.stmt()) stmt(s, out);
        }
        return out;
    }

    private Py.Stmt simple(Simple_stmtContext s) {
        int st = start(s), en = end(s);
        if (s.expr_stmt() != null) return exprStmt(s.expr_stmt());
        if (s.import_stmt() != null) {
            Import_stmtContext i = s.import_stmt();
            if (i.import_from() != null) return importFrom(i.import_from());
            List<Py.Alias> names = new ArrayList<>();
            if (i.import_name() != null && i.import_name().dotted_as_names() != null) {
                for (Dotted_as_nameContext d : i.import_name().dotted_as_names().dotted_as_name()) {
                    String as = d.NAME() != null ? d.NAME().getText() : null;
                    names.add(new Py.Alias(d.dotted_name().getText(), as, start(d), end(d)));
                }
            }
            return new Py.Import(names, st, en);
        }
        if (s.flow_stmt() != null && s.flow_stmt().return_stmt() != null) {
            Return_stmtContext r = s.flow_stmt().return_stmt();
            return new Py.Return(r.testlist_star_expr() == null ? null : expressions.testlistStar(r.testlist_star_expr()), st, en);
        }
        return new Py.OtherStmt(List.of(), st, en);
    }

    private Py.Stmt exprStmt(Expr_stmtContext e) {
        int st = start(e), en = end(e);
        List<Py.Expr> parts = new ArrayList<>();
        for (ParseTree c : childrenOf(e)) {
            if (c instanceof Testlist_star_exprContext t) parts.add(expressions.testlistStar(t));
            else if (c instanceof Yield_exprContext y) parts.add(new Py.Other(start(y), end(y)));
        }
        if (parts.isEmpty()) return new Py.OtherStmt(List.of(), st, en);
        if (e.annassign() != null) {
            AnnassignContext a = e.annassign();
            Py.Expr value = a.testlist_star_expr() != null ? expressions.testlistStar(a.testlist_star_expr()) : null;
            if (value == null) return new Py.OtherStmt(List.of(), st, en);
            return new Py.Assign(List.of(parts.get(0)), value, st, en);
        }
        if (e.augassign() != null) {
            Py.Expr value = e.testlist() != null ? expressions.testlist(e.testlist()) : new Py.Other(en, en);
            return new Py.AugAssign(parts.get(0), e.augassign().getText(), value, st, en);
        }
        if (parts.size() == 1) return new Py.ExprStmt(parts.get(0), st, en);
        return new Py.Assign(List.copyOf(parts.subList(0, parts.size() - 1)), parts.get(parts.size() - 1), st, en);
    }

    private Py.Stmt importFrom(Import_fromContext f) {
        int level = 0;
        for (Relative_dotsContext d : f.relative_dots()) level += d.getText().length();
        String module = f.dotted_name() == null ? "" : f.dotted_name().getText();
        int ms = f.dotted_name() == null ? start(f) : start(f.dotted_name());
        int me = f.dotted_name() == null ? start(f) : end(f.dotted_name());
        List<Py.Alias> names = new ArrayList<>();
        if (f.import_as_names() != null) {
            for (Import_as_nameContext n : f.import_as_names().import_as_name()) {
                List<TerminalNode> ids = n.NAME();
                if (ids.isEmpty()) continue;
                names.add(new Py.Alias(ids.get(0).getText(), ids.size() > 1 ? ids.get(1).getText() : null,
                        start(ids.get(0)), end(ids.get(0))));
            }
        }
        return new Py.ImportFrom(module, level, names, f.STAR() != null, ms, me, start(f), end(f));
    }

    private Py.Stmt compound(Compound_stmtContext c) {
        int st = start(c), en = end(c);
        if (c.if_stmt() != null) {
            If_stmtContext i = c.if_stmt();
            List<Py.Stmt> orElse = i.else_clause() != null ? block(i.else_clause().block()) : List.of();
            List<Elif_clauseContext> elifs = i.elif_clause();
            for (int k = elifs.size() - 1; k >= 0; k--) {
                Elif_clauseContext el = elifs.get(k);
                orElse = List.of(new Py.If(expressions.namedTest(el.namedexpr_test()), block(el.block()), orElse, start(el), end(el)));
            }
            return new Py.If(expressions.namedTest(i.namedexpr_test()), block(i.block()), orElse, st, en);
        }
        if (c.for_stmt() != null) {
            For_stmtContext f = c.for_stmt();
            Py.Stmt loop = new Py.For(expressions.exprlist(f.exprlist()), expressions.testlistStar(f.testlist_star_expr()), block(f.block()), st, en);
            if (f.else_clause() == null) return loop;
            List<Py.Stmt> both = new ArrayList<>();
            both.add(loop);
            both.addAll(block(f.else_clause().block()));
            return new Py.Block(both, st, en);
        }
        if (c.funcdef() != null) return funcdef(c.funcdef());
        if (c.try_stmt() != null) {
            Try_stmtContext t = c.try_stmt();
            // The try body is what normally runs; names that only the handlers assign are unknown.
            List<Py.Stmt> body = new ArrayList<>(block(t.block()));
            List<String> other = new ArrayList<>();
            for (Except_clauseContext ex : t.except_clause()) other.addAll(assigned(block(ex.block())));
            if (t.else_clause() != null) body.addAll(block(t.else_clause().block()));
            if (t.finally_clause() != null) body.addAll(block(t.finally_clause().block()));
            Set<String> inBody = new LinkedHashSet<>(assigned(body));
            other.removeIf(inBody::contains);
            if (!other.isEmpty()) body.add(new Py.OtherStmt(other, st, en));
            return new Py.Block(body, st, en);
        }
        if (c.with_stmt() != null) {
            With_stmtContext w = c.with_stmt();
            List<Py.Stmt> body = new ArrayList<>();
            List<String> targets = new ArrayList<>();
            List<Py.WithItem> items = new ArrayList<>();
            for (With_itemContext item : w.with_item()) {
                Py.Expr target = item.expr() != null ? expressions.expr(item.expr()) : null;
                if (target != null) targets.addAll(namesIn(target));
                if (item.test() != null) items.add(new Py.WithItem(expressions.test(item.test()), target));
            }
            if (!targets.isEmpty()) body.add(new Py.OtherStmt(targets, st, en));
            body.addAll(block(w.block()));
            return new Py.Block(body, items, st, en);
        }
        if (c.classdef() != null && c.classdef().NAME() != null) {
            return new Py.OtherStmt(List.of(c.classdef().NAME().getText()), st, en);
        }
        if (c.decorated() != null) {
            DecoratedContext d = c.decorated();
            String name = d.funcdef() != null && d.funcdef().NAME() != null ? d.funcdef().NAME().getText()
                    : d.classdef() != null && d.classdef().NAME() != null ? d.classdef().NAME().getText()
                    : d.async_funcdef() != null && d.async_funcdef().funcdef().NAME() != null
                    ? d.async_funcdef().funcdef().NAME().getText() : null;
            return new Py.OtherStmt(name == null ? List.of() : List.of(name), st, en);
        }
        if (c.while_stmt() != null) {
            return new Py.OtherStmt(assigned(block(c.while_stmt().block())), st, en);
        }
        return new Py.OtherStmt(List.of(), st, en);
    }

    private Py.Stmt funcdef(FuncdefContext f) {
        List<Py.Param> params = new ArrayList<>();
        ParametersContext ps = f.parameters();
        if (ps != null && ps.typedargslist() != null) {
            for (Typed_paramContext p : ps.typedargslist().typed_param()) {
                if (p instanceof PlainParamContext pp && pp.tfpdef() != null && pp.tfpdef().NAME() != null) {
                    params.add(new Py.Param(pp.tfpdef().NAME().getText(), pp.test() == null ? null : expressions.test(pp.test()),
                            Py.ArgKind.POSITIONAL));
                } else if (p instanceof StarParamContext sp) {
                    if (sp.tfpdef() != null && sp.tfpdef().NAME() != null) {
                        params.add(new Py.Param(sp.tfpdef().NAME().getText(), null, Py.ArgKind.STAR));
                    }
                } else if (p instanceof KwargsParamContext kp && kp.tfpdef() != null && kp.tfpdef().NAME() != null) {
                    params.add(new Py.Param(kp.tfpdef().NAME().getText(), null, Py.ArgKind.DOUBLE_STAR));
                }
            }
        }
        TerminalNode name = f.NAME();
        return new Py.FuncDef(name == null ? "" : name.getText(), name == null ? start(f) : start(name),
                name == null ? start(f) : end(name), params, block(f.block()), start(f), end(f));
    }

    /** Names a list of statements binds at its own level (for statements that are not followed). */
    public static List<String> assigned(List<Py.Stmt> body) {
        List<String> out = new ArrayList<>();
        for (Py.Stmt s : body) {
            if (s instanceof Py.Assign a) a.targets().forEach(t -> out.addAll(namesIn(t)));
            else if (s instanceof Py.AugAssign a) out.addAll(namesIn(a.target()));
            else if (s instanceof Py.ImportFrom i) i.names().forEach(n -> out.add(n.bound()));
            else if (s instanceof Py.Import i) i.names().forEach(n -> out.add(n.asName() != null ? n.asName() : n.name().split("\\.")[0]));
            else if (s instanceof Py.FuncDef f) out.add(f.name());
            else if (s instanceof Py.For f) {
                out.addAll(namesIn(f.target()));
                out.addAll(assigned(f.body()));
            } else if (s instanceof Py.If i) {
                out.addAll(assigned(i.body()));
                out.addAll(assigned(i.orElse()));
            } else if (s instanceof Py.Block b) out.addAll(assigned(b.body()));
            else if (s instanceof Py.OtherStmt o) out.addAll(o.assigned());
        }
        return out;
    }

    /** The plain names an assignment target binds ({@code a}, {@code a, b}); subscripts and attributes bind none. */
    public static List<String> namesIn(Py.Expr target) {
        List<String> out = new ArrayList<>();
        if (target instanceof Py.Name n) out.add(n.id());
        else if (target instanceof Py.Seq s) s.elements().forEach(e -> out.addAll(namesIn(e)));
        else if (target instanceof Py.Starred s) out.addAll(namesIn(s.value()));
        return out;
    }

    /** Parses one expression on its own (for completion on text that the file's parse could not place); null when it does not parse. */
    public static Py.Expr expression(String text, int offset) {
        try {
            PythonSource.ParsedExpression pe = PythonSource.parseExpression(text);
            if (pe.tree().testlist() == null) return null;
            return new ExpressionBuilder(offset).testlist(pe.tree().testlist());
        } catch (RuntimeException e) {
            return null;
        }
    }

    @SuppressWarnings("unused")
    private static final int UNUSED = PythonParser.NAME;
}

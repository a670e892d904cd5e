package opensafely.lsp.python;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import opensafely.lsp.grammar.PythonParser;
import opensafely.lsp.grammar.PythonParser.*;
import opensafely.lsp.grammar.PythonSource;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Turns the ANTLR parse tree into the small {@link Py} tree. Broken input gives error nodes and missing
 * children; any construct that cannot be read becomes {@link Py.Other}/{@link Py.OtherStmt} rather than an
 * exception, so a half-typed file still yields everything around the mistake.
 */
public final class PyTreeBuilder {
    /** Added to every token offset: non-zero for the expressions of f-string fields, parsed on their own. */
    private final int base;

    private PyTreeBuilder(int base) {
        this.base = base;
    }

    public static Py.Module module(File_inputContext tree) {
        PyTreeBuilder b = new PyTreeBuilder(0);
        List<Py.Stmt> body = new ArrayList<>();
        for (StmtContext s : tree.stmt()) b.stmt(s, body);
        return new Py.Module(body);
    }

    // ----------------------------------------------------------------------------------- offsets

    private int start(ParserRuleContext c) {
        Token t = c.getStart();
        return t == null ? base : base + Math.max(0, t.getStartIndex());
    }

    private int end(ParserRuleContext c) {
        Token t = c.getStop();
        if (t == null || t.getStopIndex() < 0) return start(c);
        return Math.max(start(c), base + t.getStopIndex() + 1);
    }

    private int start(TerminalNode n) {
        return base + Math.max(0, n.getSymbol().getStartIndex());
    }

    private int end(TerminalNode n) {
        return base + n.getSymbol().getStopIndex() + 1;
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
            return new Py.Return(r.testlist_star_expr() == null ? null : testlistStar(r.testlist_star_expr()), st, en);
        }
        return new Py.OtherStmt(List.of(), st, en);
    }

    private Py.Stmt exprStmt(Expr_stmtContext e) {
        int st = start(e), en = end(e);
        List<Py.Expr> parts = new ArrayList<>();
        for (ParseTree c : childrenOf(e)) {
            if (c instanceof Testlist_star_exprContext t) parts.add(testlistStar(t));
            else if (c instanceof Yield_exprContext y) parts.add(new Py.Other(start(y), end(y)));
        }
        if (parts.isEmpty()) return new Py.OtherStmt(List.of(), st, en);
        if (e.annassign() != null) {
            AnnassignContext a = e.annassign();
            Py.Expr value = a.testlist_star_expr() != null ? testlistStar(a.testlist_star_expr()) : null;
            if (value == null) return new Py.OtherStmt(List.of(), st, en);
            return new Py.Assign(List.of(parts.get(0)), value, st, en);
        }
        if (e.augassign() != null) {
            Py.Expr value = e.testlist() != null ? testlist(e.testlist()) : new Py.Other(en, en);
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
                orElse = List.of(new Py.If(namedTest(el.namedexpr_test()), block(el.block()), orElse, start(el), end(el)));
            }
            return new Py.If(namedTest(i.namedexpr_test()), block(i.block()), orElse, st, en);
        }
        if (c.for_stmt() != null) {
            For_stmtContext f = c.for_stmt();
            Py.Stmt loop = new Py.For(exprlist(f.exprlist()), testlistStar(f.testlist_star_expr()), block(f.block()), st, en);
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
            for (With_itemContext item : w.with_item()) {
                if (item.expr() != null) targets.addAll(namesIn(expr(item.expr())));
            }
            if (!targets.isEmpty()) body.add(new Py.OtherStmt(targets, st, en));
            body.addAll(block(w.block()));
            return new Py.Block(body, st, en);
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
                    params.add(new Py.Param(pp.tfpdef().NAME().getText(), pp.test() == null ? null : test(pp.test()),
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

    // ------------------------------------------------------------------------------- expressions

    private static List<ParseTree> childrenOf(ParserRuleContext c) {
        List<ParseTree> out = new ArrayList<>();
        for (int i = 0; i < c.getChildCount(); i++) out.add(c.getChild(i));
        return out;
    }

    private Py.Expr other(ParserRuleContext c) {
        return new Py.Other(start(c), end(c));
    }

    private Py.Expr testlistStar(Testlist_star_exprContext t) {
        List<Py.Expr> items = new ArrayList<>();
        for (ParseTree c : childrenOf(t)) {
            if (c instanceof TestContext x) items.add(test(x));
            else if (c instanceof Star_exprContext s) items.add(new Py.Starred(expr(s.expr()), start(s), end(s)));
        }
        if (items.size() == 1 && t.COMMA().isEmpty()) return items.get(0);
        return new Py.Seq(Py.SeqKind.TUPLE, items, start(t), end(t));
    }

    private Py.Expr testlist(TestlistContext t) {
        List<Py.Expr> items = new ArrayList<>();
        for (TestContext x : t.test()) items.add(test(x));
        if (items.size() == 1 && t.COMMA().isEmpty()) return items.get(0);
        return new Py.Seq(Py.SeqKind.TUPLE, items, start(t), end(t));
    }

    private Py.Expr exprlist(ExprlistContext t) {
        if (t == null) return new Py.Other(base, base);
        List<Py.Expr> items = new ArrayList<>();
        for (ParseTree c : childrenOf(t)) {
            if (c instanceof ExprContext x) items.add(expr(x));
            else if (c instanceof Star_exprContext s) items.add(new Py.Starred(expr(s.expr()), start(s), end(s)));
        }
        if (items.size() == 1 && t.COMMA().isEmpty()) return items.get(0);
        return new Py.Seq(Py.SeqKind.TUPLE, items, start(t), end(t));
    }

    private Py.Expr namedTest(Namedexpr_testContext n) {
        if (n == null) return new Py.Other(base, base);
        if (n.test().size() != 1) return other(n);
        return test(n.test(0));
    }

    private Py.Expr starNamed(Star_named_expressionContext s) {
        if (s.star_expr() != null) return new Py.Starred(expr(s.star_expr().expr()), start(s), end(s));
        return namedTest(s.namedexpr_test());
    }

    Py.Expr test(TestContext t) {
        if (t == null) return new Py.Other(base, base);
        if (t.lambdef() != null) return other(t);
        List<Or_testContext> ors = t.or_test();
        if (ors.isEmpty()) return other(t);
        if (ors.size() == 2 && t.test() != null) {
            return new Py.Cond(orTest(ors.get(1)), orTest(ors.get(0)), test(t.test()), start(t), end(t));
        }
        return orTest(ors.get(0));
    }

    private Py.Expr orTest(Or_testContext o) {
        if (o.and_test().size() != 1) {
            List<Py.Expr> values = o.and_test().stream().map(this::andTest).toList();
            return new Py.BoolOp("or", values, firstKeyword(o, "or"), start(o), end(o));
        }
        return andTest(o.and_test(0));
    }

    private Py.Expr andTest(And_testContext a) {
        if (a.not_test().size() != 1) {
            List<Py.Expr> values = a.not_test().stream().map(this::notTest).toList();
            return new Py.BoolOp("and", values, firstKeyword(a, "and"), start(a), end(a));
        }
        return notTest(a.not_test(0));
    }

    private Py.Expr notTest(Not_testContext n) {
        if (n.comparison() == null) {
            return n.not_test() == null ? other(n) : new Py.Not(notTest(n.not_test()), start(n), end(n));
        }
        ComparisonContext c = n.comparison();
        if (c.expr().size() == 1) return expr(c.expr(0));
        List<Py.Expr> operands = c.expr().stream().map(this::expr).toList();
        List<String> ops = new ArrayList<>();
        List<Integer> opStarts = new ArrayList<>();
        for (Comp_opContext op : c.comp_op()) {
            ops.add(op.getText().replace("not", "not ").replace("isnot ", "is not").trim());
            opStarts.add(start(op));
        }
        if (ops.size() != operands.size() - 1) return other(c);
        return new Py.Compare(operands, ops, opStarts, start(c), end(c));
    }

    private int firstKeyword(ParserRuleContext c, String keyword) {
        for (ParseTree ch : childrenOf(c)) {
            if (ch instanceof TerminalNode t && t.getText().equals(keyword)) return start(t);
        }
        return start(c);
    }

    Py.Expr expr(ExprContext e) {
        if (e == null) return new Py.Other(base, base);
        List<Xor_exprContext> xs = e.xor_expr();
        Py.Expr left = xor(xs.get(0));
        for (int i = 1; i < xs.size(); i++) {
            left = new Py.BinOp("|", left, xor(xs.get(i)), left.start(), end(xs.get(i)));
        }
        return left;
    }

    private Py.Expr xor(Xor_exprContext x) {
        Py.Expr left = null;
        for (ParseTree c : childrenOf(x)) {
            if (c instanceof And_exprContext a) {
                Py.Expr right = and(a);
                left = left == null ? right : new Py.BitOp("^", left, right, left.end(), left.start(), right.end());
            }
        }
        return left == null ? other(x) : left;
    }

    private Py.Expr and(And_exprContext a) {
        Py.Expr left = null;
        int opStart = -1;
        for (ParseTree c : childrenOf(a)) {
            if (c instanceof Shift_exprContext s) {
                Py.Expr right = shift(s);
                left = left == null ? right : new Py.BitOp("&", left, right, opStart, left.start(), right.end());
            } else if (c instanceof TerminalNode t) {
                opStart = start(t);
            }
        }
        return left == null ? other(a) : left;
    }

    private Py.Expr shift(Shift_exprContext s) {
        Py.Expr left = null;
        String op = null;
        int opStart = -1;
        for (ParseTree c : childrenOf(s)) {
            if (c instanceof Arith_exprContext ar) {
                Py.Expr right = arith(ar);
                left = left == null ? right : new Py.BitOp(op, left, right, opStart, left.start(), right.end());
            } else if (c instanceof TerminalNode t) {
                op = t.getText();
                opStart = start(t);
            }
        }
        return left == null ? other(s) : left;
    }

    private Py.Expr arith(Arith_exprContext a) {
        Py.Expr left = null;
        String op = null;
        for (ParseTree c : childrenOf(a)) {
            if (c instanceof TermContext t) {
                Py.Expr right = term(t);
                left = left == null ? right : new Py.BinOp(op, left, right, left.start(), right.end());
            } else {
                op = c.getText();
            }
        }
        return left == null ? other(a) : left;
    }

    private Py.Expr term(TermContext t) {
        Py.Expr left = null;
        String op = null;
        for (ParseTree c : childrenOf(t)) {
            if (c instanceof FactorContext f) {
                Py.Expr right = factor(f);
                left = left == null ? right : new Py.BinOp(op, left, right, left.start(), right.end());
            } else {
                op = c.getText();
            }
        }
        return left == null ? other(t) : left;
    }

    private Py.Expr factor(FactorContext f) {
        if (f.factor() != null) return new Py.Unary(f.getChild(0).getText(), factor(f.factor()), start(f), end(f));
        PowerContext p = f.power();
        if (p == null) return other(f);
        Py.Expr base = atomExpr(p.atom_expr());
        if (p.factor() != null) return new Py.BinOp("**", base, factor(p.factor()), start(p), end(p));
        return base;
    }

    private Py.Expr atomExpr(Atom_exprContext a) {
        if (a == null || a.atom() == null) return a == null ? new Py.Other(base, base) : other(a);
        Py.Expr e = atom(a.atom());
        int st = start(a);
        for (TrailerContext t : a.trailer()) {
            if (t instanceof CallTrailerContext c) {
                List<Py.Arg> args = c.arglist() == null ? List.of() : args(c.arglist());
                int close = c.RPAR() == null || c.RPAR().getSymbol().getStartIndex() < 0 ? -1 : start(c.RPAR());
                e = new Py.Call(e, args, start(c.LPAR()), close, st, end(t));
            } else if (t instanceof AttributeTrailerContext at) {
                TerminalNode n = at.NAME();
                if (n == null || n.getSymbol().getStartIndex() < 0) {
                    e = new Py.Attribute(e, "", end(t), st, end(t));
                } else {
                    e = new Py.Attribute(e, n.getText(), start(n), st, end(t));
                }
            } else if (t instanceof SubscriptTrailerContext s) {
                SubscriptlistContext sl = s.subscriptlist();
                Py.Expr index = new Py.Other(start(s), end(s));
                if (sl != null && sl.subscript().size() == 1 && sl.COMMA().isEmpty()) {
                    SubscriptContext sc = sl.subscript(0);
                    if (sc.COLON() == null && sc.namedexpr_test() != null) index = namedTest(sc.namedexpr_test());
                }
                e = new Py.Subscript(e, index, st, end(t));
            } else {
                e = new Py.Other(st, end(t));
            }
        }
        return e;
    }

    private List<Py.Arg> args(ArglistContext l) {
        List<Py.Arg> out = new ArrayList<>();
        for (ArgumentContext a : l.argument()) {
            int st = start(a), en = end(a);
            if (a instanceof KeywordArgumentContext k) {
                TerminalNode n = k.NAME();
                out.add(new Py.Arg(Py.ArgKind.KEYWORD, n.getText(), start(n), end(n), test(k.test()), st, en));
            } else if (a instanceof PositionalArgumentContext p) {
                Py.Expr v = p.comp_for() != null
                        ? new Py.Comp(Py.CompKind.GENERATOR, null, namedTest(p.namedexpr_test()), compFor(p.comp_for()), st, en)
                        : namedTest(p.namedexpr_test());
                out.add(new Py.Arg(Py.ArgKind.POSITIONAL, null, -1, -1, v, st, en));
            } else if (a instanceof StarArgumentContext s) {
                out.add(new Py.Arg(Py.ArgKind.STAR, null, -1, -1, test(s.test()), st, en));
            } else if (a instanceof KwargsArgumentContext k) {
                out.add(new Py.Arg(Py.ArgKind.DOUBLE_STAR, null, -1, -1, test(k.test()), st, en));
            }
        }
        return out;
    }

    private List<Py.CompFor> compFor(Comp_forContext f) {
        List<Py.CompFor> out = new ArrayList<>();
        while (f != null) {
            List<Py.Expr> conds = new ArrayList<>();
            Comp_iterContext it = f.comp_iter();
            Comp_forContext next = null;
            while (it != null) {
                if (it.comp_for() != null) {
                    next = it.comp_for();
                    break;
                }
                Comp_ifContext ci = it.comp_if();
                if (ci == null) break;
                Test_nocondContext tn = ci.test_nocond();
                conds.add(tn != null && tn.or_test() != null ? orTest(tn.or_test()) : new Py.Other(start(ci), end(ci)));
                it = ci.comp_iter();
            }
            Py.Expr iter = f.or_test() == null ? new Py.Other(start(f), end(f)) : orTest(f.or_test());
            out.add(new Py.CompFor(exprlist(f.exprlist()), iter, conds));
            f = next;
        }
        return out;
    }

    private Py.Expr atom(AtomContext a) {
        int st = start(a), en = end(a);
        if (a instanceof NameAtomContext n) return new Py.Name(n.NAME().getText(), st, en);
        if (a instanceof StringAtomContext s) return string(s.STRING(), st, en);
        if (a instanceof NumberAtomContext n) return number(n.getText(), st, en);
        if (a instanceof TrueAtomContext) return new Py.Const(Py.ConstKind.TRUE, st, en);
        if (a instanceof FalseAtomContext) return new Py.Const(Py.ConstKind.FALSE, st, en);
        if (a instanceof NoneAtomContext) return new Py.Const(Py.ConstKind.NONE, st, en);
        if (a instanceof EllipsisAtomContext) return new Py.Const(Py.ConstKind.ELLIPSIS, st, en);
        if (a instanceof ParenAtomContext p) {
            Testlist_compContext tc = p.testlist_comp();
            if (tc == null) return p.yield_expr() != null ? other(a) : new Py.Seq(Py.SeqKind.TUPLE, List.of(), st, en);
            if (tc.comp_for() != null) {
                return new Py.Comp(Py.CompKind.GENERATOR, null, starNamed(tc.star_named_expression(0)), compFor(tc.comp_for()), st, en);
            }
            List<Py.Expr> items = tc.star_named_expression().stream().map(this::starNamed).toList();
            if (items.size() == 1 && tc.COMMA().isEmpty()) return items.get(0);
            return new Py.Seq(Py.SeqKind.TUPLE, items, st, en);
        }
        if (a instanceof ListAtomContext l) {
            Testlist_compContext tc = l.testlist_comp();
            if (tc == null) return new Py.Seq(Py.SeqKind.LIST, List.of(), st, en);
            if (tc.comp_for() != null) {
                return new Py.Comp(Py.CompKind.LIST, null, starNamed(tc.star_named_expression(0)), compFor(tc.comp_for()), st, en);
            }
            return new Py.Seq(Py.SeqKind.LIST, tc.star_named_expression().stream().map(this::starNamed).toList(), st, en);
        }
        if (a instanceof BraceAtomContext b) {
            DictorsetmakerContext d = b.dictorsetmaker();
            if (d == null) return new Py.Dict(List.of(), st, en);
            if (d instanceof DictMakerContext dm) {
                if (dm.comp_for() != null) {
                    Dict_itemContext first = dm.dict_item(0);
                    if (first instanceof KeyValueContext kv) {
                        return new Py.Comp(Py.CompKind.DICT, test(kv.test(0)), test(kv.test(1)), compFor(dm.comp_for()), st, en);
                    }
                    return other(a);
                }
                List<Py.DictItem> items = new ArrayList<>();
                for (Dict_itemContext di : dm.dict_item()) {
                    if (di instanceof KeyValueContext kv && kv.test().size() == 2) {
                        items.add(new Py.DictItem(test(kv.test(0)), test(kv.test(1))));
                    } else if (di instanceof DictUnpackContext du) {
                        items.add(new Py.DictItem(null, expr(du.expr())));
                    } else {
                        items.add(new Py.DictItem(new Py.Other(start(di), end(di)), new Py.Other(start(di), end(di))));
                    }
                }
                return new Py.Dict(items, st, en);
            }
            if (d instanceof SetMakerContext sm) {
                if (sm.comp_for() != null) {
                    return new Py.Comp(Py.CompKind.SET, null, starNamed(sm.star_named_expression(0)), compFor(sm.comp_for()), st, en);
                }
                return new Py.Seq(Py.SeqKind.SET, sm.star_named_expression().stream().map(this::starNamed).toList(), st, en);
            }
        }
        return other(a);
    }

    // ---------------------------------------------------------------------------------- literals

    private static Py.Expr number(String text, int st, int en) {
        String t = text.replace("_", "").toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("j")) return new Py.Other(st, en);
            if (t.startsWith("0x")) return new Py.Num(Long.parseLong(t.substring(2), 16), true, st, en);
            if (t.startsWith("0o")) return new Py.Num(Long.parseLong(t.substring(2), 8), true, st, en);
            if (t.startsWith("0b")) return new Py.Num(Long.parseLong(t.substring(2), 2), true, st, en);
            boolean integer = !(t.contains(".") || t.contains("e"));
            return new Py.Num(Double.parseDouble(t), integer, st, en);
        } catch (NumberFormatException e) {
            return new Py.Other(st, en);
        }
    }

    private Py.Expr string(List<TerminalNode> tokens, int st, int en) {
        StringBuilder value = new StringBuilder();
        List<Py.FPart> parts = null;
        int contentStart = -1;
        boolean known = true;
        for (TerminalNode tok : tokens) {
            String text = tok.getText();
            int p = 0;
            while (p < text.length() && p < 3 && Character.isLetter(text.charAt(p))) p++;
            String prefix = text.substring(0, p).toLowerCase(Locale.ROOT);
            if (p >= text.length()) {
                known = false;
                continue;
            }
            char q = text.charAt(p);
            int ql = text.startsWith(String.valueOf(q).repeat(3), p) ? 3 : 1;
            int bodyStart = p + ql;
            int bodyEnd = text.length() - ql;
            if (bodyEnd < bodyStart || !text.endsWith(String.valueOf(q).repeat(ql))) {
                bodyEnd = text.length();
            }
            String body = text.substring(bodyStart, bodyEnd);
            boolean raw = prefix.contains("r");
            if (prefix.contains("b")) known = false;
            if (prefix.contains("f")) {
                if (parts == null) {
                    parts = new ArrayList<>();
                    if (value.length() > 0) parts.add(new Py.FPart(value.toString(), null));
                }
                fParts(body, raw, start(tok) + bodyStart, parts);
                continue;
            }
            String decoded = raw ? body : unescape(body);
            if (decoded == null) {
                known = false;
                continue;
            }
            if (tokens.size() == 1 && decoded.equals(body)) contentStart = start(tok) + bodyStart;
            if (parts != null) parts.add(new Py.FPart(decoded, null));
            else value.append(decoded);
        }
        if (parts != null) return new Py.Str(null, parts, -1, st, en);
        return new Py.Str(known ? value.toString() : null, null, contentStart, st, en);
    }

    /** Splits an f-string body into literal text and parsed replacement fields. */
    private void fParts(String body, boolean raw, int bodyOffset, List<Py.FPart> parts) {
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c == '{' && i + 1 < body.length() && body.charAt(i + 1) == '{') {
                lit.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < body.length() && body.charAt(i + 1) == '}') {
                lit.append('}');
                i += 2;
            } else if (c == '{') {
                int depth = 0, j = i + 1, exprEnd = -1;
                while (j < body.length()) {
                    char d = body.charAt(j);
                    if (d == '\'' || d == '"') {
                        int k = body.indexOf(d, j + 1);
                        j = k < 0 ? body.length() : k + 1;
                        continue;
                    }
                    if (d == '(' || d == '[' || d == '{') depth++;
                    else if ((d == ')' || d == ']') && depth > 0) depth--;
                    else if (d == '}' && depth > 0) depth--;
                    else if (d == '}' || (depth == 0 && (d == '!' || d == ':') && !(d == '!' && j + 1 < body.length() && body.charAt(j + 1) == '='))) {
                        if (exprEnd < 0) exprEnd = j;
                        if (d == '}') break;
                    }
                    j++;
                }
                if (exprEnd < 0) exprEnd = j;
                if (lit.length() > 0) {
                    parts.add(new Py.FPart(raw ? lit.toString() : orSelf(unescape(lit.toString()), lit.toString()), null));
                    lit.setLength(0);
                }
                boolean plain = exprEnd < body.length() && body.charAt(exprEnd) == '}';
                String exprText = body.substring(i + 1, exprEnd);
                Py.Expr field = null;
                if (plain && !exprText.isBlank()) {
                    PythonSource.ParsedExpression pe = PythonSource.parseExpression(exprText);
                    if (pe.errors().isEmpty() && pe.tree().testlist() != null) {
                        field = new PyTreeBuilder(bodyOffset + i + 1).testlist(pe.tree().testlist());
                    }
                }
                parts.add(new Py.FPart(null, field));
                i = Math.min(body.length(), j + 1);
            } else {
                lit.append(c);
                i++;
            }
        }
        if (lit.length() > 0) parts.add(new Py.FPart(raw ? lit.toString() : orSelf(unescape(lit.toString()), lit.toString()), null));
    }

    private static String orSelf(String a, String b) {
        return a != null ? a : b;
    }

    /** Python string escapes; null for ones not handled here (\N{...}, octal...). */
    public static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case '\\' -> b.append('\\');
                case '\'' -> b.append('\'');
                case '"' -> b.append('"');
                case '\n' -> {
                }
                case 'x' -> {
                    if (i + 2 >= s.length()) return null;
                    try {
                        b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    } catch (NumberFormatException e) {
                        return null;
                    }
                    i += 2;
                }
                default -> {
                    if (Character.isDigit(n) || n == 'N' || n == 'u' || n == 'U') return null;
                    b.append('\\').append(n);
                }
            }
        }
        return b.toString();
    }

    /** Parses one expression on its own (for completion on text that the file's parse could not place); null when it does not parse. */
    public static Py.Expr expression(String text, int offset) {
        try {
            PythonSource.ParsedExpression pe = PythonSource.parseExpression(text);
            if (pe.tree().testlist() == null) return null;
            return new PyTreeBuilder(offset).testlist(pe.tree().testlist());
        } catch (RuntimeException e) {
            return null;
        }
    }

    @SuppressWarnings("unused")
    private static final int UNUSED = PythonParser.NAME;
}

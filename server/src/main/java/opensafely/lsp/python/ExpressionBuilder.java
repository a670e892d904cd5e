package opensafely.lsp.python;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.grammar.PythonParser.*;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * The expressions of the {@link Py} tree, from the grammar's precedence levels (test, or_test, ..., atom_expr,
 * atom) down to names, calls, attributes, subscripts, displays and comprehensions. A part that error recovery left
 * missing becomes {@link Py.Other} with the range it covers.
 */
final class ExpressionBuilder extends TreeReader {
    private final StringLiterals literals;

    ExpressionBuilder(int base) {
        super(base);
        this.literals = new StringLiterals(base);
    }

    private Py.Expr other(ParserRuleContext c) {
        return new Py.Other(start(c), end(c));
    }

    Py.Expr testlistStar(Testlist_star_exprContext t) {
        List<Py.Expr> items = new ArrayList<>();
        for (ParseTree c : childrenOf(t)) {
            if (c instanceof TestContext x) items.add(test(x));
            else if (c instanceof Star_exprContext s) items.add(new Py.Starred(expr(s.expr()), start(s), end(s)));
        }
        if (items.size() == 1 && t.COMMA().isEmpty()) return items.get(0);
        return new Py.Seq(Py.SeqKind.TUPLE, items, start(t), end(t));
    }

    Py.Expr testlist(TestlistContext t) {
        List<Py.Expr> items = new ArrayList<>();
        for (TestContext x : t.test()) items.add(test(x));
        if (items.size() == 1 && t.COMMA().isEmpty()) return items.get(0);
        return new Py.Seq(Py.SeqKind.TUPLE, items, start(t), end(t));
    }

    Py.Expr exprlist(ExprlistContext t) {
        if (t == null) return new Py.Other(base, base);
        List<Py.Expr> items = new ArrayList<>();
        for (ParseTree c : childrenOf(t)) {
            if (c instanceof ExprContext x) items.add(expr(x));
            else if (c instanceof Star_exprContext s) items.add(new Py.Starred(expr(s.expr()), start(s), end(s)));
        }
        if (items.size() == 1 && t.COMMA().isEmpty()) return items.get(0);
        return new Py.Seq(Py.SeqKind.TUPLE, items, start(t), end(t));
    }

    Py.Expr namedTest(Namedexpr_testContext n) {
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
                List<Py.Expr> parts = new ArrayList<>();
                if (sl != null && sl.subscript().size() == 1 && sl.COMMA().isEmpty()) {
                    SubscriptContext sc = sl.subscript(0);
                    if (sc.COLON() == null && sc.namedexpr_test() != null) index = namedTest(sc.namedexpr_test());
                } else if (sl != null) {
                    for (SubscriptContext sc : sl.subscript()) {
                        parts.add(sc.COLON() == null && sc.namedexpr_test() != null ? namedTest(sc.namedexpr_test()) : new Py.Other(start(sc), end(sc)));
                    }
                }
                e = new Py.Subscript(e, index, parts, st, end(t));
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
        if (a instanceof StringAtomContext s) return literals.string(s.STRING(), st, en);
        if (a instanceof NumberAtomContext n) return StringLiterals.number(n.getText(), st, en);
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
}

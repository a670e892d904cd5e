package opensafely.lsp.python;

import java.util.List;

/**
 * A small Python syntax tree: just the constructs a study definition and its helper modules are built
 * from. Everything else becomes {@link Other} (an expression) or {@link OtherStmt}, which the evaluator
 * treats as unknown. Offsets are UTF-16 indices into the file's text; {@code end} is exclusive.
 */
public final class Py {
    private Py() {
    }

    public interface Node {
        int start();

        int end();
    }

    // ------------------------------------------------------------------------------- expressions

    public sealed interface Expr extends Node permits Name, Attribute, Call, Str, Num, Const, Seq, Dict, Comp, BinOp, Unary,
            Subscript, Starred, Cond, Other, Compare, BoolOp, Not, BitOp {
    }

    public record Name(String id, int start, int end) implements Expr {
    }

    public record Attribute(Expr value, String attr, int attrStart, int start, int end) implements Expr {
    }

    public enum ArgKind { POSITIONAL, KEYWORD, STAR, DOUBLE_STAR }

    /** One argument; {@code keyword} and its offsets only for keyword arguments. */
    public record Arg(ArgKind kind, String keyword, int keywordStart, int keywordEnd, Expr value, int start, int end) {
    }

    /** A call; {@code open}/{@code close} are the offsets of its parentheses ({@code close} is -1 when missing). */
    public record Call(Expr func, List<Arg> args, int open, int close, int start, int end) implements Expr {
    }

    /**
     * A string literal (adjacent literals joined). {@code value} is null for an f-string or a string whose
     * escapes were not understood; {@code parts} then describes an f-string. {@code contentStart} is the offset
     * of value's first character when every character maps one to one onto the source (a single plain
     * literal without escapes), else -1.
     */
    public record Str(String value, List<FPart> parts, int contentStart, int start, int end) implements Expr {
        public boolean fString() {
            return parts != null;
        }
    }

    /** Piece of an f-string: literal text, or a replacement field's expression (null when it did not parse). */
    public record FPart(String literal, Expr field) {
    }

    public record Num(double value, boolean integer, int start, int end) implements Expr {
    }

    public enum ConstKind { TRUE, FALSE, NONE, ELLIPSIS }

    public record Const(ConstKind kind, int start, int end) implements Expr {
    }

    public enum SeqKind { LIST, TUPLE, SET }

    public record Seq(SeqKind kind, List<Expr> elements, int start, int end) implements Expr {
    }

    /** A dict display entry: {@code key: value}, or {@code **value} when key is null. */
    public record DictItem(Expr key, Expr value) {
    }

    public record Dict(List<DictItem> items, int start, int end) implements Expr {
    }

    public record CompFor(Expr target, Expr iter, List<Expr> conditions) {
    }

    public enum CompKind { LIST, SET, DICT, GENERATOR }

    /** A comprehension; for a dict comprehension {@code key} is set, else it is null and {@code element} the element. */
    public record Comp(CompKind kind, Expr key, Expr element, List<CompFor> generators, int start, int end) implements Expr {
    }

    public record BinOp(String op, Expr left, Expr right, int start, int end) implements Expr {
    }

    public record Unary(String op, Expr operand, int start, int end) implements Expr {
    }

    /**
     * {@code value[index]}. With several comma-separated parts ({@code df.loc[:, "age"]}) the index is an {@link Other}
     * (as the evaluators of definitions expect) and {@code parts} holds each part, a slice as an {@link Other}; else
     * {@code parts} is empty.
     */
    public record Subscript(Expr value, Expr index, List<Expr> parts, int start, int end) implements Expr {
        public Subscript {
            parts = List.copyOf(parts);
        }

        public Subscript(Expr value, Expr index, int start, int end) {
            this(value, index, List.of(), start, end);
        }
    }

    public record Starred(Expr value, int start, int end) implements Expr {
    }

    /** {@code a if test else b}. */
    public record Cond(Expr test, Expr then, Expr otherwise, int start, int end) implements Expr {
    }

    /**
     * A comparison, possibly chained ({@code a < b < c}): {@code ops[i]} compares {@code operands[i]} with
     * {@code operands[i+1]}; {@code opStarts[i]} is where that operator's text begins. Added for dataset
     * definitions; the study evaluator treats it, like every node type it does not know, as unknown.
     */
    public record Compare(List<Expr> operands, List<String> ops, List<Integer> opStarts, int start, int end) implements Expr {
    }

    /** {@code a and b and c} / {@code a or b}: op is "and" or "or"; {@code opStart} is where the first keyword is. */
    public record BoolOp(String op, List<Expr> values, int opStart, int start, int end) implements Expr {
    }

    /** {@code not x}. */
    public record Not(Expr operand, int start, int end) implements Expr {
    }

    /** {@code a & b}, {@code a ^ b}, {@code a << b}, {@code a >> b} ({@code |} is a {@link BinOp}, as it always was). */
    public record BitOp(String op, Expr left, Expr right, int opStart, int start, int end) implements Expr {
    }

    /** Anything else: lambdas, slices, yield... */
    public record Other(int start, int end) implements Expr {
    }

    // -------------------------------------------------------------------------------- statements

    public sealed interface Stmt extends Node permits Assign, AugAssign, ExprStmt, ImportFrom, Import, FuncDef, For, If, Return,
            Block, OtherStmt {
    }

    public record Assign(List<Expr> targets, Expr value, int start, int end) implements Stmt {
    }

    public record AugAssign(Expr target, String op, Expr value, int start, int end) implements Stmt {
    }

    public record ExprStmt(Expr value, int start, int end) implements Stmt {
    }

    public record Alias(String name, String asName, int start, int end) {
        public String bound() {
            return asName != null ? asName : name;
        }
    }

    /** {@code from module import names}; {@code star} for {@code import *}. */
    public record ImportFrom(String module, int level, List<Alias> names, boolean star, int moduleStart, int moduleEnd,
                      int start, int end) implements Stmt {
    }

    public record Import(List<Alias> names, int start, int end) implements Stmt {
    }

    public record Param(String name, Expr defaultValue, ArgKind kind) {
    }

    public record FuncDef(String name, int nameStart, int nameEnd, List<Param> params, List<Stmt> body, int start, int end)
            implements Stmt {
    }

    public record For(Expr target, Expr iter, List<Stmt> body, int start, int end) implements Stmt {
    }

    public record If(Expr test, List<Stmt> body, List<Stmt> orElse, int start, int end) implements Stmt {
    }

    public record Return(Expr value, int start, int end) implements Stmt {
    }

    /**
     * Statements run in order with nothing special (the body of {@code try} or {@code with}). For a {@code with},
     * {@code withItems} keeps each context expression and its {@code as} target (which the evaluators of definitions
     * ignore, as before; the script reader needs {@code with open(path, "w") as f}); empty for anything else.
     */
    public record Block(List<Stmt> body, List<WithItem> withItems, int start, int end) implements Stmt {
        public Block {
            withItems = List.copyOf(withItems);
        }

        public Block(List<Stmt> body, int start, int end) {
            this(body, List.of(), start, end);
        }
    }

    /** {@code context as target} of a {@code with} statement; {@code target} is null without {@code as}. */
    public record WithItem(Expr context, Expr target) {
    }

    /** A statement that assigns the listed names in ways not followed (while loops, class bodies...). */
    public record OtherStmt(List<String> assigned, int start, int end) implements Stmt {
    }

    public record Module(List<Stmt> body) {
    }
}

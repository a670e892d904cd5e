package opensafely.lsp.scripts;

import java.util.List;

/** The parts of an R expression {@link RScriptReader} follows; {@code start}/{@code end} are offsets in the text. */
sealed interface RNode {
    int start();

    int end();

    record Str(String value, int start, int end) implements RNode {}

    record Num(String text, int start, int end) implements RNode {}

    /** A name; {@code pkg::f} keeps its package in {@code name}. */
    record Name(String name, int start, int end) implements RNode {
        boolean qualified() {
            return name.contains("::");
        }

        /** The name without its package. */
        String bare() {
            int i = name.lastIndexOf(':');
            return i < 0 ? name : name.substring(i + 1);
        }
    }

    /** An argument; {@code name} is null when positional, {@code value} null when empty ({@code df[, "x"]}). */
    record Arg(String name, RNode value, int nameStart, int nameEnd) {}

    record Call(RNode fn, List<Arg> args, int start, int end) implements RNode {}

    record Index(RNode target, List<Arg> args, boolean dbl, int start, int end) implements RNode {}

    /** {@code x$name} or {@code x@name}. */
    record Dollar(RNode target, String name, int nameStart, int nameEnd, int start, int end) implements RNode {}

    record Binary(String op, RNode left, RNode right, int start, int end) implements RNode {}

    record Unary(String op, RNode operand, int start, int end) implements RNode {}

    record Block(List<RNode> body, int start, int end) implements RNode {}

    record Param(String name, RNode fallback) {}

    /** A function; compared by identity, as the reader keys maps by it (a record's own hash walks the whole body). */
    record Function(List<Param> params, RNode body, int start, int end) implements RNode {
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    record If(RNode condition, RNode then, RNode otherwise, int start, int end) implements RNode {}

    record For(String variable, RNode sequence, RNode body, int start, int end) implements RNode {}

    /** {@code while} and {@code repeat}: the body runs an unknown number of times. */
    record Loop(RNode condition, RNode body, int start, int end) implements RNode {}

    /** Anything else (a stray token, a too-deep expression). */
    record Other(int start, int end) implements RNode {}
}

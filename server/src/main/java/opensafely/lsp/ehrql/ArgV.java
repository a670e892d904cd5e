package opensafely.lsp.ehrql;

import java.util.List;
import opensafely.lsp.python.Py;

/** One argument of a call with the value it evaluated to; the static helpers pick arguments out of a call's list. */
record ArgV(Py.Arg arg, EValue value) {
    /** The argument's expression: where a finding about this argument goes. */
    Py.Node node() {
        return arg.value();
    }

    static List<ArgV> positional(List<ArgV> args) {
        return args.stream().filter(a -> a.arg().kind() == Py.ArgKind.POSITIONAL).toList();
    }

    static ArgV keyword(List<ArgV> args, String name) {
        for (ArgV a : args) if (a.arg().kind() == Py.ArgKind.KEYWORD && name.equals(a.arg().keyword())) return a;
        return null;
    }

    static boolean hasStar(List<ArgV> args) {
        return args.stream().anyMatch(a -> a.arg().kind() == Py.ArgKind.STAR || a.arg().kind() == Py.ArgKind.DOUBLE_STAR);
    }

    /** A finding about a call as a whole goes on the called name (the method name after the dot). */
    static int nameEnd(Py.Call c) {
        return c.func() instanceof Py.Attribute a ? a.end() : c.func().end();
    }

    static int nameStart(Py.Call c) {
        return c.func() instanceof Py.Attribute a ? a.attrStart() : c.func().start();
    }
}

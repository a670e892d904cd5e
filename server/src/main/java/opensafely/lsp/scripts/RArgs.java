package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.List;

/** The arguments of an R call, walked once, with what is known of their values. */
final class RArgs {
    /** An argument: {@code node} is null for a value piped in from a pipe whose left side is not a node here. */
    record Arg(String name, RNode node, RScriptReader.Value value) {}

    private RArgs() {}

    /** The arguments of a call, the piped value first (or in place of a {@code .} placeholder). */
    static List<Arg> of(RScriptReader.Walk walk, RNode.Call c, RNode pipedNode, RScriptReader.Value piped) {
        List<Arg> out = new ArrayList<>();
        boolean placeholder = false;
        for (RNode.Arg a : c.args()) {
            if (pipedNode != null && a.value() instanceof RNode.Name n && n.name().equals(".")) {
                out.add(new Arg(a.name(), pipedNode, piped));
                placeholder = true;
                continue;
            }
            if (a.value() == null) {
                out.add(new Arg(a.name(), null, null));
                continue;
            }
            out.add(new Arg(a.name(), a.value(), walk.eval(a.value())));
        }
        if (pipedNode != null && !placeholder) out.add(0, new Arg(null, pipedNode, piped));
        return out;
    }

    /** The argument given by one of {@code names}, else the positional one at {@code position} (-1: none). */
    static Arg find(List<Arg> args, int position, List<String> names) {
        for (Arg a : args) {
            if (a.name() != null && names.contains(a.name())) return a;
        }
        if (position < 0) return null;
        int i = 0;
        for (Arg a : args) {
            if (a.name() != null) continue;
            if (i++ == position) return a.node() == null && a.value() == null ? null : a;
        }
        return null;
    }

    static Arg named(List<Arg> args, String name) {
        for (Arg a : args) if (name.equals(a.name())) return a;
        return null;
    }
}

package opensafely.lsp.python;

import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * What the builders of the {@link Py} tree share: offsets of parse tree nodes in the file's text. A node of an
 * f-string field is parsed on its own, so its offsets are shifted by where the field starts.
 */
abstract class TreeReader {
    /** Added to every token offset: non-zero for the expressions of f-string fields, parsed on their own. */
    final int base;

    TreeReader(int base) {
        this.base = base;
    }

    final int start(ParserRuleContext c) {
        Token t = c.getStart();
        return t == null ? base : base + Math.max(0, t.getStartIndex());
    }

    final int end(ParserRuleContext c) {
        Token t = c.getStop();
        if (t == null || t.getStopIndex() < 0) return start(c);
        return Math.max(start(c), base + t.getStopIndex() + 1);
    }

    final int start(TerminalNode n) {
        return base + Math.max(0, n.getSymbol().getStartIndex());
    }

    final int end(TerminalNode n) {
        return base + n.getSymbol().getStopIndex() + 1;
    }

    static List<ParseTree> childrenOf(ParserRuleContext c) {
        List<ParseTree> out = new ArrayList<>();
        for (int i = 0; i < c.getChildCount(); i++) out.add(c.getChild(i));
        return out;
    }
}

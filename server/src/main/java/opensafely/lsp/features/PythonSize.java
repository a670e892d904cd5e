package opensafely.lsp.features;

import opensafely.lsp.grammar.PythonLexer;
import org.antlr.v4.runtime.ANTLRInputStream;
import org.antlr.v4.runtime.Token;

/**
 * The bound on the work one Python file may cost. Parsing costs time and memory per token, not per
 * character: a 10 MB comment is one token and cheap, but a one-line list of 500,000 numbers (2 MB) took
 * 25 s and 3.5 GB to parse and model. Real study and dataset definitions have a few thousand tokens.
 */
final class PythonSize {
    /** Fifty times the biggest real definition we know of; parses in about a second. */
    static final int MAX_TOKENS = 250_000;
    /** Below this many characters a file cannot hold {@link #MAX_TOKENS} tokens worth counting. */
    private static final int COUNT_FROM_CHARS = 256 * 1024;

    private String lastText;
    private int lastCount;

    /** Whether the text has more tokens than the bound. Lexing alone is cheap; the last answer is kept. */
    boolean overBound(String text) {
        return text.length() >= COUNT_FROM_CHARS && counted(text) > MAX_TOKENS;
    }

    private synchronized int counted(String text) {
        if (text != lastText) {
            lastCount = count(text);
            lastText = text;
        }
        return lastCount;
    }

    private static int count(String text) {
        PythonLexer lexer = new PythonLexer(new ANTLRInputStream(text));
        lexer.removeErrorListeners();
        int n = 0;
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
            if (++n > MAX_TOKENS) return n; // enough to know; the rest need not be lexed
        }
        return n;
    }
}

package opensafely.lsp.grammar;

import java.util.ArrayList;
import java.util.List;

import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * ANTLR's recovery (single-token insertion and deletion, then resynchronising), with messages
 * worded for people writing study code: "expected ')' but found end of line" instead of
 * "mismatched input '\n' expecting {...forty tokens...}". Layout tokens have no text of their
 * own, so they are named ("end of line", "indented block", "end of file").
 */
final class PythonErrorStrategy extends DefaultErrorStrategy {

    /** Longer lists of alternatives say nothing useful; the message then names the token only. */
    private static final int MAX_LISTED = 4;

    /**
     * Never repairs by deleting an end of line. ANTLR's first repair for a missing token is to drop the current one
     * when the next fits; for {@code x = patients.} followed by a line starting with a name, that joins the next
     * line onto the dot ({@code patients.<next line>}), so the half-typed line swallows the statement below and
     * whatever is said about the joined expression lands there. An end of line ends the statement: the missing
     * name is reported before it (single-token insertion), and the next line parses as its own statement.
     */
    @Override
    protected Token singleTokenDeletion(Parser recognizer) {
        if (recognizer.getInputStream().LA(1) == PythonLexer.NEWLINE) {
            return null;
        }
        return super.singleTokenDeletion(recognizer);
    }

    @Override
    protected void reportNoViableAlternative(Parser recognizer, NoViableAltException e) {
        recognizer.notifyErrorListeners(e.getOffendingToken(),
            "invalid syntax at " + describe(e.getOffendingToken()), e);
    }

    @Override
    protected void reportInputMismatch(Parser recognizer, InputMismatchException e) {
        recognizer.notifyErrorListeners(e.getOffendingToken(),
            expecting(e.getExpectedTokens()) + "found " + describe(e.getOffendingToken()), e);
    }

    @Override
    protected void reportUnwantedToken(Parser recognizer) {
        if (inErrorRecoveryMode(recognizer)) {
            return;
        }
        beginErrorCondition(recognizer);
        Token t = recognizer.getCurrentToken();
        recognizer.notifyErrorListeners(t, "unexpected " + describe(t), null);
    }

    @Override
    protected void reportMissingToken(Parser recognizer) {
        if (inErrorRecoveryMode(recognizer)) {
            return;
        }
        beginErrorCondition(recognizer);
        Token t = recognizer.getCurrentToken();
        IntervalSet expecting = getExpectedTokens(recognizer);
        recognizer.notifyErrorListeners(t, "missing " + names(expecting) + " before " + describe(t), null);
    }

    private static String expecting(IntervalSet expected) {
        if (expected == null || expected.size() == 0 || expected.size() > MAX_LISTED) {
            return "unexpected input: ";
        }
        return "expected " + names(expected) + " but ";
    }

    private static String names(IntervalSet set) {
        List<String> names = new ArrayList<>();
        for (int type : set.toList()) {
            names.add(name(type));
        }
        return names.size() == 1 ? names.get(0) : String.join(" or ", names);
    }

    static String name(int type) {
        return switch (type) {
            case Token.EOF -> "end of file";
            case PythonLexer.NEWLINE -> "end of line";
            case PythonLexer.INDENT -> "indented block";
            case PythonLexer.DEDENT -> "end of indented block";
            case PythonLexer.NAME -> "name";
            case PythonLexer.NUMBER -> "number";
            case PythonLexer.STRING -> "string";
            case PythonLexer.MATCH -> "'match'";
            case PythonLexer.CASE -> "'case'";
            default -> {
                String literal = PythonLexer.VOCABULARY.getLiteralName(type);
                yield literal != null ? literal : PythonLexer.VOCABULARY.getDisplayName(type);
            }
        };
    }

    private static String describe(Token t) {
        if (t == null) {
            return "end of file";
        }
        return switch (t.getType()) {
            case Token.EOF, PythonLexer.NEWLINE, PythonLexer.INDENT, PythonLexer.DEDENT -> name(t.getType());
            default -> "'" + t.getText() + "'";
        };
    }
}

package opensafely.lsp.grammar;

import java.util.ArrayList;
import java.util.List;

import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

/** Keeps lexer and parser errors instead of letting ANTLR print them to stderr. */
final class SyntaxErrorCollector extends BaseErrorListener {

    private final List<SyntaxError> errors = new ArrayList<>();

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line,
                            int charPositionInLine, String msg, RecognitionException e) {
        int length = 0;
        if (offendingSymbol instanceof Token token && token.getType() != Token.EOF
                && token.getStopIndex() >= token.getStartIndex()) {
            String text = token.getText();
            int newline = text.indexOf('\n');
            length = newline >= 0 ? newline : text.length();
        }
        errors.add(new SyntaxError(line, charPositionInLine, msg, length));
    }

    List<SyntaxError> errors() {
        return errors;
    }

    void clear() {
        errors.clear();
    }
}

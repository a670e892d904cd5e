package opensafely.lsp.grammar;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.antlr.v4.runtime.ANTLRInputStream;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Entry point: Python text in, a tree and its syntax errors out. Never throws on bad input.
 *
 * <p>The errors are those of the lexer and parser plus the compile-time checks CPython makes on
 * argument and parameter order ({@link CompileTimeChecks}), so a file with no errors here is one
 * {@code python -m py_compile} would accept, as far as the grammar goes.
 *
 * <p>Parsing is two-stage, as ANTLR recommends for speed: first with SLL prediction and an error
 * strategy that gives up at the first problem (almost every file is valid, and SLL is much faster),
 * and only if that fails again with full LL prediction and the default recovering strategy, which
 * reports each error and still builds a tree around it.
 */
public final class PythonSource {

    private PythonSource() {
    }

    /** Parses a whole module. */
    public static ParsedPython parse(String text) {
        Parse<PythonParser.File_inputContext> result = run(text, PythonParser::file_input,
            () -> new PythonParser.File_inputContext(null, 0));
        return new ParsedPython(result.tree, result.tokens, result.errors);
    }

    /**
     * Parses a lone expression (or comma list), e.g. the inside of an f-string's {@code {...}};
     * line and column of its errors are relative to {@code text}.
     */
    public static ParsedExpression parseExpression(String text) {
        Parse<PythonParser.Eval_inputContext> result = run(text, PythonParser::eval_input,
            () -> new PythonParser.Eval_inputContext(null, 0));
        return new ParsedExpression(result.tree, result.tokens, result.errors);
    }

    /** A parsed expression: see {@link ParsedPython} for the meaning of the parts. */
    public record ParsedExpression(PythonParser.Eval_inputContext tree, CommonTokenStream tokens,
                                   List<SyntaxError> errors) {
    }

    private record Parse<T>(T tree, CommonTokenStream tokens, List<SyntaxError> errors) {
    }

    private interface Rule<T extends ParserRuleContext> {
        T invoke(PythonParser parser);
    }

    private interface Empty<T> {
        T tree();
    }

    private static <T extends ParserRuleContext> Parse<T> run(String text, Rule<T> rule, Empty<T> empty) {
        SyntaxErrorCollector lexErrors = new SyntaxErrorCollector();
        PythonLexer lexer = new PythonLexer(utf16Stream(text));
        lexer.removeErrorListeners();
        lexer.addErrorListener(lexErrors);
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        SyntaxErrorCollector parseErrors = new SyntaxErrorCollector();
        T tree;
        try {
            // Lex everything up front so lexer errors are reported once, not once per stage.
            tokens.fill();
            PythonParser parser = new PythonParser(tokens);
            parser.removeErrorListeners();
            parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
            parser.setErrorHandler(new BailErrorStrategy());
            try {
                tree = rule.invoke(parser);
            } catch (ParseCancellationException slowPath) {
                tokens.seek(0);
                parser.reset();
                parser.addErrorListener(parseErrors);
                parser.setErrorHandler(new PythonErrorStrategy());
                parser.getInterpreter().setPredictionMode(PredictionMode.LL);
                tree = rule.invoke(parser);
            }
        } catch (StackOverflowError tooDeep) {
            // Thousands of nested brackets: give up on structure rather than fail the caller.
            parseErrors.clear();
            parseErrors.syntaxError(null, null, 1, 0, "code is nested too deeply to analyse", null);
            tree = empty.tree();
        }
        List<SyntaxError> errors = new ArrayList<>(lexErrors.errors());
        errors.addAll(parseErrors.errors());
        try {
            errors.addAll(CompileTimeChecks.of(tree));
        } catch (StackOverflowError tooDeep) {
            // Only reachable for trees nested thousands deep; the parse errors above still stand.
        }
        errors.sort(Comparator.comparingInt(SyntaxError::line).thenComparingInt(SyntaxError::column));
        return new Parse<>(tree, tokens, List.copyOf(errors));
    }

    /**
     * A char stream indexed in UTF-16 code units (not code points), so token offsets and columns
     * match Java string indices and LSP positions even past characters outside the BMP.
     */
    @SuppressWarnings("deprecation")
    private static CharStream utf16Stream(String text) {
        return new ANTLRInputStream(text);
    }
}

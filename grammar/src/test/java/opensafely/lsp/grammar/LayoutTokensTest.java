package opensafely.lsp.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Collectors;

import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.Test;

/** What the parser sees from the lexer: logical newlines, INDENT/DEDENT, soft keywords, literals. */
class LayoutTokensTest {

    /** Visible tokens as symbolic names, with the text of names, numbers and strings. */
    static String visible(String source) {
        PythonLexer lexer = new PythonLexer(CharStreams.fromString(source));
        lexer.removeErrorListeners();
        CommonTokenStream stream = new CommonTokenStream(lexer);
        stream.fill();
        return stream.getTokens().stream()
            .filter(t -> t.getChannel() == Token.DEFAULT_CHANNEL)
            .map(LayoutTokensTest::describe)
            .collect(Collectors.joining(" "));
    }

    private static String describe(Token t) {
        String name = PythonLexer.VOCABULARY.getSymbolicName(t.getType());
        return switch (t.getType()) {
            case PythonLexer.NAME, PythonLexer.NUMBER, PythonLexer.STRING -> name + "(" + t.getText() + ")";
            default -> name;
        };
    }

    @Test
    void nestedBlocksGetIndentAndDedent() {
        String source = """
            def f(x):
                if x:
                    return 1
                return 2
            y = 3
            """;
        assertEquals("DEF NAME(f) LPAR NAME(x) RPAR COLON NEWLINE"
                + " INDENT IF NAME(x) COLON NEWLINE"
                + " INDENT RETURN NUMBER(1) NEWLINE"
                + " DEDENT RETURN NUMBER(2) NEWLINE"
                + " DEDENT NAME(y) EQUAL NUMBER(3) NEWLINE EOF",
            visible(source));
    }

    @Test
    void blankAndCommentLinesDoNotEndOrIndentBlocks() {
        String source = "if a:\n\n    # note\n        \n    b = 1\n  # shallow comment\n    c = 2\n";
        assertEquals("IF NAME(a) COLON NEWLINE INDENT NAME(b) EQUAL NUMBER(1) NEWLINE"
                + " NAME(c) EQUAL NUMBER(2) NEWLINE DEDENT EOF",
            visible(source));
    }

    @Test
    void newlinesInsideBracketsAndAfterBackslashAreIgnored() {
        String source = "x = f(1,\n      [2,\n  3], {4:\n5})\ny = 1 + \\\n    2\n";
        assertEquals("NAME(x) EQUAL NAME(f) LPAR NUMBER(1) COMMA LSQB NUMBER(2) COMMA NUMBER(3) RSQB"
                + " COMMA LBRACE NUMBER(4) COLON NUMBER(5) RBRACE RPAR NEWLINE"
                + " NAME(y) EQUAL NUMBER(1) PLUS NUMBER(2) NEWLINE EOF",
            visible(source));
    }

    @Test
    void endOfInputClosesTheLineAndEveryBlock() {
        assertEquals("IF NAME(a) COLON NEWLINE INDENT IF NAME(b) COLON NEWLINE INDENT NAME(c) NEWLINE"
                + " DEDENT DEDENT EOF",
            visible("if a:\n  if b:\n    c"));
    }

    @Test
    void tabsAdvanceToMultiplesOfEight() {
        // A tab and eight spaces are the same depth, so no DEDENT/INDENT between the two lines.
        assertEquals("IF NAME(a) COLON NEWLINE INDENT NAME(b) NEWLINE NAME(c) NEWLINE DEDENT EOF",
            visible("if a:\n\tb\n        c\n"));
    }

    @Test
    void everyNumberFormIsOneToken() {
        List<String> numbers = List.of("0", "1_000", "0x_FF", "0o17", "0b1_0", "1.5", "1.", ".5",
            "1e-3", "1_0.0_1E+2", "3j", "1.5J", "1e3j");
        for (String n : numbers) {
            assertEquals("NUMBER(" + n + ") NEWLINE EOF", visible(n), n);
        }
    }

    @Test
    void everyStringPrefixAndQuoteStyleIsOneToken() {
        List<String> strings = List.of("'a'", "\"a\"", "'''a\n'b'\n'''", "\"\"\"a \"\" \"\"\"",
            "r'\\d'", "Rb'x'", "bR\"x\"", "u'x'", "F'{a}'", "fr'{a}\\d'", "Rf\"{a}\"",
            "'it\\'s'", "\"a\\\nb\"", "f\"{d['k']}\"");
        for (String s : strings) {
            assertEquals("STRING(" + s + ") NEWLINE EOF", visible(s), s);
        }
    }

    @Test
    void matchAndCaseAreKeywordsOnlyWhenTheyOpenABlock() {
        assertEquals("MATCH NAME(x) COLON NEWLINE INDENT CASE NUMBER(1) COLON NAME(y) NEWLINE DEDENT EOF",
            visible("match x:\n    case 1: y\n"));
        assertEquals("NAME(match) EQUAL NUMBER(1) NEWLINE NAME(match) LPAR NAME(case) RPAR NEWLINE"
                + " NAME(case) COLON NAME(int) NEWLINE EOF",
            visible("match = 1\nmatch(case)\ncase: int\n"));
        // Inside a match block `case` still names a variable unless a pattern and colon follow.
        assertEquals("MATCH NAME(x) COLON NEWLINE INDENT CASE NAME(_) COLON NEWLINE INDENT NAME(case) EQUAL NUMBER(1)"
                + " NEWLINE NAME(case) LSQB NUMBER(0) COLON RSQB NEWLINE DEDENT DEDENT EOF",
            visible("match x:\n    case _:\n        case = 1\n        case[0:]\n"));
    }
}

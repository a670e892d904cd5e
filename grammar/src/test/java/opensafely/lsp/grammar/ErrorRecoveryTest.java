package opensafely.lsp.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;
import org.junit.jupiter.api.Test;

/** Half-typed files: errors come back as data with positions, and the tree keeps the rest. */
class ErrorRecoveryTest {

    private static List<String> funcNames(ParsedPython parsed) {
        List<String> names = new ArrayList<>();
        new PythonParserBaseVisitor<Void>() {
            @Override
            public Void visitFuncdef(PythonParser.FuncdefContext ctx) {
                if (ctx.NAME() != null) {
                    names.add(ctx.NAME().getText());
                }
                return visitChildren(ctx);
            }
        }.visit(parsed.tree());
        return names;
    }

    @Test
    void attributeBeingTypedIsOneErrorAndLaterDefinitionsSurvive() {
        String source = """
            from cohortextractor import patients
            age = patients.
            def later():
                return 1
            """;
        ParsedPython parsed = PythonSource.parse(source);
        assertEquals(1, parsed.errors().size(), parsed.errors().toString());
        SyntaxError error = parsed.errors().get(0);
        assertEquals(2, error.line());
        assertEquals(15, error.column());
        assertEquals(List.of("later"), funcNames(parsed));
    }

    @Test
    void attributeBeingTypedDoesNotSwallowTheNextLine() {
        // The next line starts with a name, which would fit after the dot if the end of line were dropped.
        String source = """
            age = patients.
            bmi = patients.bmi
            """;
        ParsedPython parsed = PythonSource.parse(source);
        assertEquals(List.of(new SyntaxError(1, 15, "missing name before end of line", 0)), parsed.errors());
        assertEquals(2, parsed.tree().stmt().size());
        assertEquals("bmi=patients.bmi", parsed.tree().stmt(1).getText().strip());
    }

    @Test
    void unclosedBracketAtEndOfFileIsReportedNotThrown() {
        ParsedPython parsed = PythonSource.parse("def f():\n    pass\nstudy = StudyDefinition(\n    population=patients.all(),\n");
        assertTrue(parsed.hasErrors());
        SyntaxError error = parsed.errors().get(0);
        assertEquals(5, error.line());
        assertEquals(List.of("f"), funcNames(parsed));
    }

    @Test
    void unterminatedStringIsReportedOnItsLineAndParsingContinues() {
        ParsedPython parsed = PythonSource.parse("x = 'abc\ny = 2\ndef g(): pass\n");
        assertEquals(List.of(new SyntaxError(1, 4, "unterminated string literal", 4)), parsed.errors());
        assertEquals(List.of("g"), funcNames(parsed));
    }

    @Test
    void unterminatedTripleQuotedStringRunsToEndOfFile() {
        ParsedPython parsed = PythonSource.parse("def f():\n    x = \"\"\"\n    text\n");
        assertEquals(1, parsed.errors().size(), parsed.errors().toString());
        assertEquals("unterminated string literal", parsed.errors().get(0).message());
        assertEquals(2, parsed.errors().get(0).line());
    }

    @Test
    void blockLeftOpenAtEndOfFileNeedsNoNewlineOrDedent() {
        ParsedPython parsed = PythonSource.parse("def f(x):\n    if x:\n        return [1, 2]");
        assertEquals(List.of(), parsed.errors());
    }

    @Test
    void emptyBodyAtEndOfFileIsOneError() {
        ParsedPython parsed = PythonSource.parse("x = 1\ndef f():\n");
        assertEquals(1, parsed.errors().size(), parsed.errors().toString());
        assertEquals(List.of("f"), funcNames(parsed));
    }

    @Test
    void strayCharacterIsReportedWithItsPosition() {
        ParsedPython parsed = PythonSource.parse("a = 1\nb = $2\n");
        assertEquals(List.of(new SyntaxError(2, 4, "invalid character '$'", 1)), parsed.errors());
    }

    @Test
    void inconsistentDedentIsReported() {
        ParsedPython parsed = PythonSource.parse("if a:\n        b = 1\n    c = 2\n");
        assertEquals("unindent does not match any outer indentation level", parsed.errors().get(0).message());
        assertEquals(3, parsed.errors().get(0).line());
    }

    @Test
    void missingCommaBetweenArgumentsPointsAtTheSecondArgument() {
        ParsedPython parsed = PythonSource.parse("study = StudyDefinition(\n    a=1\n    b=2,\n)\n");
        assertFalse(parsed.errors().isEmpty());
        SyntaxError first = parsed.errors().get(0);
        assertEquals(3, first.line());
        assertEquals(4, first.column());
    }

    @Test
    void columnsCountUtf16UnitsLikeJavaStrings() {
        // The emoji is two UTF-16 units (one code point), so `$` sits at index 9 of its line.
        ParsedPython parsed = PythonSource.parse("x = '\uD83D\uDE00' $\n");
        assertEquals(9, parsed.errors().get(0).column());
    }

    @Test
    void garbageNeverThrows() {
        String[] inputs = {"", "\n\n", ")))", "(((", "def", "class :", "@", "if", "    x", "lambda",
            "f'{", "'''", "\\", "match x:\n  case", "x = [1,\n\n\ndef f(): pass", "else:\n  pass",
            "\t\t\tx\n  y\n", "try:\n  pass\n", "import", "from . import", "** ** **", "{**}"};
        for (String input : inputs) {
            ParsedPython parsed = PythonSource.parse(input);
            assertTrue(parsed.tree() != null, input);
            assertTrue(text(parsed.tree()) != null, input);
        }
    }

    @Test
    void deeplyNestedBracketsDoNotOverflow() {
        String source = "x = " + "(".repeat(5000) + "1" + ")".repeat(5000) + "\n";
        ParsedPython parsed = PythonSource.parse(source);
        assertTrue(parsed.tree() != null);
    }

    private static String text(ParseTree tree) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tree.getChildCount(); i++) {
            ParseTree child = tree.getChild(i);
            sb.append(child instanceof TerminalNode t ? t.getText() : text(child));
        }
        return sb.toString();
    }

    @Test
    void unclosedCallEndsAtTheNextStatementKeyword() {
        String source = """
            study = StudyDefinition(
                population=patients.all(
            )

            def helper():
                return 1

            import os
            """;
        ParsedPython parsed = PythonSource.parse(source);
        assertEquals(List.of("helper"), funcNames(parsed));
        // The statements after the unclosed call are whole: only the missing ')' is reported,
        // at the end of the last line that belonged to the call.
        assertEquals(List.of(new SyntaxError(3, 1, "missing ')' before end of line", 0)), parsed.errors());
    }

    @Test
    void variableWithoutItsNameIsPositionalAfterKeyword() {
        String source = """
            study = StudyDefinition(
                population=patients.all(),
                patients.sex(),
                **extra,
                later,
            )
            """;
        assertEquals(List.of(
                new SyntaxError(3, 4, "positional argument follows keyword argument", 14),
                new SyntaxError(5, 4, "positional argument follows keyword argument unpacking", 5)),
            PythonSource.parse(source).errors());
    }

    @Test
    void repeatedKeywordAndParameterOrderAreCompileTimeErrors() {
        assertEquals(List.of(new SyntaxError(1, 9, "keyword argument repeated: age", 5)),
            PythonSource.parse("f(age=1, age=2)").errors());
        assertEquals(List.of(new SyntaxError(1, 14, "non-default argument follows default argument", 1)),
            PythonSource.parse("def f(a, b=1, c, *d, e, f=2, g): pass\n").errors());
        assertEquals(List.of(new SyntaxError(1, 2, "Generator expression must be parenthesized", 12)),
            PythonSource.parse("f(x for x in y, 1)\n").errors());
        assertEquals(List.of(), PythonSource.parse("f(*a, b, c=1, *d, **e)\nlambda a, b=1, *c, d: 0\n").errors());
    }
}

package opensafely.lsp.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The synthetic study code in src/test/resources/fixtures parses cleanly and into the right shape. */
class FixtureParseTest {

    static String fixture(String name) {
        try (InputStream in = FixtureParseTest.class.getResourceAsStream("/fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new AssertionError("missing fixture " + name, e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"study_definition.py", "codelists.py", "common_variables.py",
        "dataset_definition.py", "python_features.py"})
    void fixtureParsesWithoutErrors(String name) {
        ParsedPython parsed = PythonSource.parse(fixture(name));
        assertEquals(List.of(), parsed.errors());
        // The tree covers the file: the last statement ends on the last line.
        assertTrue(parsed.tree().stmt().size() > 3);
    }

    @Test
    void studyDefinitionKeywordArgumentsAndUnpackingsAreInTheTree() {
        ParsedPython parsed = PythonSource.parse(fixture("study_definition.py"));
        List<String> keywords = new ArrayList<>();
        List<String> unpacked = new ArrayList<>();
        new PythonParserBaseVisitor<Void>() {
            @Override
            public Void visitAtom_expr(PythonParser.Atom_exprContext ctx) {
                if (ctx.atom().getText().equals("StudyDefinition") && !ctx.trailer().isEmpty()
                        && ctx.trailer(0) instanceof PythonParser.CallTrailerContext call) {
                    for (PythonParser.ArgumentContext arg : call.arglist().argument()) {
                        if (arg instanceof PythonParser.KeywordArgumentContext kw) {
                            keywords.add(kw.NAME().getText());
                        } else if (arg instanceof PythonParser.KwargsArgumentContext kwargs) {
                            unpacked.add(kwargs.test().getText());
                        }
                    }
                }
                return visitChildren(ctx);
            }
        }.visit(parsed.tree());
        assertEquals(List.of("default_expectations", "index_date", "population", "ethnicity", "bmi",
            "age_group", "practice", "first_admission"), keywords);
        assertEquals(List.of("common_variables", "with_date(\"respiratory\",respiratory_codes)",
            "loop_over_codes([\"123456\",\"654321\"])", "monthly_flags"), unpacked);
    }

    @Test
    void dictComprehensionAndDictLiteralAreTold() {
        ParsedPython parsed = PythonSource.parse("a = {f'x_{i}': i for i in range(3)}\nb = {1, 2}\nc = {**a}\n");
        List<String> kinds = new ArrayList<>();
        new PythonParserBaseVisitor<Void>() {
            @Override
            public Void visitDictMaker(PythonParser.DictMakerContext ctx) {
                kinds.add(ctx.comp_for() != null ? "dict-comprehension" : "dict");
                return visitChildren(ctx);
            }

            @Override
            public Void visitSetMaker(PythonParser.SetMakerContext ctx) {
                kinds.add("set");
                return visitChildren(ctx);
            }
        }.visit(parsed.tree());
        assertEquals(List.of("dict-comprehension", "set", "dict"), kinds);
    }

    @Test
    void matchStatementHasItsCases() {
        ParsedPython parsed = PythonSource.parse(fixture("python_features.py"));
        List<Integer> caseCounts = new ArrayList<>();
        new PythonParserBaseVisitor<Void>() {
            @Override
            public Void visitMatch_stmt(PythonParser.Match_stmtContext ctx) {
                caseCounts.add(ctx.case_block().size());
                return visitChildren(ctx);
            }
        }.visit(parsed.tree());
        assertEquals(List.of(9), caseCounts);
    }
}

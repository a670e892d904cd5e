package opensafely.lsp.outputs;

import static opensafely.lsp.DiagnosticAssertions.assertDiagnostics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import opensafely.lsp.MarkedText;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Each output rule on the fixtures of src/test/resources/outputs: the marked cells («») are exactly where the
 * findings land, and the fixtures with no marks (rounded counts, regression tables, means and SDs, percentages,
 * dates, redacted cells, an empty file) have none: the false alarms a checker would have to wade through.
 */
class OutputRulesTest {
    static MarkedText fixture(String name) throws IOException {
        try (InputStream in = OutputRulesTest.class.getResourceAsStream("/outputs/" + name)) {
            return MarkedText.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static List<Diagnostic> check(String name) throws IOException {
        MarkedText m = fixture(name);
        List<Diagnostic> found = OutputCheck.ofText(name, m.text());
        assertTrue(found.stream().allMatch(d -> d.severity() == Severity.WARNING), "a checker decides: warnings only");
        return found;
    }

    @ParameterizedTest(name = "{0} is clean")
    @CsvSource({"rounded_counts.csv", "regression.csv", "means.csv", "percentages.csv", "dates.csv", "redacted.csv", "empty.csv"})
    void noFalseAlarms(String name) throws IOException {
        assertDiagnostics(check(name), List.of());
    }

    @Test
    void smallAndUnroundedCountsOnTheirCells() throws IOException {
        assertDiagnostics(check("small_and_unrounded.csv"), fixture("small_and_unrounded.csv").ranges(),
                "output-unrounded-count", "output-small-count", "output-unrounded-count");
    }

    @Test
    void midpoint6ColumnsFollowTheirScheme() throws IOException {
        assertDiagnostics(check("midpoint6.csv"), fixture("midpoint6.csv").ranges(),
                "output-unrounded-count", "output-unrounded-count");
    }

    @Test
    void ratesBesideSmallOrRedactedCounts() throws IOException {
        assertDiagnostics(check("rate_small_count.csv"), fixture("rate_small_count.csv").ranges(),
                "output-small-count", "output-rate-small-count", "output-rate-small-count");
    }

    @Test
    void totalsThatAreNotTheSumOfTheRoundedValues() throws IOException {
        assertDiagnostics(check("totals_columns.csv"), fixture("totals_columns.csv").ranges(), "output-total-mismatch");
        assertDiagnostics(check("totals_row.csv"), fixture("totals_row.csv").ranges(), "output-total-mismatch");
    }

    @Test
    void patientLevelColumns() throws IOException {
        assertDiagnostics(check("patient_level.csv"), fixture("patient_level.csv").ranges(),
                "output-patient-level", "output-patient-level");
    }

    @Test
    void quotedCellsAndAstralCharactersKeepExactUtf16Ranges() throws IOException {
        assertDiagnostics(check("quoted.csv"), fixture("quoted.csv").ranges(), "output-small-count", "output-unrounded-count");
    }

    @Test
    void fixesRedactSmallCountsAndRoundToTheNearestFive() throws IOException {
        List<Diagnostic> found = check("small_and_unrounded.csv");
        List<String> fixes = found.stream().flatMap(d -> d.fixes().stream()).map(f -> f.edits().get(0).newText()).toList();
        assertEquals(List.of("1255", "[REDACTED]", "10"), fixes);
        List<String> mid6 = check("midpoint6.csv").stream().flatMap(d -> d.fixes().stream()).map(f -> f.edits().get(0).newText()).toList();
        assertEquals(List.of("99"), mid6, "100 on midpoint 6 is ceil(100/6)*6-3 = 99; a derived value has no unambiguous fix");
    }

    @Test
    void anOpenOutputOverTheSizeLimitIsNotReadFurther() throws IOException {
        StringBuilder big = new StringBuilder("n\n");
        String line = "3".repeat(1023) + "é\n"; // 1026 bytes in UTF-8, 1025 characters
        for (long bytes = 2; bytes <= Level4Check.MAX_SIZE; bytes += 1026) big.append(line);
        List<Diagnostic> found = OutputCheck.ofText("big.csv", big.toString());
        assertEquals(List.of("output-too-large"), found.stream().map(Diagnostic::code).toList());
        assertEquals(7, OutputCheck.utf8Length("a\u00e9\ud83d\ude00"));
    }

    @Test
    void theColumnSummaryIsAirlocks() throws IOException {
        TableCheck.Result r = TableCheck.check(() -> new java.io.StringReader("n,mean\n10,1.5\n[REDACTED],2.5\n,\n3,\n"));
        ColumnSummary n = r.columns().get(0);
        assertEquals("integer", n.type());
        assertEquals("3", n.min().toPlainString());
        assertEquals("3", n.minNonZero().toPlainString());
        assertEquals("10", n.max().toPlainString());
        assertEquals("13", n.sum().toPlainString());
        assertEquals(false, n.divisibleBy5());
        assertEquals(false, n.divisibleBy6());
        assertEquals(false, n.midpoint6());
        assertEquals(1, n.redacted());
        assertEquals(1, n.missing());
        assertEquals("float", r.columns().get(1).type());
        assertEquals(4, r.rows());
    }
}

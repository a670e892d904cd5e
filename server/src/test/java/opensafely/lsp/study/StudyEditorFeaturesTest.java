package opensafely.lsp.study;

import static opensafely.lsp.study.StudyFixture.studyWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.editor.HoverInfo;
import opensafely.lsp.editor.Symbol;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.Location;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Completion, hover, go to definition and symbols in a study definition, each from a fixture whose cursor is
 * marked with ‸: what the editor would show there.
 */
class StudyEditorFeaturesTest {
    @TempDir
    Path dir;

    private final StudyDefinitionService service = new StudyDefinitionService();

    private static final String CODELISTS_PY = """
            from cohortextractor import codelist_from_csv

            asthma_codes = codelist_from_csv("codelists/asthma.csv", system="ctv3", column="code")
            """;
    private static final String ASTHMA_CSV = "code,term\nXa1,Asthma\nXa2,Severe asthma\n";

    private StudyFixture fixture(String marked) {
        return new StudyFixture(dir).file("analysis/codelists.py", CODELISTS_PY).file("codelists/asthma.csv", ASTHMA_CSV)
                .study(marked);
    }

    private List<Completion> complete(String marked) {
        StudyFixture f = fixture(marked);
        Document doc = f.write();
        return service.complete(doc, f.cursor);
    }

    private static List<String> labels(List<Completion> items) {
        return items.stream().map(Completion::label).toList();
    }

    private HoverInfo hover(String marked) {
        StudyFixture f = fixture(marked);
        return service.hover(f.write(), f.cursor).orElseThrow(() -> new AssertionError("no hover"));
    }

    private static String withCodelists(String variables) {
        return studyWith(variables).replace(StudyFixture.HEADER, StudyFixture.HEADER + "from codelists import *\n");
    }

    // --- completion -----------------------------------------------------------------------------------

    @Test
    void patientsDotOffersEveryFunctionWithASnippetOfItsRequiredArguments() {
        List<Completion> items = complete(withCodelists("    age=patients.‸\n"));
        List<String> names = labels(items);
        assertTrue(names.size() >= 40, names.toString());
        assertTrue(names.containsAll(List.of("age_as_of", "with_these_clinical_events", "registered_as_of", "satisfying")), names.toString());
        Completion events = items.stream().filter(c -> c.label().equals("with_these_clinical_events")).findFirst().orElseThrow();
        assertTrue(events.snippet(), "a snippet");
        assertTrue(events.insertText().startsWith("with_these_clinical_events(codelist=${1:codelist}"), events.insertText());
    }

    @Test
    void argumentNamesNotYetGivenWithTheirDefaults() {
        List<Completion> items = complete(withCodelists(
                "    a=patients.with_these_clinical_events(asthma_codes, returning=\"date\", ‸),\n"));
        List<String> names = labels(items);
        assertTrue(names.contains("between") && names.contains("find_first_match_in_period"), names.toString());
        assertFalse(names.contains("returning"), "already given");
        assertFalse(names.contains("codelist"), "already given positionally");
    }

    @Test
    void enumeratedValuesOfReturningAndDateFormat() {
        List<String> returning = labels(complete(withCodelists(
                "    a=patients.with_these_clinical_events(asthma_codes, returning=\"‸\"),\n")));
        assertTrue(returning.containsAll(List.of("binary_flag", "date", "number_of_matches_in_period")), returning.toString());
        List<String> formats = labels(complete(withCodelists(
                "    a=patients.with_these_clinical_events(asthma_codes, returning=\"date\", date_format=\"‸\"),\n")));
        assertTrue(formats.containsAll(List.of("YYYY", "YYYY-MM", "YYYY-MM-DD")), formats.toString());
    }

    @Test
    void codelistsForACodelistArgumentAndCsvPathsInCodelistFromCsv() {
        List<String> codelists = labels(complete(withCodelists("    a=patients.with_these_clinical_events(‸),\n")));
        assertTrue(codelists.contains("asthma_codes"), codelists.toString());
        List<String> paths = labels(complete(withCodelists(
                "    a=patients.with_these_clinical_events(codelist_from_csv(\"codelists/‸\", system=\"ctv3\", column=\"code\")),\n")));
        assertTrue(paths.stream().anyMatch(p -> p.endsWith("asthma.csv")), paths.toString());
    }

    @Test
    void variableNamesInsideAnExpressionString() {
        List<String> names = labels(complete(withCodelists("""
                    age=patients.age_as_of("index_date", return_expectations={"int": {"distribution": "population_ages"}}),
                    asthma=patients.with_these_clinical_events(asthma_codes),
                    adult_asthma=patients.satisfying("asthma AND a‸"),
                """)));
        assertTrue(names.containsAll(List.of("age", "asthma")), names.toString());
        assertFalse(names.contains("adult_asthma"), "not itself");
    }

    // --- hover ----------------------------------------------------------------------------------------

    @Test
    void hoverOnAFunctionGivesItsSummaryAndTheTypeForItsReturning() {
        HoverInfo h = hover(withCodelists("    a=patients.with_these_cl‸inical_events(asthma_codes, returning=\"date\"),\n"));
        assertTrue(h.markdown().contains("with_these_clinical_events"), h.markdown());
        assertTrue(h.markdown().toLowerCase().contains("date"), h.markdown());
    }

    @Test
    void hoverOnAnArgumentGivesItsMeaningAndAllowedValues() {
        HoverInfo h = hover(withCodelists("    a=patients.with_these_clinical_events(asthma_codes, retur‸ning=\"date\"),\n"));
        assertTrue(h.markdown().contains("returning"), h.markdown());
        assertTrue(h.markdown().contains("binary_flag"), h.markdown());
    }

    @Test
    void hoverOnACodelistGivesItsFileSystemAndSize() {
        HoverInfo h = hover(withCodelists("    a=patients.with_these_clinical_events(asthma_c‸odes),\n"));
        assertTrue(h.markdown().contains("codelists/asthma.csv"), h.markdown());
        assertTrue(h.markdown().contains("ctv3"), h.markdown());
        assertTrue(h.markdown().contains("2 codes"), h.markdown());
    }

    @Test
    void hoverOnAVariableNamedInAnExpression() {
        HoverInfo h = hover(withCodelists("""
                    asthma=patients.with_these_clinical_events(asthma_codes),
                    b=patients.satisfying("ast‸hma"),
                """));
        assertTrue(h.markdown().contains("**asthma**"), h.markdown());
        assertTrue(h.markdown().contains("with_these_clinical_events"), h.markdown());
    }

    // --- navigation and outline -------------------------------------------------------------------------

    @Test
    void definitionOfACodelistIsInTheHelperModule() {
        StudyFixture f = fixture(withCodelists("    a=patients.with_these_clinical_events(asthma_c‸odes),\n"));
        List<Location> found = service.definition(f.write(), f.cursor);
        assertEquals(1, found.size(), found.toString());
        assertEquals(dir.resolve("analysis/codelists.py"), found.get(0).path());
        assertEquals(2, found.get(0).range().start().line());
    }

    @Test
    void definitionOfAVariableInAnExpressionAndOfACsvPath() {
        StudyFixture f = fixture(withCodelists("""
                    asthma=patients.with_these_clinical_events(asthma_codes),
                    b=patients.satisfying("ast‸hma"),
                """));
        List<Location> variable = service.definition(f.write(), f.cursor);
        assertEquals(1, variable.size(), variable.toString());
        assertEquals(7, variable.get(0).range().start().line());

        StudyFixture g = fixture(withCodelists(
                "    a=patients.with_these_clinical_events(codelist_from_csv(\"codelists/ast‸hma.csv\", system=\"ctv3\", column=\"code\")),\n"));
        List<Location> csv = service.definition(g.write(), g.cursor);
        assertEquals(List.of(dir.resolve("codelists/asthma.csv")), csv.stream().map(Location::path).toList());
    }

    @Test
    void symbolsAreTheStudyVariables() {
        StudyFixture f = fixture(withCodelists("""
                    asthma=patients.with_these_clinical_events(asthma_codes),
                    adult=patients.satisfying("age >= 18", age=patients.age_as_of("index_date")),
                """));
        List<Symbol> symbols = service.symbols(f.write());
        assertEquals(List.of("population", "asthma", "adult"), symbols.stream().map(Symbol::name).toList());
        Symbol adult = symbols.get(2);
        assertEquals("patients.satisfying", adult.detail());
        assertEquals(List.of("age"), adult.children().stream().map(Symbol::name).toList());
    }
}

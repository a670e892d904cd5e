package opensafely.lsp.ehrql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.DiagnosticAssertions;
import opensafely.lsp.MarkedText;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fault inside a module that a definition imports is reported in that module, on its line, once however many
 * definitions import it: module-level code, and function bodies run with the values the definitions pass.
 */
class HelperModuleFindingsTest {
    @TempDir
    Path dir;

    private static final String PROJECT = "version: '4.0'\nactions:\n"
            + "  one:\n    run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/one.csv.gz\n"
            + "    outputs:\n      highly_sensitive:\n        d: output/one.csv.gz\n"
            + "  two:\n    run: ehrql:v1 generate-dataset analysis/dataset_definition_two.py --output output/two.csv.gz\n"
            + "    outputs:\n      highly_sensitive:\n        d: output/two.csv.gz\n";

    private static String definition(String column) {
        return "from ehrql import create_dataset\nfrom ehrql.tables.tpp import clinical_events, practice_registrations\n"
                + "from variables import add_count, first_date\n\n"
                + "dataset = create_dataset()\n"
                + "dataset.define_population(practice_registrations.for_patient_on(\"2024-01-01\").exists_for_patient())\n"
                + "add_count(dataset, clinical_events)\n"
                + "dataset." + column + " = first_date(clinical_events)\n";
    }

    private List<Diagnostic> checkHelper(String marked, String unsaved) {
        MarkedText m = MarkedText.parse(marked);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("project.yaml", PROJECT);
        files.put("analysis/dataset_definition.py", definition("first"));
        files.put("analysis/dataset_definition_two.py", definition("earliest"));
        files.put("analysis/variables.py", m.text());
        DiagnosticAssertions.writeFiles(dir, files);
        String text = unsaved != null ? unsaved : m.text();
        return new StudyLanguageService().diagnostics(new Document(dir.resolve("analysis/variables.py"), text, 1, StudyFolder.at(dir)));
    }

    @Test
    void faultsInAHelperWithoutEhrqlAreReportedThereOnce() {
        String marked = "def add_count(dataset, events):\n"
                + "    dataset.n = events.where(events.«snomedct_cod» == \"195967001\").count_for_patient()\n\n\n"
                + "def first_date(events):\n"
                + "    return events.sort_by(events.date).first_for_patient().«dat»\n";
        List<Diagnostic> found = checkHelper(marked, null);
        DiagnosticAssertions.assertDiagnostics(found, MarkedText.parse(marked).ranges(), "ehrql-unknown-column", "ehrql-unknown-column");
    }

    @Test
    void theEditorsUnsavedTextIsWhatIsChecked() {
        String saved = "def add_count(dataset, events):\n    dataset.n = events.count_for_patient()\n\n\n"
                + "def first_date(events):\n    return events.sort_by(events.date).first_for_patient().date\n";
        String unsaved = saved.replace("first_for_patient().date", "first_for_patient().dat");
        List<Diagnostic> found = checkHelper(saved, unsaved);
        assertEquals(1, found.size(), found.toString());
        assertEquals(5, found.get(0).range().start().line());
    }

    @Test
    void aBranchTheEvaluatorCannotDecideIsNotJudgedInAHelper() {
        String marked = "def add_count(dataset, events, codes=None):\n"
                + "    if codes is not None:\n"
                + "        events = events.where(events.dmd_code.is_in(codes))\n"
                + "    dataset.n = events.count_for_patient()\n\n\n"
                + "def first_date(events):\n    return events.sort_by(events.date).first_for_patient().date\n";
        assertTrue(checkHelper(marked, null).stream().noneMatch(d -> d.severity() == opensafely.lsp.diagnostics.Severity.ERROR));
    }

    @Test
    void aModuleNoDefinitionImportsIsNotChecked() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("project.yaml", PROJECT);
        files.put("analysis/dataset_definition.py", definition("first").replace("from variables import", "from other import"));
        files.put("analysis/variables.py", "def f(events):\n    return events.dat\n");
        DiagnosticAssertions.writeFiles(dir, files);
        Document doc = new Document(dir.resolve("analysis/variables.py"), "def f(events):\n    return events.dat\n", 1, StudyFolder.at(dir));
        assertFalse(DatasetDefinitionService.isChecked(doc));
        assertEquals(List.of(), new StudyLanguageService().diagnostics(doc));
    }
}

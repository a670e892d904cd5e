package opensafely.lsp.study;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.DiagnosticAssertions;
import opensafely.lsp.MarkedText;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13: names nothing defines (NameError when generate_cohort loads the definition), and faults in the modules a
 * study definition imports, reported in that module on their line, once however many definitions import it.
 */
class StudyHelperModulesTest {
    @TempDir
    Path dir;

    private static final String PROJECT = "version: '3.0'\nexpectations:\n  population_size: 100\nactions:\n"
            + "  generate_a:\n    run: cohortextractor:latest generate_cohort --study-definition study_definition_a\n"
            + "    outputs:\n      highly_sensitive:\n        cohort: output/input_a.csv\n"
            + "  generate_b:\n    run: cohortextractor:latest generate_cohort --study-definition study_definition_b\n"
            + "    outputs:\n      highly_sensitive:\n        cohort: output/input_b.csv\n";

    private static String definition(String imports, String variables) {
        return "from cohortextractor import StudyDefinition, patients, codelist_from_csv\n" + imports
                + "study = StudyDefinition(\n    " + StudyFixture.DEFAULTS + ",\n    index_date=\"2020-01-01\",\n"
                + "    population=patients.registered_as_of(\"index_date\"),\n" + variables + ")\n";
    }

    /** Writes the files (markers removed) and checks the marked one as the editor and `check` do. */
    private List<Diagnostic> check(String marked, String path, Map<String, String> others) {
        Map<String, String> files = new LinkedHashMap<>(others);
        files.putIfAbsent("project.yaml", PROJECT);
        files.putIfAbsent("codelists/asthma.csv", "code,term\nXa1,Asthma\n");
        String text = MarkedText.parse(marked).text();
        files.put(path, text);
        DiagnosticAssertions.writeFiles(dir, files);
        Document doc = new Document(dir.resolve(path), text, 1, StudyFolder.at(dir));
        return new StudyLanguageService().diagnostics(doc).stream().filter(d -> d.severity().atLeast(Severity.WARNING)).toList();
    }

    private void assertFindings(String marked, String path, Map<String, String> others, String... codes) {
        DiagnosticAssertions.assertDiagnostics(check(marked, path, others), MarkedText.parse(marked).ranges(), codes);
    }

    @Test
    void aMisspeltFunctionAtModuleLevelIsANameError() {
        String marked = "from cohortextractor import StudyDefinition, patients, codelist_from_csv\n"
                + "asthma_codes = «codelist_from_cvs»(\"codelists/asthma.csv\", system=\"ctv3\", column=\"code\")\n"
                + "study = StudyDefinition(\n    " + StudyFixture.DEFAULTS + ",\n    index_date=\"2020-01-01\",\n"
                + "    population=patients.registered_as_of(\"index_date\"),\n"
                + "    asthma=patients.with_these_clinical_events(asthma_codes, returning=\"binary_flag\"),\n)\n";
        List<Diagnostic> ds = check(marked, "analysis/study_definition_a.py", Map.of());
        DiagnosticAssertions.assertDiagnostics(ds, MarkedText.parse(marked).ranges(), "study-undefined-name");
        assertEquals(Severity.ERROR, ds.get(0).severity());
    }

    @Test
    void aNameErrorInAFunctionBodyIsAWarning() {
        String marked = "from cohortextractor import patients\n\ndef flag(codes):\n"
                + "    return patients.with_these_clinical_events(codes, returning=«binary»)\n";
        List<Diagnostic> ds = check(marked, "analysis/study_definition_a.py", Map.of());
        DiagnosticAssertions.assertDiagnostics(ds, MarkedText.parse(marked).ranges(), "study-undefined-name");
        assertEquals(Severity.WARNING, ds.get(0).severity());
    }

    @Test
    void namesThatMayBeBoundAreNotReported() {
        // From a module beside it (followed), from a module that cannot be read, spelt twice, a builtin, a parameter.
        Map<String, String> codelists = Map.of("analysis/codelists.py", "from cohortextractor import codelist_from_csv\n"
                + "asthma_codes = codelist_from_csv(\"codelists/asthma.csv\", system=\"ctv3\", column=\"code\")\n");
        String a = definition("from codelists import *\n", "    asthma=patients.with_these_clinical_events(asthma_codes, returning=\"binary_flag\"),\n"
                + "    n=patients.with_these_clinical_events(asthma_codes, returning=\"number_of_matches_in_period\", "
                + "return_expectations={\"int\": {\"distribution\": \"normal\", \"mean\": len(str(1)), \"stddev\": 1}}),\n");
        assertFindings(a, "analysis/study_definition_a.py", codelists);
        String b = definition("from somewhere_unreadable import *\n", "    asthma=patients.with_these_clinical_events(other_codes, returning=\"binary_flag\"),\n");
        assertFindings(b, "analysis/study_definition_b.py", Map.of());
        String c = "from cohortextractor import patients\n\ndef flag(codes, later=None):\n    x = later\n"
                + "    return patients.with_these_clinical_events(codes, returning=\"binary_flag\")\n";
        assertFindings(c, "analysis/study_definition_a.py", Map.of());
    }

    @Test
    void aFaultInAHelperModuleIsReportedThereOnceForAllImporters() {
        String helper = "from cohortextractor import patients\n\ncommon_variables = dict(\n"
                + "    age=patients.«age_as_off»(\"index_date\", return_expectations={\"int\": {\"distribution\": \"population_ages\"}}),\n"
                + "    asthma=patients.with_these_clinical_events(asthma_codes, returning=«\"binary_flg\"»),\n)\n";
        Map<String, String> others = Map.of(
                "analysis/codelists.py", "from cohortextractor import codelist_from_csv\n"
                        + "asthma_codes = codelist_from_csv(\"codelists/asthma.csv\", system=\"ctv3\", column=\"code\")\n",
                "analysis/study_definition_a.py", definition("from codelists import *\nfrom common_variables import common_variables\n", "    **common_variables,\n"),
                "analysis/study_definition_b.py", definition("from common_variables import common_variables\n", "    **common_variables,\n"));
        // The helper itself uses asthma_codes without importing it (NameError when the definitions load it).
        String marked = helper.replace("asthma_codes", "«asthma_codes»");
        List<Diagnostic> ds = check(marked, "analysis/common_variables.py", others);
        DiagnosticAssertions.assertDiagnostics(ds, MarkedText.parse(marked).ranges(), "study-unknown-function", "study-undefined-name",
                "study-invalid-returning");
    }

    @Test
    void patientsCallsNoDefinitionReachesAreJudgedByTheirNames() {
        // get_variable is never called with values the evaluator can follow: its calls are still misspelt.
        String marked = "from cohortextractor import patients\n\ndef get_variable(codes):\n"
                + "    if codes.system == \"icd10\":\n        return patients.«admitted_ot_hospital»(with_these_diagnoses=codes)\n"
                + "    return patients.with_these_clinical_events(codes, «retunring»=\"binary_flag\")\n";
        Map<String, String> others = Map.of("analysis/study_definition_a.py", definition("from helpers import get_variable\n", ""));
        List<Diagnostic> ds = check(marked, "analysis/helpers.py", others);
        DiagnosticAssertions.assertDiagnostics(ds, MarkedText.parse(marked).ranges(), "study-unknown-function", "study-unknown-argument");
        assertEquals(List.of(Severity.WARNING, Severity.WARNING), ds.stream().map(Diagnostic::severity).toList());
    }

    @Test
    void aMissingCodelistFileInAHelperModuleIsReportedThere() {
        String marked = "from cohortextractor import codelist_from_csv\n"
                + "asthma_codes = codelist_from_csv(«\"codelists/asthmaa.csv\"», system=\"ctv3\", column=\"code\")\n";
        Map<String, String> others = Map.of("analysis/study_definition_a.py", definition("from codelists import *\n",
                "    asthma=patients.with_these_clinical_events(asthma_codes, returning=\"binary_flag\"),\n"));
        assertFindings(marked, "analysis/codelists.py", others, "study-codelist-file-missing");
    }

    @Test
    void aModuleThatNoDefinitionImportsIsNotChecked() {
        String marked = "from cohortextractor import patients\nx = patients.age_as_off(\"2020-01-01\")\ny = undefined_here\n";
        assertFindings(marked, "analysis/notes.py", Map.of("analysis/study_definition_a.py", definition("", "")));
    }
}

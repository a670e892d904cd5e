package opensafely.lsp.ehrql;

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
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Helper functions as real studies write them: optional filters (`codelist=None`, then `if codelist is not None:`),
 * called with keywords. What the call returns is followed when the branch is decided by the values passed, and a
 * keyword the function does not take is the TypeError Python stops with.
 */
class EhrqlHelperCallsTest {
    @TempDir
    Path dir;

    private static final String PROJECT = "version: '4.0'\nactions:\n"
            + "  one:\n    run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/one.csv.gz\n"
            + "    outputs:\n      highly_sensitive:\n        d: output/one.csv.gz\n";

    private static final String HELPERS = "def select_events(frame, codelist=None, start=None):\n"
            + "    selected = frame\n"
            + "    if codelist is not None:\n"
            + "        selected = selected.where(selected.snomedct_code.is_in(codelist))\n"
            + "    if start is not None:\n"
            + "        selected = selected.where(selected.date > start)\n"
            + "    return selected\n";

    private static final String HEAD = "from ehrql import create_dataset\n"
            + "from ehrql.tables.tpp import clinical_events, practice_registrations\n"
            + "from helpers import select_events\n\n"
            + "dataset = create_dataset()\n"
            + "dataset.define_population(practice_registrations.for_patient_on(\"2024-01-01\").exists_for_patient())\n";

    private List<Diagnostic> check(String text) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("project.yaml", PROJECT);
        files.put("analysis/helpers.py", HELPERS);
        files.put("analysis/dataset_definition.py", text);
        DiagnosticAssertions.writeFiles(dir, files);
        List<Diagnostic> all = new StudyLanguageService().diagnostics(new Document(dir.resolve("analysis/dataset_definition.py"), text, 1, StudyFolder.at(dir)));
        return all.stream().filter(d -> d.severity().atLeast(Severity.WARNING)).toList();
    }

    @Test
    void aFrameThroughAnOptionalFilterKeepsItsColumnsAndMethods() {
        String marked = HEAD + "events = select_events(clinical_events, codelist=[\"123456\"])\n"
                + "dataset.n = events.«count_fro_patient»()\n"
                + "dataset.last = events.sort_by(events.date).last_for_patient().«daet»\n";
        MarkedText m = MarkedText.parse(marked);
        DiagnosticAssertions.assertDiagnostics(check(m.text()), m.ranges(), "ehrql-unknown-column", "ehrql-unknown-column");
    }

    @Test
    void aKeywordTheHelperDoesNotTakeIsATypeError() {
        String marked = HEAD + "dataset.n = select_events(clinical_events, «codeilst»=[\"123456\"]).count_for_patient()\n";
        MarkedText m = MarkedText.parse(marked);
        List<Diagnostic> found = check(m.text());
        DiagnosticAssertions.assertDiagnostics(found, m.ranges(), "ehrql-unknown-keyword");
        Assertions.assertEquals(Severity.ERROR, found.get(0).severity());
    }

    @Test
    void aKeywordInABranchIsAWarningAndKwargsTakeAnything() {
        String marked = HEAD + "def through(frame, **kwargs):\n    return frame\n\n"
                + "if dataset:\n"
                + "    dataset.n = select_events(clinical_events, «stat»=\"2020-01-01\").count_for_patient()\n"
                + "dataset.m = through(clinical_events, anything=1).count_for_patient()\n";
        MarkedText m = MarkedText.parse(marked);
        List<Diagnostic> found = check(m.text());
        DiagnosticAssertions.assertDiagnostics(found, m.ranges(), "ehrql-unknown-keyword");
        Assertions.assertEquals(Severity.WARNING, found.get(0).severity());
    }

    @Test
    void correctCallsStaySilent() {
        String text = HEAD + "a = select_events(clinical_events)\n"
                + "b = select_events(clinical_events, codelist=[\"123456\"], start=\"2020-01-01\")\n"
                + "dataset.a = a.count_for_patient()\n"
                + "dataset.b = b.sort_by(b.date).first_for_patient().date\n"
                + "dataset.c = select_events(frame=clinical_events, start=None).exists_for_patient()\n";
        Assertions.assertEquals(List.of(), check(text));
    }

    @Test
    void aFunctionNestedInAnotherIsCheckedLikeATopLevelOne() {
        String marked = "from ehrql import create_dataset\n"
                + "from ehrql.tables.tpp import apcs, clinical_events, practice_registrations\n\n"
                + "def make():\n"
                + "    dataset = create_dataset()\n"
                + "    def first_admission(codes):\n"
                + "        return apcs.where(apcs.«primary_idagnosis».is_in(codes)).sort_by(apcs.admission_date).first_for_patient()\n"
                + "    def count(codes):\n"
                + "        inner = clinical_events.where(clinical_events.snomedct_code.is_in(codes))\n"
                + "        return inner.«count_fro_patient»()\n"
                + "    dataset.define_population(practice_registrations.for_patient_on(\"2024-01-01\").exists_for_patient())\n"
                + "    return dataset\n\n"
                + "dataset = make()\n";
        MarkedText m = MarkedText.parse(marked);
        DiagnosticAssertions.assertDiagnostics(check(m.text()), m.ranges(), "ehrql-unknown-column", "ehrql-unknown-column");
    }

    @Test
    void setattrOnTheDatasetDoesNotHideANameError() {
        String marked = "from ehrql import create_dataset\n"
                + "from ehrql.tables.tpp import patients\n\n"
                + "dataset = «create_adtaset»()\n"
                + "dataset.define_population(patients.date_of_birth.is_not_null())\n"
                + "for name, value in {\"dob\": patients.date_of_birth}.items():\n"
                + "    setattr(dataset, name, value)\n";
        MarkedText m = MarkedText.parse(marked);
        DiagnosticAssertions.assertDiagnostics(check(m.text()), m.ranges(), "ehrql-undefined-name");
    }

    @Test
    void anOptionalFilterGivenAValueNotFollowedStillGivesTheTablesFrame() {
        String marked = HEAD + "import json\n"
                + "settings = json.loads(open(\"settings.json\").read())\n"
                + "events = select_events(clinical_events, codelist=settings[\"codes\"])\n"
                + "dataset.n = events.«count_fro_patient»()\n"
                + "dataset.first = events.sort_by(events.date).first_for_patient().date\n";
        MarkedText m = MarkedText.parse(marked);
        DiagnosticAssertions.assertDiagnostics(check(m.text()), m.ranges(), "ehrql-unknown-column");
    }

    @Test
    void aMisspeltDatasetMethodIsSaidEvenWhenColumnsAreSetByName() {
        String marked = HEAD + "for name in [\"a\", \"b\"]:\n"
                + "    dataset.add_column(f\"{name}_count\", clinical_events.count_for_patient())\n"
                + "    dataset.«add_cloumn»(f\"{name}_any\", clinical_events.exists_for_patient())\n";
        MarkedText m = MarkedText.parse(marked);
        DiagnosticAssertions.assertDiagnostics(check(m.text()), m.ranges(), "ehrql-unknown-attribute");
    }
}

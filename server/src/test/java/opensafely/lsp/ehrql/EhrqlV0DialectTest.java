package opensafely.lsp.ehrql;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * A definition written for ehrQL v0 (`from ehrql.tables.beta.tpp import ...`, run with ehrql:v0) is judged against v0's
 * tables: a name v0 lacks as much as v1 (a misspelt table, column or method) is an error on its token, and v0's own
 * spellings (if_null_then, configure_dummy_dataset, the hospital_admissions table, default= of case) stay silent.
 */
class EhrqlV0DialectTest {
    @TempDir
    Path dir;

    private static final String PROJECT = "version: '3.0'\nexpectations:\n  population_size: 100\nactions:\n"
            + "  one:\n    run: ehrql:v0 generate-dataset analysis/dataset_definition.py --output output/one.csv.gz\n"
            + "    outputs:\n      highly_sensitive:\n        d: output/one.csv.gz\n";

    private List<Diagnostic> check(String file, String text, Map<String, String> others) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("project.yaml", PROJECT);
        files.putAll(others);
        files.put(file, text);
        DiagnosticAssertions.writeFiles(dir, files);
        return new StudyLanguageService().diagnostics(new Document(dir.resolve(file), text, 1, StudyFolder.at(dir)));
    }

    private static final String HEAD = "from ehrql import create_dataset, case, when\n"
            + "from ehrql.tables.beta.core import patients, clinical_events\n"
            + "from ehrql.tables.beta.tpp import practice_registrations, hospital_admissions\n\n"
            + "dataset = create_dataset()\n"
            + "dataset.define_population(practice_registrations.for_patient_on(\"2020-01-01\").exists_for_patient())\n";

    @Test
    void misspeltNamesInAV0DefinitionAreReportedOnTheirToken() {
        String marked = "from ehrql import create_dataset\n"
                + "from ehrql.tables.beta.core import «patinets», clinical_events\n"
                + "from ehrql.tables.beta.tpp import practice_registrations\n"
                + "from ehrql.tables.beta import «txpp»\n\n"
                + "dataset = create_dataset()\n"
                + "dataset.define_population(practice_registrations.for_patient_on(\"2020-01-01\").«exists_fro_patient»())\n"
                + "dataset.last = clinical_events.sort_by(clinical_events.«daet»).last_for_patient().date\n";
        MarkedText m = MarkedText.parse(marked);
        List<Diagnostic> found = check("analysis/dataset_definition.py", m.text(), Map.of());
        DiagnosticAssertions.assertDiagnostics(found, m.ranges(), "ehrql-unknown-table", "ehrql-unknown-import",
                "ehrql-unknown-column", "ehrql-unknown-column");
    }

    @Test
    void v0sOwnSpellingsStaySilent() {
        String text = HEAD
                + "dataset.configure_dummy_dataset(population_size=50)\n"
                + "dataset.died = patients.date_of_death.if_null_then(patients.date_of_birth)\n"
                + "dataset.diag = hospital_admissions.sort_by(hospital_admissions.admission_date).first_for_patient().primary_diagnoses\n"
                + "dataset.band = case(when(patients.sex == \"male\").then(\"m\"), default=\"other\")\n";
        List<Diagnostic> found = check("analysis/dataset_definition.py", text, Map.of());
        assertEquals(List.of(), found.stream().filter(d -> d.severity().atLeast(opensafely.lsp.diagnostics.Severity.WARNING)).toList());
    }

    @Test
    void aHelperModuleWrittenForV0IsJudgedThroughItsV0Definition() {
        String helper = "from ehrql.tables.beta import tpp as schema\n\n"
                + "def registered(date):\n"
                + "    return schema.«practice_reigstrations».for_patient_on(date).exists_for_patient()\n\n"
                + "def last_event(events):\n"
                + "    return events.«sotr_by»(events.date).last_for_patient()\n";
        String definition = HEAD.replace("dataset.define_population(practice_registrations.for_patient_on(\"2020-01-01\").exists_for_patient())\n",
                "from helpers import registered, last_event\n"
                        + "dataset.define_population(registered(\"2020-01-01\"))\n"
                        + "dataset.last = last_event(clinical_events).date\n");
        MarkedText m = MarkedText.parse(helper);
        List<Diagnostic> found = check("analysis/helpers.py", m.text(), Map.of("analysis/dataset_definition.py", definition));
        DiagnosticAssertions.assertDiagnostics(found, m.ranges(), "ehrql-unknown-table", "ehrql-unknown-column");
    }

    @Test
    void tablesAV0ModuleImportsFromAnotherAreItsOwnAndCodelistArgumentsAreJudged() {
        String marked = "from ehrql import create_dataset, codelist_from_csv\n"
                + "from ehrql.tables.beta.tpp import patients, medications, practice_registrations\n\n"
                + "meds = codelist_from_csv(\"codelists/meds.csv\", «colmun»=\"code\")\n"
                + "dataset = create_dataset()\n"
                + "dataset.define_population(practice_registrations.for_patient_on(\"2020-01-01\").exists_for_patient())\n"
                + "dataset.dob = patients.«date_fo_birth»\n"
                + "dataset.med = medications.where(medications.dmd_code.is_in(meds)).exists_for_patient()\n";
        MarkedText m = MarkedText.parse(marked);
        List<Diagnostic> found = check("analysis/dataset_definition.py", m.text(), Map.of("codelists/meds.csv", "code,term\n123456,x\n"));
        DiagnosticAssertions.assertDiagnostics(found, m.ranges(), "ehrql-codelist-column-missing", "ehrql-unknown-column");
    }
}

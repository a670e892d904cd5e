package opensafely.lsp.ehrql;

import static opensafely.lsp.ehrql.EhrqlFixture.HEADER;
import static opensafely.lsp.ehrql.EhrqlFixture.datasetWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per ehrQL rule: the code and the exact range it is reported on. */
class EhrqlRulesTest {
    @TempDir
    Path dir;

    private EhrqlFixture fx(String marked) {
        return new EhrqlFixture(dir).definition(marked);
    }

    private EhrqlFixture measures(String marked) {
        return new EhrqlFixture(dir).named("analysis/measures.py").definition(marked);
    }

    private static final String AGE = "patients.age_on(\"2024-01-01\")";

    @Test
    void everyEhrqlRuleIsDeclaredWithItsPrefix() {
        long n = java.util.Arrays.stream(Rule.values()).filter(r -> r.name().startsWith("EHRQL_")).peek(r ->
                assertTrue(r.id().startsWith("ehrql-"), r.id())).count();
        assertEquals(35, n);
    }

    @Test
    void syntaxError() {
        fx(datasetWith("dataset.age = " + AGE + "«)»\n")).assertDiagnostics("ehrql-syntax");
    }

    @Test
    void unknownImportWithFix() {
        List<Diagnostic> ds = fx("from ehrql import «create_datset»\nfrom «ehrql.tables.tp» import patients\n")
                .assertDiagnostics("ehrql-unknown-import", "ehrql-unknown-import");
        assertEquals("create_dataset", ds.get(0).fixes().get(0).edits().get(0).newText());
        assertEquals("ehrql.tables.tpp", ds.get(1).fixes().get(0).edits().get(0).newText());
    }

    @Test
    void unknownTable() {
        List<Diagnostic> ds = fx("from ehrql.tables.tpp import «clinical_event», patients\nfrom ehrql.tables.core import «addresses»\n")
                .assertDiagnostics("ehrql-unknown-table", "ehrql-unknown-table");
        assertTrue(ds.get(0).message().contains("Did you mean 'clinical_events'?"), ds.get(0).message());
        assertTrue(ds.get(1).message().contains("ehrql.tables.tpp"), ds.get(1).message());
    }

    @Test
    void unknownColumnWithDidYouMean() {
        List<Diagnostic> ds = fx(datasetWith("dataset.sex = patients.«sexx»\ndataset.n = clinical_events.where(clinical_events.«snomed_code» == \"123456\").count_for_patient()\n"))
                .assertDiagnostics("ehrql-unknown-column", "ehrql-unknown-column");
        assertEquals("sex", ds.get(0).fixes().get(0).edits().get(0).newText());
        assertTrue(ds.get(1).message().contains("snomedct_code"), ds.get(1).message());
    }

    @Test
    void unknownMethod() {
        fx(datasetWith("""
                dataset.dob = patients.date_of_birth.«maximum_for_patient»()
                dataset.n = clinical_events.snomedct_code.«sum_for_patient»()
                dataset.p = patients.«where»(patients.sex == "male").exists_for_patient()
                dataset.q = patients.date_of_birth.«is_on_or_afterr»("2020-01-01")
                """)).assertDiagnostics("ehrql-unknown-method", "ehrql-unknown-method", "ehrql-unknown-method", "ehrql-unknown-method");
    }

    @Test
    void unknownAttribute() {
        fx(datasetWith("dataset.«configure_dumy_data»(population_size=10)\ndataset.x = (patients.date_of_death - patients.date_of_birth).«yeers»\n"))
                .assertDiagnostics("ehrql-unknown-attribute", "ehrql-unknown-attribute");
    }

    @Test
    void wrongType() {
        fx(datasetWith("""
                dataset.old = %s > «"65"»
                dataset.later = patients.date_of_birth + «16»
                dataset.s = clinical_events.sort_by(«"date"»).first_for_patient().date
                dataset.c = clinical_events.where(clinical_events.snomedct_code.is_in(«123456»)).count_for_patient()
                """.formatted(AGE))).assertDiagnostics("ehrql-wrong-type", "ehrql-wrong-type", "ehrql-wrong-type", "ehrql-wrong-type");
    }

    @Test
    void intFloatMix() {
        fx(datasetWith("dataset.a = " + AGE + " + «1.5»\ndataset.b = clinical_events.numeric_value.maximum_for_patient() > «" + AGE + "»\n"))
                .assertDiagnostics("ehrql-int-float-mix", "ehrql-int-float-mix");
    }

    @Test
    void invalidCode() {
        fx(datasetWith("dataset.n = clinical_events.where(clinical_events.snomedct_code == «\"Xa1b2\"»).count_for_patient()\n"
                + "dataset.m = clinical_events.where(clinical_events.ctv3_code.is_in([\"H33..\", «\"H33\"»])).count_for_patient()\n"))
                .assertDiagnostics("ehrql-invalid-code", "ehrql-invalid-code");
    }

    @Test
    void invalidDate() {
        fx(datasetWith("dataset.age = patients.age_on(«\"2024/01/01\"»)\ndataset.d = patients.date_of_birth.is_before(«\"2023-02-30\"»)\n"))
                .assertDiagnostics("ehrql-invalid-date", "ehrql-invalid-date");
    }

    @Test
    void differentFrames() {
        fx(datasetWith("dataset.n = clinical_events.where(clinical_events.date > «medications.date»).count_for_patient()\n"
                + "dataset.m = medications.where(«clinical_events.date.is_after(\"2020-01-01\")»).count_for_patient()\n"))
                .assertDiagnostics("ehrql-different-frames", "ehrql-different-frames");
    }

    @Test
    void isInWithAnEventSeriesOfAnotherTableIsFine() {
        fx(datasetWith("dataset.n = clinical_events.where(clinical_events.consultation_id.is_in(medications.consultation_id)).count_for_patient()\n"))
                .assertDiagnostics();
    }

    @Test
    void firstWithoutSort() {
        fx(datasetWith("dataset.d = clinical_events.where(clinical_events.numeric_value > 3).«first_for_patient»().date\n"))
                .assertDiagnostics("ehrql-first-without-sort");
        List<Diagnostic> ds = fx(datasetWith("coded = clinical_events.where(clinical_events.numeric_value > 3)\ndataset.d = coded.«last_for_patient»().date\n"))
                .assertDiagnostics("ehrql-first-without-sort");
        assertEquals("sort_by(coded.date).", ds.get(0).fixes().get(0).edits().get(0).newText());
    }

    @Test
    void quickFixesForDatesCodeImportsAndNot() {
        assertEquals("\"2024-01-05\"", fx(datasetWith("dataset.age = patients.age_on(«\"2024/1/5\"»)\n")).assertDiagnostics("ehrql-invalid-date")
                .get(0).fixes().get(0).edits().get(0).newText());
        assertEquals("SNOMEDCTCode", fx("from ehrql.codes import «SNOMEDCode»\n").assertDiagnostics("ehrql-unknown-import")
                .get(0).fixes().get(0).edits().get(0).newText());
        assertEquals("~", fx(datasetWith("dataset.x = «not» patients.exists_for_patient()\n")).assertDiagnostics("ehrql-python-boolean-operator")
                .get(0).fixes().get(0).edits().get(0).newText());
    }

    @Test
    void pythonBooleanOperators() {
        fx(datasetWith("""
                dataset.a = (patients.sex == "male") «and» (%s > 18)
                dataset.b = «not» patients.exists_for_patient()
                dataset.c = 18 < %s «<» 65
                if «patients.exists_for_patient()»:
                    pass
                """.formatted(AGE, AGE))).assertDiagnostics("ehrql-python-boolean-operator", "ehrql-python-boolean-operator",
                "ehrql-python-boolean-operator", "ehrql-python-boolean-operator");
    }

    @Test
    void aSeriesAsTheLastOperandOfOrIsOnlyReturned() {
        fx(datasetWith("import sys\nchosen = (sys.argv[1:] and None) or patients.exists_for_patient()\ndataset.x = chosen\n")).assertDiagnostics();
    }

    @Test
    void operatorPrecedence() {
        fx(datasetWith("dataset.mf = case(when(patients.sex == \"male\" «|» patients.sex == \"female\").then(1), otherwise=0)\n"
                + "dataset.a = patients.exists_for_patient() == (patients.sex.is_null() | patients.date_of_birth.is_null())\n"
                + "dataset.b = patients.sex == \"male\" «&» patients.exists_for_patient()\n"))
                .assertDiagnostics("ehrql-operator-precedence", "ehrql-operator-precedence");
    }

    @Test
    void eventLevelColumn() {
        fx(datasetWith("dataset.d = «clinical_events.date»\ndataset.add_column(\"v\", «medications.dmd_code»)\n"))
                .assertDiagnostics("ehrql-event-level-column", "ehrql-event-level-column");
    }

    @Test
    void notASeries() {
        fx(datasetWith("""
                dataset.f = «clinical_events.sort_by(clinical_events.date).first_for_patient()»
                dataset.e = «clinical_events.exists_for_patient»
                dataset.g = («patients.date_of_death - patients.date_of_birth»)
                dataset.h = «"2024-01-01"»
                dataset.w = «when(patients.sex == "male").then(1)»
                """)).assertDiagnostics("ehrql-not-a-series", "ehrql-not-a-series", "ehrql-not-a-series", "ehrql-not-a-series", "ehrql-not-a-series");
    }

    @Test
    void invalidColumnName() {
        fx(datasetWith("dataset.«_age» = " + AGE + "\ndataset.add_column(«\"1st\"», " + AGE + ")\n"))
                .assertDiagnostics("ehrql-invalid-column-name", "ehrql-invalid-column-name");
    }

    @Test
    void reservedColumnName() {
        List<Diagnostic> ds = fx(datasetWith("dataset.«patient_id» = " + AGE + "\ndataset.«population» = patients.exists_for_patient()\n"
                + "dataset.«add_column» = " + AGE + "\n")).assertDiagnostics("ehrql-reserved-column-name", "ehrql-reserved-column-name",
                "ehrql-reserved-column-name");
        assertEquals(Severity.WARNING, ds.get(2).severity(), "a method name is accepted but hides the method");
    }

    @Test
    void columnReassigned() {
        fx(datasetWith("dataset.age = " + AGE + "\ndataset.«age» = patients.age_on(\"2023-01-01\")\n")).assertDiagnostics("ehrql-column-reassigned");
    }

    @Test
    void columnSetInBothBranchesOfAnIfIsFine() {
        fx(datasetWith("import sys\nif len(sys.argv) > 1:\n    dataset.age = " + AGE + "\nelse:\n    dataset.age = patients.age_on(\"2023-01-01\")\n"))
                .assertDiagnostics();
    }

    @Test
    void undefinedColumn() {
        fx(datasetWith("dataset.age = " + AGE + "\ndataset.adult = dataset.«agee» >= 18\n")).assertDiagnostics("ehrql-undefined-column");
    }

    @Test
    void missingPopulation() {
        fx(HEADER + "dataset = «create_dataset()»\ndataset.age = " + AGE + "\n").assertDiagnostics("ehrql-missing-population");
    }

    @Test
    void missingPopulationIsNotJudgedInAHelperModule() {
        new EhrqlFixture(dir).named("analysis/variables.py").definition(HEADER + "dataset = create_dataset()\ndataset.age = " + AGE + "\n")
                .assertDiagnostics();
    }

    @Test
    void populationDefinedTwice() {
        fx(datasetWith("dataset.«define_population»(patients.exists_for_patient())\n")).assertDiagnostics("ehrql-population-defined-twice");
    }

    @Test
    void invalidPopulation() {
        fx(HEADER + "dataset = create_dataset()\ndataset.define_population(«" + AGE + "»)\n").assertDiagnostics("ehrql-invalid-population");
        fx(HEADER + "dataset = create_dataset()\ndataset.define_population(«clinical_events.numeric_value > 3»)\n").assertDiagnostics("ehrql-invalid-population");
    }

    @Test
    void populationTrueForAPatientWithNoRecords() {
        fx(HEADER + "from ehrql.tables.tpp import ons_deaths\ndataset = create_dataset()\nnot_dead = ~ons_deaths.exists_for_patient()\n"
                + "dataset.define_population(«not_dead»)\n").assertDiagnostics("ehrql-invalid-population");
        fx(HEADER + "dataset = create_dataset()\ndataset.define_population(«patients.is_alive_on(\"2024-01-01\") | (patients.age_on(\"2024-01-01\") > 18)»)\n")
                .assertDiagnostics("ehrql-invalid-population");
        fx(HEADER + "dataset = create_dataset()\nregistered = practice_registrations.for_patient_on(\"2024-01-01\").exists_for_patient()\n"
                + "dataset.define_population(registered & patients.is_alive_on(\"2024-01-01\") & patients.date_of_death.is_null())\n").assertDiagnostics();
    }

    @Test
    void dummyDataArguments() {
        fx(datasetWith("dataset.configure_dummy_data(«population»=1000)\ndataset.configure_dummy_data(«1000»)\n"
                + "dataset.configure_dummy_data(population_size=«\"1000\"»)\n"
                + "dataset.configure_dummy_data(legacy=True, «additional_population_constraint»=patients.sex == \"male\")\n"))
                .assertDiagnostics("ehrql-dummy-data-argument", "ehrql-dummy-data-argument", "ehrql-dummy-data-argument", "ehrql-dummy-data-argument");
    }

    private static final String MEASURES = HEADER + "\nmeasures = create_measures()\nregistered = practice_registrations.for_patient_on(INTERVAL.start_date).exists_for_patient()\n"
            + "asthma = clinical_events.where(clinical_events.snomedct_code == \"195967001\")\n";

    @Test
    void measureArguments() {
        measures(MEASURES + """
                measures.define_measure(
                    name="a",
                    numerator=«asthma.date.is_during(INTERVAL)»,
                    denominator=registered,
                    intervals=months(12).starting_on("2024-01-01"),
                    «denominatr»=registered,
                )
                measures.«define_measure»(name="b", numerator=registered)
                """).assertDiagnostics("ehrql-measure-argument", "ehrql-measure-argument", "ehrql-measure-argument");
    }

    @Test
    void measureWithoutAnyMeasure() {
        measures(HEADER + "measures = «create_measures()»\nmeasures.configure_dummy_data(population_size=100)\n").assertDiagnostics("ehrql-measure-argument");
    }

    @Test
    void defaultsFillMissingMeasureArguments() {
        measures(MEASURES + "measures.define_defaults(denominator=registered, intervals=months(3).starting_on(\"2024-01-01\"))\n"
                + "measures.define_measure(name=\"a\", numerator=asthma.exists_for_patient())\n").assertDiagnostics();
    }

    @Test
    void measureNames() {
        measures(MEASURES + """
                measures.define_defaults(numerator=asthma.exists_for_patient(), denominator=registered, intervals=months(3).starting_on("2024-01-01"))
                measures.define_measure(name=«"asthma rate"»)
                measures.define_measure(name="by_sex", group_by={«"ratio"»: patients.sex})
                measures.define_measure(name=«"by_sex"»)
                """).assertDiagnostics("ehrql-measure-name", "ehrql-measure-name", "ehrql-measure-name");
    }

    @Test
    void invalidIntervals() {
        measures(MEASURES + """
                measures.define_defaults(numerator=asthma.exists_for_patient(), denominator=registered)
                measures.define_measure(name="a", intervals=months(«"2022-01-01"»))
                measures.define_measure(name="b", intervals=«months(12)»)
                measures.define_measure(name="c", intervals=months(12).starting_on(«INTERVAL.start_date»))
                """).assertDiagnostics("ehrql-invalid-interval", "ehrql-invalid-interval", "ehrql-invalid-interval");
    }

    @Test
    void codelistFileMissing() {
        fx(datasetWith("codes = codelist_from_csv(«\"codelists/missing.csv\"», column=\"code\")\n")).assertDiagnostics("ehrql-codelist-file-missing");
    }

    @Test
    void aCodelistAnotherActionWritesIsNotMissing() {
        fx(datasetWith("codes = codelist_from_csv(\"output/derived_codes.csv\", column=\"code\")\n")).assertDiagnostics();
    }

    @Test
    void codelistColumnMissing() {
        List<Diagnostic> ds = fx(datasetWith("codes = codelist_from_csv(\"codelists/asthma-snomed.csv\", column=«\"cod\"»)\n"
                + "more = «codelist_from_csv»(\"codelists/asthma-snomed.csv\")\n")).assertDiagnostics("ehrql-codelist-column-missing", "ehrql-codelist-column-missing");
        assertEquals("\"code\"", ds.get(0).fixes().get(0).edits().get(0).newText());
    }

    @Test
    void aMisspeltCodelistKeywordIsReportedOnItsOwnLine() {
        // Planted-fault measurement (issue #13): in a call over several lines, the misspelt keyword is the line at fault;
        // ehrQL stops with "unexpected keyword argument", so one finding there, none on the function's name.
        List<Diagnostic> ds = fx(datasetWith("codes = codelist_from_csv(\n    \"codelists/asthma-snomed.csv\",\n    «colmun»=\"code\",\n)\n"
                + "cats = codelist_from_csv(\"codelists/asthma-snomed.csv\", column=\"code\", «categroy_column»=\"code\")\n"))
                .assertDiagnostics("ehrql-codelist-column-missing", "ehrql-codelist-column-missing");
        assertEquals("column", ds.get(0).fixes().get(0).edits().get(0).newText());
        assertEquals("category_column", ds.get(1).fixes().get(0).edits().get(0).newText());
    }

    @Test
    void aMisspeltNameInABranchOrAFunctionIsAWarningOnItsLine() {
        // Planted-fault measurement (issue #13): `monhts(3)` in an if branch or a helper function's body is a NameError
        // whenever that line runs; it may never run, so a warning, not an error. A name spelt twice stays silent.
        List<Diagnostic> ds = fx(datasetWith("import sys\n"
                + "start = \"2024-01-01\"\n"
                + "if len(sys.argv) > 1:\n"
                + "    start = «monhts»(3)\n"
                + "def first_event(codes):\n"
                + "    return clinical_events.where(clinical_events.snomedct_code.«si_in»(codes))\n"
                + "def later(codes):\n"
                + "    return «whne»(codes).then(1)\n"
                + "def elsewhere():\n"
                + "    return helper_b(1) + helper_b(2)\n"))
                .assertDiagnostics("ehrql-undefined-name", "ehrql-unknown-method", "ehrql-undefined-name");
        assertEquals(Severity.WARNING, ds.get(0).severity());
        assertEquals(Severity.WARNING, ds.get(2).severity());
    }

    @Test
    void aFileInTheBetaDialectStillGetsWhatFailsInAnyDialect() {
        // ehrql.tables.beta is ehrQL v0's dialect: a column v0 lacks too (daet) is reported (V0Schema), and a name nothing
        // binds (NameError) and a missing codelist file fail in any dialect (issue #13, planted faults).
        fx("from ehrql import codelist_from_csv, create_dataset, days\n"
                + "from ehrql.tables.beta.core import patients, clinical_events\n"
                + "dataset = create_dataset()\n"
                + "dataset.define_population(patients.exists_for_patient())\n"
                + "dataset.last = clinical_events.sort_by(clinical_events.«daet»).last_for_patient().date\n"
                + "codes = codelist_from_csv(«\"codelists/asthma-snomde.csv\"», column=\"code\")\n"
                + "dataset.later = patients.date_of_birth + «dasy»(1)\n")
                .assertDiagnostics("ehrql-unknown-column", "ehrql-codelist-file-missing", "ehrql-undefined-name");
    }

    @Test
    void codelistOfAnotherSystem() {
        fx(datasetWith("ctv3 = codelist_from_csv(\"codelists/asthma-ctv3.csv\", column=\"code\")\n"
                + "snomed = codelist_from_csv(\"codelists/asthma-snomed.csv\", column=\"code\")\n"
                + "dataset.a = clinical_events.where(clinical_events.snomedct_code.is_in(«ctv3»)).exists_for_patient()\n"
                + "dataset.b = clinical_events.where(clinical_events.snomedct_code.is_in(snomed)).exists_for_patient()\n"
                + "dataset.c = clinical_events.where(clinical_events.ctv3_code.is_in(ctv3)).exists_for_patient()\n"))
                .assertDiagnostics("ehrql-codelist-system");
    }

    @Test
    void unknownCategory() {
        List<Diagnostic> ds = fx(datasetWith("dataset.male = patients.sex == «\"Male\"»\n")).assertDiagnostics("ehrql-unknown-category");
        assertEquals(Severity.WARNING, ds.get(0).severity());
        assertEquals("\"male\"", ds.get(0).fixes().get(0).edits().get(0).newText());
    }

    @Test
    void restrictedTableWithoutClaim() {
        fx("from ehrql import create_dataset\nfrom ehrql.tables.tpp import «appointments», patients, ukrr\nfrom ehrql import claim_permissions\n"
                + "claim_permissions(\"ukrr\")\ndataset = create_dataset()\ndataset.define_population(patients.exists_for_patient())\n"
                + "dataset.n = appointments.count_for_patient() + ukrr.count_for_patient()\n").assertDiagnostics("ehrql-permission");
    }

    @Test
    void valuesAreFollowedThroughSiblingModulesAndHelperFunctions() {
        new EhrqlFixture(dir)
                .file("analysis/codelists.py", "from ehrql import codelist_from_csv\nctv3 = codelist_from_csv(\"codelists/asthma-ctv3.csv\", column=\"code\")\n")
                .file("analysis/helpers.py", "from ehrql.tables.tpp import clinical_events\n\ndef events(codes):\n"
                        + "    return clinical_events.where(clinical_events.ctv3_code.is_in(codes))\n\n"
                        + "broken = clinical_events.no_such_column\n")
                .definition(datasetWith("from codelists import *\nfrom helpers import events\n"
                        + "dataset.a = clinical_events.where(clinical_events.snomedct_code.is_in(«ctv3»)).exists_for_patient()\n"
                        + "dataset.b = «events(ctv3).date»\n"))
                .assertDiagnostics("ehrql-codelist-system", "ehrql-event-level-column");
    }

    @Test
    void functionBodiesSeeTheNamesTheModuleEndsWith() {
        fx(datasetWith("events = medications\n\ndef coded(codes):\n    return events.where(events.snomedct_code.is_in(codes))\n\n"
                + "events = clinical_events\ndataset.n = coded([\"195967001\"]).count_for_patient()\n"
                + "def broken():\n    return events.«snomed_code»\n")).assertDiagnostics("ehrql-unknown-column");
    }

    @Test
    void definitionsForEhrqlV0GetSyntaxChecksOnly() {
        new EhrqlFixture(dir).file("project.yaml", "version: '4.0'\nactions:\n  generate_dataset:\n"
                        + "    run: ehrql:v0 generate-dataset analysis/dataset_definition.py --output output/dataset.csv\n"
                        + "    outputs:\n      highly_sensitive:\n        dataset: output/dataset.csv\n")
                .definition(HEADER + "dataset = create_dataset()\ndataset.configure_dummy_dataset(population_size=10)\ndataset.d = clinical_events.date\n")
                .assertDiagnostics();
    }

    @Test
    void findingsInAnIfBranchAreWarnings() {
        List<Diagnostic> ds = fx(datasetWith("import sys\nif len(sys.argv) > 1:\n    dataset.d = «clinical_events.date»\n"))
                .assertDiagnostics("ehrql-event-level-column");
        assertEquals(Severity.WARNING, ds.get(0).severity());
    }
}

package opensafely.lsp.study;

import static opensafely.lsp.study.StudyFixture.studyWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per study rule: the code and the exact range it is reported on. */
class StudyRulesTest {
    @TempDir
    Path dir;

    private StudyFixture fx(String marked) {
        return new StudyFixture(dir).study(marked);
    }

    private static final String ASTHMA_CSV = "code,term,category\nXa1,Asthma,1\nXa2,Severe asthma,2\n";

    @Test
    void cleanStudyHasNoFindings() {
        new StudyFixture(dir).file("codelists/asthma.csv", ASTHMA_CSV).study(studyWith("""
                    age=patients.age_as_of("index_date", return_expectations={"int": {"distribution": "population_ages"}}),
                    asthma=patients.with_these_clinical_events(
                        codelist_from_csv("codelists/asthma.csv", system="ctv3", column="code"),
                        between=["index_date - 1 year", "index_date"], returning="date", date_format="YYYY-MM-DD"),
                    adult=patients.satisfying("age >= 18 AND asthma"),
                    after=patients.with_these_clinical_events(
                        codelist(["X"], system="snomed"), on_or_after="asthma + 1 day"),
                """)).assertDiagnostics();
    }

    @Test
    void syntaxError() {
        fx(StudyFixture.HEADER + "study = StudyDefinition(population=patients.all())«)»\n").assertDiagnostics("study-syntax");
    }

    @Test
    void studyDefinitionUnderAnotherName() {
        fx(StudyFixture.HEADER + "«cohort» = StudyDefinition(" + StudyFixture.DEFAULTS + ", population=patients.all())\n")
                .assertDiagnostics("study-missing-study");
        // Bound to `study` too, or perhaps by a star import of a module we cannot read: nothing to say.
        fx(StudyFixture.HEADER + "cohort = StudyDefinition(" + StudyFixture.DEFAULTS + ", population=patients.all())\nstudy = cohort\n")
                .assertDiagnostics();
        fx(StudyFixture.HEADER + "from somewhere_else import *\ncohort = StudyDefinition(" + StudyFixture.DEFAULTS
                + ", population=patients.all())\n").assertDiagnostics();
    }

    @Test
    void missingPopulation() {
        fx(StudyFixture.HEADER + "study = «StudyDefinition»(" + StudyFixture.DEFAULTS + ", age=patients.age_as_of(\"2020-01-01\"))\n")
                .assertDiagnostics("study-missing-population");
    }

    @Test
    void unknownFunctionWithDidYouMeanFix() {
        List<Diagnostic> ds = fx(studyWith("    age=patients.«age_as_off»(\"index_date\"),\n")).diagnostics();
        assertEquals(1, ds.size());
        assertEquals("study-unknown-function", ds.get(0).code());
        assertTrue(ds.get(0).message().contains("Did you mean 'age_as_of'?"), ds.get(0).message());
        assertEquals("age_as_of", ds.get(0).fixes().get(0).edits().get(0).newText());
    }

    @Test
    void unsupportedFunction() {
        fx(studyWith("    h=patients.«with_complete_history_between»(\"2019-01-01\", \"2020-01-01\"),\n")).assertDiagnostics("study-unsupported-function");
    }

    @Test
    void unknownArgument() {
        fx(studyWith("    d=patients.outpatient_appointment_date(«on_or_before»=\"index_date\"),\n")).assertDiagnostics("study-unknown-argument");
    }

    @Test
    void missingArgument() {
        fx(studyWith("    age=patients.«age_as_of»(),\n    imd=patients.«address_as_of»(\"index_date\", round_to_nearest=100),\n"))
                .assertDiagnostics("study-missing-argument", "study-missing-argument");
    }

    @Test
    void invalidReturning() {
        fx(studyWith("    d=patients.died_from_any_cause(returning=«\"date\"»),\n")).assertDiagnostics("study-invalid-returning");
    }

    @Test
    void invalidValue() {
        fx(studyWith("    t=patients.with_test_result_in_sgss(pathogen=«\"COVID\"»),\n")).assertDiagnostics("study-invalid-value");
    }

    @Test
    void wrongTypes() {
        List<Diagnostic> ds = fx(studyWith("""
                    a=patients.registered_as_of(«20200101»),
                    b=patients.registered_as_of("index_date", return_expectations=«5»),
                    c=patients.died_from_any_cause(between=«"2020-01-01"»),
                """)).diagnostics();
        fx(studyWith("""
                    a=patients.registered_as_of(«20200101»),
                    b=patients.registered_as_of("index_date", return_expectations=«5»),
                    c=patients.died_from_any_cause(between=«"2020-01-01"»),
                """)).assertDiagnostics("study-wrong-type", "study-wrong-type", "study-wrong-type");
        assertEquals(Severity.WARNING, ds.get(0).severity());
        assertEquals(Severity.ERROR, ds.get(2).severity(), "a string for between fails at load");
    }

    @Test
    void conflictingArguments() {
        fx(studyWith("    d=patients.died_from_any_cause(on_or_before=\"index_date\", «between»=[\"2019-01-01\", \"2020-01-01\"]),\n"))
                .assertDiagnostics("study-conflicting-arguments");
    }

    @Test
    void invalidDates() {
        fx(studyWith("""
                    a=patients.registered_as_of(«"2020-02-30"»),
                    b=patients.registered_as_of(«"index_date + 1 week"»),
                    c=patients.registered_as_of(«"first_day_of_week(index_date)"»),
                    d=patients.registered_as_of(«"nonsense"»),
                """)).assertDiagnostics("study-invalid-date", "study-invalid-date", "study-invalid-date", "study-invalid-date");
    }

    @Test
    void dateReferences() {
        fx(studyWith("""
                    d_year=patients.with_these_clinical_events(codelist(["X"], system="ctv3"), returning="date"),
                    n=patients.with_these_clinical_events(codelist(["X"], system="ctv3"), returning="number_of_matches_in_period"),
                    a=patients.registered_as_of(«"d_year + 1 day"»),
                    b=patients.registered_as_of(«"n"»),
                    c=patients.registered_as_of(«"later"»),
                    later=patients.with_these_clinical_events(codelist(["X"], system="ctv3"), returning="date", date_format="YYYY-MM-DD"),
                """)).assertDiagnostics("study-date-reference", "study-date-reference", "study-date-reference");
    }

    @Test
    void invalidDateFormat() {
        fx(studyWith("""
                    a=patients.with_these_clinical_events(codelist(["X"], system="ctv3"), returning="date", date_format=«"YYYY-DD"»),
                    dob=patients.date_of_birth(date_format=«"YYYY-MM-DD"»),
                """)).assertDiagnostics("study-invalid-date-format", "study-invalid-date-format");
    }

    @Test
    void expressionSyntax() {
        fx(studyWith("""
                    a=patients.registered_as_of("index_date"),
                    b=patients.satisfying("a «==» 1"),
                    c=patients.satisfying("a AND «'2020-01-01'»"),
                    d=patients.satisfying("a AND «IN»"),
                    e=patients.satisfying("a AND «AND» a"),
                """)).assertDiagnostics("study-expression-syntax", "study-expression-syntax", "study-expression-syntax",
                "study-expression-syntax");
    }

    @Test
    void lowercaseOperatorWithFix() {
        StudyFixture f = fx(studyWith("    a=patients.registered_as_of(\"index_date\"),\n    b=patients.satisfying(\"a «and» a\"),\n"));
        f.assertDiagnostics("study-expression-lowercase-operator");
        assertEquals("AND", f.diagnostics().get(0).fixes().get(0).edits().get(0).newText());
    }

    @Test
    void unknownAndForwardReferencesInExpressions() {
        fx(StudyFixture.HEADER + "study = StudyDefinition(" + StudyFixture.DEFAULTS + ",\n"
                + "    population=patients.satisfying(\"a AND b\"),\n"
                + "    a=patients.registered_as_of(\"2020-01-01\"),\n"
                + "    c=patients.satisfying(\"«b» OR «missing»\"),\n"
                + "    b=patients.registered_as_of(\"2020-01-01\"),\n)\n")
                .assertDiagnostics("study-expression-forward-reference", "study-expression-unknown-variable");
    }

    @Test
    void reservedWordVariable() {
        fx(studyWith("    date=patients.registered_as_of(\"index_date\"),\n    b=patients.satisfying(\"«date»\"),\n"))
                .assertDiagnostics("study-expression-reserved-word");
    }

    @Test
    void categories() {
        fx(studyWith("""
                    a=patients.registered_as_of("index_date"),
                    c=patients.categorised_as(«{1: "a", 2: "NOT a"}»),
                    d=patients.categorised_as({1: "a", «"x"»: "DEFAULT"}),
                """)).assertDiagnostics("study-categories", "study-categories");
    }

    @Test
    void sourceReferences() {
        fx(studyWith("""
                    d=patients.date_of(«"bmi"»),
                    bmi=patients.most_recent_bmi(),
                    m=patients.minimum_of("bmi", «"nothing"»),
                    cmp=patients.comparator_from(«"bmi"»),
                """)).assertDiagnostics("study-source-reference", "study-source-reference", "study-source-reference");
    }

    @Test
    void expectations() {
        fx(studyWith("""
                    a=patients.registered_as_of("index_date", return_expectations={«"incidense"»: 0.5}),
                    b=patients.registered_as_of("index_date", return_expectations={"incidence": «1.5»}),
                    s=patients.sex(return_expectations={"category": {"ratios": «{"M": 0.5, "F": 0.4}»}}),
                    c=patients.registered_as_of("index_date", return_expectations={"date": {"earliest": «"index_date + 1 week"»}}),
                """)).assertDiagnostics("study-expectations-schema", "study-expectations-incidence", "study-expectations-ratios",
                "study-expectations-date");
    }

    @Test
    void missingExpectations() {
        fx(StudyFixture.HEADER + "study = StudyDefinition(population=patients.all(),\n    «age»=patients.age_as_of(\"2020-01-01\"),\n)\n")
                .assertDiagnostics("study-expectations-missing");
    }

    @Test
    void codelistProblems() {
        new StudyFixture(dir).file("codelists/asthma.csv", ASTHMA_CSV).study(studyWith("""
                    a=patients.with_these_clinical_events(codelist_from_csv(«"codelists/asthmaa.csv"», system="ctv3")),
                    b=patients.with_these_clinical_events(codelist_from_csv("codelists/asthma.csv", system="ctv3", column=«"ctv3_id"»)),
                    c=patients.with_these_medications(«codelist_from_csv("codelists/asthma.csv", system="ctv3")»),
                    d=patients.with_these_clinical_events(«codelist_from_csv("codelists/asthma.csv", system="ctv3")», returning="category"),
                """)).assertDiagnostics("study-codelist-file-missing", "study-codelist-column-missing", "study-codelist-system",
                "study-codelist-no-categories");
    }

    @Test
    void duplicateAndReservedNames() {
        fx(studyWith("""
                    «patient_id»=patients.registered_as_of("index_date"),
                    a=patients.registered_as_of("index_date"),
                    b=patients.satisfying("x", x=patients.registered_as_of("index_date")),
                    c=patients.satisfying("x", «x»=patients.registered_as_of("index_date")),
                """)).assertDiagnostics("study-reserved-name", "study-duplicate-variable");
    }

    @Test
    void measures() {
        fx(studyWith("    a=patients.registered_as_of(\"index_date\"),\n")
                + "measures = [Measure(id=\"m\", numerator=\"a\", denominator=\"population\", group_by=[«\"regio\"», «\"a\"»])]\n")
                .assertDiagnostics("study-measure-unknown-variable", "study-measure-invalid");
    }

    @Test
    void deprecatedArgument() {
        fx(studyWith("    a=patients.with_these_clinical_events(codelist([\"X\"], system=\"ctv3\"), «return_first_date_in_period»=True),\n"))
                .assertDiagnostics("study-deprecated-argument");
    }

    @Test
    void unusedStudyDefinitionHint() {
        StudyFixture f = new StudyFixture(dir);
        f.name = "analysis/study_definition_extra.py";
        f.study(StudyFixture.HEADER + "study = «StudyDefinition»(" + StudyFixture.DEFAULTS + ", population=patients.all())\n").assertDiagnostics("study-unused");
    }

    @Test
    void problemsInImportedModulesShowAtTheImport() {
        StudyFixture f = new StudyFixture(dir).file("analysis/common.py", """
                from cohortextractor import patients
                common = dict(age=patients.age_as_of("index_dat"))
                """);
        f.study(StudyFixture.HEADER + "from common import common\nstudy = StudyDefinition(" + StudyFixture.DEFAULTS
                + ", index_date=\"2020-01-01\", population=patients.all(), «**common»)\n");
        List<Diagnostic> ds = f.diagnostics();
        f.assertDiagnostics("study-invalid-date");
        assertTrue(ds.get(0).message().startsWith("In common.py:2: "), ds.get(0).message());
    }

    @Test
    void unresolvableDefinitionsAreNotReported() {
        fx(StudyFixture.HEADER + "import json\nextra = json.load(open('x.json'))\n"
                + "study = StudyDefinition(" + StudyFixture.DEFAULTS + ", population=patients.all(), **extra,\n"
                + "    b=patients.satisfying(\"anything_from_extra\"),\n)\n").assertDiagnostics();
    }
}

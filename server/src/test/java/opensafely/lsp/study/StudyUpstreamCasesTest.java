package opensafely.lsp.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import opensafely.lsp.DiagnosticAssertions;
import opensafely.lsp.MarkedText;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults that cohort-extractor itself rejects (facts from its tests and code, written here in our own words),
 * each in a study definition with the range its finding must have; and uses it accepts, on which no error may be
 * said. Errors and warnings are compared (dummy-data failures are warnings in this checker). {@link #tally()}
 * prints how many failing cases are reported on the right line.
 */
class StudyUpstreamCasesTest {
    @TempDir
    Path dir;
    private int studies;

    /** The case's variables, a line each, go inside this StudyDefinition. */
    record Case(String name, String variables, String... codes) {
        String marked() {
            return HEADER + variables + "\n)\n";
        }
    }

    static final String HEADER = "from cohortextractor import StudyDefinition, patients, codelist, codelist_from_csv, combine_codelists, Measure\n" + "cl = codelist([\"Xa1\"], system=\"ctv3\")\n" + "study = StudyDefinition(\n" + "    default_expectations={\"date\": {\"earliest\": \"2020-01-01\", \"latest\": \"today\"}, \"rate\": \"uniform\", \"incidence\": 0.5},\n" + "    index_date=\"2020-01-01\",\n" + "    population=patients.registered_as_of(\"index_date\"),\n";

    static final List<Case> FAILING = List.of(
            new Case("minimum_of", "    d1=patients.with_these_clinical_events(cl, returning=\"date\", date_format=\"YYYY-MM\", find_first_match_in_period=True),\n    m=patients.«minimum_of»(\"d1\", d2=patients.with_these_clinical_events(cl, returning=\"date\", date_format=\"YYYY-MM-DD\", find_first_match_in_period=True)),", "study-conflicting-arguments"),
            new Case("maximum_of", "    m=patients.«maximum_of»(d3=patients.with_these_clinical_events(cl, returning=\"date\", date_format=\"YYYY-MM-DD\"), d4=patients.with_these_clinical_events(cl, returning=\"date\", date_format=\"YYYY-MM\")),", "study-conflicting-arguments"),
            new Case("minimum_of", "    a=patients.minimum_of(d5=patients.with_these_clinical_events(cl, returning=\"date\", date_format=\"YYYY-MM-DD\"), d6=patients.with_these_clinical_events(cl, returning=\"date\", date_format=\"YYYY-MM-DD\")),\n    b=patients.minimum_of(d7=patients.with_these_clinical_events(cl, returning=\"date\", date_format=\"YYYY-MM\"), d8=patients.with_these_clinical_events(cl, returning=\"date\", date_format=\"YYYY-MM\")),\n    c=patients.«minimum_of»(\"a\", \"b\"),", "study-conflicting-arguments"),
            new Case("AND", "    x=patients.satisfying(\"age > 70 AND «AND» sex = 'M'\", sex=patients.sex(return_expectations={\"category\": {\"ratios\": {\"M\": 0.5, \"F\": 0.5}}}), age=patients.age_as_of(\"2010-01-01\", return_expectations={\"int\": {\"distribution\": \"population_ages\"}})),", "study-expression-syntax"),
            new Case("that", "    this=patients.satisfying(\"«that» = 1\"),\n    that=patients.satisfying(\"this = 1\"),", "study-expression-forward-reference"),
            new Case("no_such_column", "    x=patients.satisfying(\"«no_such_column» AND «missing_column»\"),", "study-expression-unknown-variable", "study-expression-unknown-variable"),
            new Case("age", "    age=patients.age_as_of(\"2020-01-01\", return_expectations={\"int\": {\"distribution\": \"population_ages\"}}),\n    s=patients.satisfying(\"age > 70\", «age»=patients.age_as_of(\"2010-01-01\")),", "study-duplicate-variable"),
            new Case("\"2020-03-01\"", "    h=patients.household_as_of(«\"2020-03-01\"», returning=\"household_size\", return_expectations={\"int\": {\"distribution\": \"normal\", \"mean\": 3, \"stddev\": 1}}),", "study-invalid-value"),
            new Case("find_last_match_in_period", "    e=patients.with_these_decision_support_values(\"electronic_frailty_index\", find_first_match_in_period=True, «find_last_match_in_period»=True, returning=\"numeric_value\", return_expectations={\"float\": {\"distribution\": \"normal\", \"mean\": 0.2, \"stddev\": 0.1}}),", "study-conflicting-arguments"),
            new Case("\"analysis/values.txt\"", "    v=patients.with_value_from_file(«\"analysis/values.txt\"», returning=\"x\", returning_type=\"int\"),", "study-invalid-value"),
            new Case("\"x-y\"", "    v=patients.with_value_from_file(\"analysis/values.csv\", returning=«\"x-y\"», returning_type=\"int\"),", "study-invalid-value"),
            new Case("\"integer\"", "    v=patients.with_value_from_file(\"analysis/values.csv\", returning=\"x\", returning_type=«\"integer\"»),", "study-invalid-value"),
            new Case("\"c\"", "    c=patients.categorised_as({\"a\": \"s = 'M'\", \"b\": \"DEFAULT\"}, s=patients.sex(return_expectations={\"category\": {\"ratios\": {\"M\": 0.5, \"F\": 0.5}}}), return_expectations={\"category\": {\"ratios\": {\"a\": 0.5, «\"c\"»: 0.5}}}),", "study-expectations-ratios"),
            // Expressions that do not parse: a bracket never closed, two comparison operators in a row.
            new Case("unclosed bracket", "    a=patients.age_as_of(\"2020-01-01\"),\n    x=patients.satisfying(«\"(a > 1 AND a < 9\"»),", "study-expression-syntax"),
            new Case("operators in a row", "    a=patients.age_as_of(\"2020-01-01\"),\n    x=patients.satisfying(\"a > «>» 1\"),", "study-expression-syntax"),
            // String literals in expressions: only letters, digits, underscores, spaces and comparison characters, at most 64.
            new Case("special characters in a string", "    s=patients.sex(),\n    x=patients.satisfying(\"s = «'M$F'»\"),", "study-expression-syntax"),
            new Case("string longer than 64", "    s=patients.sex(),\n    x=patients.satisfying(\"s = «'" + "a".repeat(65) + "'»\"),", "study-expression-syntax"),
            // Date arithmetic that lands on no date, an unknown unit, an unknown column.
            new Case("29 February plus a year", "    x=patients.registered_as_of(«\"2020-02-29 + 1 year\"»),", "study-invalid-date"),
            new Case("unknown date unit", "    d=patients.with_these_clinical_events(cl, returning=\"date\", find_first_match_in_period=True),\n    x=patients.registered_as_of(«\"d + 1 mnth\"»),", "study-invalid-date"),
            new Case("unknown date column", "    x=patients.registered_as_of(«\"no_such_column + 1 month\"»),", "study-invalid-date"),
            // include_measurement_date needs on_most_recent_day_of_measurement=True.
            new Case("include_measurement_date", "    c=patients.mean_recorded_value(cl, on_most_recent_day_of_measurement=False, between=[\"2018-01-01\", \"2020-03-01\"], «include_measurement_date»=True, return_expectations={\"float\": {\"distribution\": \"normal\", \"mean\": 1, \"stddev\": 1}}),", "study-conflicting-arguments"),
            // Exact dates of birth are not released.
            new Case("day of birth", "    b=patients.date_of_birth(date_format=«\"YYYY-MM-DD\"»),", "study-invalid-date-format"),
            // Codelists combined across coding systems, or categorised with uncategorised.
            new Case("combine across systems", "    x=patients.with_these_clinical_events(combine_codelists(cl, «codelist([\"Y1\"], system=\"icd10\")»), returning=\"binary_flag\"),", "study-invalid-value"),
            new Case("a code with two categories", "    x=patients.with_these_clinical_events(«codelist([(\"A\", \"1\"), (\"A\", \"2\")], system=\"ctv3\")», returning=\"binary_flag\"),", "study-invalid-value"));

    static final List<Case> PASSING = List.of(
            new Case("a therapeutics codelist for with_covid_therapeutics", "    t=patients.with_covid_therapeutics(with_these_therapeutics="
                    + "codelist_from_csv(\"codelists/c.csv\", system=\"therapeutics\", column=\"code\"), returning=\"binary_flag\"),"),
            new Case("a snomedct codelist, which the EMIS backend takes (the backend is not known)", "    s=patients.with_these_clinical_events("
                    + "codelist_from_csv(\"codelists/c.csv\", system=\"snomedct\", column=\"code\"), returning=\"binary_flag\"),"),
            new Case("minimum_of over dates of one format, nested", "    a=patients.minimum_of(d5=patients.with_these_clinical_events(cl, returning=\"date\", "
                    + "date_format=\"YYYY-MM\"), d6=patients.with_these_clinical_events(cl, returning=\"date\", date_format=\"YYYY-MM\")),\n"
                    + "    b=patients.with_these_clinical_events(cl, returning=\"date\", date_format=\"YYYY-MM\"),\n    c=patients.maximum_of(\"a\", \"b\"),"),
            new Case("minimum_of over a date whose format is not written", "    a=patients.with_these_clinical_events(cl, returning=\"date\"),\n"
                    + "    b=patients.minimum_of(\"a\", d=patients.with_these_clinical_events(cl, returning=\"date\", date_format=\"YYYY-MM-DD\")),"),
            new Case("household data on its one date", "    h=patients.household_as_of(\"2020-02-01\", returning=\"household_size\", "
                    + "return_expectations={\"int\": {\"distribution\": \"normal\", \"mean\": 3, \"stddev\": 1}}),"),
            new Case("ratios naming integer categories", "    c=patients.categorised_as({0: \"DEFAULT\", 1: \"s = 'M'\"}, s=patients.sex("
                    + "return_expectations={\"category\": {\"ratios\": {\"M\": 0.5, \"F\": 0.5}}}), return_expectations={\"category\": {\"ratios\": {0: 0.5, 1: 0.5}}}),"),
            new Case("with_value_from_file on a gzipped CSV", "    v=patients.with_value_from_file(\"analysis/values.csv.gz\", returning=\"x\", returning_type=\"int\"),"),
            new Case("codelists of one system combined; a code repeated with its one category", "    x=patients.with_these_clinical_events("
                    + "combine_codelists(cl, codelist([\"Y1\"], system=\"ctv3\")), returning=\"binary_flag\"),\n"
                    + "    y=patients.with_these_clinical_events(codelist([(\"A\", \"1\"), (\"A\", \"1\"), (\"B\", \"2\")], system=\"ctv3\"), returning=\"binary_flag\"),"));

    private Path study() throws java.io.IOException {
        return Files.createDirectories(dir.resolve("study" + ++studies));
    }

    private static List<Diagnostic> check(Case c, Path root) {
        MarkedText m = MarkedText.parse(c.marked());
        Map<String, String> files = new LinkedHashMap<>();
        files.put("project.yaml", "version: '3.0'\nexpectations:\n  population_size: 100\nactions:\n  generate_cohort:\n"
                + "    run: cohortextractor:latest generate_cohort --study-definition study_definition\n"
                + "    outputs:\n      highly_sensitive:\n        cohort: output/input.csv\n");
        files.put("codelists/c.csv", "code,term,category\nXa1,A,1\nXa2,B,2\n");
        files.put("analysis/study_definition.py", m.text());
        DiagnosticAssertions.writeFiles(root, files);
        Document doc = new Document(root.resolve("analysis/study_definition.py"), m.text(), 1, StudyFolder.at(root));
        return new StudyLanguageService().diagnostics(doc).stream().filter(d -> d.severity() == Severity.ERROR || d.severity() == Severity.WARNING).toList();
    }

    @TestFactory
    Stream<DynamicTest> failingCasesAreReportedOnTheirRange() {
        return FAILING.stream().map(c -> DynamicTest.dynamicTest(c.name(), () ->
                DiagnosticAssertions.assertDiagnostics(check(c, study()), MarkedText.parse(c.marked()).ranges(), c.codes())));
    }

    @TestFactory
    Stream<DynamicTest> passingCasesGiveNoError() {
        return PASSING.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> Assertions.assertEquals(List.of(),
                check(c, study()).stream().filter(d -> d.severity() == Severity.ERROR).map(d -> d.code() + "@" + d.range() + " " + d.message()).toList())));
    }

    /** Prints the count of failing cases reported on the right line (a measure, not an assertion). */
    @Test
    void tally() throws Exception {
        int right = 0;
        List<String> missed = new ArrayList<>();
        for (Case c : FAILING) {
            MarkedText m = MarkedText.parse(c.marked());
            List<Diagnostic> found = check(c, study());
            boolean ok = true;
            for (int i = 0; i < c.codes().length; i++) {
                int line = m.ranges().get(i).start().line();
                String code = c.codes()[i];
                ok &= found.stream().anyMatch(d -> d.code().equals(code) && d.range().start().line() == line);
            }
            if (ok) right++;
            else missed.add(c.name());
        }
        System.out.println("UPSTREAM-TALLY cohort-extractor " + right + "/" + FAILING.size() + " on the right line; missed: " + missed);
    }
}

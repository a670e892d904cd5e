package opensafely.lsp.study;

import static opensafely.lsp.study.StudyFixture.studyWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shapes of code found in study definitions that ran in production, which must not be reported as mistakes
 * (each fixture is written for the test; it only reproduces the shape of the problem), and idioms the
 * evaluator follows so that such studies are checked at all.
 */
class StudyRealIdiomsTest {
    @TempDir
    Path dir;

    private static final String COHORT_ONLY = """
            version: '3.0'
            expectations:
              population_size: 100
            actions:
              generate_cohort:
                run: cohortextractor:latest generate_cohort --study-definition study_definition --output-dir output/measures
                outputs:
                  highly_sensitive:
                    cohort: output/measures/input_*.csv
              generate_measures:
                run: cohortextractor:latest generate_measures --study-definition study_definition --output-dir output/measures
                needs: [generate_cohort]
                outputs:
                  moderately_sensitive:
                    measure: output/measures/measure_*.csv
            """;

    private static final String WITH_JOIN = """
            version: '3.0'
            expectations:
              population_size: 100
            actions:
              generate_cohort:
                run: cohortextractor:latest generate_cohort --study-definition study_definition --output-dir output
                outputs:
                  highly_sensitive:
                    cohort: output/input_*.csv
              generate_extra:
                run: cohortextractor:latest generate_cohort --study-definition study_definition_extra
                outputs:
                  highly_sensitive:
                    cohort: output/input_extra.csv
              join_cohorts:
                run: >
                  cohort-joiner:v0.0.56
                    --lhs output/input_*.csv
                    --rhs output/input_extra.csv
                    --output-dir output/joined
                needs: [generate_cohort, generate_extra]
                outputs:
                  highly_sensitive:
                    cohort: output/joined/input_*.csv
              generate_measures:
                run: cohortextractor:latest generate_measures --study-definition study_definition --output-dir=output/joined
                needs: [join_cohorts]
                outputs:
                  moderately_sensitive:
                    measure: output/joined/measure_*.csv
            """;

    private static final String MEASURES = """
            measures = [Measure(id="m", numerator="a", denominator="population", group_by=[«"extra_column"»])]
            """;

    private List<Diagnostic> only(StudyFixture f, String code) {
        List<Diagnostic> ds = f.diagnostics();
        return ds.stream().filter(d -> d.code().equals(code)).toList();
    }

    // ------------------------------------------------------------------ false findings on real studies

    /** categorised_as helpers are never drawn by dummy data, so their expectations are never used. */
    @Test
    void expectationsOfNestedVariablesThatAreNeverGeneratedAreNotChecked() {
        new StudyFixture(dir).study(studyWith("""
                    group=patients.categorised_as(
                        {"0": "DEFAULT", "1": "flag_a = 1"},
                        return_expectations={"category": {"ratios": {"0": 0.5, "1": 0.5}}},
                        flag_a=patients.with_ethnicity_from_sus(
                            returning="group_6",
                            use_most_frequent_code=True,
                            return_expectations={"category": {"ratios": {"1": 0.7, "2": 0.7}}, "incidence": 0.5},
                        ),
                    ),
                """)).assertDiagnostics();
    }

    /** The inputs of minimum_of are generated (by a sub-study), so theirs still count. */
    @Test
    void expectationsOfAggregateInputsAreStillChecked() {
        new StudyFixture(dir).study(studyWith("""
                    first=patients.minimum_of(
                        "a_date", "b_date",
                        a_date=patients.with_these_clinical_events(codelist(["X"], system="ctv3"), returning="date",
                            date_format="YYYY-MM-DD", return_expectations={"incidence": «1.5»}),
                        b_date=patients.with_these_clinical_events(codelist(["Y"], system="ctv3"), returning="date",
                            date_format="YYYY-MM-DD"),
                    ),
                """)).assertDiagnostics("study-expectations-incidence");
    }

    /** Date expressions in expectations are evaluated when the study loads, nested or not. */
    @Test
    void dateExpectationsOfNestedVariablesAreStillChecked() {
        new StudyFixture(dir).study(studyWith("""
                    group=patients.satisfying(
                        "flag_a",
                        flag_a=patients.with_these_clinical_events(codelist(["X"], system="ctv3"),
                            return_expectations={"date": {"earliest": «"index_date - 1 week"»}}),
                    ),
                """)).assertDiagnostics("study-expectations-date");
    }

    /** A cohort joiner between generate_cohort and generate_measures may add the column: only a note. */
    @Test
    void measureColumnMayComeFromAJoinAction() {
        StudyFixture f = new StudyFixture(dir).file("project.yaml", WITH_JOIN)
                .file("analysis/study_definition_extra.py", StudyFixture.HEADER + "study = StudyDefinition("
                        + StudyFixture.DEFAULTS + ", population=patients.all(), extra_column=patients.sex())\n");
        f.study(studyWith("    a=patients.registered_as_of(\"index_date\"),\n") + MEASURES).assertDiagnostics("study-measure-unknown-variable");
        List<Diagnostic> ds = only(f, "study-measure-unknown-variable");
        assertEquals(Severity.INFORMATION, ds.get(0).severity(), ds.get(0).message());
        assertTrue(ds.get(0).message().contains("adds this column"), ds.get(0).message());
    }

    /** When generate_measures reads only what the study's own generate_cohort wrote, the column is surely missing. */
    @Test
    void measureColumnIsSurelyMissingWhenNothingElseWritesTheFiles() {
        StudyFixture f = new StudyFixture(dir).file("project.yaml", COHORT_ONLY);
        f.study(studyWith("    a=patients.registered_as_of(\"index_date\"),\n") + MEASURES).assertDiagnostics("study-measure-unknown-variable");
        assertEquals(Severity.WARNING, only(f, "study-measure-unknown-variable").get(0).severity());
    }

    /** A hidden helper of categorised_as joined in by another action is fine too. */
    @Test
    void hiddenMeasureColumnWithAJoinIsOnlyANote() {
        StudyFixture f = new StudyFixture(dir).file("project.yaml", WITH_JOIN)
                .file("analysis/study_definition_extra.py", StudyFixture.HEADER + "study = StudyDefinition("
                        + StudyFixture.DEFAULTS + ", population=patients.all(), imd=patients.sex())\n");
        f.study(studyWith("""
                    a=patients.registered_as_of("index_date"),
                    imd_group=patients.categorised_as({"0": "DEFAULT", "1": "imd > 1"},
                        return_expectations={"category": {"ratios": {"0": 0.5, "1": 0.5}}},
                        imd=patients.address_as_of("index_date", returning="index_of_multiple_deprivation")),
                """) + "measures = [Measure(id=\"m\", numerator=\"a\", denominator=\"population\", group_by=[«\"imd\"»])]\n")
                .assertDiagnostics("study-measure-unknown-variable");
        assertEquals(Severity.INFORMATION, only(f, "study-measure-unknown-variable").get(0).severity());
    }

    /** A study written as a text template, which a script fills in before it runs: its placeholders are unknown. */
    @Test
    void templatePlaceholdersAreUnknown() {
        new StudyFixture(dir).study(StudyFixture.HEADER + """
                n = "%%period_number%%"
                study = StudyDefinition(
                    %s,
                    population=patients.all(),
                    start_n_date=patients.with_value_from_file(
                        f_path="output/periods.csv", returning=f"start_{n}_date", returning_type="date"),
                    other=patients.with_value_from_file(
                        f_path="output/periods.csv", returning="end_%%period_number%%_date", returning_type="date"),
                )
                """.formatted(StudyFixture.DEFAULTS)).assertDiagnostics();
    }

    /** The same call with a real column name is still checked. */
    @Test
    void nonTemplateColumnNamesAreStillChecked() {
        new StudyFixture(dir).study(StudyFixture.HEADER + """
                study = StudyDefinition(
                    %s,
                    population=patients.all(),
                    start_date=patients.with_value_from_file(
                        f_path="output/periods.csv", returning=«"start-date"», returning_type="date"),
                )
                """.formatted(StudyFixture.DEFAULTS)).assertDiagnostics("study-invalid-value");
    }

    /** A period that is empty for one configuration (read from a config file) is a note; written as literals, a warning. */
    @Test
    void reversedPeriodFromAConfigFileIsOnlyANote() {
        StudyFixture f = new StudyFixture(dir).file("analysis/config.json", "{\"phase\": {\"end\": \"2020-05-01\"}}\n");
        f.study(StudyFixture.HEADER + """
                import json
                with open("analysis/config.json") as f:
                    config = json.load(f)
                end_date = config["phase"]["end"]
                study = StudyDefinition(
                    %s,
                    index_date="2020-01-01",
                    population=patients.all(),
                    vaccinated=patients.with_tpp_vaccination_record(
                        target_disease_matches="SARS-2 CORONAVIRUS", between=«["2020-12-01", end_date]»),
                    literal=patients.with_tpp_vaccination_record(
                        target_disease_matches="SARS-2 CORONAVIRUS", between=«["2020-12-01", "2020-05-01"]»),
                )
                """.formatted(StudyFixture.DEFAULTS)).assertDiagnostics("study-wrong-type", "study-wrong-type");
        List<Diagnostic> ds = only(f, "study-wrong-type");
        assertEquals(List.of(Severity.INFORMATION, Severity.WARNING), ds.stream().map(Diagnostic::severity).toList());
    }

    /** Helpers passed to satisfying as **kwargs built from a table the evaluator cannot read: names in the expression may be them. */
    @Test
    void expressionNamesMayBeUnseenNestedVariables() {
        new StudyFixture(dir).study(StudyFixture.HEADER + """
                import pandas as pd
                products = pd.read_csv("analysis/products.csv")
                flags = dict()
                for name in products["name"]:
                    flags.update({name: patients.with_tpp_vaccination_record(product_name_matches=name, returning="binary_flag")})
                study = StudyDefinition(
                    %s,
                    index_date="2020-01-01",
                    population=patients.all(),
                    any_product=patients.satisfying("product_a OR product_b", **flags),
                )
                """.formatted(StudyFixture.DEFAULTS)).assertDiagnostics();
    }

    // ------------------------------------------------------------------ study-unused reads project.yaml properly

    @Test
    void runCommandFoldedOverLinesCountsAsUse() {
        StudyFixture f = new StudyFixture(dir).file("project.yaml", """
                version: '3.0'
                expectations:
                  population_size: 100
                actions:
                  generate_cohort:
                    run: cohortextractor:latest generate_cohort
                      --study-definition study_definition
                      --output-dir output
                    outputs:
                      highly_sensitive:
                        cohort: output/input.csv
                  generate_other:
                    run: cohortextractor:latest generate_cohort --study-definition study_definition_other
                    outputs:
                      highly_sensitive:
                        cohort: output/input_other.csv
                """);
        f.study(studyWith("")).assertDiagnostics();
    }

    @Test
    void commentedOutActionDoesNotCountAsUse() {
        StudyFixture f = new StudyFixture(dir).file("project.yaml", """
                version: '3.0'
                expectations:
                  population_size: 100
                actions:
                  generate_other:
                    run: cohortextractor:latest generate_cohort --study-definition study_definition_other
                    outputs:
                      highly_sensitive:
                        cohort: output/input_other.csv
                  # generate_cohort:
                  #   run: cohortextractor:latest generate_cohort --study-definition study_definition
                """);
        f.study(StudyFixture.HEADER + "study = «StudyDefinition»(" + StudyFixture.DEFAULTS + ", population=patients.all())\n")
                .assertDiagnostics("study-unused");
    }

    @Test
    void generateCohortWithoutStudyDefinitionRunsThemAll() {
        StudyFixture f = new StudyFixture(dir).file("project.yaml", """
                version: '3.0'
                expectations:
                  population_size: 100
                actions:
                  generate_cohort:
                    run: cohortextractor:latest generate_cohort
                    outputs:
                      highly_sensitive:
                        cohort: output/input*.csv
                """);
        f.name = "analysis/study_definition_any.py";
        f.study(StudyFixture.HEADER + "study = StudyDefinition(" + StudyFixture.DEFAULTS + ", population=patients.all())\n")
                .assertDiagnostics();
    }

    // ------------------------------------------------------------------ idioms the evaluator follows

    /** Parameters kept in a committed JSON file and read with json.load: loops over them define the variables. */
    @Test
    void jsonConfigFileIsRead() {
        StudyFixture f = new StudyFixture(dir).file("analysis/lib/parameters.json", """
                {"periods": 3, "start_date": "2021-01-04", "outcomes": ["death", "admission"]}
                """);
        f.study(StudyFixture.HEADER + """
                import json
                with open("./analysis/lib/parameters.json", "r") as f:
                    parameters = json.load(f)

                def period_variables(n):
                    variables = {}
                    for i in range(1, n + 1):
                        variables[f"in_period_{i}"] = patients.registered_as_of(f"index_date + {i} months")
                    return variables

                study = StudyDefinition(
                    %s,
                    index_date=parameters["start_date"],
                    population=patients.all(),
                    **period_variables(parameters["periods"]),
                    **{o: patients.with_these_clinical_events(codelist(["X"], system="ctv3"), on_or_after=«"index_dat"»)
                       for o in parameters["outcomes"]},
                )
                """.formatted(StudyFixture.DEFAULTS)).assertDiagnostics("study-invalid-date");
        StudyAnalyzer.Analysis a = new StudyAnalyzer().compute(f.root.resolve(f.name), f.text, StudyFolder.at(f.root));
        assertFalse(a.model().open);
        assertEquals(List.of("in_period_1", "in_period_2", "in_period_3", "death", "admission", "population"),
                a.model().variables.stream().map(StudyModel.Variable::name).toList());
    }

    /** json.load(open(...)) and a helper module that reads the config are followed too. */
    @Test
    void jsonConfigReadByAHelperModule() {
        StudyFixture f = new StudyFixture(dir).file("analysis/config.json", "{\"start\": \"01/02/2020\"}\n")
                .file("analysis/dates.py", "import json\nconfig = json.load(open('analysis/config.json'))\nstart = config['start']\n");
        f.study(StudyFixture.HEADER + "from dates import start\nstudy = StudyDefinition(" + StudyFixture.DEFAULTS
                + ", population=patients.all(), a=patients.registered_as_of(«start»))\n").assertDiagnostics("study-invalid-date");
    }

    /** Helpers that branch on their arguments (==, in, and/or/not) are followed, so the branch taken is checked. */
    @Test
    void comparisonsInHelpersAreEvaluated() {
        StudyFixture f = new StudyFixture(dir);
        f.study(StudyFixture.HEADER + """
                def event(kind, when):
                    if kind in ["gp", "practice"] and not kind == "hospital":
                        return patients.with_these_clinical_events(codelist(["X"], system="ctv3"), on_or_before=«when»)
                    elif kind != "hospital" or when is None:
                        return None
                    return patients.admitted_to_hospital(with_these_diagnoses=codelist(["U071"], system="icd10"), on_or_before=when)

                measures = []
                for kind in ["gp", "hospital"]:
                    if kind == "gp":
                        measures.append(Measure(id=kind, numerator=kind + "_event", denominator="population", group_by=[«"regoin"»]))

                study = StudyDefinition(
                    %s,
                    index_date="2020-01-01",
                    population=patients.all(),
                    gp_event=event("gp", "index_dat"),
                    hospital_event=event("hospital", "index_date"),
                )
                """.formatted(StudyFixture.DEFAULTS)).assertDiagnostics("study-invalid-date", "study-measure-unknown-variable");
        StudyAnalyzer.Analysis a = new StudyAnalyzer().compute(f.root.resolve(f.name), f.text, StudyFolder.at(f.root));
        assertFalse(a.model().open);
        assertEquals(List.of("with_these_clinical_events", "admitted_to_hospital", "all"),
                a.model().variables.stream().map(v -> v.call().function()).toList());
        assertEquals(1, a.model().measures.size());
    }

    /** A config file that an action writes (an R design script, say) is that action's output on the server: not read. */
    @Test
    void jsonFilesThatAnActionWritesAreNotRead() {
        StudyFixture f = new StudyFixture(dir).file("analysis/lib/dates.json", "{\"start\": \"not a date\"}\n")
                .file("project.yaml", """
                        version: '3.0'
                        expectations:
                          population_size: 100
                        actions:
                          design:
                            run: r:latest analysis/design.R
                            outputs:
                              moderately_sensitive:
                                dates: analysis/lib/*.json
                          generate_cohort:
                            run: cohortextractor:latest generate_cohort --study-definition study_definition
                            needs: [design]
                            outputs:
                              highly_sensitive:
                                cohort: output/input.csv
                        """)
                .file("analysis/design.R", "# writes analysis/lib/dates.json\n");
        f.study(StudyFixture.HEADER + """
                import json
                with open("./analysis/lib/dates.json") as f:
                    dates = json.load(f)
                study = StudyDefinition(%s, population=patients.all(), a=patients.registered_as_of(dates["start"]))
                """.formatted(StudyFixture.DEFAULTS)).assertDiagnostics();
    }

    /** One variable per code of a codelist: iterating a codelist reads its CSV (and joins combined ones). */
    @Test
    void loopsOverTheCodesOfACodelist() {
        StudyFixture f = new StudyFixture(dir)
                .file("codelists/first.csv", "code,term\nA1 ,first\n,blank\nB2,second\n")
                .file("codelists/second.csv", "snomed_id,term\nB2,again\nC3,third\n")
                .file("analysis/codelists.py", """
                        from cohortextractor import codelist_from_csv, combine_codelists
                        first = codelist_from_csv("codelists/first.csv", system="snomed", column="code")
                        second = codelist_from_csv("codelists/second.csv", system="snomed", column="snomed_id")
                        both = combine_codelists(first, second)
                        """);
        f.study(StudyFixture.HEADER + """
                from codelists import both

                def one_per_code(codes):
                    variables = {}
                    for code in codes:
                        variables.update({f"code_{code}": patients.with_these_clinical_events(
                            codelist([code], system="snomed"), on_or_after="index_date")})
                    return variables

                study = StudyDefinition(
                    %s,
                    index_date="2020-01-01",
                    population=patients.all(),
                    **one_per_code(both),
                    any_code=patients.satisfying("code_A1 OR code_B2 OR code_C3 OR «code_D4»"),
                )
                """.formatted(StudyFixture.DEFAULTS)).assertDiagnostics("study-expression-unknown-variable");
        StudyAnalyzer.Analysis a = new StudyAnalyzer().compute(f.root.resolve(f.name), f.text, StudyFolder.at(f.root));
        assertEquals(List.of("code_A1", "code_B2", "code_C3", "any_code", "population"),
                a.model().variables.stream().map(StudyModel.Variable::name).toList());
    }

    /** A codelist CSV that cannot be read leaves the loop, and so the variables, unknown: only the missing file is reported. */
    @Test
    void loopsOverAMissingCodelistAreUnknown() {
        new StudyFixture(dir).study(StudyFixture.HEADER + """
                codes = codelist_from_csv(«"codelists/missing.csv"», system="snomed", column="code")
                variables = {f"code_{c}": patients.with_these_clinical_events(codelist([c], system="snomed")) for c in codes}
                study = StudyDefinition(%s, population=patients.all(), **variables,
                    any_code=patients.satisfying("code_A1 OR code_Z9"))
                """.formatted(StudyFixture.DEFAULTS)).assertDiagnostics("study-codelist-file-missing");
    }

    /** What an earlier action writes (output/...) is not read: on the server it is that action's fresh output. */
    @Test
    void jsonFilesUnderOutputAreNotRead() {
        StudyFixture f = new StudyFixture(dir).file("output/dates.json", "{\"start\": \"not a date\"}\n");
        f.study(StudyFixture.HEADER + """
                import json
                with open("output/dates.json") as f:
                    dates = json.load(f)
                study = StudyDefinition(%s, index_date=dates["start"], population=patients.all())
                """.formatted(StudyFixture.DEFAULTS)).assertDiagnostics();
    }
}

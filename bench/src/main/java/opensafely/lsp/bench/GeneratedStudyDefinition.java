package opensafely.lsp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a cohort-extractor study of the size issue 4 budgets for: an {@code analysis/study_definition.py}
 * of at least the given number of lines that imports two helper modules, {@code codelists.py} (codelists
 * read from CSV files) and {@code common_variables.py} (a dict of variables merged with {@code **}), plus
 * the CSVs and a project.yaml that runs it. Variables use the usual shapes: events with codelists and
 * date windows, numbers with expectations, categories and {@code satisfying} expressions over earlier
 * variables. It checks clean, so timings measure analysis rather than findings.
 */
final class GeneratedStudyDefinition {
    private static final int CODELISTS = 40;

    private GeneratedStudyDefinition() {
    }

    static void write(int targetLines, Path study) throws IOException {
        Files.createDirectories(study.resolve("analysis"));
        Files.createDirectories(study.resolve("codelists"));
        Files.createDirectories(study.resolve("output"));
        Files.writeString(study.resolve("project.yaml"), """
                version: '3.0'
                expectations:
                  population_size: 1000
                actions:
                  generate_study_population:
                    run: cohortextractor:latest generate_cohort --study-definition study_definition
                    outputs:
                      highly_sensitive:
                        cohort: output/input.csv
                """, StandardCharsets.UTF_8);

        StringBuilder codelists = new StringBuilder("from cohortextractor import codelist_from_csv, combine_codelists\n\n");
        for (int c = 0; c < CODELISTS; c++) {
            Files.writeString(study.resolve("codelists/opensafely-condition-" + c + ".csv"),
                    "code,term,category\nX" + c + "a,Condition " + c + ",1\nX" + c + "b,Condition " + c + " severe,2\n",
                    StandardCharsets.UTF_8);
            codelists.append("condition_").append(c).append("_codes = codelist_from_csv(\n")
                    .append("    \"codelists/opensafely-condition-").append(c).append(".csv\", system=\"ctv3\", column=\"code\",")
                    .append(" category_column=\"category\"\n)\n");
        }
        codelists.append("any_condition_codes = combine_codelists(condition_0_codes, condition_1_codes)\n");
        Files.writeString(study.resolve("analysis/codelists.py"), codelists, StandardCharsets.UTF_8);

        StringBuilder common = new StringBuilder("""
                from cohortextractor import patients
                from codelists import *

                common_variables = dict(
                    age=patients.age_as_of("index_date", return_expectations={"rate": "universal", "int": {"distribution": "population_ages"}}),
                    sex=patients.sex(return_expectations={"rate": "universal", "category": {"ratios": {"M": 0.49, "F": 0.51}}}),
                    practice=patients.registered_practice_as_of("index_date", returning="pseudo_id",
                        return_expectations={"int": {"distribution": "normal", "mean": 25, "stddev": 5}, "incidence": 0.5}),
                """);
        for (int c = 0; c < CODELISTS / 2; c++) {
            common.append("    history_").append(c).append("=patients.with_these_clinical_events(condition_").append(c)
                    .append("_codes, on_or_before=\"index_date - 1 day\", returning=\"binary_flag\"),\n");
        }
        common.append(")\n");
        Files.writeString(study.resolve("analysis/common_variables.py"), common, StandardCharsets.UTF_8);

        StringBuilder sd = new StringBuilder("""
                from cohortextractor import StudyDefinition, patients, Measure
                from codelists import *
                from common_variables import common_variables

                study = StudyDefinition(
                    default_expectations={"date": {"earliest": "2019-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},
                    index_date="2021-01-01",
                    population=patients.satisfying("registered AND NOT died AND age >= 18",
                        registered=patients.registered_as_of("index_date"),
                        died=patients.died_from_any_cause(on_or_before="index_date", returning="binary_flag"),
                    ),
                    **common_variables,
                """);
        int i = 0;
        while (sd.chars().filter(ch -> ch == '\n').count() < targetLines - 3) {
            int c = i % CODELISTS;
            sd.append("""
                        first_%1$d_date=patients.with_these_clinical_events(
                            condition_%2$d_codes,
                            between=["index_date - %3$d days", "index_date + 1 year"],
                            returning="date",
                            date_format="YYYY-MM-DD",
                            find_first_match_in_period=True,
                            return_expectations={"date": {"earliest": "2020-01-01", "latest": "2022-01-01"}},
                        ),
                        count_%1$d=patients.with_these_clinical_events(
                            condition_%2$d_codes,
                            on_or_after="first_%1$d_date",
                            returning="number_of_matches_in_period",
                            return_expectations={"int": {"distribution": "normal", "mean": 3, "stddev": 1}, "incidence": 0.3},
                        ),
                        severity_%1$d=patients.categorised_as(
                            {"0": "DEFAULT", "1": "count_%1$d > 0 AND age >= 50", "2": "count_%1$d > 2"},
                            return_expectations={"category": {"ratios": {"0": 0.6, "1": 0.3, "2": 0.1}}},
                        ),
                    """.formatted(i, c, 30 + i));
            i++;
        }
        sd.append(")\n\nmeasures = [\n")
                .append("    Measure(id=\"count_0_by_sex\", numerator=\"count_0\", denominator=\"population\", group_by=[\"sex\"]),\n")
                .append("]\n");
        Files.writeString(study.resolve("analysis/study_definition.py"), sd, StandardCharsets.UTF_8);
    }
}

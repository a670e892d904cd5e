package opensafely.lsp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an ehrQL study of the size issue #15 budgets for (edit → diagnostics p95 ≤ 150 ms): an
 * {@code analysis/dataset_definition.py} of at least the given number of lines that imports a helper module
 * {@code codelists.py} (40 codelists read from CSV files) and {@code variables.py} (a function that builds a
 * query, called for every condition), plus the CSVs and a project.yaml that runs it. Each condition has the
 * usual shapes: events filtered by codelist and date, a flag, the first date, a count in a window and a
 * {@code case} over them. It checks clean, so timings measure analysis rather than findings.
 */
final class GeneratedDatasetDefinition {
    private static final int CODELISTS = 40;

    private GeneratedDatasetDefinition() {
    }

    static void write(int targetLines, Path study) throws IOException {
        Files.createDirectories(study.resolve("analysis"));
        Files.createDirectories(study.resolve("codelists"));
        Files.createDirectories(study.resolve("output"));
        Files.writeString(study.resolve("project.yaml"), """
                version: '5.0'
                actions:
                  generate_dataset:
                    run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                    outputs:
                      highly_sensitive:
                        dataset: output/dataset.csv.gz
                """, StandardCharsets.UTF_8);

        StringBuilder codelists = new StringBuilder("from ehrql import codelist_from_csv\n\n");
        for (int c = 0; c < CODELISTS; c++) {
            Files.writeString(study.resolve("codelists/opensafely-condition-" + c + ".csv"),
                    "code,term\n" + (100000 + c) + ",Condition " + c + "\n" + (200000 + c) + ",Condition " + c + " severe\n",
                    StandardCharsets.UTF_8);
            codelists.append("condition_").append(c).append("_codes = codelist_from_csv(\n")
                    .append("    \"codelists/opensafely-condition-").append(c).append(".csv\",\n")
                    .append("    column=\"code\",\n)\n");
        }
        Files.writeString(study.resolve("analysis/codelists.py"), codelists, StandardCharsets.UTF_8);

        Files.writeString(study.resolve("analysis/variables.py"), """
                from ehrql.tables.core import clinical_events


                def events_before(codes, date):
                    return clinical_events.where(
                        clinical_events.snomedct_code.is_in(codes)
                    ).where(
                        clinical_events.date.is_on_or_before(date)
                    )
                """, StandardCharsets.UTF_8);

        StringBuilder dd = new StringBuilder("""
                from ehrql import case, create_dataset, when
                from ehrql.tables.core import clinical_events, patients, practice_registrations

                from codelists import *
                from variables import events_before

                INDEX_DATE = "2024-04-01"
                ONE_YEAR_BEFORE = "2023-04-02"

                dataset = create_dataset()
                dataset.configure_dummy_data(population_size=1000)

                age = patients.age_on(INDEX_DATE)

                dataset.define_population(
                    practice_registrations.exists_for_patient_on(INDEX_DATE)
                    & patients.is_alive_on(INDEX_DATE)
                    & (age >= 18)
                    & (age < 110)
                )

                dataset.age = age
                dataset.sex = patients.sex

                """);
        int i = 0;
        while (dd.chars().filter(ch -> ch == '\n').count() < targetLines - 2) {
            int c = i % CODELISTS;
            dd.append("""
                    events_%1$d = events_before(condition_%2$d_codes, INDEX_DATE).where(
                        clinical_events.date.is_on_or_after("2019-01-01")
                    )
                    dataset.has_condition_%1$d = events_%1$d.exists_for_patient()
                    dataset.first_condition_%1$d_date = events_%1$d.sort_by(
                        events_%1$d.date
                    ).first_for_patient().date
                    dataset.condition_%1$d_count = events_%1$d.where(
                        events_%1$d.date.is_on_or_between(ONE_YEAR_BEFORE, INDEX_DATE)
                    ).count_for_patient()
                    dataset.condition_%1$d_band = case(
                        when(dataset.condition_%1$d_count > 2).then("frequent"),
                        when(dataset.condition_%1$d_count > 0).then("some"),
                        otherwise="none",
                    )

                    """.formatted(i, c));
            i++;
        }
        Files.writeString(study.resolve("analysis/dataset_definition.py"), dd, StandardCharsets.UTF_8);
    }
}

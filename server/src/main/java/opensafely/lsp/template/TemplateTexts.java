package opensafely.lsp.template;

/** The text of each file of a new study ({@link StudyTemplate}): written for this project, kept short. */
final class TemplateTexts {
    private TemplateTexts() {
    }

    static final String PROJECT_YAML = """
            # The actions of this study, in the order they run. Each one's outputs are the only files
            # kept from its run; `needs` makes an earlier action's outputs available to a later one.
            version: 5

            actions:
              generate_dataset:
                run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                outputs:
                  highly_sensitive:
                    dataset: output/dataset.csv.gz

              describe_population:
                run: python:v2 python analysis/report.py
                needs: [generate_dataset]
                outputs:
                  moderately_sensitive:
                    counts: output/patient_counts.csv
            """;

    static final String DATASET_DEFINITION = """
            \"""The dataset of this study: one row per patient in the population.

            On an OpenSAFELY backend this runs against real records. On your computer the
            generate_dataset action writes dummy data with the same columns instead.
            \"""

            from ehrql import create_dataset
            from ehrql.tables.core import patients, practice_registrations

            INDEX_DATE = "2024-01-01"

            dataset = create_dataset()
            dataset.configure_dummy_data(population_size=1000)

            age = patients.age_on(INDEX_DATE)

            # Adults registered with a GP practice on the index date.
            dataset.define_population(
                practice_registrations.exists_for_patient_on(INDEX_DATE)
                & patients.is_alive_on(INDEX_DATE)
                & (age >= 18)
                & (age < 110)
            )

            dataset.age = age
            dataset.sex = patients.sex
            """;

    static final String REPORT = """
            \"""Patients by sex and age band: a table that can be reviewed for release.

            Reads the dataset written by the generate_dataset action. Before anything reaches a
            moderately_sensitive file, counts of 7 or fewer are redacted (left blank) and the
            others are rounded to the nearest 5, as OpenSAFELY's disclosure control guidance asks.
            \"""

            from pathlib import Path

            import pandas as pd

            OUTPUT = Path("output")
            REDACT_AT_OR_BELOW = 7
            ROUND_TO = 5
            AGE_BAND_EDGES = [18, 40, 65, 110]
            AGE_BAND_NAMES = ["18-39", "40-64", "65+"]


            def redact_and_round(count):
                \"""A count that is safe to release: blank when small, else rounded.\"""
                if count <= REDACT_AT_OR_BELOW:
                    return None
                return int(ROUND_TO * round(count / ROUND_TO))


            def main():
                dataset = pd.read_csv(OUTPUT / "dataset.csv.gz")
                dataset["age_band"] = pd.cut(
                    dataset["age"], bins=AGE_BAND_EDGES, labels=AGE_BAND_NAMES, right=False
                )
                counts = dataset.groupby(["sex", "age_band"], observed=False).size()
                table = counts.map(redact_and_round).astype("Int64").rename("patients").reset_index()
                table.to_csv(OUTPUT / "patient_counts.csv", index=False)


            if __name__ == "__main__":
                main()
            """;

    static final String CODELISTS_TXT = """
            # The codelists this study uses, one per line, as <organisation>/<codelist>/<version>,
            # for example: opensafely/asthma-diagnosis/2020-04-15
            # Find them on https://www.opencodelists.org, then run `opensafely codelists update`
            # to download them into this folder.
            """;

    static final String OUTPUT_GITIGNORE = """
            # The actions write here. Outputs are made by running the study, never committed:
            # keep this folder, ignore everything in it.
            *
            !.gitignore
            """;

    static final String GITIGNORE = """
            # Run state and logs of `opensafely run` (and of opensafely-lsp's run).
            /metadata/
            __pycache__/
            .venv/
            .Rhistory
            """;

    static final String README = """
            # A new OpenSAFELY study

            This study was laid out by `opensafely-lsp init`, as OpenSAFELY's research template lays a
            study out. Replace this text with what your study is about.

            ## What is here

            | file | what it is |
            | --- | --- |
            | `project.yaml` | the actions of the study: what runs, in what order, and which outputs it keeps |
            | `analysis/dataset_definition.py` | the ehrQL dataset definition: the population and one column per variable |
            | `analysis/report.py` | the analysis: counts by sex and age band, redacted and rounded |
            | `codelists/codelists.txt` | the codelists the study uses (none yet) |
            | `output/` | where actions write; never committed |

            ## Running it on dummy data

            On your computer, every action runs on dummy data: the dataset action writes made-up patients
            with the columns the definition declares, so the analysis can be tried before it runs on real
            records.

                opensafely run run_all

            or, without Docker, with this project's tool:

                java -jar opensafely-lsp.jar check
                java -jar opensafely-lsp.jar run run_all

            The report then sits in `output/patient_counts.csv`, and each action's log in `metadata/`.

            See https://docs.opensafely.org for how to write dataset definitions, add codelists and
            request that your study runs on real data.
            """;
}

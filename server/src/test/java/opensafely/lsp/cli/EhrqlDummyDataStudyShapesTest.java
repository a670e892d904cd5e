package opensafely.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `dummy-data` on the shapes real ehrQL studies take beyond one self-contained file: a measures file that builds
 * its dataset with a helper and its collection with Measures(), a dataset made by a helper in a sibling module,
 * measures defined in loops, run lines with options that do not apply to measures. Each fixture is small and
 * written here; the project.yaml action that runs a file says what the file is.
 */
class EhrqlDummyDataStudyShapesTest {
    @TempDir
    Path study;

    private DummyDataRun run(String... args) {
        return DummyDataRun.in(study, args);
    }

    private void write(String rel, String text) throws Exception {
        Path p = study.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private void project(String... actions) throws Exception {
        StringBuilder y = new StringBuilder("version: '4.0'\nactions:\n");
        for (int i = 0; i < actions.length; i++) {
            y.append("  a").append(i).append(":\n    run: ").append(actions[i]).append("\n    outputs:\n      highly_sensitive:\n        x: output/a")
                    .append(i).append("*\n");
        }
        write("project.yaml", y.toString());
    }

    /** A sibling module with a dataset builder, as studies share one between their dataset and measures files. */
    private void datasetHelper() throws Exception {
        write("analysis/dataset_definition.py", """
                from ehrql import create_dataset
                from ehrql.tables.core import patients, clinical_events

                def make_dataset(index_date, end_date):
                    dataset = create_dataset()
                    dataset.define_population(patients.exists_for_patient())
                    dataset.had_event = clinical_events.where(clinical_events.date.is_on_or_between(index_date, end_date)).exists_for_patient()
                    dataset.sex = patients.sex
                    return dataset
                """);
    }

    /** Per measure: the number of rows, checking numerators never exceed denominators. */
    private static Map<String, Integer> measureRows(List<String> lines) {
        Map<String, Integer> out = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            assertTrue(Long.parseLong(f[4]) <= Long.parseLong(f[5]), line);
            out.merge(f[0], 1, Integer::sum);
        }
        return out;
    }

    @Test
    void aMeasuresFileThatImportsADatasetBuilderAndUsesMeasuresIsReadAsTheGenerateMeasuresActionSays() throws Exception {
        datasetHelper();
        write("analysis/measures_overall.py", """
                from ehrql import months, INTERVAL, Measures
                from ehrql.tables.core import patients
                from dataset_definition import make_dataset

                dataset = make_dataset(index_date=INTERVAL.start_date, end_date=INTERVAL.end_date)
                measures = Measures()
                measures.define_defaults(intervals=months(3).starting_on("2022-01-01"))
                measures.define_measure(name="any_event", numerator=dataset.had_event, denominator=patients.exists_for_patient())
                measures.define_measure(name="by_sex", numerator=dataset.had_event, denominator=patients.exists_for_patient(),
                                        group_by={"sex": patients.sex})
                """);
        project("ehrql:v1 generate-measures analysis/measures_overall.py --output output/a0.csv");
        DummyDataRun r = run("analysis/measures_overall.py");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(study.resolve("output/a0.csv"));
        assertEquals("measure,interval_start,interval_end,ratio,numerator,denominator,sex", lines.get(0));
        assertEquals(Map.of("any_event", 3, "by_sex", 3 * 4), measureRows(lines));
        assertTrue(r.err().startsWith("Wrote 15 rows of dummy measures to "), r.err());
    }

    @Test
    void measuresWithCountNumeratorsAndTheDenominatorInTheDefaultsGetEveryInterval() throws Exception {
        // It defines no dataset at all, so it was once read as a dataset definition that "makes no dataset".
        write("analysis/measures_checks.py", """
                from ehrql import INTERVAL, Measures, months
                from ehrql.tables.core import patients, clinical_events

                count_events = clinical_events.where(clinical_events.date.is_during(INTERVAL)).count_for_patient()
                measures = Measures()
                measures.configure_dummy_data(population_size=500)
                measures.define_defaults(denominator=patients.exists_for_patient(), intervals=months(13).starting_on("2021-05-01"))
                measures.define_measure(name="events", numerator=count_events)
                """);
        project("ehrql:v1 generate-measures analysis/measures_checks.py --output output/a0.csv");
        DummyDataRun r = run("analysis/measures_checks.py");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(study.resolve("output/a0.csv"));
        assertEquals(Map.of("events", 13), measureRows(lines));
        assertTrue(lines.get(1).startsWith("events,2021-05-01,2021-05-31,") && lines.get(13).startsWith("events,2022-05-01,2022-05-31,"), lines.toString());
    }

    @Test
    void aDatasetBuiltByAHelperOfASiblingModuleIsConstructedFromTheHelpersStatements() throws Exception {
        write("analysis/dataset_lib.py", """
                from ehrql import create_dataset
                from ehrql.tables.core import patients, clinical_events

                def had_code(events, code, since):
                    return events.where((events.snomedct_code == code) & (events.date >= since)).exists_for_patient()

                def branchy(index_date, last):
                    if last:
                        return clinical_events.sort_by(clinical_events.date).last_for_patient().date
                    return None

                def generate_dataset(index_date, min_age=18):
                    dataset = create_dataset()
                    dataset.age = patients.age_on(index_date)
                    dataset.sex = patients.sex
                    dataset.flu = had_code(clinical_events, "6142004", index_date)
                    dataset.latest = branchy(index_date, True)
                    dataset.define_population((dataset.age >= min_age) & (dataset.age < 30) & dataset.flu)
                    dataset.configure_dummy_data(population_size=50)
                    return dataset
                """);
        // No ehrql import here: the generate-dataset action that runs it says what it is.
        write("analysis/dataset_definition_2019.py", """
                from datetime import date
                from dataset_lib import generate_dataset

                dataset = generate_dataset(date(2019, 7, 1), min_age=20)
                """);
        project("ehrql:v1 generate-dataset analysis/dataset_definition_2019.py --output output/a0.csv");
        DummyDataRun r = run("analysis/dataset_definition_2019.py");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(study.resolve("output/a0.csv"));
        assertEquals("patient_id,age,sex,flu,latest", lines.get(0));
        assertEquals(51, lines.size(), "the helper's configure_dummy_data(population_size=50)");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            int age = Integer.parseInt(f[1]);
            assertTrue(age >= 20 && age < 30, "the helper's population, with the caller's min_age: " + line);
            assertTrue(List.of("male", "female", "intersex", "unknown").contains(f[2]), line);
            assertEquals("T", f[3], "the population needs the helper's helper to be true: " + line);
        }
        // A helper whose return is in a branch is not followed: its value is drawn as for an unknown value, not
        // taken from the `return None` after the branch (which would leave the column always missing).
        assertTrue(lines.stream().skip(1).anyMatch(l -> !l.split(",", -1)[4].isEmpty()), lines.toString());
    }

    @Test
    void measuresDefinedInLoopsOverLiteralCollectionsAndInHelpersAreEachRead() throws Exception {
        write("analysis/measures_loops.py", """
                from argparse import ArgumentParser
                from ehrql import INTERVAL, create_measures, months
                from ehrql.tables.core import patients, clinical_events
                from study_codes import conditions

                parser = ArgumentParser()
                parser.add_argument("--disease", type=str)
                disease = parser.parse_args().disease

                events = {"flu": ["6142004"], "cough": ["49727002"]}
                breakdowns = {"sex": patients.sex, "old": patients.age_on(INTERVAL.start_date) >= 65}
                denominator = patients.exists_for_patient()
                measures = create_measures()
                measures.define_defaults(denominator=denominator, intervals=months(2).starting_on("2024-01-01"))

                for event, codes in events.items():
                    numerator = clinical_events.where(clinical_events.snomedct_code.is_in(codes)).exists_for_patient()
                    measures.define_measure(name=f"has_{event}", numerator=numerator)
                    for breakdown, variable in breakdowns.items():
                        measures.define_measure(name=f"has_{event}_by_{breakdown}", numerator=numerator, group_by={breakdown: variable})

                def per_year(name, years):
                    for y in years:
                        measures.define_measure(name=name + "_" + str(y), numerator=denominator, intervals=months(1).starting_on(f"{y}-01-01"))

                per_year("alive", [2020, 2021])
                measures.define_measure(name=disease + "_prevalence", numerator=denominator)

                for condition, codes in conditions.items():
                    measures.define_measure(name=f"cond_{condition}", numerator=clinical_events.where(clinical_events.snomedct_code.is_in(codes)).exists_for_patient())
                """);
        write("analysis/study_codes.py", "conditions = {\"asthma\": [\"195967001\"], \"copd\": [\"13645005\"]}\n");
        project("ehrql:v1 generate-measures analysis/measures_loops.py --output output/a0.csv -- --disease asthma");
        DummyDataRun r = run("analysis/measures_loops.py");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(study.resolve("output/a0.csv"));
        assertEquals("measure,interval_start,interval_end,ratio,numerator,denominator,sex,old", lines.get(0));
        assertEquals(Map.ofEntries(Map.entry("has_flu", 2), Map.entry("has_flu_by_sex", 2 * 4), Map.entry("has_flu_by_old", 2 * 2), Map.entry("has_cough", 2),
                Map.entry("has_cough_by_sex", 8), Map.entry("has_cough_by_old", 4), Map.entry("alive_2020", 1), Map.entry("alive_2021", 1),
                Map.entry("asthma_prevalence", 2), Map.entry("cond_asthma", 2), Map.entry("cond_copd", 2)), measureRows(lines));
        assertTrue(lines.contains(lines.stream().filter(l -> l.startsWith("alive_2021,2021-01-01,2021-01-31,")).findFirst().orElse("none")), lines.toString());
    }

    @Test
    void aRunLinesDummyTablesAreSetAsideForMeasuresWithANoteButAGivenOneIsRefused() throws Exception {
        write("dummy_tables/patients.csv", "patient_id,sex,date_of_birth\n1,male,1980-01-01\n");
        write("analysis/measures_definition.py", """
                from ehrql import create_measures, months
                from ehrql.tables.core import patients
                measures = create_measures()
                measures.define_measure(name="men", numerator=patients.sex == "male", denominator=patients.exists_for_patient(),
                                        intervals=months(3).starting_on("2024-01-01"))
                """);
        project("ehrql:v1 generate-measures analysis/measures_definition.py --dummy-tables dummy_tables --output output/a0.csv");
        DummyDataRun r = run("analysis/measures_definition.py");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("note: the run line's --dummy-tables dummy_tables was not used: this tool makes measures from generated data"), r.err());
        assertTrue(r.err().contains("Wrote 3 rows of dummy measures to "), r.err());
        assertEquals(Map.of("men", 3), measureRows(Files.readAllLines(study.resolve("output/a0.csv"))));

        // The pipeline runner's path: the run line's words.
        Path job = study.resolve("job");
        var o = opensafely.lsp.ehrql.EhrqlDummyAction.run(opensafely.lsp.workspace.StudyFolder.at(study), study.resolve("analysis/measures_definition.py"),
                List.of("generate-measures", "analysis/measures_definition.py", "--dummy-tables", "dummy_tables", "--output", "output/m.csv"), job, 1,
                java.time.LocalDate.of(2026, 1, 15), () -> false, n -> { });
        assertTrue(o.ok(), o.problem());
        assertEquals(1, o.notes().size(), o.notes().toString());
        assertEquals(4, Files.readAllLines(job.resolve("output/m.csv")).size());

        Files.delete(study.resolve("output/a0.csv"));
        DummyDataRun given = run("analysis/measures_definition.py", "--dummy-tables", "dummy_tables", "--output", "output/b.csv");
        assertEquals(1, given.exit(), given.err());
        assertTrue(given.err().contains("--dummy-tables with a measures definition is not supported by this tool"), given.err());
        assertFalse(Files.exists(study.resolve("output/b.csv")));
    }

    @Test
    void eventsChainedThroughAHelperAreEachAfterTheLastAndQuickToMake() throws Exception {
        // Each date is the first event after the previous one: evaluated naively that is rows^depth per patient.
        StringBuilder dd = new StringBuilder("""
                from ehrql import create_dataset
                from ehrql.tables.core import patients, clinical_events

                def first_after(date):
                    return clinical_events.where(clinical_events.date > date).sort_by(clinical_events.date).first_for_patient()

                dataset = create_dataset()
                dataset.define_population(patients.exists_for_patient())
                dataset.configure_dummy_data(population_size=300)
                dataset.d0 = first_after("2000-01-01").date
                """);
        for (int i = 1; i < 12; i++) dd.append("dataset.d").append(i).append(" = first_after(dataset.d").append(i - 1).append(").date\n");
        write("analysis/dataset_definition.py", dd.toString());
        project("ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/a0.csv");
        DummyDataRun r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> run("analysis/dataset_definition.py"));
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(study.resolve("output/a0.csv"));
        assertEquals(301, lines.size());
        int chained = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            for (int i = 2; i < f.length; i++) {
                if (f[i].isEmpty()) continue;
                assertFalse(f[i - 1].isEmpty(), "a date after a missing one: " + line);
                assertTrue(f[i].compareTo(f[i - 1]) > 0, "each date after the one before: " + line);
                chained++;
            }
        }
        assertTrue(chained > 0, "some patients have chained events");
    }

    @Test
    void withoutAnActionMeasuresIsGuessedFromAMeasuresCollectionAndNoDataset() throws Exception {
        write("project.yaml", "version: '4.0'\nactions: {}\n");
        write("analysis/measures.py", """
                from ehrql import Measures, years
                from ehrql.tables.core import patients
                measures = Measures()
                measures.define_measure(name="alive", numerator=patients.date_of_death.is_null(), denominator=patients.exists_for_patient(),
                                        intervals=years(2).starting_on("2020-01-01"))
                """);
        DummyDataRun r = run("analysis/measures.py");
        assertEquals(0, r.exit(), r.err());
        assertEquals(Map.of("alive", 2), measureRows(Files.readAllLines(study.resolve("output/measures.csv"))));
    }
}

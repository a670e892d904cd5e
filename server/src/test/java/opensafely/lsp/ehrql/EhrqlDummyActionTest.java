package opensafely.lsp.ehrql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.dummydata.DummyOutcome;
import opensafely.lsp.study.CohortDummyAction;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry points the pipeline runner calls for a database action: the run line's words, a job folder to write into. */
class EhrqlDummyActionTest {
    @TempDir
    Path study;
    @TempDir
    Path job;

    private StudyFolder folder() throws Exception {
        Files.writeString(study.resolve("project.yaml"), "version: '4.0'\nactions: {}\n");
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("analysis/dd.py"), """
                from ehrql import create_dataset
                from ehrql.tables.core import patients
                dataset = create_dataset()
                dataset.define_population(patients.exists_for_patient())
                dataset.sex = patients.sex
                """);
        return StudyFolder.at(study);
    }

    private DummyOutcome run(StudyFolder f, String... words) {
        return EhrqlDummyAction.run(f, study.resolve("analysis/dd.py"), List.of(words), job, 1, LocalDate.of(2026, 1, 15), () -> false, n -> { });
    }

    @Test
    void generateDatasetWritesIntoTheJobFolderNotTheStudy() throws Exception {
        StudyFolder f = folder();
        List<Long> progress = new ArrayList<>();
        DummyOutcome o = EhrqlDummyAction.run(f, study.resolve("analysis/dd.py"),
                List.of("generate-dataset", "analysis/dd.py", "--output", "output/x.csv"), job, 1, LocalDate.of(2026, 1, 15), () -> false, progress::add);
        assertTrue(o.ok(), o.problem());
        assertEquals(List.of(job.resolve("output/x.csv")), o.written());
        assertEquals(11, Files.readAllLines(job.resolve("output/x.csv")).size(), "ehrQL's default of 10 patients");
        assertFalse(Files.exists(study.resolve("output")));
        assertEquals(10L, progress.get(progress.size() - 1));
    }

    @Test
    void theDummyDataFileOfTheRunLineIsReadFromTheStudyAndWrittenToTheJob() throws Exception {
        StudyFolder f = folder();
        Files.writeString(study.resolve("analysis/dummy.csv"), "patient_id,sex\n4,intersex\n");
        DummyOutcome o = run(f, "generate-dataset", "analysis/dd.py", "--output", "output/x.csv", "--dummy-data-file", "analysis/dummy.csv");
        assertTrue(o.ok(), o.problem());
        assertEquals(List.of("patient_id,sex", "4,intersex"), Files.readAllLines(job.resolve("output/x.csv")));

        DummyOutcome out = run(f, "generate-dataset", "analysis/dd.py", "--output", "output/y.csv", "--dummy-data-file=../x.csv");
        assertEquals("--dummy-data-file ../x.csv: it lies outside the study folder; only files of the study are read", out.problem());
        assertEquals("generate-dataset has no --output: name the file it writes", run(f, "generate-dataset", "analysis/dd.py").problem());
        assertEquals("--output ../y.csv lies outside the job's folder", run(f, "generate-dataset", "analysis/dd.py", "--output", "../y.csv").problem());
        assertTrue(run(f, "create-dummy-tables", "analysis/dd.py", "x").problem().contains("not an ehrQL command"));
    }

    @Test
    void aCancelLeavesNoFile() throws Exception {
        StudyFolder f = folder();
        Files.writeString(study.resolve("analysis/dd.py"), Files.readString(study.resolve("analysis/dd.py")) + "dataset.configure_dummy_data(population_size=50000)\n");
        DummyOutcome o = EhrqlDummyAction.run(f, study.resolve("analysis/dd.py"), List.of("generate-dataset", "analysis/dd.py", "--output", "output/x.csv"),
                job, 1, LocalDate.of(2026, 1, 15), () -> true, n -> { });
        assertEquals("cancelled", o.problem());
        assertFalse(Files.exists(job.resolve("output/x.csv")));
    }

    @Test
    void cohortExtractorGenerateCohortWritesInputCsvIntoTheJobsOutputDir() throws Exception {
        Files.writeString(study.resolve("project.yaml"), "version: '3.0'\nexpectations:\n  population_size: 25\nactions: {}\n");
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("analysis/study_definition_x.py"), """
                from cohortextractor import StudyDefinition, patients
                study = StudyDefinition(
                    default_expectations={"date": {"earliest": "1900-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},
                    population=patients.all(),
                    sex=patients.sex(return_expectations={"category": {"ratios": {"M": 0.5, "F": 0.5}}, "incidence": 1}),
                )
                """);
        Clock clock = Clock.fixed(Instant.parse("2026-01-15T10:00:00Z"), ZoneOffset.UTC);
        StudyFolder f = StudyFolder.at(study);
        Path def = study.resolve("analysis/study_definition_x.py");
        DummyOutcome gen = CohortDummyAction.run(f, def, List.of("generate_cohort", "--study-definition", "study_definition_x", "--output-dir=output",
                "--expectations-population=25"), null, job, 1, clock, () -> false, n -> { });
        assertTrue(gen.ok(), gen.problem());
        assertEquals(26, Files.readAllLines(job.resolve("output/input_x.csv")).size());

        Files.writeString(study.resolve("analysis/dummy.csv.gz"), "not used");
        DummyOutcome wrongEnding = CohortDummyAction.run(f, def, List.of("generate_cohort", "--study-definition", "study_definition_x", "--output-dir", "output"),
                "analysis/dummy.csv.gz", job, 1, clock, () -> false, n -> { });
        assertEquals("analysis/dummy.csv.gz: the output is input_x.csv, so cohort-extractor wants a dummy data file ending .csv", wrongEnding.problem());

        Files.writeString(study.resolve("analysis/dummy.csv"), "patient_id,sex\n1,M\n");
        DummyOutcome copied = CohortDummyAction.run(f, def, List.of("generate_cohort", "--study-definition", "study_definition_x", "--output-dir", "out2"),
                "analysis/dummy.csv", job, 1, clock, () -> false, n -> { });
        assertTrue(copied.ok(), copied.problem());
        assertEquals("patient_id,sex\n1,M\n", Files.readString(job.resolve("out2/input_x.csv")));
    }
}

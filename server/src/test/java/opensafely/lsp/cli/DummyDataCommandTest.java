package opensafely.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `dummy-data DEFINITION` as a researcher runs it in a study folder: the file it writes and its exit codes. */
class DummyDataCommandTest {
    @TempDir
    Path study;

    record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void studyFolder() throws Exception {
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("project.yaml"), """
                version: '3.0'
                expectations:
                  population_size: 25
                actions:
                  generate_cohort:
                    run: cohortextractor:latest generate_cohort --study-definition study_definition_adults
                    outputs:
                      highly_sensitive:
                        cohort: output/input_adults.csv
                """);
        Files.writeString(study.resolve("analysis/study_definition_adults.py"), """
                from cohortextractor import StudyDefinition, patients

                study = StudyDefinition(
                    default_expectations={"date": {"earliest": "2019-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},
                    population=patients.registered_as_of("2020-01-01"),
                    died=patients.died_from_any_cause(on_or_before="2020-01-01", returning="binary_flag"),
                )
                """);
    }

    private Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DummyDataCommand cmd = new DummyDataCommand();
        cmd.workingDirectory = study;
        cmd.stdout = out;
        cmd.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(cmd).execute(args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void writesWhereGenerateCohortWouldWithProjectYamlsPopulation() throws Exception {
        Result r = run("analysis/study_definition_adults.py", "--seed", "7");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(study.resolve("output/input_adults.csv"));
        assertEquals("died,patient_id", lines.get(0));
        assertEquals(26, lines.size(), "header and population_size rows");
        assertTrue(r.err().startsWith("Wrote 25 dummy patients to "), r.err());
    }

    @Test
    void standardOutputAndGzip() throws Exception {
        Result out = run("analysis/study_definition_adults.py", "--population", "3", "--seed", "1", "--output", "-");
        assertEquals(0, out.exit());
        assertEquals(4, out.out().split("\n").length);
        assertEquals(0, run("analysis/study_definition_adults.py", "--population", "3", "--seed", "1", "--output", "out.csv.gz").exit());
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(study.resolve("out.csv.gz")))) {
            assertEquals(out.out(), new String(in.readAllBytes(), StandardCharsets.UTF_8), "the same data, compressed");
        }
    }

    @Test
    void exitCodes() throws Exception {
        Files.writeString(study.resolve("analysis/study_definition_broken.py"), """
                from cohortextractor import StudyDefinition, patients
                study = StudyDefinition(population=patients.registered_as_of("2020-01-01"), age=patients.age_as_of("2020-01-01"))
                """);
        Result problems = run("analysis/study_definition_broken.py");
        assertEquals(1, problems.exit());
        assertTrue(problems.err().contains("'age'"), problems.err());

        Files.writeString(study.resolve("analysis/dataset_definition.py"), "from ehrql import create_dataset\ndataset = create_dataset()\n");
        Result ehrql = run("analysis/dataset_definition.py");
        assertEquals(2, ehrql.exit());
        assertTrue(ehrql.err().contains("ehrQL makes the dummy data itself"), ehrql.err());
        assertEquals(2, run("analysis/missing.py").exit());
        assertEquals(2, run("analysis/study_definition_adults.py", "--population", "0").exit());
    }
}

package opensafely.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        return run(new DummyDataCommand(), args);
    }

    private Result run(DummyDataCommand cmd, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
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
        assertEquals(1, ehrql.exit()); // ehrQL definitions get data now (EhrqlDummyDataCommandTest); this one has no population
        assertTrue(ehrql.err().contains("defines no population"), ehrql.err());
        assertEquals(2, run("analysis/missing.py").exit());
        assertEquals(2, run("analysis/study_definition_adults.py", "--population", "0").exit());
    }

    @Test
    void expectationsThatPythonComputesAsTodayAreToday() throws Exception {
        Files.writeString(study.resolve("analysis/study_definition_today.py"), """
                from datetime import date, datetime
                from cohortextractor import StudyDefinition, patients, codelist

                codes = codelist(["1"], system="ctv3")
                TODAY = date.today().isoformat()
                study = StudyDefinition(
                    default_expectations={"date": {"earliest": "2019-01-01", "latest": datetime.today().strftime("%Y-%m-%d")},
                                          "rate": "uniform", "incidence": 0.5},
                    population=patients.registered_as_of("2020-01-01"),
                    a=patients.with_these_clinical_events(codes, returning="date", date_format="YYYY-MM-DD"),
                    b=patients.with_these_clinical_events(codes, returning="date", date_format="YYYY-MM-DD",
                        return_expectations={"date": {"earliest": "2019-01-01", "latest": TODAY}}),
                )
                """);
        DummyDataCommand cmd = new DummyDataCommand();
        cmd.clock = java.time.Clock.fixed(java.time.Instant.parse("2024-03-01T12:00:00Z"), java.time.ZoneOffset.UTC);
        Result r = run(cmd, "analysis/study_definition_today.py", "--population", "200", "--seed", "3", "--output", "-");
        assertEquals("", r.err());
        assertEquals(0, r.exit());
        List<String> dates = r.out().lines().skip(1).flatMap(l -> java.util.Arrays.stream(l.split(",", -1)).limit(2))
                .filter(f -> !f.isEmpty()).toList();
        assertTrue(dates.size() > 100, r.out());
        assertTrue(dates.stream().allMatch(d -> d.compareTo("2019-01-01") >= 0 && d.compareTo("2024-03-01") <= 0), dates::toString);
    }

    @Test
    void formatsFollowTheNameAndOthersAreRefused() throws Exception {
        Result parquet = run("analysis/study_definition_adults.py", "--output", "x.parquet");
        assertEquals(2, parquet.exit());
        assertTrue(parquet.err().contains(".csv, .csv.gz or .feather"), parquet.err());
        assertFalse(Files.exists(study.resolve("x.parquet")));
        assertEquals(2, run("analysis/study_definition_adults.py", "--output", "x.arrow").exit(), "ehrQL's format, not cohort-extractor's");
        assertEquals(2, run("analysis/study_definition_adults.py", "--output", "x.dta").exit());
        Result feather = run("analysis/study_definition_adults.py", "--output", "x.feather", "--population", "20000");
        assertEquals(0, feather.exit(), feather.err());
        byte[] bytes = Files.readAllBytes(study.resolve("x.feather"));
        assertEquals("ARROW1", new String(bytes, 0, 6, StandardCharsets.US_ASCII), "an Arrow IPC file (Feather v2)");
        try (var allocator = new org.apache.arrow.memory.RootAllocator();
             var reader = new org.apache.arrow.vector.ipc.ArrowFileReader(
                     new org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel(bytes), allocator)) {
            assertEquals(List.of("died", "patient_id"), reader.getVectorSchemaRoot().getSchema().getFields().stream()
                    .map(org.apache.arrow.vector.types.pojo.Field::getName).toList());
            long rows = 0;
            long died = 0;
            while (reader.loadNextBatch()) {
                var root = reader.getVectorSchemaRoot();
                rows += root.getRowCount();
                for (int i = 0; i < root.getRowCount(); i++) if (Boolean.TRUE.equals(root.getVector("died").getObject(i))) died++;
            }
            assertEquals(20000, rows);
            assertEquals(10000, died, "incidence 0.5, exactly");
        }
    }

    @Test
    void theDefaultSeedIsFixedSoRerunsWriteTheSameBytes() throws Exception {
        for (String name : List.of("a.csv", "a.csv.gz", "a.feather")) {
            assertEquals(0, run("analysis/study_definition_adults.py", "--output", name).exit());
            byte[] first = Files.readAllBytes(study.resolve(name));
            assertEquals(0, run("analysis/study_definition_adults.py", "--output", name).exit());
            assertTrue(java.util.Arrays.equals(first, Files.readAllBytes(study.resolve(name))), name);
        }
    }

    @Test
    void messagesSayWhatIsWrongWithTheDefinition() throws Exception {
        Result missing = run("/nope.py");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("cannot read /nope.py: no such file"), missing.err());

        Files.writeString(study.resolve("analysis/measures.py"), "from ehrql import create_measures\nmeasures = create_measures()\n");
        Result measures = run("analysis/measures.py");
        assertEquals(1, measures.exit()); // measures get data now (EhrqlDummyDataCommandTest); this one defines none
        assertTrue(measures.err().contains("no measure is defined"), measures.err());

        Files.write(study.resolve("analysis/blob.py"), new byte[] {1, 0, 2, 0});
        Result binary = run("analysis/blob.py");
        assertEquals(2, binary.exit());
        assertTrue(binary.err().contains("binary") && !binary.err().contains("generate-dataset"), binary.err());

        Files.writeString(study.resolve("analysis/model.py"), "import pandas\n");
        Result script = run("analysis/model.py");
        assertEquals(2, script.exit());
        assertTrue(script.err().contains("not a cohort-extractor study definition") && !script.err().contains("ehrql"), script.err());
    }

    @Test
    void aPopulationBeyondTheBoundIsRefusedUpFront() {
        // Streaming made the old "does not fit in memory" refusal unnecessary; only disk and time bound it now.
        Result r = run("analysis/study_definition_adults.py", "--population", "2000000000", "--output", "-");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--population must be at most 100,000,000"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void outputNeverReplacesALink() throws Exception {
        Path elsewhere = Files.writeString(study.resolve("elsewhere.csv"), "keep");
        Files.createSymbolicLink(study.resolve("link.csv"), elsewhere);
        Result r = run("analysis/study_definition_adults.py", "--output", "link.csv");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("symbolic link"), r.err());
        assertTrue(Files.isSymbolicLink(study.resolve("link.csv")));
        assertEquals("keep", Files.readString(elsewhere));
    }
}

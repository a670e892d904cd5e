package opensafely.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `dummy-data` with the user's own data: an ehrQL dummy data file (--dummy-data-file), dummy tables
 * (--dummy-tables), either named in the project.yaml action's run line, and a cohort-extractor dummy_data_file.
 */
class DummyDataInputsCommandTest {
    @TempDir
    Path study;
    @TempDir
    Path elsewhere;

    static final String DEFINITION = """
            from ehrql import create_dataset
            from ehrql.tables.core import patients, clinical_events
            dataset = create_dataset()
            dataset.define_population(patients.age_on("2024-01-01") >= 18)
            dataset.sex = patients.sex
            dataset.age = patients.age_on("2024-01-01")
            dataset.has_event = clinical_events.where(clinical_events.snomedct_code.is_in(["123456"])).exists_for_patient()
            dataset.first_date = clinical_events.sort_by(clinical_events.date).first_for_patient().date
            dataset.n = clinical_events.count_for_patient()
            """;

    private DummyDataRun run(String... args) {
        return DummyDataRun.in(study, args);
    }

    private void ehrqlStudy(String runLineExtra) throws Exception {
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("project.yaml"), "version: '4.0'\nactions:\n  gen:\n    run: ehrql:v1 generate-dataset analysis/dd.py --output output/x.csv.gz"
                + runLineExtra + "\n    outputs:\n      highly_sensitive:\n        dataset: output/x.csv.gz\n");
        Files.writeString(study.resolve("analysis/dd.py"), DEFINITION);
    }

    private static String gunzip(Path p) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void gzip(Path p, String text) throws Exception {
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aValidDummyDataFileIsWrittenInTheDefinitionsColumnOrderAndTheOutputsFormat() throws Exception {
        ehrqlStudy("");
        // Columns in another order, and one the definition does not make (ehrQL ignores it).
        gzip(study.resolve("analysis/dummy.csv.gz"), "extra,n,patient_id,sex,age,has_event,first_date\nz,3,1,male,40,T,2020-01-02\nz,0,2,female,,F,\n");
        DummyDataRun r = run("analysis/dd.py", "--dummy-data-file", "analysis/dummy.csv.gz", "--output", "out/d.arrow");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("note: analysis/dummy.csv.gz: column 'extra' is not made by the definition"), r.err());
        assertTrue(r.err().contains("Wrote 2 patients from analysis/dummy.csv.gz to "), r.err());
        byte[] arrow = Files.readAllBytes(study.resolve("out/d.arrow"));
        assertEquals("ARROW1", new String(arrow, 0, 6, StandardCharsets.US_ASCII));
        // Read back through the same check: .arrow in, .csv out.
        Files.write(study.resolve("analysis/d.arrow"), arrow);
        DummyDataRun back = run("analysis/dd.py", "--dummy-data-file", "analysis/d.arrow", "--output", "out/d.csv");
        assertEquals(0, back.exit(), back.err());
        assertEquals(List.of("patient_id,sex,age,has_event,first_date,n", "1,male,40,T,2020-01-02,3", "2,female,,F,,0"),
                Files.readAllLines(study.resolve("out/d.csv")));
    }

    @Test
    void eachKindOfMismatchIsOneLineNamingTheColumnAndNothingIsWritten() throws Exception {
        ehrqlStudy("");
        Files.writeString(study.resolve("analysis/missing.csv"), "patient_id,sex,age,has_event,first_date\n1,male,40,T,2020-01-02\n");
        DummyDataRun missing = run("analysis/dd.py", "--dummy-data-file", "analysis/missing.csv", "--output", "out/d.csv");
        assertEquals(1, missing.exit(), missing.err());
        assertTrue(missing.err().contains("  analysis/missing.csv: column 'n' is missing"), missing.err());

        Files.writeString(study.resolve("analysis/bad.csv"), "patient_id,sex,age,has_event,first_date,n\n1,mal,4.5,True,2020-13-01,1\n,female,3,F,,2\n");
        DummyDataRun bad = run("analysis/dd.py", "--dummy-data-file", "analysis/bad.csv", "--output", "out/d.csv");
        assertEquals(1, bad.exit(), bad.err());
        List<String> lines = bad.err().lines().toList();
        assertEquals("No dummy data for analysis/dd.py:", lines.get(0));
        assertEquals(List.of(
                "  analysis/bad.csv: column 'sex', row 1: 'mal' is not one of its categories (female, male, intersex, unknown)",
                "  analysis/bad.csv: column 'age', row 1: '4.5' is not a whole number",
                "  analysis/bad.csv: column 'has_event', row 1: 'True' is not a boolean: ehrQL writes T or F",
                "  analysis/bad.csv: column 'first_date', row 1: '2020-13-01' is not a date (YYYY-MM-DD)",
                "  analysis/bad.csv: column 'patient_id', row 2: it is empty, and this column is never missing"), lines.subList(1, lines.size()));
        assertFalse(Files.exists(study.resolve("out/d.csv")));
    }

    @Test
    void aColumnWhoseTypeTheModelDoesNotKnowIsNotChecked() throws Exception {
        ehrqlStudy("");
        Files.writeString(study.resolve("analysis/dd.py"), DEFINITION + "dataset.v = helper(patients)\n");
        Files.writeString(study.resolve("analysis/dummy.csv"), "patient_id,sex,age,has_event,first_date,n,v\n1,male,40,T,2020-01-02,3,anything at all\n");
        DummyDataRun r = run("analysis/dd.py", "--dummy-data-file", "analysis/dummy.csv", "--output", "out/d.csv");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("patient_id,sex,age,has_event,first_date,n,v", "1,male,40,T,2020-01-02,3,anything at all"), Files.readAllLines(study.resolve("out/d.csv")));
    }

    @Test
    void dummyTablesInAFolderLinkedFromOutsideAreRefused() throws Exception {
        ehrqlStudy("");
        Files.writeString(elsewhere.resolve("patients.csv"), "patient_id,date_of_birth,sex,date_of_death\n1,1950-05-01,female,\n");
        try {
            Files.createSymbolicLink(study.resolve("tables"), elsewhere);
        } catch (UnsupportedOperationException | java.io.IOException e) {
            Assumptions.abort("no symbolic links here");
        }
        DummyDataRun r = run("analysis/dd.py", "--dummy-tables", "tables", "--output", "out/t.csv");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("--dummy-tables tables: it leads out of the study folder"), r.err());
        assertFalse(Files.exists(study.resolve("out/t.csv")));
    }

    @Test
    void theActionsRunLineIsHonoured() throws Exception {
        ehrqlStudy(" --dummy-data-file analysis/dummy.csv");
        Files.writeString(study.resolve("analysis/dummy.csv"), "patient_id,sex,age,has_event,first_date,n\n7,female,50,F,,0\n");
        DummyDataRun r = run("analysis/dd.py");
        assertEquals(0, r.exit(), r.err());
        assertEquals("patient_id,sex,age,has_event,first_date,n\r\n7,female,50,F,,0\r\n", gunzip(study.resolve("output/x.csv.gz")));
    }

    @Test
    void aLinkOutOfTheStudyIsRefused() throws Exception {
        ehrqlStudy("");
        Path outside = elsewhere.resolve("secret.csv");
        Files.writeString(outside, "patient_id,sex,age,has_event,first_date,n\n1,male,40,T,2020-01-02,3\n");
        try {
            Files.createSymbolicLink(study.resolve("analysis/link.csv"), outside);
        } catch (UnsupportedOperationException | java.io.IOException e) {
            Assumptions.abort("no symbolic links here");
        }
        DummyDataRun r = run("analysis/dd.py", "--dummy-data-file", "analysis/link.csv", "--output", "out/d.csv");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("analysis/link.csv: it lies outside the study folder"), r.err());
        assertFalse(r.err().contains("2020-01-02"), "nothing of the file is shown");
        assertFalse(Files.exists(study.resolve("out/d.csv")));
    }

    @Test
    void dummyTablesAreEvaluatedToTheDatasetOfThePatientsInThePopulation() throws Exception {
        ehrqlStudy("");
        Files.createDirectories(study.resolve("tables"));
        // Not sorted by patient, as ehrQL's files need not be.
        Files.writeString(study.resolve("tables/patients.csv"), "patient_id,date_of_birth,sex,date_of_death\n3,2010-01-01,male,\n1,1950-05-01,female,\n2,1980-01-01,male,2020-01-01\n");
        Files.writeString(study.resolve("tables/clinical_events.csv"), "patient_id,date,snomedct_code,numeric_value\n2,2019-01-01,999,\n1,2021-03-01,123456,\n1,2020-03-01,111,\n3,2022-01-01,123456,\n");
        DummyDataRun r = run("analysis/dd.py", "--dummy-tables", "tables", "--output", "out/t.csv");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("patient_id,sex,age,has_event,first_date,n", "1,female,73,T,2020-03-01,2", "2,male,44,F,2019-01-01,1"),
                Files.readAllLines(study.resolve("out/t.csv")), "patient 3 is 13: not in the population");
    }

    @Test
    void dummyTablesWithAColumnTheCompilerCannotEvaluateExitOneNamingIt() throws Exception {
        ehrqlStudy("");
        Files.writeString(study.resolve("analysis/dd.py"), DEFINITION + "dataset.v = helper(patients)\n");
        Files.createDirectories(study.resolve("tables"));
        Files.writeString(study.resolve("tables/patients.csv"), "patient_id,date_of_birth,sex,date_of_death\n1,1950-05-01,female,\n");
        Files.writeString(study.resolve("tables/clinical_events.csv"), "patient_id,date,snomedct_code,numeric_value\n");
        DummyDataRun r = run("analysis/dd.py", "--dummy-tables", "tables", "--output", "out/t.csv");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("column 'v'") && r.err().contains("cannot be evaluated by this tool over dummy tables"), r.err());
        assertFalse(Files.exists(study.resolve("out/t.csv")));

        Files.writeString(study.resolve("analysis/dd.py"), DEFINITION);
        Files.delete(study.resolve("tables/clinical_events.csv"));
        DummyDataRun missing = run("analysis/dd.py", "--dummy-tables", "tables", "--output", "out/t.csv");
        assertEquals(1, missing.exit(), missing.err());
        assertTrue(missing.err().contains("tables/clinical_events.csv: no such file"), missing.err());
    }

    @Test
    void aCohortExtractorActionsDummyDataFileIsCheckedThenCopied() throws Exception {
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("analysis/study_definition.py"), """
                from cohortextractor import StudyDefinition, patients

                study = StudyDefinition(
                    default_expectations={"date": {"earliest": "1900-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},
                    population=patients.all(),
                    age=patients.age_as_of("2020-01-01", return_expectations={"int": {"distribution": "population_ages"}, "incidence": 1}),
                    sex=patients.sex(return_expectations={"category": {"ratios": {"M": 0.5, "F": 0.5}}, "incidence": 1}),
                )
                """);
        Files.writeString(study.resolve("project.yaml"), "version: '3.0'\nexpectations:\n  population_size: 100\nactions:\n  generate_study_population:\n"
                + "    run: cohortextractor:latest generate_cohort --study-definition study_definition\n    dummy_data_file: analysis/dummy.csv\n"
                + "    outputs:\n      highly_sensitive:\n        cohort: output/input.csv\n");
        Files.writeString(study.resolve("analysis/dummy.csv"), "patient_id,age,sex,bmi\n1,40,M,1\n");
        DummyDataRun extra = run("analysis/study_definition.py");
        assertEquals(1, extra.exit(), extra.err());
        assertTrue(extra.err().contains("  analysis/dummy.csv: column 'bmi' is not a column of the study definition; remove it"), extra.err());
        Files.writeString(study.resolve("analysis/dummy.csv"), "patient_id,age,sex\n1,40,M\n2,x,F\n");
        DummyDataRun value = run("analysis/study_definition.py");
        assertEquals(1, value.exit(), value.err());
        assertTrue(value.err().contains("  analysis/dummy.csv: column 'age', row 3: `x` is not a whole number"), value.err());
        assertFalse(Files.exists(study.resolve("output/input.csv")));
        String good = "patient_id,age,sex\n1,40,M\n2,3,F\n";
        Files.writeString(study.resolve("analysis/dummy.csv"), good);
        DummyDataRun ok = run("analysis/study_definition.py");
        assertEquals(0, ok.exit(), ok.err());
        assertEquals(good, Files.readString(study.resolve("output/input.csv")), "copied byte for byte, as cohort-extractor copies it");
    }
}

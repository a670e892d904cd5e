package opensafely.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import opensafely.lsp.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `dummy-data analysis/dataset_definition.py` in an ehrQL study: the file it writes, where, and its exit codes. */
class EhrqlDummyDataCommandTest {
    @TempDir
    Path study;

    private DummyDataRun run(String... args) {
        return DummyDataRun.in(study, args);
    }

    private void copyCleanStudy() throws Exception {
        Path src = SharedData.repo().resolve("examples/clean-study");
        try (var files = Files.walk(src)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = study.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
    }

    private static String gunzip(Path p) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void arrowIsWrittenAsEhrqlWritesItAndOtherNamesAreRefused() throws Exception {
        copyCleanStudy();
        DummyDataRun arrow = run("analysis/dataset_definition.py", "--output", "output/dataset.arrow", "--population", "20000");
        assertEquals(0, arrow.exit(), arrow.err());
        byte[] bytes = Files.readAllBytes(study.resolve("output/dataset.arrow"));
        assertEquals("ARROW1", new String(bytes, 0, 6, StandardCharsets.US_ASCII), "an Arrow IPC file");
        try (var allocator = new org.apache.arrow.memory.RootAllocator();
             var reader = new org.apache.arrow.vector.ipc.ArrowFileReader(
                     new org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel(bytes), allocator)) {
            var fields = reader.getVectorSchemaRoot().getSchema().getFields();
            assertEquals(java.util.List.of("patient_id", "age", "age_band", "sex", "has_asthma", "first_asthma_date", "asthma_events_last_year"),
                    fields.stream().map(org.apache.arrow.vector.types.pojo.Field::getName).toList());
            assertEquals(org.apache.arrow.vector.types.pojo.ArrowType.ArrowTypeID.Int, fields.get(0).getType().getTypeID());
            assertEquals(org.apache.arrow.vector.types.pojo.ArrowType.ArrowTypeID.Bool, fields.get(4).getType().getTypeID());
            assertEquals(org.apache.arrow.vector.types.pojo.ArrowType.ArrowTypeID.Date, fields.get(5).getType().getTypeID());
            long rows = 0;
            while (reader.loadNextBatch()) rows += reader.getVectorSchemaRoot().getRowCount();
            assertEquals(20000, rows, "exactly --population rows, over several batches");
        }

        DummyDataRun feather = run("analysis/dataset_definition.py", "--output", "x.feather");
        assertEquals(2, feather.exit(), "cohort-extractor's format, not ehrQL's");
        assertTrue(feather.err().contains(".csv, .csv.gz or .arrow"), feather.err());
        assertFalse(Files.exists(study.resolve("x.feather")));
    }

    @Test
    void theCleanStudyGetsItsDatasetWhereItsGenerateDatasetActionWritesIt() throws Exception {
        copyCleanStudy();
        DummyDataRun r = run("analysis/dataset_definition.py");
        assertEquals(0, r.exit(), r.err());
        Path written = study.resolve("output/dataset.csv.gz"); // project.yaml: generate-dataset ... --output output/dataset.csv.gz
        String csv = gunzip(written);
        String[] lines = csv.split("\r\n");
        assertEquals("patient_id,age,age_band,sex,has_asthma,first_asthma_date,asthma_events_last_year", lines[0]);
        assertEquals(1001, lines.length, "configure_dummy_data(population_size=1000)");
        assertTrue(r.err().startsWith("Wrote 1000 dummy patients to "), r.err());
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            int age = Integer.parseInt(f[1]);
            assertTrue(age >= 18 && age < 110, lines[i]);
            assertEquals(age < 40 ? "18-39" : age < 65 ? "40-64" : "65+", f[2], lines[i]);
            assertTrue(f[4].equals("T") || f[4].equals("F"), lines[i]);
            assertEquals(f[4].equals("T"), !f[5].isEmpty(), lines[i]);
            assertFalse(!f[5].isEmpty() && f[5].compareTo("2024-04-01") > 0, lines[i]);
        }
        // The default seed is fixed: a rerun writes the same bytes.
        assertEquals(0, run("analysis/dataset_definition.py").exit());
        assertEquals(csv, gunzip(written));
    }

    @Test
    void populationOutputAndSeedOptions() throws Exception {
        copyCleanStudy();
        DummyDataRun out = run("analysis/dataset_definition.py", "--population", "5", "--seed", "3", "--output", "-");
        assertEquals(0, out.exit(), out.err());
        assertEquals(6, out.out().split("\r\n").length);
        DummyDataRun csv = run("analysis/dataset_definition.py", "--population", "7", "--output", "out/d.csv");
        assertEquals(0, csv.exit(), csv.err());
        assertEquals(8, Files.readAllLines(study.resolve("out/d.csv")).size());
        assertFalse(out.out().equals(run("analysis/dataset_definition.py", "--population", "5", "--seed", "4", "--output", "-").out()));
    }

    @Test
    void withoutAnActionTheDatasetGoesToOutputDatasetCsvGz() throws Exception {
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("project.yaml"), "version: '4.0'\nactions: {}\n");
        Files.writeString(study.resolve("analysis/dataset_definition.py"), """
                from ehrql import create_dataset
                from ehrql.tables.core import patients
                dataset = create_dataset()
                dataset.define_population(patients.exists_for_patient())
                dataset.sex = patients.sex
                """);
        DummyDataRun r = run("analysis/dataset_definition.py");
        assertEquals(0, r.exit(), r.err());
        String[] lines = gunzip(study.resolve("output/dataset.csv.gz")).split("\r\n");
        assertEquals("patient_id,sex", lines[0]);
        assertEquals(11, lines.length, "ehrQL's default population_size is 10");
    }

    @Test
    void anUnsatisfiablePopulationExitsOneNamingThePart() throws Exception {
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("project.yaml"), "version: '4.0'\nactions: {}\n");
        Files.writeString(study.resolve("analysis/dataset_definition.py"), """
                from ehrql import create_dataset
                from ehrql.tables.core import patients
                dataset = create_dataset()
                dataset.define_population(patients.exists_for_patient() & (patients.age_on("2020-01-01") > 120) & (patients.age_on("2020-01-01") < 5))
                """);
        DummyDataRun r = run("analysis/dataset_definition.py");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("cannot be satisfied") && r.err().contains("`patients.age_on(\"2020-01-01\") > 120`"), r.err());
        assertFalse(Files.exists(study.resolve("output/dataset.csv.gz")));
    }

    @Test
    void theCleanStudysMeasuresGetOneRowPerMeasureIntervalAndGroup() throws Exception {
        copyCleanStudy();
        DummyDataRun r = run("analysis/measure_definitions.py");
        assertEquals(0, r.exit(), r.err());
        // project.yaml: generate-measures analysis/measure_definitions.py --output output/measures.csv
        var lines = Files.readAllLines(study.resolve("output/measures.csv"));
        assertEquals("measure,interval_start,interval_end,ratio,numerator,denominator,sex", lines.get(0));
        assertEquals(1 + 12 * 4, lines.size(), "12 months x 4 values of sex");
        assertEquals("asthma_recorded,2023-04-01,2023-04-30", lines.get(1).substring(0, lines.get(1).indexOf(",", 36)));
        assertTrue(lines.get(lines.size() - 1).startsWith("asthma_recorded,2024-03-01,2024-03-31,"), lines.get(lines.size() - 1));
        java.util.Set<String> groups = new java.util.HashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            long num = Long.parseLong(f[4]), den = Long.parseLong(f[5]);
            assertTrue(num <= den, line);
            // ehrQL's disclosure control, which it applies to dummy measures too: 7 or fewer is 0, the rest rounded to 5.
            assertTrue(num % 5 == 0 && den % 5 == 0, line);
            if (den > 0) assertEquals((double) num / den, Double.parseDouble(f[3]), 1e-12, line);
            else assertEquals("", f[3], line);
            groups.add(f[1] + f[6]);
        }
        assertEquals(48, groups.size(), "each interval has each group once");
    }

    @Test
    void measuresWithDisclosureControlTurnedOffKeepTheirCounts() throws Exception {
        copyCleanStudy();
        Path def = study.resolve("analysis/measure_definitions.py");
        Files.writeString(def, Files.readString(def) + "\nmeasures.configure_disclosure_control(enabled=False)\n");
        DummyDataRun r = run("analysis/measure_definitions.py");
        assertEquals(0, r.exit(), r.err());
        var lines = Files.readAllLines(study.resolve("output/measures.csv"));
        assertTrue(lines.subList(1, lines.size()).stream().anyMatch(l -> Long.parseLong(l.split(",", -1)[5]) % 5 != 0),
                "without disclosure control the counts are as drawn");
    }
}

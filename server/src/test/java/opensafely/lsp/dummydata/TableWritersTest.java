package opensafely.lsp.dummydata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.zip.GZIPInputStream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writers: what a reader of each file sees. */
class TableWritersTest {
    @TempDir
    Path dir;

    private static final List<ColumnSpec> COLUMNS = List.of(
            new ColumnSpec("patient_id", ColumnType.INTEGER, p -> p.index() + 1).withNullable(false),
            new ColumnSpec("flag", ColumnType.BOOLEAN, p -> p.index() % 3 == 0 ? null : p.index() % 3 == 1),
            new ColumnSpec("n", ColumnType.INTEGER, p -> p.index() % 5 == 0 ? null : (long) p.random().nextInt(-100, 100)),
            new ColumnSpec("x", ColumnType.FLOAT, p -> p.index() % 7 == 0 ? null : p.random().nextGaussian()),
            new ColumnSpec("d", ColumnType.DATE, p -> p.index() % 4 == 0 ? null : LocalDate.of(2020, 1, 1).plusDays(p.random().nextInt(700))),
            new ColumnSpec("sex", ColumnType.STRING, p -> p.index() % 6 == 0 ? null : p.random().nextBoolean() ? "female" : "male")
                    .withCategories(List.of("female", "male")),
            new ColumnSpec("note", ColumnType.STRING, p -> "ü,\"" + p.index()));

    private static byte[] bytes(TableSpec spec, OutputFormat f, OutputFormat.Language l) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TableFile.write(out, spec, f, l, () -> false, n -> { });
        return out.toByteArray();
    }

    @Test
    void csvFieldsAreSpelledAsEachToolSpellsThem() throws Exception {
        List<ColumnSpec> cols = List.of(
                new ColumnSpec("b", ColumnType.BOOLEAN, p -> p.index() == 0),
                new ColumnSpec("d", ColumnType.DATE, p -> LocalDate.of(2021, 3, 9)),
                new ColumnSpec("m", ColumnType.DATE, p -> LocalDate.of(2021, 3, 9)).withDateFormat("YYYY-MM"),
                new ColumnSpec("y", ColumnType.DATE, p -> LocalDate.of(2021, 3, 9)).withDateFormat("YYYY"),
                new ColumnSpec("s", ColumnType.STRING, p -> p.index() == 0 ? "a\nb" : null));
        TableSpec spec = new TableSpec(cols, 2, 1);
        assertEquals("b,d,m,y,s\r\nT,2021-03-09,2021-03,2021,\"a\nb\"\r\nF,2021-03-09,2021-03,2021,\r\n",
                new String(bytes(spec, OutputFormat.CSV, OutputFormat.Language.EHRQL), StandardCharsets.UTF_8));
        assertEquals("b,d,m,y,s\n1,2021-03-09,2021-03,2021,\"a\nb\"\n0,2021-03-09,2021-03,2021,\n",
                new String(bytes(spec, OutputFormat.CSV, OutputFormat.Language.COHORT_EXTRACTOR), StandardCharsets.UTF_8));
    }

    @Test
    void floatsAreWrittenAsPythonsRepr() {
        assertEquals("10000000.0", CsvTableWriter.decimal(1e7));
        assertEquals("0.0001", CsvTableWriter.decimal(1e-4));
        assertEquals("1e-05", CsvTableWriter.decimal(1e-5));
        assertEquals("1.5e+16", CsvTableWriter.decimal(1.5e16));
        assertEquals("-2.5", CsvTableWriter.decimal(-2.5));
        assertEquals("0.1", CsvTableWriter.decimal(0.1));
        assertEquals("0.0", CsvTableWriter.decimal(0.0));
        assertEquals("123456789012345.0", CsvTableWriter.decimal(123456789012345.0));
    }

    @Test
    void gzipHoldsTheSameCsv() throws Exception {
        TableSpec spec = new TableSpec(COLUMNS, 3000, 5);
        for (OutputFormat.Language l : OutputFormat.Language.values()) {
            byte[] gz = bytes(spec, OutputFormat.CSV_GZ, l);
            assertEquals(0x1f, gz[0] & 0xff);
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
                assertArrayEquals(bytes(spec, OutputFormat.CSV, l), in.readAllBytes());
            }
        }
    }

    @Test
    void arrowReadsBackWithItsTypesAndValues() throws Exception {
        int rows = ArrowTableWriter.BATCH * 2 + 17; // several record batches and a short last one
        TableSpec spec = new TableSpec(COLUMNS, rows, 9);
        byte[] arrow = bytes(spec, OutputFormat.ARROW, OutputFormat.Language.EHRQL);
        String[] csv = new String(bytes(spec, OutputFormat.CSV, OutputFormat.Language.EHRQL), StandardCharsets.UTF_8).split("\r\n");
        try (RootAllocator allocator = new RootAllocator();
             ArrowFileReader reader = new ArrowFileReader(new ByteArrayReadableSeekableByteChannel(arrow), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            List<Field> fields = root.getSchema().getFields();
            assertEquals(List.of("patient_id", "flag", "n", "x", "d", "sex", "note"), fields.stream().map(Field::getName).toList());
            assertEquals(new ArrowType.Int(64, true), fields.get(0).getType());
            assertFalse(fields.get(0).isNullable());
            assertEquals(ArrowType.Bool.INSTANCE, fields.get(1).getType());
            assertEquals(new ArrowType.Int(64, true), fields.get(2).getType());
            assertEquals(new ArrowType.FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE), fields.get(3).getType());
            assertEquals(new ArrowType.Date(org.apache.arrow.vector.types.DateUnit.DAY), fields.get(4).getType());
            assertEquals(new ArrowType.Int(8, true), fields.get(5).getDictionary().getIndexType());
            assertTrue(fields.get(5).getDictionary().isOrdered());
            assertEquals(ArrowType.Utf8.INSTANCE, fields.get(6).getType());
            Dictionary sexes = reader.getDictionaryVectors().get(fields.get(5).getDictionary().getId());
            int line = 1;
            int batches = 0;
            while (reader.loadNextBatch()) {
                batches++;
                try (var decoded = DictionaryEncoder.decode(root.getVector("sex"), sexes)) {
                    for (int i = 0; i < root.getRowCount(); i++, line++) {
                        String[] f = csv[line].split(",", 7);
                        assertEquals(Long.parseLong(f[0]), root.getVector("patient_id").getObject(i));
                        assertEquals(f[1].isEmpty() ? null : f[1].equals("T"), root.getVector("flag").getObject(i));
                        assertEquals(f[2].isEmpty() ? null : Long.parseLong(f[2]), root.getVector("n").getObject(i));
                        assertEquals(f[3].isEmpty() ? null : Double.parseDouble(f[3]), root.getVector("x").getObject(i));
                        Object d = root.getVector("d").getObject(i);
                        assertEquals(f[4], d == null ? "" : LocalDate.ofEpochDay((Integer) d).toString());
                        Object s = decoded.getObject(i);
                        assertEquals(f[5], s == null ? "" : s.toString());
                        assertEquals(f[6].replace("\"\"", "\"").replaceAll("^\"|\"$", ""), root.getVector("note").getObject(i).toString());
                    }
                }
            }
            assertEquals(rows + 1, line);
            assertEquals(3, batches);
        }
    }

    @Test
    void featherIsArrowWithPandasDatesAndCategoricals() throws Exception {
        byte[] feather = bytes(new TableSpec(COLUMNS, 10, 1), OutputFormat.FEATHER, OutputFormat.Language.COHORT_EXTRACTOR);
        try (RootAllocator allocator = new RootAllocator();
             ArrowFileReader reader = new ArrowFileReader(new ByteArrayReadableSeekableByteChannel(feather), allocator)) {
            List<Field> fields = reader.getVectorSchemaRoot().getSchema().getFields();
            assertEquals(new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.NANOSECOND, null), fields.get(4).getType());
            assertFalse(fields.get(5).getDictionary().isOrdered());
            assertTrue(reader.loadNextBatch());
            Object ts = reader.getVectorSchemaRoot().getVector("d").getObject(1);
            assertEquals(0, ((java.time.LocalDateTime) ts).toLocalTime().toSecondOfDay());
        }
    }

    @Test
    void theSameSeedGivesTheSameBytesInEveryFormat() throws Exception {
        for (OutputFormat.Language l : OutputFormat.Language.values()) {
            for (OutputFormat f : l.formats()) {
                assertArrayEquals(bytes(new TableSpec(COLUMNS, 5000, 3), f, l), bytes(new TableSpec(COLUMNS, 5000, 3), f, l), f + " " + l);
                assertFalse(java.util.Arrays.equals(bytes(new TableSpec(COLUMNS, 50, 3), f, l), bytes(new TableSpec(COLUMNS, 50, 4), f, l)));
            }
        }
    }

    @Test
    void formatsAreChosenByTheNameAndOthersAreNamedInTheRefusal() {
        assertEquals(Optional.of(OutputFormat.CSV_GZ), OutputFormat.of("out/dataset.csv.gz", OutputFormat.Language.EHRQL));
        assertEquals(Optional.of(OutputFormat.ARROW), OutputFormat.of("dataset.arrow", OutputFormat.Language.EHRQL));
        assertEquals(Optional.empty(), OutputFormat.of("dataset.feather", OutputFormat.Language.EHRQL));
        assertEquals(Optional.of(OutputFormat.FEATHER), OutputFormat.of("input.feather", OutputFormat.Language.COHORT_EXTRACTOR));
        assertEquals(Optional.empty(), OutputFormat.of("input.dta", OutputFormat.Language.COHORT_EXTRACTOR));
        assertEquals("x.parquet: dummy data is written as .csv, .csv.gz or .feather (chosen by the file name's ending)",
                OutputFormat.unsupported("x.parquet", OutputFormat.Language.COHORT_EXTRACTOR));
    }

    @Test
    void aCancelledWriteLeavesNoFileBehind() throws Exception {
        Path target = dir.resolve("big.arrow");
        assertThrows(CancellationException.class, () -> TableFile.write(target, new TableSpec(COLUMNS, 100_000, 1),
                OutputFormat.ARROW, OutputFormat.Language.EHRQL, () -> true, n -> { }));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
        TableFile.write(target, new TableSpec(COLUMNS, 10, 1), OutputFormat.ARROW, OutputFormat.Language.EHRQL, () -> false, n -> { });
        assertTrue(Files.size(target) > 0);
    }

    @Test
    void aValueOutsideTheCategoriesIsAnErrorNotAWrongFile() {
        List<ColumnSpec> cols = List.of(new ColumnSpec("s", ColumnType.STRING, p -> "other").withCategories(List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> bytes(new TableSpec(cols, 1, 1), OutputFormat.ARROW, OutputFormat.Language.EHRQL));
        assertNull(null);
    }
}

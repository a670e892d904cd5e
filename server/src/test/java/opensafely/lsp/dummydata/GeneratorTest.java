package opensafely.lsp.dummydata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class GeneratorTest {
    private static final List<ColumnSpec> COLUMNS = List.of(
            new ColumnSpec("patient_id", ColumnType.INTEGER, p -> p.index() + 1),
            new ColumnSpec("dob", ColumnType.DATE, p -> p.shared("dob", q -> LocalDate.of(1920, 1, 1).plusDays(q.random().nextInt(30000)))),
            new ColumnSpec("age_2020", ColumnType.INTEGER, p -> (long) p.<LocalDate>shared("dob", q -> null).until(LocalDate.of(2020, 1, 1)).getYears()),
            new ColumnSpec("flag", ColumnType.BOOLEAN, p -> p.random().nextBoolean() ? Boolean.TRUE : null),
            new ColumnSpec("note", ColumnType.STRING, p -> "a,\"b\""),
            new ColumnSpec("x", ColumnType.FLOAT, p -> 1e7));

    private static String csv(TableSpec spec) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CsvTableWriter w = new CsvTableWriter(bytes)) {
            Generator.write(spec, w, () -> false, n -> { });
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rowsAreExactSharedDrawsAgreeAndFieldsAreSpelledAsEhrqlDoes() throws Exception {
        String[] lines = csv(new TableSpec(COLUMNS, 5000, 1)).split("\r\n");
        assertEquals(5001, lines.length);
        assertEquals("patient_id,dob,age_2020,flag,note,x", lines[0]);
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", 3);
            assertEquals(String.valueOf(i), f[0]);
            int age = LocalDate.parse(f[1]).until(LocalDate.of(2020, 1, 1)).getYears();
            assertEquals(String.valueOf(age), f[2].substring(0, f[2].indexOf(',')), lines[i]);
            assertEquals(true, lines[i].endsWith(",\"a,\"\"b\"\"\",10000000.0"), lines[i]);
        }
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedDoesNot() throws Exception {
        assertEquals(csv(new TableSpec(COLUMNS, 300, 7)), csv(new TableSpec(COLUMNS, 300, 7)));
        assertEquals(false, csv(new TableSpec(COLUMNS, 300, 7)).equals(csv(new TableSpec(COLUMNS, 300, 8))));
    }

    @Test
    void cancellationStopsBetweenBatches() {
        TableSpec big = new TableSpec(COLUMNS, 1_000_000, 1);
        assertThrows(CancellationException.class, () -> Generator.write(big, new CsvTableWriter(new ByteArrayOutputStream()), () -> true, n -> { }));
    }
}

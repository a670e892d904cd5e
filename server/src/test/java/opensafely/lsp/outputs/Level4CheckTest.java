package opensafely.lsp.outputs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** job-runner's reasons for leaving a moderately_sensitive file out of Level 4, in its order and its words. */
class Level4CheckTest {
    @TempDir
    Path tmp;

    @Test
    void sizeFirstInJobRunnersWords() throws IOException {
        Path big = tmp.resolve("big.rds"); // too large and of the wrong type: size is said first, alone
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(17L << 20);
        }
        assertEquals(Optional.of("File size of 17.0Mb is larger that limit of 16.0Mb."), Level4Check.excludedBecause(big));
    }

    @Test
    void typeAsPathSuffixSeesIt() throws IOException {
        assertEquals(Optional.of("File type of .gz is not valid level 4 file"), Level4Check.excludedBecause(Files.writeString(tmp.resolve("t.csv.gz"), "x")));
        assertEquals(Optional.of("File type of .CSV is not valid level 4 file"), Level4Check.excludedBecause(Files.writeString(tmp.resolve("t.CSV"), "x")));
        assertEquals(Optional.of("File type of  is not valid level 4 file"), Level4Check.excludedBecause(Files.writeString(tmp.resolve(".csv"), "x")));
        assertEquals(Optional.empty(), Level4Check.excludedBecause(Files.writeString(tmp.resolve("notes.md"), "x")));
    }

    @Test
    void aCsvsPatientIdColumnAndRowCountAreBothSaid() throws IOException {
        Path csv = tmp.resolve("t.csv");
        try (Writer w = Files.newBufferedWriter(csv)) {
            w.write("patient_id,n\n");
            for (int i = 0; i < 6000; i++) w.write(i + ",\"1\n0\"\n\n"); // a quoted line break and a blank line: one record each
        }
        assertEquals(Optional.of("File has patient_id column,File row count (6000) exceeds maximum allowed rows (5000)"),
                Level4Check.excludedBecause(csv));
        assertEquals(Optional.empty(), Level4Check.excludedBecause(Files.writeString(tmp.resolve("ok.csv"), " patient_id,n\n1,2\n")),
                "job-runner compares the header exactly");
        assertEquals(Optional.empty(), Level4Check.excludedBecause(Files.writeString(tmp.resolve("empty.csv"), "")));
    }

    @Test
    void pythonPrintsMegabytesAsRoundToTwoPlaces() {
        assertEquals("16.0", Level4Check.pythonMb(16L << 20));
        assertEquals("16.5", Level4Check.pythonMb((33L << 20) / 2));
        assertEquals("0.0", Level4Check.pythonMb(1));
    }
}

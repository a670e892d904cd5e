package opensafely.lsp.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Parses every .py file under the folder named by {@code -Dpython.corpus=...} (e.g. study
 * repositories checked out outside this tree) and requires zero syntax errors. Skipped without it.
 */
class RealCorpusTest {

    @Test
    void everyRealFileParsesWithoutErrors() throws IOException {
        String dir = System.getProperty("python.corpus", "");
        assumeTrue(!dir.isBlank() && !dir.startsWith("${"), "set -Dpython.corpus=<folder> to run");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of(dir))) {
            files = walk.filter(p -> p.toString().endsWith(".py")).sorted().toList();
        }
        long lines = 0;
        long nanos = 0;
        List<String> failures = new ArrayList<>();
        for (Path file : files) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            lines += text.lines().count();
            long t0 = System.nanoTime();
            ParsedPython parsed = PythonSource.parse(text);
            nanos += System.nanoTime() - t0;
            for (SyntaxError e : parsed.errors()) {
                failures.add(file + ":" + e.line() + ":" + e.column() + ": " + e.message());
            }
        }
        System.out.printf("python corpus: %d files, %d lines, %d errors, %d ms%n",
            files.size(), lines, failures.size(), nanos / 1_000_000);
        failures.stream().limit(50).forEach(System.out::println);
        assertEquals(List.of(), failures);
    }
}

package opensafely.lsp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar on texts that used to hang or crawl: `check` must end, within a generous bound, with
 * its normal report and exit code, and never a stack trace.
 */
class BoundedCheckE2ETest {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private Run check(Path study) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("server.jar", "target/opensafely-lsp.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "server jar not built: " + jar);
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "check", "--format", "json"))
                .directory(study.toFile())
                .redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile())
                .start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly().waitFor();
        assertTrue(ended, "check did not end within 120 s");
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out.txt"), UTF_8), Files.readString(tmp.resolve("err.txt"), UTF_8));
    }

    private Path study(String projectYaml) throws IOException {
        Path study = Files.createDirectories(tmp.resolve("study"));
        Files.writeString(study.resolve("project.yaml"), projectYaml);
        return study;
    }

    /** The 4-line file of issue #9: it spun forever (60 s CPU, 800 MB) in snakeyaml's merge flattening. */
    @Test
    void aSelfMergingMappingEndsWithADiagnostic() throws Exception {
        Run r = check(study("version: '4.0'\nx: &x\n  <<: *x\nactions: {}\n"));
        assertEquals(1, r.exit(), r.err()); // `x` is also an unknown top-level key: an error
        assertTrue(r.out().contains("\"code\": \"yaml-recursive-alias\""), r.out());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    /** A 5 MB comment line cost 15 s and 800 MB (a quadratic copy in the YAML reader). */
    @Test
    void aFiveMegabyteCommentLineIsCheap() throws Exception {
        long start = System.nanoTime();
        Run r = check(study("version: '4.0'\n# " + "x".repeat(5_000_000) + "\nactions: {}\n"));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(seconds < 60, "took " + seconds + " s");
    }
}

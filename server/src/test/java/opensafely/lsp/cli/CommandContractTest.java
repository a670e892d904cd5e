package opensafely.lsp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static opensafely.lsp.cli.CheckFixtures.CLEAN;
import static opensafely.lsp.cli.CheckFixtures.DUPLICATE_KEY;
import static opensafely.lsp.cli.CheckFixtures.check;
import static opensafely.lsp.cli.CheckFixtures.study;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.cli.CheckFixtures.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every command promises whatever the input (CONTRACT.md): exit 2 with one line on stderr for bad
 * usage, unreadable input or an internal failure, never a stack trace; `--output` never replaces anything
 * but an ordinary file; `check` says when a file it was given is not one it reads.
 */
class CommandContractTest {
    @TempDir
    Path tmp;

    private static void assertOneLine(String err) {
        assertEquals(1, err.lines().count(), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception in thread"), err);
    }

    // --- crashes -----------------------------------------------------------------------------------

    /** 5,000 chained `+` recurse 5,000 levels deep in the parser and the evaluator: valid Python, checked fine. */
    @Test
    void aDeeplyNestedExpressionIsCheckedNotAStackOverflow() throws IOException {
        study(tmp, CLEAN);
        String sum = String.join(" + ", java.util.Collections.nCopies(5000, "1"));
        Files.writeString(tmp.resolve("analysis/study_definition.py"), """
                from cohortextractor import StudyDefinition, patients
                study = StudyDefinition(population=patients.all())
                x = %s
                """.formatted(sum));
        Result r = CheckFixtures.main("check", tmp.resolve("analysis/study_definition.py").toString());
        assertEquals("", r.err());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().endsWith("No problems found in 1 file\n"), r.out());
    }

    @Test
    void anInternalFailureIsOneLineAndExitCode2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Guard.run(() -> {
            throw new IllegalStateException("boom\nsecond line");
        }, new PrintStream(err, true, UTF_8), name -> null);
        assertEquals(2, exit);
        String line = err.toString(UTF_8);
        assertOneLine(line);
        assertTrue(line.contains("internal error (IllegalStateException: boom)") && line.contains(Guard.DEBUG_VARIABLE), line);

        ByteArrayOutputStream oom = new ByteArrayOutputStream();
        assertEquals(2, Guard.run(() -> {
            throw new OutOfMemoryError("Java heap space");
        }, new PrintStream(oom, true, UTF_8), name -> null));
        assertOneLine(oom.toString(UTF_8));
        assertTrue(oom.toString(UTF_8).contains("ran out of memory"), oom.toString(UTF_8));

        ByteArrayOutputStream debug = new ByteArrayOutputStream();
        Guard.run(() -> {
            throw new IllegalStateException("boom");
        }, new PrintStream(debug, true, UTF_8), name -> name.equals(Guard.DEBUG_VARIABLE) ? "1" : null);
        assertTrue(debug.toString(UTF_8).contains("\tat "), "the stack trace, when asked for");
    }

    // --- usage -------------------------------------------------------------------------------------

    @Test
    void usageErrorsAreOneClearLine() {
        Result unknown = CheckFixtures.main("frobnicate");
        assertEquals(2, unknown.exit());
        assertOneLine(unknown.err());
        assertTrue(unknown.err().contains("unknown command 'frobnicate'") && unknown.err().contains("check"), unknown.err());
        Result option = CheckFixtures.main("check", "--frobnicate");
        assertEquals(2, option.exit());
        assertOneLine(option.err());
        assertTrue(option.err().contains("unknown option '--frobnicate'"), option.err());
        Result format = CheckFixtures.main("check", "--format", "xml");
        assertEquals(2, format.exit());
        assertOneLine(format.err());
    }

    @Test
    void helpSaysThatNoCommandStartsTheServer() {
        Result help = CheckFixtures.main("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().replaceAll("\\s+", " ").contains("With no command, it runs the language server"), help.out());
    }

    @Test
    void aBusyPortIsOneLine() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Result r = CheckFixtures.main("lsp", "--port", String.valueOf(busy.getLocalPort()));
            assertEquals(2, r.exit());
            assertOneLine(r.err());
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + busy.getLocalPort()) && r.err().contains("in use"), r.err());
        }
    }

    // --- writes ------------------------------------------------------------------------------------

    @Test
    void outputNeverReplacesALinkOrAPipe() throws Exception {
        study(tmp, DUPLICATE_KEY);
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere.txt"), "keep");
        Path link = Files.createSymbolicLink(tmp.resolve("report.json"), elsewhere);
        Result r = check(tmp, "--format", "json", "--output", "report.json");
        assertEquals(2, r.exit());
        assertOneLine(r.err());
        assertTrue(r.err().contains("symbolic link"), r.err());
        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertEquals("keep", Files.readString(elsewhere));

        Path fifo = tmp.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mk.waitFor());
        Result pipe = check(tmp, "--output", "fifo");
        assertEquals(2, pipe.exit());
        assertTrue(pipe.err().contains("not a regular file"), pipe.err());
        assertFalse(Files.isRegularFile(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS), "still a pipe");
    }

    @Test
    void outputDashIsStandardOutput() throws IOException {
        study(tmp, DUPLICATE_KEY);
        Result r = check(tmp, "--output", "-");
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("[yaml-duplicate-key]"), r.out());
        assertFalse(Files.exists(tmp.resolve("-")), "no file named -");
    }

    // --- what check reads --------------------------------------------------------------------------

    @Test
    void aBinaryFileIsUnreadableInput() throws IOException {
        study(tmp, CLEAN);
        Files.write(tmp.resolve("analysis/data.py"), new byte[] {'P', 'K', 3, 4, 0, 0, 1});
        Result r = check(tmp, "analysis/data.py");
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().contains("analysis/data.py") && r.err().contains("binary"), r.err());
    }

    @Test
    void aFileTheCheckerDoesNotReadIsNotGivenAnAllClear() throws IOException {
        study(tmp, CLEAN);
        Files.writeString(tmp.resolve("README.md"), "# My study\n");
        Files.writeString(tmp.resolve("analysis/model.R"), "library(tidyverse)\n");
        Result readme = check(tmp, "README.md");
        assertEquals(2, readme.exit());
        assertEquals("", readme.out());
        assertOneLine(readme.err());
        assertTrue(readme.err().contains("README.md") && readme.err().contains("not a kind of file the checker reads"), readme.err());
        // Neither is run by project.yaml (extract.py is, so it is checked as a script), and neither is a definition.
        Files.writeString(tmp.resolve("analysis/helper.py"), "def f():\n    return 1\n");
        Result r = check(tmp, "analysis/model.R", "analysis/helper.py");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("analysis/model.R") && r.err().contains("analysis/helper.py: it is neither"), r.err());

        Result mixed = check(tmp, "README.md", "project.yaml");
        assertEquals(0, mixed.exit());
        assertEquals("No problems found in 1 file\n", mixed.out());
        assertTrue(mixed.err().contains("skipped README.md"), mixed.err());
    }

    @Test
    void checkInsideAnalysisFindsTheStudyAbove(@TempDir Path nowhere) throws IOException {
        study(tmp, DUPLICATE_KEY);
        Files.createDirectories(tmp.resolve("analysis/sub"));
        for (Path cwd : List.of(tmp.resolve("analysis"), tmp.resolve("analysis/sub"))) {
            Result r = check(cwd, "--format", "json");
            assertEquals(1, r.exit(), r.err());
            JsonNode report = new ObjectMapper().readTree(r.out());
            String project = tmp.resolve("project.yaml").toAbsolutePath().normalize().toString();
            assertEquals(project, report.at("/files/0").asText(), "outside the working directory: absolute");
            assertEquals("yaml-duplicate-key", report.at("/diagnostics/0/code").asText());
        }
        assertEquals("extract.py", new ObjectMapper().readTree(check(tmp.resolve("analysis"), "--format", "json").out())
                .at("/files/1").asText(), "inside it: relative");
        Result none = check(nowhere);
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("no project.yaml"), none.err());
    }
}

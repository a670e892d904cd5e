package opensafely.lsp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up work of the real process (issue #15): `check` of a project.yaml and `--version` load only what they
 * use. picocli building the model of every command it was not asked for, and the Python grammar when no Python
 * file is checked, cost a cold JVM hundreds of milliseconds. The class-load log shows what a run paid for.
 */
class StartupE2ETest {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err, String classes) {
    }

    private Run run(Path cwd, String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("server.jar", "target/opensafely-lsp.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "server jar not built: " + jar);
        Path log = tmp.resolve("classes.log");
        Files.deleteIfExists(log);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log, "-jar", jar.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile())
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the process did not finish");
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out.txt"), UTF_8),
                Files.readString(tmp.resolve("err.txt"), UTF_8), Files.readString(log, UTF_8));
    }

    private static void assertNotLoaded(Run r, String... prefixes) {
        for (String prefix : prefixes) {
            assertFalse(r.classes().contains("] " + prefix), prefix + " was loaded");
        }
    }

    @Test
    void checkOfAProjectYamlLoadsNeitherTheOtherCommandsNorTheGrammar() throws Exception {
        Path study = CheckFixtures.study(tmp.resolve("study"), CheckFixtures.CLEAN);
        Run r = run(study, "check", "project.yaml");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().endsWith("No problems found in 1 file\n"), r.out());
        assertTrue(r.classes().contains("opensafely.lsp.cli.CheckCommand "), "the class log works");
        assertNotLoaded(r, "opensafely.lsp.cli.RunActionsCommand", "opensafely.lsp.cli.DummyDataCommand",
                "opensafely.lsp.cli.CodelistsCommand", "opensafely.lsp.cli.OutputsCommand", "opensafely.lsp.cli.LspCommand",
                "org.antlr.", "opensafely.lsp.python.", "opensafely.lsp.ehrql.", "opensafely.lsp.study.", "picocli.");
    }

    @Test
    void versionLoadsNoCommand() throws Exception {
        Run r = run(tmp, "--version");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("opensafely-lsp \\S+\n"), r.out());
        assertEquals("", r.err());
        assertNotLoaded(r, "opensafely.lsp.cli.CheckCommand", "opensafely.lsp.cli.RunActionsCommand", "picocli.");
    }

    /** The lazy paths change nothing a user sees: help and a mistyped command still name every command. */
    @Test
    void helpAndAnUnknownCommandStillNameEveryCommand() throws Exception {
        Run help = run(tmp, "--help");
        assertEquals(0, help.exit(), help.err());
        for (String name : List.of("check", "lsp", "codelists", "dummy-data", "run", "init", "outputs")) {
            assertTrue(help.out().contains("\n  " + name + " "), name + " missing from\n" + help.out());
        }
        Run typo = run(tmp, "chek");
        assertEquals(2, typo.exit());
        assertEquals("opensafely-lsp: unknown command 'chek'; the commands are check, lsp, codelists, dummy-data, run, init, outputs"
                + " (see `opensafely-lsp --help`).\n", typo.err());
        Run checkHelp = run(tmp, "check", "--help");
        assertEquals(0, checkHelp.exit());
        assertTrue(checkHelp.out().startsWith("Usage: opensafely-lsp check "), checkHelp.out());
        Run codelists = run(tmp, "codelists", "--help");
        assertTrue(codelists.out().contains("\n  update "), codelists.out());
    }
}

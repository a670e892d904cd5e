package opensafely.lsp.editors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client nobody on the team wrote: Debian's headless Neovim 0.7 starts the real server jar with
 * `vim.lsp.start_client`, opens a project.yaml with a misspelt top-level key, and must receive the
 * diagnostic on that key and the completion list for an action's missing keys. The Lua side is src/test/resources/editors/nvim-e2e.lua.
 */
class NeovimE2ETest {

    // Line 8 (0-based) misspells `expectations`. Line 7 is an empty key line inside the action,
    // where the action keys not yet used can be completed.
    private static final String PROJECT = """
            version: "5.0"
            actions:
              generate_dataset:
                run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                outputs:
                  highly_sensitive:
                    dataset: output/dataset.csv.gz
               \s
            expectatons:
              population_size: 1000
            """;
    private static final int COMPLETION_LINE = 7;
    private static final int COMPLETION_CHARACTER = 4;

    @TempDir
    Path tmp;

    @Test
    void neovimReceivesTheDiagnosticAndACompletionList() throws Exception {
        List<String> lines = runNeovim(List.of(), "script");
        assertDiagnosticAndCompletion(lines);
    }

    /** The configuration users copy from docs/editors/neovim/opensafely.lua attaches the server by itself. */
    @Test
    void theDocumentedNeovimConfigurationWorks() throws Exception {
        Path snippet = Path.of(System.getProperty("repo.dir", "..")).resolve("docs/editors/neovim/opensafely.lua");
        assertTrue(Files.isRegularFile(snippet), "missing " + snippet.toAbsolutePath());
        List<String> lines = runNeovim(List.of("-c", "luafile " + snippet.toAbsolutePath()), "snippet");
        assertTrue(lines.contains("CLIENT opensafely"), String.join("\n", lines));
        assertDiagnosticAndCompletion(lines);
    }

    private void assertDiagnosticAndCompletion(List<String> lines) {
        String context = String.join("\n", lines);
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("ERROR")), context);
        List<String> diagnostics = lines.stream().filter(l -> l.startsWith("DIAG ")).toList();
        // Severity 1 is vim.diagnostic.severity.ERROR.
        assertEquals(1, diagnostics.size(), context);
        assertTrue(diagnostics.get(0).startsWith("DIAG 8:0-8:11 1 unknown-top-level-key "), context);
        assertTrue(diagnostics.get(0).contains("expectatons"), context);

        String completion = lines.stream().filter(l -> l.startsWith("COMPLETION ")).findFirst()
                .orElseGet(() -> fail("no completion result\n" + context));
        // Inside the action, the keys it does not have yet (it already has run and outputs).
        assertEquals("COMPLETION 3 needs config dummy_data_file", completion, context);
    }

    /** Runs headless Neovim on the study; returns the result lines the Lua script wrote. */
    private List<String> runNeovim(List<String> before, String clientMode) throws Exception {
        Path nvim = findOnPath("nvim").orElseGet(() -> fail(
                "nvim is not installed. This test needs Debian's Neovim (0.7+): "
                        + "apt-get install -y --no-install-recommends neovim"));
        Path jar = Path.of(System.getProperty("server.jar", "target/opensafely-lsp.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "server jar not built: " + jar);

        Path study = Files.createDirectories(tmp.resolve("study"));
        Files.writeString(study.resolve("project.yaml"), PROJECT);
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("analysis/dataset_definition.py"),
                "from ehrql import create_dataset\ndataset = create_dataset()\n");
        Path script = tmp.resolve("nvim-e2e.lua");
        try (InputStream in = NeovimE2ETest.class.getResourceAsStream("/editors/nvim-e2e.lua")) {
            Files.copy(in, script);
        }
        Path results = tmp.resolve("results.txt");
        Path log = tmp.resolve("nvim.log");

        List<String> command = new ArrayList<>(List.of(nvim.toString(), "--headless", "-u", "NONE", "-i", "NONE", "-n"));
        command.addAll(before);
        command.addAll(List.of("-c", "luafile " + script));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(study.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Path javaHome = Path.of(System.getProperty("java.home"));
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().put("OPENSAFELY_JAVA", javaHome.resolve("bin/java").toString());
        pb.environment().put("OPENSAFELY_LSP_JAR", jar.toString());
        pb.environment().put("STUDY_DIR", study.toString());
        pb.environment().put("CLIENT", clientMode);
        pb.environment().put("COMPLETION_LINE", Integer.toString(COMPLETION_LINE));
        pb.environment().put("COMPLETION_CHARACTER", Integer.toString(COMPLETION_CHARACTER));
        pb.environment().put("E2E_OUT", results.toString());
        // Keep Neovim's state files out of the user's home.
        pb.environment().put("XDG_STATE_HOME", tmp.resolve("state").toString());
        pb.environment().put("XDG_DATA_HOME", tmp.resolve("data").toString());

        Process process = pb.start();
        process.getOutputStream().close();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("nvim did not finish within 90 s; its output:\n" + read(log) + "\nresults so far:\n" + read(results));
        }
        String output = read(results);
        String context = "nvim exit " + process.exitValue() + "\nresults:\n" + output + "\nnvim output:\n" + read(log);
        assertEquals(0, process.exitValue(), context);
        return Arrays.asList(output.split("\n"));
    }

    private static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(none)";
    }
}

package opensafely.lsp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `java -jar opensafely-lsp.jar check` as CI runs it: a separate process, the shaded jar. */
class CheckE2ETest {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private Run run(Path cwd, String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("server.jar", "target/opensafely-lsp.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "server jar not built: " + jar);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xlog:class+load=info:file=" + tmp.resolve("classes.log"));
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile())
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "check did not finish");
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out.txt"), UTF_8), Files.readString(tmp.resolve("err.txt"), UTF_8));
    }

    @Test
    void checkReportsAsJsonWithoutLoadingTheProtocolLibrary() throws Exception {
        Path study = CheckFixtures.study(tmp.resolve("study"), CheckFixtures.DUPLICATE_KEY);
        Run r = run(study, "check", "--format", "json");
        assertEquals(1, r.exit(), r.err());
        JsonNode report = new ObjectMapper().readTree(r.out());
        assertEquals("opensafely-lsp", report.get("tool").asText());
        assertEquals("[\"project.yaml\",\"analysis/extract.py\"]", report.get("files").toString());
        assertEquals("yaml-duplicate-key", report.at("/diagnostics/0/code").asText());

        // LSP4J's set-up roughly doubles start-up time; check mode must never pay for it.
        String classes = Files.readString(tmp.resolve("classes.log"));
        assertTrue(classes.contains("opensafely.lsp.cli.CheckCommand"), "class log works");
        assertTrue(!classes.contains("org.eclipse.lsp4j") && !classes.contains("com.google.gson"),
                "check loaded LSP4J or Gson");
    }

    @Test
    void exitCodesOfTheRealProcess() throws Exception {
        Path study = CheckFixtures.study(tmp.resolve("study"), CheckFixtures.CLEAN);
        assertEquals(0, run(study, "check").exit());
        assertEquals(0, run(study, "check", "--fail-on", "warning", "--format", "sarif").exit());
        Run bad = run(study, "check", "--format", "yaml");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("yaml"), bad.err());
        assertEquals(2, run(study, "check", "missing").exit());
    }
}

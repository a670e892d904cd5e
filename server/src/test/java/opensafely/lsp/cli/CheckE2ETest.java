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
        return run(List.of(), cwd, args);
    }

    private Run run(List<String> jvmOptions, Path cwd, String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("server.jar", "target/opensafely-lsp.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "server jar not built: " + jar);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xlog:class+load=info:file=" + tmp.resolve("classes.log"));
        command.addAll(jvmOptions);
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

    /** The crash paths of issue #9, in the real process with Java's default stack and a small heap. */
    @Test
    void deepInputAndAHugePopulationEndInOneLineNotAStackTrace() throws Exception {
        Path study = CheckFixtures.study(tmp.resolve("study"), CheckFixtures.CLEAN.replace("'5.0'", "'3.0'"));
        Files.writeString(study.resolve("analysis/study_definition.py"), """
                from cohortextractor import StudyDefinition, patients
                study = StudyDefinition(
                    default_expectations={"date": {"earliest": "2019-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},
                    population=patients.all(),
                    died=patients.died_from_any_cause(on_or_before="2020-01-01", returning="binary_flag"),
                )
                x = %s
                """.formatted(String.join(" + ", java.util.Collections.nCopies(5000, "1"))));
        Run deep = run(study, "check", "analysis/study_definition.py");
        assertEquals("", deep.err());
        assertEquals(0, deep.exit(), deep.out());

        // Dummy data streams (issue #10): a population far larger than a 64 MB heap could hold is written whole...
        Run big = run(List.of("-Xmx64m"), study, "dummy-data", "analysis/study_definition.py", "--population", "2000000");
        assertEquals(0, big.exit(), big.err());
        try (var lines = Files.lines(study.resolve("output/input.csv"))) {
            assertEquals(2_000_001, lines.count());
        }
        // ...and one beyond the bound on disk and time is refused in one line.
        Run huge = run(List.of("-Xmx64m"), study, "dummy-data", "analysis/study_definition.py", "--population", "500000000", "--output", "big.csv");
        assertEquals(2, huge.exit());
        assertEquals(1, huge.err().lines().count(), huge.err());
        assertTrue(huge.err().contains("at most 100,000,000") && !huge.err().contains("\tat "), huge.err());
        assertTrue(Files.notExists(study.resolve("big.csv")));
    }
}

package opensafely.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `run` on a copy of examples/clean-study with the local executor: what a researcher sees. */
class RunActionsCommandTest {
    static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path tmp;
    Path study;

    private record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void copyTheExample() throws Exception {
        Path example = Path.of(System.getProperty("repo.dir", ".."), "examples", "clean-study");
        study = tmp.resolve("study");
        try (Stream<Path> s = Files.walk(example)) {
            for (Path p : s.toList()) {
                Path to = study.resolve(example.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
    }

    private static void needInterpreters() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)) && Files.isExecutable(Path.of("/usr/bin/Rscript")),
                "needs Debian's python3 (with pandas, matplotlib) and Rscript");
    }

    private Result run(String... args) {
        return run(new RunActionsCommand(), args);
    }

    private Result run(RunActionsCommand cmd, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cmd.workingDirectory = study;
        cmd.stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        cmd.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(cmd).execute(args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void runAllRunsThePythonAndRActionsThenHasNothingToDoUntilForced() throws Exception {
        needInterpreters();
        Result first = run("run_all", "--executor", "local", "--python", PYTHON);
        assertEquals(0, first.exit(), first.out() + first.err());
        assertTrue(first.out().startsWith("Executor: local (this machine's interpreters, no Docker)\n"
                + "Running actions: generate_dataset, describe_asthma, summarise_by_sex, generate_measures\n"), first.out());
        for (String f : new String[] {"dataset.csv.gz", "asthma_by_age_band.csv", "asthma_by_age_band.png", "patients_by_sex.csv", "measures.csv"}) {
            assertTrue(Files.isRegularFile(study.resolve("output").resolve(f)), f);
        }
        assertTrue(first.out().contains("=> summarise_by_sex\n   Completed successfully\n   log file: metadata/summarise_by_sex.log\n"
                + "   outputs:\n     output/patients_by_sex.csv  - moderately_sensitive\n"), first.out());
        assertTrue(Files.readString(study.resolve("output/patients_by_sex.csv")).startsWith("\"sex\",\"patients\"\n"));

        Result second = run("run_all", "--executor", "local", "--python", PYTHON);
        assertEquals(0, second.exit());
        assertTrue(second.out().endsWith("=> All actions already completed successfully\n   Use -f option to force everything to re-run\n"), second.out());

        Result named = run("summarise_by_sex", "--executor", "local");
        assertEquals(0, named.exit(), named.out());
        assertTrue(named.out().contains("Running actions: summarise_by_sex\n"), "a named action runs; its need is reused");

        Result forced = run("summarise_by_sex", "-f", "--executor", "local", "--format-output-for-github");
        assertEquals(0, forced.exit(), forced.out());
        assertTrue(forced.out().contains("Running actions: generate_dataset, summarise_by_sex\n"), forced.out());
        assertTrue(forced.out().contains("::group::generate_dataset\n\u001b[1m=> generate_dataset\u001b[0m\n   Completed successfully\n"), forced.out());
        assertTrue(forced.out().endsWith("     output/patients_by_sex.csv  - moderately_sensitive\n::endgroup::\n"), forced.out());
    }

    @Test
    void theExamplesOutputsPassTheOutputChecksAndAnUnroundedTableIsCaught() throws Exception {
        needInterpreters();
        Result clean = run("run_all", "--executor", "local", "--python", PYTHON);
        assertEquals(0, clean.exit(), clean.out() + clean.err());
        assertTrue(!clean.out().contains("for the output checkers"), clean.out());

        // The same script without its rounding: what an output checker would send back, seen before the release request.
        Files.writeString(study.resolve("analysis/summarise.R"), Files.readString(study.resolve("analysis/summarise.R"))
                .replace("ifelse(count <= 7, NA, 5 * round(count / 5))", "count"));
        Result raw = run("summarise_by_sex", "--executor", "local", "--python", PYTHON);
        assertEquals(0, raw.exit(), raw.out());
        assertTrue(raw.out().contains("   for the output checkers (warnings: redact or round before you ask for a release):\n"
                + "     output/patients_by_sex.csv:"), raw.out());
        assertTrue(raw.out().contains(" output-unrounded-count ") || raw.out().contains(" output-small-count "), raw.out());
    }

    @Test
    void aFailingScriptExitsOneWithTheLogTail() throws Exception {
        needInterpreters();
        Files.writeString(study.resolve("analysis/summarise.R"), "cat('reading\\n')\nstop('the model did not converge')\n");
        Result r = run("summarise_by_sex", "--executor", "local", "--python", PYTHON);
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("=> summarise_by_sex\n   Job exited with an error\n"), r.out());
        assertTrue(r.out().contains("   logs (truncated):\n     reading\n     Error: the model did not converge\n"), r.out());
        assertTrue(Files.readString(study.resolve("metadata/summarise_by_sex.log")).contains("\nexit_code: 1\n"));
    }

    @Test
    void aScriptReadingAnOutputItDoesNotNeedGetsTheHint() throws Exception {
        needInterpreters();
        assertEquals(0, run("generate_dataset", "--executor", "local").exit());
        Files.writeString(study.resolve("project.yaml"), Files.readString(study.resolve("project.yaml"))
                .replace("    run: r:v2 analysis/summarise.R\n    needs: [generate_dataset]\n", "    run: r:v2 analysis/summarise.R\n"));
        Result r = run("summarise_by_sex", "--executor", "local");
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("   hint: the log names an output of generate_dataset, which `summarise_by_sex` does not need, so it was not"
                + " in the job's folder: add `needs: [generate_dataset]` to `summarise_by_sex` in project.yaml\n"), r.out());
    }

    @Test
    void unknownActionsAndBadUsage() {
        Result unknown = run("summarise_by_sx", "--executor", "local");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().startsWith("=> UnknownActionError\n   Action 'summarise_by_sx' not found in project.yaml. Did you mean 'summarise_by_sex'?\n"
                + "   Valid action names are:\n"), unknown.err());
        Result docker = run("run_all", "--executor", "docker");
        // No engine runs on these machines (docker is only a client here, or absent on CI).
        assertEquals(1, docker.exit(), docker.err());
        assertEquals("opensafely-lsp run: Docker is not running (docker info failed): install or start Docker"
                + " (https://docs.docker.com/get-docker/), or run with --executor local\n", docker.err());
        assertEquals(2, run("run_all", "-c", "0").exit());
        Result noStudy = run("run_all", "--project-dir", "elsewhere", "--executor", "local");
        assertEquals(2, noStudy.exit());
        assertTrue(noStudy.err().startsWith("opensafely-lsp run: no project.yaml in "), noStudy.err());
    }
}

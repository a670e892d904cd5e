package opensafely.lsp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study made by `init`, through the shaded jar as a user runs it: it checks clean, `dummy-data` makes its
 * dataset where project.yaml says, and its report script runs on that dummy data with Debian's Python and
 * pandas, writing only redacted and rounded counts.
 */
class InitE2ETest {
    /** Debian's Python, which has pandas here (the `python3` on PATH may not: see HELPER-RULES/.ci). */
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private Run run(Path cwd, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "did not finish: " + command);
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out.txt"), UTF_8), Files.readString(tmp.resolve("err.txt"), UTF_8));
    }

    private Run jar(Path cwd, String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("server.jar", "target/opensafely-lsp.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "server jar not built: " + jar);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        return run(cwd, command);
    }

    @Test
    void aNewStudyChecksCleanAndItsReportRunsOnDummyData() throws Exception {
        Run init = jar(tmp, "init", "study");
        assertEquals(0, init.exit(), init.err());
        Path study = tmp.resolve("study");

        Run check = jar(study, "check");
        assertEquals(0, check.exit(), check.out() + check.err());
        assertEquals("No problems found in 4 files\n", check.out());

        Run dummy = jar(study, "dummy-data", "analysis/dataset_definition.py");
        assertEquals(0, dummy.exit(), dummy.err());
        assertTrue(Files.size(study.resolve("output/dataset.csv.gz")) > 0, dummy.out() + dummy.err());

        Assumptions.assumeTrue(Files.isExecutable(PYTHON) && run(study, List.of(PYTHON.toString(), "-c", "import pandas")).exit() == 0,
                "no /usr/bin/python3 with pandas on this machine (Debian's python3-pandas)");
        Run report = run(study, List.of(PYTHON.toString(), "analysis/report.py"));
        assertEquals(0, report.exit(), report.err());
        List<String> rows = Files.readAllLines(study.resolve("output/patient_counts.csv"), UTF_8);
        assertEquals("sex,age_band,patients", rows.get(0));
        assertEquals(13, rows.size(), rows.toString()); // four sexes by three age bands
        for (String row : rows.subList(1, rows.size())) {
            String count = row.substring(row.lastIndexOf(',') + 1);
            assertTrue(count.isEmpty() || (Integer.parseInt(count) > 7 && Integer.parseInt(count) % 5 == 0), row);
        }
    }

    /** Issue #11: "The new study checks clean and `run run_all` succeeds in it on a fresh machine." */
    @Test
    void runAllSucceedsInANewStudy() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON) && run(tmp, List.of(PYTHON.toString(), "-c", "import pandas")).exit() == 0,
                "no /usr/bin/python3 with pandas on this machine (Debian's python3-pandas)");
        assertEquals(0, jar(tmp, "init", "study").exit());
        Path study = tmp.resolve("study");

        Run all = jar(study, "run", "run_all", "--executor", "local", "--python", PYTHON.toString());
        assertEquals(0, all.exit(), all.out() + all.err());
        assertTrue(Files.size(study.resolve("output/dataset.csv.gz")) > 0, all.out());
        assertEquals("sex,age_band,patients", Files.readAllLines(study.resolve("output/patient_counts.csv"), UTF_8).get(0), all.out());
        assertTrue(Files.isRegularFile(study.resolve("metadata/describe_population.log")), all.out());

        Run again = jar(study, "run", "run_all", "--executor", "local", "--python", PYTHON.toString());
        assertEquals(0, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains("=> All actions already completed successfully"), again.out());
    }
}

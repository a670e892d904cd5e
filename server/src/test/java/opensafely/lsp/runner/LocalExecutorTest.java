package opensafely.lsp.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the local executor starts for a run line, and what it refuses. */
class LocalExecutorTest {
    private final LocalExecutor local = new LocalExecutor("/usr/bin/python3", Map.of("PATH", "/nonexistent"), Clock.systemUTC());

    private static JobCommand job(String image, Optional<String> config, String... args) {
        return new JobCommand("j", "a", image, "v2", List.of(args), config);
    }

    @Test
    void theInterpreterTakesThePlaceOfTheImagesEntryPoint() {
        assertEquals(List.of("/usr/bin/python3", "analysis/model.py", "--x"), local.commandLine(job("python", Optional.empty(), "python", "analysis/model.py", "--x")));
        assertEquals(List.of("Rscript", "analysis/model.R"), local.commandLine(job("r", Optional.empty(), "analysis/model.R")));
        assertEquals(List.of("/usr/bin/python3", "analysis/m.py", "--config", "{\"a\":1}"),
                local.commandLine(job("python", Optional.of("{\"a\":1}"), "python", "analysis/m.py")));
    }

    @Test
    void whatNeedsAnImageOrAMissingInterpreterIsRefusedInOneLine() {
        assertEquals(Optional.of("R (Rscript) was not found on this machine; run it with --executor docker"),
                local.cannotRun(job("r", Optional.empty(), "analysis/model.R")));
        assertEquals(Optional.of("jupyter actions need OpenSAFELY's jupyter image; run it with --executor docker"),
                local.cannotRun(job("jupyter", Optional.empty(), "jupyter", "nbconvert")));
        assertEquals(Optional.of("`cohortextractor generate_measures` needs the cohortextractor image: the local executor makes dummy data only"
                        + " for generate-dataset, generate-measures (ehrQL) and generate_cohort; run it with --executor docker"),
                local.cannotRun(job("cohortextractor", Optional.empty(), "generate_measures")));
        LocalExecutor noPython = new LocalExecutor("python3", Map.of("PATH", "/nonexistent"), Clock.systemUTC());
        assertEquals(Optional.of("Python (--python python3) was not found on this machine; run it with --executor docker"),
                noPython.cannotRun(job("python", Optional.empty(), "python", "a.py")));
        assertEquals(Optional.empty(), local.cannotRun(job("ehrql", Optional.empty(), "generate-dataset", "a.py")));
    }

    @Test
    void programsAreFoundOnPath() {
        LocalExecutor withPath = new LocalExecutor("python3", Map.of("PATH", "/nonexistent:/bin:/usr/bin"), Clock.systemUTC());
        assertEquals(Optional.of(Path.of("/bin/sh")), withPath.which("sh"));
    }
}

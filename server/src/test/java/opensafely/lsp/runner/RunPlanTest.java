package opensafely.lsp.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which actions a run starts (tooling spec §2.3). */
class RunPlanTest {
    @TempDir
    Path study;

    private static final Project PROJECT = new ProjectParser().parse("""
            version: 5
            actions:
              a:
                run: python:v2 python a.py
                outputs: {highly_sensitive: {x: output/a.csv}}
              b:
                run: python:v2 python b.py
                needs: [a]
                outputs: {highly_sensitive: {x: output/b.csv}}
              c:
                run: python:v2 python c.py
                needs: [b]
                outputs: {moderately_sensitive: {x: output/c.csv}}
            """);

    private List<String> plan(RunState state, boolean force, String... names) {
        return RunPlan.select(PROJECT, List.of(names), force, state, study).plan().orElseThrow().actions();
    }

    private RunState ran(String... succeeded) throws Exception {
        RunState state = RunState.load(study);
        for (String a : succeeded) {
            Files.createDirectories(study.resolve("output"));
            Files.writeString(study.resolve("output/" + a + ".csv"), "x\n");
            state.record(a, new JobRecord("id" + a, "succeeded", "succeeded", 0, "Completed successfully",
                    Map.of("output/" + a + ".csv", "highly_sensitive"), "t0", "t1"));
        }
        return RunState.load(study); // read back: the state survives a new process
    }

    @Test
    void aNamedActionRunsWithTheDependenciesThatNeverRan() throws Exception {
        assertEquals(List.of("a", "b", "c"), plan(ran(), false, "c"));
    }

    @Test
    void succeededDependenciesAreReusedButNamedActionsAlwaysRun() throws Exception {
        RunState state = ran("a", "b", "c");
        assertEquals(List.of("c"), plan(state, false, "c"));
        assertEquals(List.of("b", "c"), plan(state, false, "c", "b"));
        assertEquals(List.of("a", "b", "c"), plan(state, true, "c"));
    }

    @Test
    void aDependencyRunsAgainWhenAnOutputIsGoneOrItFailed() throws Exception {
        RunState state = ran("a", "b");
        Files.delete(study.resolve("output/a.csv"));
        assertEquals(List.of("a", "b"), plan(state, false, "b"));
        // b is reused as it is, so what b needs is not looked at (as job-runner): only c runs.
        assertEquals(List.of("c"), plan(state, false, "c"));
        state.record("b", new JobRecord("j", "failed", "nonzero_exit", 1, "Job exited with an error", Map.of(), "t0", "t1"));
        assertEquals(List.of("a", "b", "c"), plan(state, false, "c"));
    }

    @Test
    void runAllRunsOnlyWhatIsMissingUnlessForced() throws Exception {
        assertEquals(List.of("a", "b", "c"), plan(ran(), false, "run_all"));
        RunState state = ran("a", "b", "c");
        assertTrue(RunPlan.select(PROJECT, List.of("run_all"), false, state, study).plan().orElseThrow().nothingToDo());
        Files.delete(study.resolve("output/b.csv"));
        assertEquals(List.of("b"), plan(state, false, "run_all"));
        assertEquals(List.of("a", "b", "c"), plan(state, true, "run_all"));
    }

    @Test
    void anUnknownActionListsTheValidNamesWithTheClosest() {
        RunPlan.Selection s = RunPlan.select(PROJECT, List.of("bb", "c"), false, RunState.load(study), study);
        assertTrue(s.plan().isEmpty());
        assertEquals("""
                Action 'bb' not found in project.yaml. Did you mean 'b'?
                Valid action names are:
                  a
                  b
                  c
                  run_all (runs all actions in project)""", s.error().orElseThrow());
    }

    @Test
    void aDamagedStateFileCountsAsNothingRun() throws Exception {
        Files.createDirectories(study.resolve("metadata"));
        Files.writeString(study.resolve(RunState.FILE), "{not json");
        assertEquals(List.of("a"), plan(RunState.load(study), false, "a"));
    }
}

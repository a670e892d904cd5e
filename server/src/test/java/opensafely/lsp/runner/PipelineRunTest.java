package opensafely.lsp.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs as job-runner runs them (tooling spec §2.6), with the local executor and small Python scripts. */
class PipelineRunTest {
    static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path study;

    @BeforeEach
    void needsPython() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs " + PYTHON);
    }

    private void write(String rel, String text) throws Exception {
        Files.createDirectories(study.resolve(rel).getParent());
        // As on the server, output/ exists in the job's folder only if a file of the study is in it: scripts make it.
        String script = rel.endsWith(".py") ? "import os\nos.makedirs('output', exist_ok=True)\n" + text : text;
        Files.writeString(study.resolve(rel), script);
    }

    private PipelineRun.Outcome run(RunListener listener, AtomicBoolean cancel, String... actions) throws Exception {
        Executor local = new LocalExecutor(PYTHON, System.getenv(), Clock.systemUTC());
        return new PipelineRun(study, local, Clock.systemUTC(), PipelineRun.environment(Map.of()))
                .run(new PipelineRun.Request(List.of(actions), false, false, 2), listener, cancel::get);
    }

    private PipelineRun.Outcome run(String... actions) throws Exception {
        return run(RunListener.NONE, new AtomicBoolean(), actions);
    }

    private static JobResult result(PipelineRun.Outcome o, String action) {
        return o.results().stream().filter(r -> r.action().equals(action)).findFirst().orElseThrow();
    }

    private static final String TWO_ACTIONS = """
            version: 5
            actions:
              make:
                run: python:v2 python analysis/make.py
                outputs:
                  highly_sensitive:
                    data: output/data.csv
              use:
                run: python:v2 python analysis/use.py
                %s
                outputs:
                  moderately_sensitive:
                    table: output/table.csv
            """;

    @Test
    void aJobSeesTheOutputsOfWhatItNeedsAndTheEnvironment() throws Exception {
        write("project.yaml", TWO_ACTIONS.formatted("needs: [make]"));
        write("analysis/make.py", "import os\nopen('output/data.csv','w').write('n\\n' + os.environ['OPENSAFELY_BACKEND'] + '\\n')\n");
        write("analysis/use.py", "open('output/table.csv','w').write(open('output/data.csv').read())\nopen('scratch.txt','w').write('x')\n");
        PipelineRun.Outcome o = run("use");
        assertEquals(0, o.exitCode(), o.results().toString());
        assertEquals(List.of("make", "use"), o.planned());
        assertEquals("n\nexpectations\n", Files.readString(study.resolve("output/table.csv")));
        assertEquals(List.of("scratch.txt"), result(o, "use").undeclared(), "written but undeclared: listed, not copied");
        assertFalse(Files.exists(study.resolve("scratch.txt")));
        assertFalse(Files.exists(study.resolve(JobWorkspace.VOLUMES)), "job folders are removed");
        String log = Files.readString(study.resolve("metadata/use.log"));
        assertTrue(log.contains("\nexit_code: 0\n") && log.contains("outputs:\n  output/table.csv  - moderately_sensitive\n"), log);
    }

    @Test
    void readingAnOutputWithoutNeedingItFailsWithTheEntryToAdd() throws Exception {
        write("project.yaml", TWO_ACTIONS.formatted(""));
        write("analysis/make.py", "open('output/data.csv','w').write('n\\n')\n");
        write("analysis/use.py", "open('output/table.csv','w').write(open('output/data.csv').read())\n");
        assertEquals(0, run("make").exitCode());
        PipelineRun.Outcome o = run("use");
        assertEquals(1, o.exitCode());
        JobResult use = result(o, "use");
        assertEquals("nonzero_exit", use.statusCode());
        assertEquals(List.of("make"), use.missingNeeds());
        assertTrue(use.hint().contains("add `needs: [make]` to `use`"), use.hint());
        assertTrue(use.logTail().stream().anyMatch(l -> l.contains("FileNotFoundError")), use.logTail().toString());
    }

    @Test
    void aPatternThatMatchesNothingFailsAndSuggestsTheFileWritten() throws Exception {
        write("project.yaml", TWO_ACTIONS.formatted("needs: [make]"));
        write("analysis/make.py", "open('output/data.csv','w').write('n\\n')\n");
        write("analysis/use.py", "open('output/tabel.csv','w').write('n\\n')\n");
        PipelineRun.Outcome o = run("use");
        JobResult use = result(o, "use");
        assertEquals("unmatched_patterns", use.statusCode());
        assertEquals("No outputs found matching patterns:\n - output/table.csv", use.message());
        assertEquals(Map.of("output/table.csv", "output/tabel.csv"), use.suggestions());
        List<String> summary = RunSummary.lines(o.results(), false);
        assertTrue(String.join("\n", summary).contains("   Did you mean to match one of these files instead?\n    - output/tabel.csv"), summary.toString());
    }

    @Test
    void aFailedDependencyStopsWhatNeedsItAndTheSummaryShowsTheLogTail() throws Exception {
        write("project.yaml", TWO_ACTIONS.formatted("needs: [make]"));
        write("analysis/make.py", "import sys\nfor i in range(40): print('line', i)\nsys.exit(3)\n");
        write("analysis/use.py", "");
        PipelineRun.Outcome o = run("use");
        assertEquals(1, o.exitCode());
        JobResult make = result(o, "make");
        assertEquals(3, make.exitCode());
        assertEquals("Job exited with an error", make.message());
        assertEquals(JobLog.TAIL_LINES, make.logTail().size());
        assertEquals("line 39", make.logTail().get(31));
        assertEquals(1, o.results().size(), "without --continue-on-error nothing starts after a failure");
        String summary = String.join("\n", RunSummary.lines(o.results(), false));
        assertTrue(summary.startsWith("=> make\n   Job exited with an error\n   log file: metadata/make.log\n   outputs:\n     (no outputs)\n   logs (truncated):\n     line 8\n"), summary);
        assertFalse(summary.contains("=> use"), "dependency_failed jobs are left out");
    }

    @Test
    void outputsTheLastRunRecordedButThisOneDidNotMakeAreRemoved() throws Exception {
        write("project.yaml", """
                version: 5
                actions:
                  figs:
                    run: python:v2 python analysis/figs.py
                    outputs:
                      moderately_sensitive:
                        figs: output/fig_*.txt
                """);
        write("analysis/figs.py", "for n in open('analysis/which.txt').read().split(): open('output/fig_' + n + '.txt','w').write(n)\n");
        write("analysis/which.txt", "a b");
        assertEquals(0, run("figs").exitCode());
        write("analysis/which.txt", "b");
        assertEquals(0, run("figs").exitCode());
        assertFalse(Files.exists(study.resolve("output/fig_a.txt")));
        assertTrue(Files.exists(study.resolve("output/fig_b.txt")));
    }

    @Test
    void aRecordOfTheLastRunCannotDeleteWhatTheActionDoesNotDeclare() throws Exception {
        write("project.yaml", """
                version: 5
                actions:
                  figs:
                    run: python:v2 python analysis/figs.py
                    outputs:
                      moderately_sensitive:
                        figs: output/fig_*.txt
                """);
        write("analysis/figs.py", "open('output/fig_a.txt','w').write('a')\n");
        assertEquals(0, run("figs").exitCode());
        // The record is a file in the study: a hand edit (or a crafted db.sqlite) may name anything as a past output.
        Path record = study.resolve("metadata/opensafely-lsp-jobs.json");
        Files.writeString(record, Files.readString(record).replace("\"output/fig_a.txt\"",
                "\"output/fig_a.txt\" : \"moderately_sensitive\", \"analysis/figs.py\""));
        assertTrue(Files.readString(record).contains("analysis/figs.py"));
        assertEquals(0, run("figs").exitCode());
        assertTrue(Files.exists(study.resolve("analysis/figs.py")), "a file no output pattern of the action matches is never deleted");
    }

    @Test
    void aModeratelySensitiveFileWithPatientIdsIsReported() throws Exception {
        write("project.yaml", TWO_ACTIONS.formatted("needs: [make]"));
        write("analysis/make.py", "open('output/data.csv','w').write('n\\n')\n");
        write("analysis/use.py", "open('output/table.csv','w').write('patient_id,n\\n1,2\\n')\n");
        JobResult use = result(run("use"), "use");
        assertTrue(use.succeeded());
        assertEquals(Map.of("output/table.csv", "File has patient_id column"), use.invalid());
        assertTrue(use.message().endsWith(", but 1 file(s) marked as moderately_sensitive were excluded. See job log for details."));
    }

    @Test
    void smallAndUnroundedCountsInAnOutputAreListedForTheCheckers() throws Exception {
        write("project.yaml", TWO_ACTIONS.formatted("needs: [make]"));
        write("analysis/make.py", "open('output/data.csv','w').write('n\\n')\n");
        write("analysis/use.py", "open('output/table.csv','w').write('group,patients\\na,3\\nb,1253\\nc,100\\n')\n");
        JobResult use = result(run("use"), "use");
        assertTrue(use.succeeded(), use.message());
        List<String> found = use.disclosure().get("output/table.csv");
        assertEquals(2, found.size(), String.valueOf(found));
        assertTrue(found.get(0).startsWith("2:3 output-small-count "), found.get(0));
        assertTrue(found.get(1).startsWith("3:3 output-unrounded-count "), found.get(1));
        List<String> summary = RunSummary.lines(List.of(use), false);
        assertTrue(summary.contains("     output/table.csv:" + found.get(0)), String.join("\n", summary));
    }

    @Test
    void whatCannotRunLocallyFailsInOneLineNamingDocker() throws Exception {
        write("project.yaml", """
                version: 5
                actions:
                  matched:
                    run: matching:v1.0.0
                    config: {a: 1}
                    outputs:
                      highly_sensitive:
                        x: output/x.csv
                """);
        JobResult r = result(run("matched"), "matched");
        assertEquals("cannot_run_locally", r.statusCode());
        assertEquals("Job cannot run here: 'matching' is a reusable action, which runs from its own repository in OpenSAFELY's images;"
                + " run it with --executor docker", r.message());
    }

    /** Cancel while a job runs (and has started a child process): the tree stops, the study is as it was. */
    @Test
    void cancelStopsTheProcessTreeAndLeavesTheStudyAsItWas() throws Exception {
        write("project.yaml", TWO_ACTIONS.formatted("needs: [make]"));
        write("analysis/make.py", """
                import subprocess, sys, time
                open('output/data.csv','w').write('partial\\n')
                child = subprocess.Popen(['sleep', '120'])
                print('child', child.pid, flush=True)
                time.sleep(120)
                """);
        write("analysis/use.py", "");
        Map<String, String> before = snapshot();
        AtomicBoolean cancel = new AtomicBoolean();
        List<Long> children = Collections.synchronizedList(new ArrayList<>());
        RunListener listener = new RunListener() {
            @Override
            public void logLine(String action, String line) {
                if (line.contains(" child ")) {
                    children.add(Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)));
                    cancel.set(true);
                }
            }
        };
        PipelineRun.Outcome o = run(listener, cancel, "use");
        assertTrue(o.cancelled());
        assertEquals(1, o.exitCode());
        assertEquals("cancelled_by_user", result(o, "make").statusCode());
        assertEquals(before, snapshot(), "nothing of the job reached the study folder");
        assertFalse(Files.exists(study.resolve(JobWorkspace.VOLUMES)));
        ProcessHandle.of(children.get(0)).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(children.get(0)).map(ProcessHandle::isAlive).orElse(false), "the child process was stopped");
    }

    /** The study's files outside metadata/: path → content. */
    private Map<String, String> snapshot() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(study)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = study.relativize(p).toString();
                if (!rel.startsWith("metadata")) out.put(rel, Files.readString(p));
            }
        }
        return out;
    }

    @Test
    void withContinueOnErrorIndependentJobsRunAndDependentsAreMarked() throws Exception {
        write("project.yaml", TWO_ACTIONS.formatted("needs: [make]").replace("actions:\n", """
                actions:
                  other:
                    run: python:v2 python analysis/other.py
                    outputs:
                      moderately_sensitive:
                        t: output/other.csv
                """));
        write("analysis/make.py", "raise SystemExit(2)\n");
        write("analysis/use.py", "");
        write("analysis/other.py", "open('output/other.csv','w').write('n\\n')\n");
        Executor local = new LocalExecutor(PYTHON, System.getenv(), Clock.systemUTC());
        PipelineRun.Outcome o = new PipelineRun(study, local, Clock.systemUTC(), Map.of())
                .run(new PipelineRun.Request(List.of("run_all"), false, true, 1), RunListener.NONE, () -> false);
        assertEquals(1, o.exitCode());
        assertTrue(result(o, "other").succeeded());
        assertTrue(result(o, "use").dependencyFailed());
        assertEquals("Not starting as dependency failed", result(o, "use").message());
    }

    /** A link in the study that leads out of it is not copied into the job's folder: the job cannot read outside. */
    @Test
    void aLinkOutOfTheStudyIsNotCopiedIntoTheJob() throws Exception {
        Path secret = Files.writeString(Files.createTempFile("secret", ".txt"), "secret");
        try {
            write("project.yaml", """
                    version: 5
                    actions:
                      peek:
                        run: python:v2 python analysis/peek.py
                        outputs:
                          moderately_sensitive:
                            t: output/seen.txt
                    """);
            write("analysis/peek.py", "open('output/seen.txt','w').write(str(os.path.exists('analysis/link.txt')) + str(os.path.exists('analysis/inside.txt')))\n");
            Files.createSymbolicLink(study.resolve("analysis/link.txt"), secret);
            write("analysis/real.txt", "ok");
            Files.createSymbolicLink(study.resolve("analysis/inside.txt"), study.resolve("analysis/real.txt"));
            assertEquals(0, run("peek").exitCode());
            assertEquals("FalseTrue", Files.readString(study.resolve("output/seen.txt")));
        } finally {
            Files.deleteIfExists(secret);
        }
    }

    @Test
    void generateCohortWritesDummyDataWhereCohortExtractorWould() throws Exception {
        write("project.yaml", """
                version: '3.0'
                expectations:
                  population_size: 20
                actions:
                  cohort:
                    run: cohortextractor:latest generate_cohort --study-definition study_definition
                    outputs:
                      highly_sensitive:
                        cohort: output/input.csv
                """);
        write("analysis/study_definition.py", """
                from cohortextractor import StudyDefinition, patients

                study = StudyDefinition(
                    default_expectations={"date": {"earliest": "2019-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},
                    population=patients.registered_as_of("2020-01-01"),
                )
                """);
        PipelineRun.Outcome o = run("cohort");
        assertEquals(0, o.exitCode(), o.results().toString());
        assertEquals(21, Files.readAllLines(study.resolve("output/input.csv")).size(), "header and population_size rows");
    }
}

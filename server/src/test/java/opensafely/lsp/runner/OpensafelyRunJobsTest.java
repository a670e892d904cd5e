package opensafely.lsp.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectParser;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * opensafely run's job history in metadata/db.sqlite counts for selection and the editor's lenses (tooling spec
 * §2.3). The databases are made by Python's own sqlite3 module with job-runner's schema (its CREATE TABLE, then
 * its three ADD COLUMN migrations, in WAL mode, as opensafely run leaves them), so the reader meets real files.
 */
class OpensafelyRunJobsTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** job-runner's job table as opensafely-cli's copy creates and migrates it; rows from JSON on stdin. */
    private static final String MAKE_DB = """
            import json, sqlite3, sys
            path, encoding = sys.argv[1], sys.argv[2]
            conn = sqlite3.connect(path)
            conn.isolation_level = None
            conn.execute("PRAGMA encoding='%s'" % encoding)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript('''
            CREATE TABLE job (id TEXT, job_request_id TEXT, state TEXT, repo_url TEXT, "commit" TEXT, workspace TEXT,
                database_name TEXT, action TEXT, action_repo_url TEXT, action_commit TEXT, requires_outputs_from TEXT,
                wait_for_job_ids TEXT, run_command TEXT, image_id TEXT, output_spec TEXT, outputs TEXT,
                unmatched_outputs TEXT, status_message TEXT, status_code TEXT, cancelled BOOLEAN, created_at INT,
                updated_at INT, started_at INT, completed_at INT, PRIMARY KEY (id));
            CREATE INDEX idx_job__job_request_id ON job (job_request_id);
            CREATE INDEX idx_job__state ON job (state) WHERE state NOT IN ('failed', 'succeeded');
            CREATE TABLE job_request (id TEXT, original TEXT, PRIMARY KEY (id));
            ''')
            conn.execute("INSERT INTO job (id, action, state, created_at) VALUES ('old', 'before_migrations', 'failed', 1)")
            conn.executescript('''
            ALTER TABLE job ADD COLUMN trace_context TEXT;
            ALTER TABLE job ADD COLUMN status_code_updated_at INT;
            ALTER TABLE job ADD COLUMN level4_excluded_files TEXT;
            ALTER TABLE job ADD COLUMN requires_db BOOLEAN;
            PRAGMA user_version=3;
            ''')
            for j in json.load(sys.stdin):
                outputs = j.get("outputs")
                conn.execute(
                    "INSERT INTO job (id, job_request_id, state, action, run_command, outputs, unmatched_outputs, status_message,"
                    " status_code, cancelled, created_at, updated_at, started_at, completed_at, level4_excluded_files, requires_db)"
                    " VALUES (?, 'req', ?, ?, 'python:v2 python x.py', ?, '[]', ?, ?, ?, ?, ?, ?, ?, '{}', ?)",
                    (j["id"], j["state"], j["action"], None if outputs is None else json.dumps(outputs), j.get("message", ""),
                     j.get("code", j["state"]), j.get("cancelled", False), j["created"], j["created"], j["created"],
                     j.get("completed"), False))
            conn.close()
            """;

    @TempDir
    Path study;

    private static final String PROJECT = """
            version: 5
            actions:
              make:
                run: python:v2 python analysis/make.py
                outputs:
                  highly_sensitive:
                    data: output/data.csv
              use:
                run: python:v2 python analysis/use.py
                needs: [make]
                outputs:
                  moderately_sensitive:
                    table: output/table.csv
            """;

    @BeforeEach
    void needsPython() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs " + PYTHON + " (its sqlite3 module makes the fixtures)");
        Files.createDirectories(study.resolve("analysis"));
        Files.createDirectories(study.resolve("metadata"));
        Files.writeString(study.resolve("project.yaml"), PROJECT);
        Files.writeString(study.resolve("analysis/make.py"),
                "import os\nos.makedirs('output', exist_ok=True)\nopen('output/data.csv','w').write('n\\n1\\n')\n");
        Files.writeString(study.resolve("analysis/use.py"),
                "import os\nos.makedirs('output', exist_ok=True)\nopen('output/table.csv','w').write(open('output/data.csv').read())\n");
    }

    /** One job row; times in UNIX seconds as job-runner stores them. */
    private static Map<String, Object> job(String id, String action, String state, long created, Map<String, String> outputs) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", id);
        j.put("action", action);
        j.put("state", state);
        j.put("created", created);
        j.put("completed", created + 5);
        j.put("outputs", outputs);
        if (state.equals("failed")) {
            j.put("code", "nonzero_exit");
            j.put("message", "Job exited with an error");
        }
        return j;
    }

    private Path makeDb(String encoding, List<Map<String, Object>> jobs) throws Exception {
        Path script = Files.createTempFile("make-db", ".py");
        Files.writeString(script, MAKE_DB);
        Path db = study.resolve(OpensafelyRunJobs.FILE);
        Files.deleteIfExists(db);
        Process p = new ProcessBuilder(PYTHON, script.toString(), db.toString(), encoding).redirectErrorStream(true).start();
        p.getOutputStream().write(JSON.writeValueAsBytes(jobs));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        Files.delete(script);
        return db;
    }

    private Path makeDb(List<Map<String, Object>> jobs) throws Exception {
        return makeDb("UTF-8", jobs);
    }

    private void outputs(String... files) throws Exception {
        Files.createDirectories(study.resolve("output"));
        for (String f : files) Files.writeString(study.resolve(f), "n\n1\n");
    }

    private List<String> runAllPlan() {
        Project project = new ProjectParser().parse(PROJECT);
        return RunPlan.select(project, List.of(RunPlan.RUN_ALL), false, RunState.load(study), study).plan().orElseThrow().actions();
    }

    private static final long EARLIER = Instant.parse("2026-01-01T10:00:00Z").getEpochSecond();
    private static final Map<String, String> DATA = Map.of("output/data.csv", "highly_sensitive");
    private static final Map<String, String> TABLE = Map.of("output/table.csv", "moderately_sensitive");

    @Test
    void runAllReusesJobsOpensafelyRunFinishedAndLeavesItsDatabaseAsItWas() throws Exception {
        Path db = makeDb(List.of(job("j1", "make", "succeeded", EARLIER, DATA), job("j2", "use", "succeeded", EARLIER + 10, TABLE)));
        outputs("output/data.csv", "output/table.csv");
        byte[] before = Files.readAllBytes(db);
        List<Path> metadataBefore = listMetadata();

        PipelineRun.Outcome o = new PipelineRun(study, new LocalExecutor(PYTHON, System.getenv(), Clock.systemUTC()), Clock.systemUTC(),
                PipelineRun.environment(Map.of())).run(new PipelineRun.Request(List.of("run_all"), false, false, 1), RunListener.NONE, () -> false);

        assertEquals(List.of(), o.planned(), "nothing to do: both actions ran and succeeded under opensafely run");
        assertEquals(0, o.exitCode());
        assertArrayEquals(before, Files.readAllBytes(db), "db.sqlite is only read");
        assertEquals(metadataBefore, listMetadata(), "no -journal, -wal or -shm file appears");
        assertEquals("succeeded 5 min ago (opensafely run)",
                RunLenses.stateText(RunState.load(study).last("make"), Instant.ofEpochSecond(EARLIER + 5 + 300)));
    }

    private List<Path> listMetadata() throws Exception {
        try (var s = Files.list(study.resolve("metadata"))) {
            return s.sorted().toList();
        }
    }

    @Test
    void anActionWhoseRecordedOutputsAreGoneRunsAgain() throws Exception {
        makeDb(List.of(job("j1", "make", "succeeded", EARLIER, DATA), job("j2", "use", "succeeded", EARLIER + 10, TABLE)));
        outputs("output/table.csv");
        assertEquals(List.of("make"), runAllPlan());

        PipelineRun.Outcome o = new PipelineRun(study, new LocalExecutor(PYTHON, System.getenv(), Clock.systemUTC()), Clock.systemUTC(),
                PipelineRun.environment(Map.of())).run(new PipelineRun.Request(List.of("run_all"), false, false, 1), RunListener.NONE, () -> false);
        assertEquals(0, o.exitCode(), o.results().toString());
        assertEquals(List.of("make"), o.planned());
        assertTrue(Files.isRegularFile(study.resolve("output/data.csv")));
        assertEquals(List.of(), runAllPlan(), "our job is now the latest");
    }

    @Test
    void aFailedJobRunsAgainAndTheLensSaysWhyAndWhere() throws Exception {
        makeDb(List.of(job("j1", "make", "succeeded", EARLIER, DATA), job("j2", "use", "failed", EARLIER + 10, Map.of())));
        outputs("output/data.csv");
        assertEquals(List.of("use"), runAllPlan());
        assertEquals("failed: Job exited with an error, 2 h ago (opensafely run)",
                RunLenses.stateText(RunState.load(study).last("use"), Instant.ofEpochSecond(EARLIER + 15 + 7200)));
    }

    @Test
    void theLaterJobWinsWhicheverToolRanIt() throws Exception {
        outputs("output/data.csv", "output/table.csv");
        RunState ours = RunState.load(study);
        ours.record("make", new JobRecord("ours-make", "succeeded", "succeeded", 0, "Completed successfully", DATA,
                "2026-03-01T10:00:00Z", "2026-03-01T10:00:05Z"));
        ours.record("use", new JobRecord("ours-use", "failed", "nonzero_exit", 1, "Job exited with an error", Map.of(),
                "2026-01-01T09:00:00Z", "2026-01-01T09:00:05Z"));
        // opensafely run: make failed before our success; use succeeded after our failure.
        makeDb(List.of(job("j1", "make", "failed", EARLIER, Map.of()), job("j2", "use", "succeeded", EARLIER + 10, TABLE)));

        RunState state = RunState.load(study);
        assertEquals("ours-make", state.last("make").orElseThrow().jobId());
        assertEquals("j2", state.last("use").orElseThrow().jobId());
        assertEquals(List.of(), runAllPlan());

        makeDb(List.of(job("j3", "make", "failed", Instant.parse("2026-04-01T00:00:00Z").getEpochSecond(), Map.of())));
        assertEquals("j3", RunState.load(study).last("make").orElseThrow().jobId());
        assertEquals(List.of("make", "use"), runAllPlan(), "our failed use is the latest again; opensafely run's failed make is later than ours");
    }

    @Test
    void asJobRunnerTheLatestByCreationThatWasNotCancelledAndFinishedCounts() throws Exception {
        Map<String, Object> cancelled = job("j3", "make", "failed", EARLIER + 30, Map.of());
        cancelled.put("cancelled", true);
        makeDb(List.of(job("j1", "make", "failed", EARLIER, Map.of()), job("j2", "make", "succeeded", EARLIER + 20, DATA), cancelled,
                job("j4", "make", "running", EARLIER + 40, null), job("e", "__error__", "failed", EARLIER + 50, null)));
        Map<String, JobRecord> jobs = OpensafelyRunJobs.latest(study);
        assertEquals("j2", jobs.get("make").jobId());
        assertEquals(DATA, jobs.get("make").outputs());
        assertEquals("2026-01-01T10:00:25Z", jobs.get("make").completedAt());
        assertFalse(jobs.containsKey("__error__"));
        assertEquals("j2", jobs.get("make").jobId());
        assertEquals("old", jobs.get("before_migrations").jobId(), "a row older than the ADD COLUMN migrations reads as NULLs");
    }

    @Test
    void manyJobsAndLargeOutputListsSpanInteriorAndOverflowPages() throws Exception {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 400; i++) many.put("output/figures/figure_with_a_long_name_" + i + ".png", "moderately_sensitive");
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (int i = 0; i < 1500; i++) jobs.add(job("j" + i, "action_" + (i % 300), i % 2 == 0 ? "failed" : "succeeded", EARLIER + i, Map.of()));
        jobs.add(job("big", "figures", "succeeded", EARLIER, many));
        for (String encoding : List.of("UTF-8", "UTF-16le", "UTF-16be")) {
            makeDb(encoding, jobs);
            Map<String, JobRecord> latest = OpensafelyRunJobs.latest(study);
            assertEquals(302, latest.size(), encoding);
            assertEquals(many, latest.get("figures").outputs(), encoding);
            assertEquals("j1499", latest.get("action_299").jobId(), encoding);
            assertEquals("succeeded", latest.get("action_299").state(), encoding);
        }
    }

    @Test
    void aDamagedTruncatedOrEmptyDatabaseIsNoHistoryAndNeverAnError() throws Exception {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) many.put("output/f" + i + ".csv", "highly_sensitive");
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (int i = 0; i < 200; i++) jobs.add(job("j" + i, "a" + (i % 40), "succeeded", EARLIER + i, i % 10 == 0 ? many : DATA));
        Path db = makeDb(jobs);
        byte[] good = Files.readAllBytes(db);
        assertEquals(41, OpensafelyRunJobs.latest(study).size());
        Random random = new Random(11);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            List<byte[]> variants = new ArrayList<>(List.of(new byte[0], new byte[100], "not a database".getBytes(),
                    Arrays.copyOf(good, 100), Arrays.copyOf(good, good.length / 2), Arrays.copyOf(good, good.length - 1)));
            for (int i = 0; i < 400; i++) {
                byte[] bad = good.clone();
                int flips = 1 + random.nextInt(i % 4 == 0 ? 200 : 4);
                for (int f = 0; f < flips; f++) bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
                variants.add(bad);
            }
            int readable = 0;
            for (byte[] bytes : variants) {
                Files.write(db, bytes);
                // Straight to the reader: OpensafelyRunJobs' cache by size and time could hide a variant.
                if (SqliteReader.readTable(StudyFolder.at(study), db, "job", (columns, row) -> { })) readable++;
            }
            assertTrue(readable < variants.size(), "damage is noticed at least sometimes: " + readable);
        });
        Files.write(db, Arrays.copyOf(good, good.length / 2));
        assertEquals(Map.of(), OpensafelyRunJobs.latest(study), "a truncated file: no usable history");
        assertEquals(Optional.empty(), RunState.load(study).last("a1"));
    }

    @Test
    void aDatabaseLinkedFromOutsideTheStudyIsNotRead() throws Exception {
        makeDb(List.of(job("j1", "make", "succeeded", EARLIER, DATA)));
        Path outside = Files.createTempFile("elsewhere", ".sqlite");
        Files.move(study.resolve(OpensafelyRunJobs.FILE), outside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try {
            Files.createSymbolicLink(study.resolve(OpensafelyRunJobs.FILE), outside);
            outputs("output/data.csv");
            assertEquals(Map.of(), OpensafelyRunJobs.latest(study));
            assertEquals(List.of("make", "use"), runAllPlan());
        } finally {
            Files.deleteIfExists(outside);
        }
    }
}

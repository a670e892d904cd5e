package opensafely.lsp.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Docker executor against a fake client: the exact commands it issues, in order, and what it reports. */
class DockerExecutorTest {
    private static final String LABEL = "job-runner-local-TESTTEST";
    private static final JobCommand MODEL = new JobCommand("j1", "run_model", "python", "v2",
            List.of("python", "analysis/model.py"), Optional.empty());
    private static final ReusableAction NO_ACTIONS = new ReusableAction(HttpClient.newHttpClient(),
            URI.create("http://127.0.0.1:9"), URI.create("http://127.0.0.1:9"));

    @TempDir
    Path dir;

    private DockerExecutor executor(FakeDocker docker, Map<String, String> hostEnv) {
        return new DockerExecutor(docker, "my-study", LABEL, new DockerLimits("2", "4G"), hostEnv::get, "Mac OS X", NO_ACTIONS);
    }

    private static FakeDocker.Answer engine(List<String> args) {
        return switch (args.get(0)) {
            case "logs" -> FakeDocker.Answer.ok("hello from the job", "done");
            case "wait" -> FakeDocker.Answer.ok("3");
            case "run" -> FakeDocker.Answer.ok("4f0c1e2d");
            default -> FakeDocker.Answer.ok();
        };
    }

    @Test
    void runsStreamsAndRemovesTheContainer() throws Exception {
        FakeDocker docker = new FakeDocker(DockerExecutorTest::engine);
        List<String> log = new ArrayList<>();
        Path ws = Files.createDirectory(dir.resolve("ws"));
        int code = executor(docker, Map.of()).run(MODEL, ws, Map.of("OPENSAFELY_BACKEND", "expectations"), log::add, () -> false);
        assertEquals(3, code);
        assertEquals(List.of("hello from the job", "done"), log);
        List<List<String>> cmds = docker.commands();
        assertEquals(List.of("image", "inspect", "ghcr.io/opensafely-core/python:v2"), cmds.get(0));
        assertEquals(List.of("run", "--init", "--detach", "--label", LABEL, "--name", "os-job-j1", "--cpus", "2", "--memory", "4G",
                "--network", "none", "--mount", "type=bind,source=" + ws.toAbsolutePath() + ",target=/workspace",
                "--label", "jobrunner-local", "--label", "workspace=my-study", "--label", "action=run_model",
                "--env", "OPENSAFELY_BACKEND", "ghcr.io/opensafely-core/python:v2", "python", "analysis/model.py"), cmds.get(1));
        // The value travels in docker's environment, never on its command line.
        assertEquals(Map.of("OPENSAFELY_BACKEND", "expectations"), docker.calls.get(1).env());
        assertTrue(cmds.contains(List.of("logs", "--follow", "os-job-j1")), cmds.toString());
        assertTrue(cmds.contains(List.of("wait", "os-job-j1")), cmds.toString());
        assertEquals(List.of("rm", "--force", "os-job-j1"), cmds.get(cmds.size() - 1));
    }

    @Test
    void linuxRunsAsTheWorkspaceOwner() throws Exception {
        FakeDocker docker = new FakeDocker(DockerExecutorTest::engine);
        Path ws = Files.createDirectory(dir.resolve("ws"));
        new DockerExecutor(docker, "s", LABEL, new DockerLimits("2", "4G"), n -> null, "Linux", NO_ACTIONS)
                .run(MODEL, ws, Map.of("OPENSAFELY_BACKEND", "expectations"), l -> { }, () -> false);
        String user = Files.getAttribute(ws, "unix:uid") + ":" + Files.getAttribute(ws, "unix:gid");
        List<String> run = docker.commands().get(1);
        int at = run.indexOf("--user");
        assertEquals(List.of("--user", user, "-e", "HOME=/tmp"), run.subList(at, at + 4));
    }

    @Test
    void aMissingImageIsPulledFirstAndSaidSo() throws Exception {
        FakeDocker docker = new FakeDocker(args -> switch (args.get(0)) {
            case "image" -> FakeDocker.Answer.fails(1, "Error: No such image: ghcr.io/opensafely-core/python:v2");
            case "pull" -> FakeDocker.Answer.ok("v2: Pulling from opensafely-core/python", "Status: Downloaded newer image");
            default -> engine(args);
        });
        List<String> log = new ArrayList<>();
        executor(docker, Map.of()).run(MODEL, Files.createDirectory(dir.resolve("ws")), Map.of(), log::add, () -> false);
        assertEquals("Fetching missing docker image: docker pull ghcr.io/opensafely-core/python:v2", log.get(0));
        assertEquals(List.of("pull", "ghcr.io/opensafely-core/python:v2"), docker.commands().get(1));
        assertEquals("run", docker.commands().get(2).get(0));
    }

    @Test
    void aFailedPullIsOneLineAndNoContainer() {
        FakeDocker docker = new FakeDocker(args -> switch (args.get(0)) {
            case "image" -> FakeDocker.Answer.fails(1);
            case "pull" -> FakeDocker.Answer.fails(1, "Error response from daemon: manifest unknown");
            default -> engine(args);
        });
        Exception e = assertThrows(java.io.IOException.class, () -> executor(docker, Map.of())
                .run(MODEL, Files.createDirectory(dir.resolve("ws")), Map.of(), l -> { }, () -> false));
        assertEquals("could not pull docker image ghcr.io/opensafely-core/python:v2: Error response from daemon: manifest unknown",
                e.getMessage());
        assertTrue(docker.commands().stream().noneMatch(c -> c.get(0).equals("run")));
    }

    @Test
    void aContainerThatCannotStartIsOneLineAndRemoved() {
        FakeDocker docker = new FakeDocker(args -> args.get(0).equals("run")
                ? FakeDocker.Answer.fails(125, "docker: Error response from daemon: invalid mount config.")
                : engine(args));
        Exception e = assertThrows(java.io.IOException.class, () -> executor(docker, Map.of())
                .run(MODEL, Files.createDirectory(dir.resolve("ws")), Map.of(), l -> { }, () -> false));
        assertEquals("docker could not start the container for ghcr.io/opensafely-core/python:v2:"
                + " docker: Error response from daemon: invalid mount config.", e.getMessage());
        List<List<String>> cmds = docker.commands();
        assertEquals(List.of("rm", "--force", "os-job-j1"), cmds.get(cmds.size() - 1));
    }

    @Test
    void cancelKillsThenRemovesTheContainer() throws Exception {
        FakeDocker docker = new FakeDocker(args -> args.get(0).equals("wait") ? FakeDocker.Answer.ok("137") : engine(args));
        docker.waitBlocksUntilStopped = true;
        AtomicBoolean cancelled = new AtomicBoolean();
        CountDownLatch waiting = new CountDownLatch(1);
        Path ws = Files.createDirectory(dir.resolve("ws"));
        int[] code = new int[1];
        Thread job = new Thread(() -> {
            try {
                code[0] = executor(docker, Map.of()).run(MODEL, ws, Map.of(), l -> { }, () -> {
                    waiting.countDown();
                    return cancelled.get();
                });
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        job.start();
        assertTrue(waiting.await(30, TimeUnit.SECONDS));
        cancelled.set(true);
        job.join(30_000);
        assertEquals(137, code[0]);
        List<List<String>> cmds = docker.commands();
        int kill = cmds.indexOf(List.of("kill", "os-job-j1"));
        assertTrue(kill > 0, cmds.toString());
        assertEquals(List.of("rm", "--force", "os-job-j1"), cmds.get(cmds.size() - 1));
    }

    @Test
    void atTheEndOfARunItsLeftoverContainersAreRemoved() throws Exception {
        FakeDocker docker = new FakeDocker(args -> args.get(0).equals("ps") ? FakeDocker.Answer.ok("4f0c1e2d", "9a8b7c6d") : FakeDocker.Answer.ok());
        executor(docker, Map.of()).removeRunContainers();
        assertEquals(List.of(List.of("ps", "--all", "--quiet", "--filter", "label=" + LABEL),
                List.of("rm", "--force", "4f0c1e2d", "9a8b7c6d")), docker.commands());

        FakeDocker none = new FakeDocker(args -> FakeDocker.Answer.ok());
        executor(none, Map.of()).removeRunContainers();
        assertEquals(List.of(List.of("ps", "--all", "--quiet", "--filter", "label=" + LABEL)), none.commands());
    }

    @Test
    void cannotRunWithoutAnEngine() {
        FakeDocker docker = new FakeDocker(args -> FakeDocker.Answer.fails(1,
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"));
        DockerExecutor ex = executor(docker, Map.of());
        assertEquals(Optional.of("Docker is not running (docker info failed): install or start Docker"
                + " (https://docs.docker.com/get-docker/), or run with --executor local"), ex.cannotRun(MODEL));
        ex.cannotRun(MODEL);
        assertEquals(List.of(List.of("info")), docker.commands(), "docker info is asked once per run");
    }

    @Test
    void stataNeedsALicence() {
        JobCommand stata = new JobCommand("j2", "model", "stata-mp", "v1", List.of("analysis/model.do"), Optional.empty());
        FakeDocker docker = new FakeDocker(DockerExecutorTest::engine);
        Optional<String> why = executor(docker, Map.of()).cannotRun(stata);
        // A cached licence in the temporary folder would satisfy it, as it does opensafely run.
        if (!Files.exists(Path.of(System.getProperty("java.io.tmpdir"), "opensafely-stata.lic"))) {
            assertTrue(why.orElseThrow().startsWith("stata-mp needs a licence: set STATA_LICENSE to it, or put it in "), why.toString());
        }
        assertEquals(Optional.empty(), executor(docker, Map.of("STATA_LICENSE", "licence-text")).cannotRun(stata));
    }

    @Test
    void stataGetsItsLicenceByName() throws Exception {
        JobCommand stata = new JobCommand("j2", "model", "stata-mp", "v1", List.of("analysis/model.do"), Optional.empty());
        FakeDocker docker = new FakeDocker(DockerExecutorTest::engine);
        executor(docker, Map.of("STATA_LICENSE", "licence-text"))
                .run(stata, Files.createDirectory(dir.resolve("ws")), Map.of("OPENSAFELY_BACKEND", "expectations"), l -> { }, () -> false);
        List<String> run = docker.commands().get(1);
        assertEquals(List.of("--env", "OPENSAFELY_BACKEND", "--env", "STATA_LICENSE", "ghcr.io/opensafely-core/stata-mp:v1",
                "analysis/model.do"), run.subList(run.size() - 6, run.size()));
        assertEquals("licence-text", docker.calls.get(1).env().get("STATA_LICENSE"));
    }
}

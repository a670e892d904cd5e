package opensafely.lsp.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real client runner, with a shell script standing in for docker: arguments, environment, lines, stop, timeout. */
class ProcessDockerCliTest {
    @TempDir
    Path dir;

    private Path script(String body) throws Exception {
        Path docker = dir.resolve("docker");
        Files.writeString(docker, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwx------"));
        return docker;
    }

    @Test
    void passesArgumentsAndEnvironmentAndStreamsMergedLines() throws Exception {
        Path docker = script("echo \"args: $*\"; echo \"backend: $OPENSAFELY_BACKEND\"; echo oops >&2; exit 4");
        List<String> lines = new ArrayList<>();
        DockerCli.Result r = new ProcessDockerCli(docker.toString()).run(List.of("run", "--env", "OPENSAFELY_BACKEND", "img"),
                Map.of("OPENSAFELY_BACKEND", "expectations"), Duration.ofSeconds(30), lines::add, () -> false);
        assertEquals(4, r.exitCode());
        assertTrue(lines.containsAll(List.of("args: run --env OPENSAFELY_BACKEND img", "backend: expectations", "oops")), lines.toString());
        assertEquals(lines, r.output());
    }

    @Test
    void aHugeLineIsCutAndTheNextStillComes() throws Exception {
        Path docker = script("head -c 200000 /dev/zero | tr '\\0' x; echo; printf 'next\\r\\n'; printf 'last'");
        List<String> lines = new ArrayList<>();
        DockerCli.Result r = new ProcessDockerCli(docker.toString()).run(List.of("logs"), Map.of(), Duration.ofSeconds(30), lines::add, () -> false);
        assertEquals(0, r.exitCode());
        assertEquals(3, lines.size(), lines.size() + " lines");
        assertEquals("x".repeat(ProcessDockerCli.MAX_LINE) + "…", lines.get(0));
        assertEquals(List.of("next", "last"), lines.subList(1, 3));
    }

    @Test
    void stopEndsAClientThatWouldRunForever() throws Exception {
        Path docker = script("echo started; exec sleep 600");
        CountDownLatch started = new CountDownLatch(1);
        DockerCli.Result r = new ProcessDockerCli(docker.toString()).run(List.of("logs", "--follow", "x"), Map.of(),
                DockerCli.NO_TIMEOUT, line -> started.countDown(), () -> started.getCount() == 0);
        assertTrue(r.stopped());
        assertFalse(r.ok());
    }

    @Test
    void aStuckClientTimesOut() throws Exception {
        Path docker = script("exec sleep 600");
        DockerCli.Result r = new ProcessDockerCli(docker.toString()).run(List.of("info"), Duration.ofMillis(300));
        assertTrue(r.timedOut());
    }

    @Test
    void probeSaysNoWhenTheClientIsMissing() throws Exception {
        assertFalse(new DockerProbe(new ProcessDockerCli(dir.resolve("no-docker-here").toString())).engineAnswers());
    }

    /** On these machines there is a docker client but no engine: the answer is a quick no, not a hang. */
    @Test
    void probeOfTheRealClientAnswersInTime() throws Exception {
        long start = System.nanoTime();
        new DockerProbe(new ProcessDockerCli()).engineAnswers();
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(DockerProbe.INFO_TIMEOUT.toSeconds() + 5));
    }
}

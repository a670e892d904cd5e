package opensafely.lsp.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny python:v2 job run for real in OpenSAFELY's image, where a Docker engine answers (it pulls the image
 * the first time); skipped elsewhere, saying why.
 */
class DockerEngineE2ETest {
    @Test
    void runsATinyActionInTheRealImage(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(new DockerProbe(new ProcessDockerCli()).engineAnswers(),
                "no Docker engine on this machine (docker info failed)");
        Path ws = Files.createDirectories(dir.resolve("ws"));
        Files.createDirectories(ws.resolve("output"));
        Files.writeString(ws.resolve("hello.py"), "import os\nprint('backend', os.environ['OPENSAFELY_BACKEND'])\n"
                + "open('output/hello.txt', 'w').write('hi')\n");
        DockerExecutor ex = DockerExecutor.forStudy(dir.resolve("study"), DockerLimits.fromEnv(System::getenv));
        JobCommand job = new JobCommand("e2e" + ProcessHandle.current().pid(), "hello", "python", "v2",
                List.of("python", "hello.py"), Optional.empty());
        assertEquals(Optional.empty(), ex.cannotRun(job));
        List<String> log = new ArrayList<>();
        int code = ex.run(job, ws, Map.of("OPENSAFELY_BACKEND", "expectations"), log::add, () -> false);
        assertEquals(0, code, log.toString());
        assertTrue(log.contains("backend expectations"), log.toString());
        assertEquals("hi", Files.readString(ws.resolve("output/hello.txt")));
    }
}

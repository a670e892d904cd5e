package opensafely.lsp.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docker command lines, word for word against tooling.md §2.4–2.6. */
class DockerInvocationTest {
    private static final JobCommand MODEL = new JobCommand("abc123", "run_model", "python", "v2",
            List.of("python", "analysis/model.py"), Optional.empty());

    @Test
    void imageReferenceUsesGhcrUnlessDockerRegistryIsSet() {
        assertEquals("ghcr.io/opensafely-core/python:v2", DockerImage.of("python", "v2", n -> null).reference());
        assertEquals("localhost:5000/mirror/ehrql:v1",
                DockerImage.of("ehrql", "v1", Map.of("DOCKER_REGISTRY", "localhost:5000/mirror/")::get).reference());
    }

    @Test
    void allowedImagesAreTheRuntimesOnly() {
        for (String image : List.of("ehrql", "python", "r", "stata-mp", "jupyter", "sqlrunner", "cohortextractor", "databuilder")) {
            assertTrue(DockerImage.allowed(image), image);
        }
        assertEquals(false, DockerImage.allowed("matching"));
        assertEquals(false, DockerImage.allowed("rstudio"));
    }

    @Test
    void runOnLinuxMapsTheUserAndPassesEnvironmentByName() {
        DockerInvocation inv = new DockerInvocation("job-runner-local-ABCDEFGH", new DockerLimits("2", "4G"), Optional.of("1000:1000"));
        List<String> args = inv.run(MODEL, DockerImage.of("python", "v2", n -> null), ContainerArgs.of(MODEL),
                Path.of("/study/metadata/volumes/abc123"), "my-study", Set.of("STATA_LICENSE", "OPENSAFELY_BACKEND", "HOME"));
        assertEquals(List.of("run", "--init", "--detach", "--label", "job-runner-local-ABCDEFGH", "--name", "os-job-abc123",
                "--cpus", "2", "--memory", "4G", "--user", "1000:1000", "-e", "HOME=/tmp", "--network", "none",
                "--mount", "type=bind,source=/study/metadata/volumes/abc123,target=/workspace",
                "--label", "jobrunner-local", "--label", "workspace=my-study", "--label", "action=run_model",
                "--env", "OPENSAFELY_BACKEND", "--env", "STATA_LICENSE",
                "ghcr.io/opensafely-core/python:v2", "python", "analysis/model.py"), args);
    }

    @Test
    void runElsewhereKeepsTheImagesUser() {
        DockerInvocation inv = new DockerInvocation("job-runner-local-QWERTYUI", new DockerLimits("1.5", "8G"), Optional.empty());
        JobCommand ehrql = new JobCommand("j1", "generate_dataset", "ehrql", "v1",
                List.of("generate-dataset", "analysis/dataset_definition.py", "--output", "output/dataset.csv.gz"), Optional.empty());
        assertEquals(List.of("run", "--init", "--detach", "--label", "job-runner-local-QWERTYUI", "--name", "os-job-j1",
                "--cpus", "1.5", "--memory", "8G", "--network", "none",
                "--mount", "type=bind,source=/w,target=/workspace",
                "--label", "jobrunner-local", "--label", "workspace=s", "--label", "action=generate_dataset",
                "--env", "OPENSAFELY_BACKEND",
                "ghcr.io/opensafely-core/ehrql:v1", "generate-dataset", "analysis/dataset_definition.py", "--output", "output/dataset.csv.gz"),
                inv.run(ehrql, DockerImage.of("ehrql", "v1", n -> null), ContainerArgs.of(ehrql), Path.of("/w"), "s",
                        Set.of("OPENSAFELY_BACKEND")));
    }

    @Test
    void theOtherCommands() {
        DockerImage image = DockerImage.of("r", "v2", n -> null);
        assertEquals(List.of("info"), DockerInvocation.info());
        assertEquals(List.of("image", "inspect", "ghcr.io/opensafely-core/r:v2"), DockerInvocation.imageInspect(image));
        assertEquals(List.of("pull", "ghcr.io/opensafely-core/r:v2"), DockerInvocation.pull(image));
        assertEquals(List.of("logs", "--follow", "os-job-j9"), DockerInvocation.logs("j9"));
        assertEquals(List.of("wait", "os-job-j9"), DockerInvocation.waitFor("j9"));
        assertEquals(List.of("kill", "os-job-j9"), DockerInvocation.kill("j9"));
        assertEquals(List.of("rm", "--force", "os-job-j9"), DockerInvocation.remove("j9"));
    }

    @Test
    void configIsAppendedAsOneWordWithSingleQuotesEscaped() {
        JobCommand matching = new JobCommand("j", "match", "matching", "v0.5", List.of("--cases", "output/cases.csv"),
                Optional.of("{\"name\":\"O'Brien\",\"k\":1}"));
        assertEquals(List.of("--cases", "output/cases.csv", "--config", "{\"name\":\"O\\u0027Brien\",\"k\":1}"),
                ContainerArgs.of(matching));
    }

    @Test
    void legacyGenerateCohortGetsDummyDataAndOutputDir() {
        List<String> gen = List.of("generate_cohort", "--study-definition", "study_definition");
        assertEquals(List.of("--expectations-population=1000", "--output-dir=output"),
                ContainerArgs.cohortextractorAppends("cohortextractor", gen, Optional.empty(), 1000, List.of("output/input.csv")));
        assertEquals(List.of("--dummy-data-file=dummy/input.csv", "--output-dir=."),
                ContainerArgs.cohortextractorAppends("cohortextractor", gen, Optional.of("dummy/input.csv"), 1000, List.of("input.csv")));
        assertEquals(List.of("--expectations-population=50"), ContainerArgs.cohortextractorAppends("cohortextractor", gen,
                Optional.empty(), 50, List.of("output/a/input.csv", "output/b/input.csv")));
        assertEquals(List.of(), ContainerArgs.cohortextractorAppends("cohortextractor", List.of("generate_measures"),
                Optional.empty(), 50, List.of("output/m.csv")));
        assertEquals(List.of(), ContainerArgs.cohortextractorAppends("ehrql", List.of("generate_cohort"), Optional.empty(), 50, List.of("o.csv")));
    }

    @Test
    void limitsDefaultToTwoCpusAndFourGigabytes() {
        assertEquals(new DockerLimits("2", "4G"), DockerLimits.fromEnv(n -> null));
        assertEquals(new DockerLimits("4", "16G"),
                DockerLimits.fromEnv(Map.of("DEFAULT_JOB_CPU_COUNT", "4", "DEFAULT_JOB_MEMORY_LIMIT", "16G")::get));
    }

    @Test
    void runLabelIsEightUppercaseLetters() {
        String label = DockerInvocation.randomRunLabel(new Random(7));
        assertTrue(label.matches("job-runner-local-[A-Z]{8}"), label);
    }

    @Test
    void userIsTheWorkspaceOwnerOnLinuxOnly(@TempDir Path dir) throws Exception {
        Path ws = Files.createDirectory(dir.resolve("ws"));
        String expected = Files.getAttribute(ws, "unix:uid") + ":" + Files.getAttribute(ws, "unix:gid");
        assertEquals(Optional.of(expected), DockerInvocation.userOf(ws, "Linux"));
        assertEquals(Optional.empty(), DockerInvocation.userOf(ws, "Mac OS X"));
        assertEquals(Optional.empty(), DockerInvocation.userOf(ws, "Windows 11"));
    }
}

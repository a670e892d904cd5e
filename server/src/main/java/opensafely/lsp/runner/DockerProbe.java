package opensafely.lsp.runner;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What the Docker executor asks the engine before a job: does it answer at all ({@code docker info}, bounded, so
 * a missing or stuck engine is a quick "no"), and is the job's image here, else pull it, saying so as opensafely
 * run does.
 */
public final class DockerProbe {
    /** {@code docker info} answers within a second when the engine runs; a stuck socket must not hang a run. */
    public static final Duration INFO_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration INSPECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PULL_TIMEOUT = Duration.ofHours(1);

    private final DockerCli cli;

    public DockerProbe(DockerCli cli) {
        this.cli = cli;
    }

    /** Whether a Docker engine answers: the client is installed and {@code docker info} succeeds in time. */
    public boolean engineAnswers() throws InterruptedException {
        try {
            return cli.run(DockerInvocation.info(), INFO_TIMEOUT).ok();
        } catch (IOException e) {
            return false; // no docker client on PATH
        }
    }

    /**
     * The image is present afterwards: when {@code docker image inspect} does not know it, prints
     * "Fetching missing docker image: docker pull <image>" to {@code log} and pulls it, the pull's own lines
     * following.
     *
     * @throws IOException with one line saying what failed when the pull fails
     */
    public void ensureImage(DockerImage image, Consumer<String> log) throws IOException, InterruptedException {
        if (cli.run(DockerInvocation.imageInspect(image), INSPECT_TIMEOUT).ok()) return;
        log.accept("Fetching missing docker image: docker pull " + image.reference());
        DockerCli.Result pull = cli.run(DockerInvocation.pull(image), java.util.Map.of(), PULL_TIMEOUT, log, () -> false);
        if (!pull.ok()) {
            String why = pull.timedOut() ? "it took over an hour" : pull.lastLine();
            throw new IOException("could not pull docker image " + image.reference() + (why.isEmpty() ? "" : ": " + why));
        }
    }
}

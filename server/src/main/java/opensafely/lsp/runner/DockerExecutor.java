package opensafely.lsp.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs jobs in OpenSAFELY's images as opensafely run does (tooling.md §2.4–2.6): the job's prepared workspace
 * bind-mounted as /workspace, no network, the run's label, cpus and memory, the invoking user on Linux. Missing
 * images are pulled first; a reusable action is resolved to its runtime image and command ({@link ReusableAction})
 * and its code fetched into the workspace. The container is always removed afterwards, cancelled or not.
 *
 * <p>Failures of docker itself (a pull, a container that cannot start) are thrown as {@link IOException} with one
 * line saying what failed; the job's own failure is its exit code.
 */
public final class DockerExecutor implements Executor {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    /** How long the log stream may lag behind the container's exit before the job's result is reported. */
    private static final long LOG_DRAIN_MILLIS = 30_000;

    private final DockerCli cli;
    private final DockerProbe probe;
    private final String studyName;
    private final String runLabel;
    private final DockerLimits limits;
    private final Function<String, String> hostEnv;
    private final String osName;
    private final ReusableAction actions;
    private Boolean engineAnswers;

    /**
     * @param cli       the docker client ({@code new ProcessDockerCli()} for the real one)
     * @param studyName the study folder's name (the {@code workspace=} label)
     * @param runLabel  one per run ({@link DockerInvocation#randomRunLabel})
     * @param hostEnv   this process's environment (DOCKER_REGISTRY, STATA_LICENSE)
     * @param osName    the {@code os.name} property: Linux maps the user
     * @param actions   where reusable actions are resolved
     */
    public DockerExecutor(DockerCli cli, String studyName, String runLabel, DockerLimits limits,
            Function<String, String> hostEnv, String osName, ReusableAction actions) {
        this.cli = cli;
        this.probe = new DockerProbe(cli);
        this.studyName = studyName;
        this.runLabel = runLabel;
        this.limits = limits;
        this.hostEnv = hostEnv;
        this.osName = osName;
        this.actions = actions;
    }

    /** The real thing for a study folder: docker on PATH, limits from --cpus/--memory or the environment, GitHub. */
    public static DockerExecutor forStudy(Path study, DockerLimits limits) {
        Path name = study.toAbsolutePath().normalize().getFileName();
        return new DockerExecutor(new ProcessDockerCli(), name == null ? "workspace" : name.toString(),
                DockerInvocation.randomRunLabel(new SecureRandom()), limits, System::getenv, System.getProperty("os.name", ""),
                ReusableAction.github());
    }

    /** What to do when no engine answers: the run's one line, and each job's reason. */
    public static final String NOT_RUNNING = "Docker is not running (docker info failed): install or start Docker"
            + " (https://docs.docker.com/get-docker/), or run with --executor local";

    @Override
    public String name() {
        return "docker";
    }

    /** Whether the engine answers; asked once per executor (the run's first line and its default executor use it). */
    public synchronized boolean available() throws InterruptedException {
        if (engineAnswers == null) engineAnswers = probe.engineAnswers();
        return engineAnswers;
    }

    @Override
    public Optional<String> cannotRun(JobCommand command) {
        try {
            if (!available()) {
                return Optional.of(NOT_RUNNING);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while asking whether Docker is running");
        }
        if (command.image().equals("stata-mp") && stataLicence().isEmpty()) {
            return Optional.of("stata-mp needs a licence: set STATA_LICENSE to it, or put it in "
                    + licenceFile() + " (opensafely run caches it there)");
        }
        return Optional.empty();
    }

    @Override
    public int run(JobCommand command, Path workspace, Map<String, String> env, Consumer<String> log, BooleanSupplier cancelled)
            throws IOException, InterruptedException {
        JobCommand job = command;
        if (!DockerImage.allowed(command.image())) {
            ReusableAction.Resolved action = actions.resolve(command.image(), command.version());
            actions.fetchCode(action, workspace);
            job = action.apply(command);
        }
        DockerImage image = DockerImage.of(job.image(), job.version(), hostEnv);
        probe.ensureImage(image, log);
        Map<String, String> dockerEnv = new HashMap<>(env);
        if (job.image().equals("stata-mp")) stataLicence().ifPresent(l -> dockerEnv.put("STATA_LICENSE", l));
        DockerInvocation invocation = new DockerInvocation(runLabel, limits, DockerInvocation.userOf(workspace, osName));
        List<String> runArgs = invocation.run(job, image, ContainerArgs.of(job), workspace, studyName, dockerEnv.keySet());
        try {
            DockerCli.Result started = cli.run(runArgs, dockerEnv, START_TIMEOUT, line -> { }, cancelled);
            if (started.stopped()) return -1;
            if (!started.ok()) {
                throw new IOException("docker could not start the container for " + image.reference()
                        + (started.lastLine().isEmpty() ? "" : ": " + started.lastLine()));
            }
            return follow(job.jobId(), log, cancelled);
        } finally {
            cli.run(DockerInvocation.remove(job.jobId()), STOP_TIMEOUT);
        }
    }

    /**
     * Removes every container this run labelled, as opensafely run does at its end: each job removes its own, so
     * this only finds one left by a job the runner abandoned (an interrupted thread, a crash between run and rm).
     * For the runner to call once after the last job; quiet when there is nothing, or no engine.
     */
    @Override
    public void finish() throws InterruptedException {
        removeRunContainers();
    }

    public void removeRunContainers() throws InterruptedException {
        try {
            DockerCli.Result ids = cli.run(DockerInvocation.listRunContainers(runLabel), STOP_TIMEOUT);
            List<String> left = ids.ok() ? ids.output().stream().map(String::strip).filter(l -> !l.isEmpty()).toList() : List.of();
            if (!left.isEmpty()) cli.run(DockerInvocation.removeAll(left), STOP_TIMEOUT);
        } catch (IOException e) {
            // no docker client: nothing was started either
        }
    }

    /** Streams the container's log while waiting for it to stop; kills it when cancelled. Its exit code. */
    private int follow(String jobId, Consumer<String> log, BooleanSupplier cancelled) throws IOException, InterruptedException {
        IOException[] logFailure = new IOException[1];
        Thread logs = new Thread(() -> {
            try {
                cli.run(DockerInvocation.logs(jobId), Map.of(), DockerCli.NO_TIMEOUT, log, () -> false);
            } catch (IOException e) {
                logFailure[0] = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "docker logs " + jobId);
        logs.setDaemon(true);
        logs.start();
        DockerCli.Result waited = cli.run(DockerInvocation.waitFor(jobId), Map.of(), DockerCli.NO_TIMEOUT, line -> { }, cancelled);
        if (waited.stopped()) {
            cli.run(DockerInvocation.kill(jobId), STOP_TIMEOUT);
            waited = cli.run(DockerInvocation.waitFor(jobId), STOP_TIMEOUT);
        }
        // `docker logs --follow` ends when the container stops: wait for its last lines before reporting.
        logs.join(LOG_DRAIN_MILLIS);
        if (logFailure[0] != null) throw logFailure[0];
        try {
            return Integer.parseInt(waited.lastLine());
        } catch (NumberFormatException e) {
            throw new IOException("docker wait did not give the container's exit code"
                    + (waited.lastLine().isEmpty() ? "" : ": " + waited.lastLine()));
        }
    }

    /** STATA_LICENSE, else the licence opensafely run caches in the temporary folder. */
    private Optional<String> stataLicence() {
        String env = hostEnv.apply("STATA_LICENSE");
        if (env != null && !env.isBlank()) return Optional.of(env);
        try {
            Path file = licenceFile();
            if (Files.isRegularFile(file) && Files.size(file) < 64 * 1024) {
                String text = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!text.isEmpty()) return Optional.of(text);
            }
        } catch (IOException e) {
            // unreadable: as if absent, and cannotRun says where it belongs
        }
        return Optional.empty();
    }

    private static Path licenceFile() {
        return Path.of(System.getProperty("java.io.tmpdir"), "opensafely-stata.lic");
    }
}

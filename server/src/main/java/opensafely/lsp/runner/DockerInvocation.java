package opensafely.lsp.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The docker command lines of one run, word for word as opensafely run issues them (tooling.md §2.4–2.6); each
 * list is what follows the {@code docker} executable.
 *
 * <p>Containers are started {@code --detach}ed and not {@code --rm}: the exit code then comes from
 * {@code docker wait}, which prints the container's own code and nothing else (an attached {@code docker run}
 * mixes it with its own 125/126/127 failures), the log streams line by line from {@code docker logs --follow},
 * which ends when the container stops, and the container still exists to be waited on and read however quickly
 * it exits. It is removed ({@code docker rm --force}) afterwards, always.
 *
 * @param runLabel the label every container of this run carries ({@link #randomRunLabel}), so all can be found
 * @param limits   --cpus and --memory
 * @param user     {@code uid:gid} to run as (Linux, where the bind-mounted files must stay the user's), or empty
 */
public record DockerInvocation(String runLabel, DockerLimits limits, Optional<String> user) {
    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /** {@code job-runner-local-} and 8 random uppercase letters, as opensafely run labels a run's containers. */
    public static String randomRunLabel(Random random) {
        StringBuilder b = new StringBuilder("job-runner-local-");
        for (int i = 0; i < 8; i++) b.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        return b.toString();
    }

    /**
     * The uid:gid a container runs as on Linux: the owner of the job's workspace, which this process has just
     * created, so it is the invoking user's; empty elsewhere (Docker Desktop maps ownership itself, and the
     * image's default user is what opensafely run uses there).
     */
    public static Optional<String> userOf(Path workspace, String osName) throws IOException {
        if (!osName.toLowerCase(Locale.ROOT).contains("linux")) return Optional.empty();
        Object uid = Files.getAttribute(workspace, "unix:uid");
        Object gid = Files.getAttribute(workspace, "unix:gid");
        return Optional.of(uid + ":" + gid);
    }

    public static String containerName(String jobId) {
        return "os-job-" + jobId;
    }

    /**
     * {@code docker run --init --detach ...}: the job's workspace bind-mounted as /workspace (the container's
     * working directory), no network, the labels opensafely run puts on it, and each of {@code envNames} passed by
     * name, so its value comes from the environment docker itself is started with (never on the command line).
     * OPENSAFELY_BACKEND comes first, then the others sorted; HOME is the container's own (/tmp when a user is
     * mapped), never the host's.
     */
    public List<String> run(JobCommand command, DockerImage image, List<String> containerArgs, Path workspace,
            String workspaceName, Set<String> envNames) {
        List<String> a = new ArrayList<>(List.of("run", "--init", "--detach", "--label", runLabel,
                "--name", containerName(command.jobId()), "--cpus", limits.cpus(), "--memory", limits.memory()));
        user.ifPresent(u -> a.addAll(List.of("--user", u, "-e", "HOME=/tmp")));
        a.addAll(List.of("--network", "none",
                "--mount", "type=bind,source=" + workspace.toAbsolutePath() + ",target=/workspace",
                "--label", "jobrunner-local", "--label", "workspace=" + workspaceName, "--label", "action=" + command.action()));
        TreeSet<String> names = new TreeSet<>(envNames);
        names.remove("HOME");
        if (names.remove("OPENSAFELY_BACKEND")) a.addAll(List.of("--env", "OPENSAFELY_BACKEND"));
        for (String n : names) a.addAll(List.of("--env", n));
        a.add(image.reference());
        a.addAll(containerArgs);
        return List.copyOf(a);
    }

    public static List<String> info() {
        return List.of("info");
    }

    public static List<String> imageInspect(DockerImage image) {
        return List.of("image", "inspect", image.reference());
    }

    public static List<String> pull(DockerImage image) {
        return List.of("pull", image.reference());
    }

    /** Streams stdout and stderr of the container from its start until it stops. */
    public static List<String> logs(String jobId) {
        return List.of("logs", "--follow", containerName(jobId));
    }

    /** Blocks until the container stops, then prints its exit code. */
    public static List<String> waitFor(String jobId) {
        return List.of("wait", containerName(jobId));
    }

    public static List<String> kill(String jobId) {
        return List.of("kill", containerName(jobId));
    }

    public static List<String> remove(String jobId) {
        return List.of("rm", "--force", containerName(jobId));
    }

    /** The ids of every container carrying this run's label, running or not. */
    public static List<String> listRunContainers(String runLabel) {
        return List.of("ps", "--all", "--quiet", "--filter", "label=" + runLabel);
    }

    /** Removes the given containers, running or not. */
    public static List<String> removeAll(List<String> ids) {
        List<String> a = new ArrayList<>(List.of("rm", "--force"));
        a.addAll(ids);
        return List.copyOf(a);
    }
}

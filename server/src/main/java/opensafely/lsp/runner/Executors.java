package opensafely.lsp.runner;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The one place an executor is chosen ({@code --executor local|docker}): by default Docker when {@code docker info}
 * answers (a Docker engine runs here), else local.
 */
public final class Executors {
    private Executors() {
    }

    /** The executor, or why there is none (one line, for a usage error). */
    public record Choice(Optional<Executor> executor, Optional<String> error) {
        static Choice of(Executor e) {
            return new Choice(Optional.of(e), Optional.empty());
        }

        static Choice error(String why) {
            return new Choice(Optional.empty(), Optional.of(why));
        }
    }

    /**
     * @param name   "local", "docker", or null for the default
     * @param study  the study folder (names the containers' workspace label)
     * @param python the Python for the local executor
     */
    public static Choice choose(String name, Path study, String python, Map<String, String> host, Clock clock) {
        if (name == null) {
            DockerExecutor docker = docker(study, host);
            return Choice.of(answers(docker) ? docker : new LocalExecutor(python, host, clock));
        }
        return switch (name) {
            case "local" -> Choice.of(new LocalExecutor(python, host, clock));
            case "docker" -> Choice.of(docker(study, host));
            default -> Choice.error("--executor must be local or docker, not '" + name + "'");
        };
    }

    private static DockerExecutor docker(Path study, Map<String, String> host) {
        return DockerExecutor.forStudy(study, DockerLimits.fromEnv(host::get));
    }

    private static boolean answers(DockerExecutor docker) {
        try {
            return docker.available();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

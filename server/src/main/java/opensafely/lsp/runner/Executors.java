package opensafely.lsp.runner;

import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The one place an executor is chosen ({@code --executor local|docker}): by default Docker when {@code docker info}
 * answers within a few seconds (a Docker engine runs here), else local. The Docker executor is wired in here when
 * it is part of the build; until then {@code docker} says it is not available.
 */
public final class Executors {
    static final long PROBE_SECONDS = 3;

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
     * @param python the Python for the local executor
     */
    public static Choice choose(String name, String python, Map<String, String> host, Clock clock) {
        if (name == null) {
            Optional<Executor> docker = docker();
            return Choice.of(docker.isPresent() && dockerAnswers() ? docker.get() : new LocalExecutor(python, host, clock));
        }
        return switch (name) {
            case "local" -> Choice.of(new LocalExecutor(python, host, clock));
            case "docker" -> docker().map(Choice::of)
                    .orElseGet(() -> Choice.error("--executor docker is not available in this build; use --executor local"));
            default -> Choice.error("--executor must be local or docker, not '" + name + "'");
        };
    }

    /** The Docker executor when this build has one. */
    private static Optional<Executor> docker() {
        return Optional.empty();
    }

    /** Whether `docker info` succeeds within {@value #PROBE_SECONDS} s: a client without a running engine hangs or fails. */
    static boolean dockerAnswers() {
        try {
            Process p = new ProcessBuilder("docker", "info").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

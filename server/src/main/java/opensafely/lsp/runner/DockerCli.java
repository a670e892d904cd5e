package opensafely.lsp.runner;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The one way this package runs the docker client: a seam, so tests can stand in a fake that records the exact
 * command lines and answers as docker would ({@link ProcessDockerCli} is the real one).
 */
public interface DockerCli {
    /** An endless timeout, for {@code docker logs --follow} and {@code docker wait}, which end with the container. */
    Duration NO_TIMEOUT = Duration.ofDays(365);

    /**
     * Runs {@code docker <args>} to its end, each line of its stdout and stderr (merged) handed to {@code lines} as
     * it comes, unless {@code stop} turns true or {@code timeout} passes first, when the client is stopped.
     *
     * @param env variables set in the client's environment (what {@code --env NAME} passes on), over this process's
     */
    Result run(List<String> args, Map<String, String> env, Duration timeout, Consumer<String> lines, BooleanSupplier stop)
            throws IOException, InterruptedException;

    /** Short commands: no extra environment, lines only kept in the result. */
    default Result run(List<String> args, Duration timeout) throws IOException, InterruptedException {
        return run(args, Map.of(), timeout, line -> { }, () -> false);
    }

    /**
     * @param exitCode the client's exit code (-1 when it was stopped or timed out)
     * @param output   the last lines it printed (at most {@link ProcessDockerCli#KEPT_LINES})
     */
    record Result(int exitCode, List<String> output, boolean stopped, boolean timedOut) {
        public Result {
            output = List.copyOf(output);
        }

        public boolean ok() {
            return exitCode == 0 && !stopped && !timedOut;
        }

        /** The last non-blank line, for a one-line error message. */
        public String lastLine() {
            for (int i = output.size() - 1; i >= 0; i--) if (!output.get(i).isBlank()) return output.get(i).strip();
            return "";
        }
    }
}

package opensafely.lsp.runner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Where a job's command runs: on this machine with its own interpreters ({@code local}) or in OpenSAFELY's
 * container images ({@code docker}). The runner prepares an isolated workspace folder for each job (the study's
 * code files plus the outputs of the actions it needs), hands it to the executor, and afterwards matches the
 * declared outputs there; an executor only runs the command and reports its exit code.
 */
public interface Executor {
    /** "local" or "docker", as {@code --executor} names it and the run's first line says. */
    String name();

    /**
     * Why this executor cannot run the command, in one line that says what is missing (and, for the local
     * executor, that {@code --executor docker} runs it); empty when it can. Asked before the workspace is made.
     */
    Optional<String> cannotRun(JobCommand command);

    /**
     * Runs the command with {@code workspace} as its working directory (the container's /workspace) until it
     * exits or {@code cancelled} turns true, when the whole process tree (or container) is stopped.
     *
     * @param env  the environment variables the job gets (OPENSAFELY_BACKEND=expectations, ...), by name
     * @param log  each line the job prints, stdout and stderr merged, in order
     * @return the exit code; when cancelled, whatever the stopped process returned
     */
    int run(JobCommand command, Path workspace, Map<String, String> env, Consumer<String> log, BooleanSupplier cancelled)
            throws IOException, InterruptedException;

    /** Called once when the run is over, whatever happened: the Docker executor removes any container it left. */
    default void finish() throws InterruptedException {
    }
}

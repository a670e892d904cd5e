package opensafely.lsp.runner;

/**
 * What a run reports while it goes, for the console and the editor (progress per action, the log streamed to an
 * output channel, a diagnostic when a job fails). Called from the runner's threads, possibly several jobs at once;
 * an implementation must be quick and thread-safe. Every method has a default, so a listener takes what it needs.
 */
public interface RunListener {
    /** Before any job: the actions the run will start, in order, and the executor ("local" or "docker"). */
    default void planned(java.util.List<String> actions, String executor) {
    }

    /** A job's progress, as opensafely prints it: "Preparing your code and workspace files", "Executing job on the backend", ... */
    default void status(String action, String message) {
    }

    /** A job has started (its workspace is being prepared). */
    default void jobStarted(String action, String jobId) {
    }

    /** A line the job printed (stdout and stderr merged, in order), with its Docker-style UTC time in front. */
    default void logLine(String action, String stampedLine) {
    }

    /** A job has finished, failed, or was cancelled or never started because a dependency failed. */
    default void jobFinished(JobResult result) {
    }

    RunListener NONE = new RunListener() {
    };
}

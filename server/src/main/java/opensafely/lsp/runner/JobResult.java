package opensafely.lsp.runner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one job ended, for the console summary (tooling spec §2.7) and the editor (a diagnostic on the action, its
 * pattern or its needs).
 *
 * @param statusCode   job-runner's: {@code succeeded}, {@code nonzero_exit}, {@code unmatched_patterns},
 *                     {@code dependency_failed}, {@code cancelled_by_user}, {@code cannot_run_locally}, {@code internal_error}
 * @param exitCode     the command's exit code, null when it did not run
 * @param message      the status message ("Completed successfully", "Job exited with an error", ...)
 * @param outputs      files copied back: path → privacy level
 * @param invalid      moderately_sensitive outputs that would not be released: path → reason (§4.2)
 * @param unmatched    declared patterns that matched nothing
 * @param undeclared   files the job wrote that no pattern declares (discarded)
 * @param suggestions  unmatched pattern → the written file it most likely meant
 * @param missingNeeds actions this one should need: its log names their outputs, which were not in its workspace
 * @param hint         what to do about the failure, one line (add a needs entry, install a package), or null
 * @param logTail      the last lines of the log, without times (shown when the exit code is not 0)
 * @param logFile      the log, relative to the study: {@code metadata/<action>.log}
 * @param disclosure   what the output checks (package {@code outputs}) find in the moderately_sensitive outputs
 *                     beyond the Level-4 reasons: path → "line:column rule-id message", for a checker to look at
 */
public record JobResult(String action, String jobId, String statusCode, Integer exitCode, String message,
                        Map<String, String> outputs, Map<String, String> invalid, List<String> unmatched,
                        List<String> undeclared, Map<String, String> suggestions, List<String> missingNeeds,
                        String hint, List<String> logTail, String logFile, Map<String, List<String>> disclosure) {
    public JobResult {
        disclosure = new LinkedHashMap<>(disclosure);
        outputs = new LinkedHashMap<>(outputs);
        invalid = new LinkedHashMap<>(invalid);
        suggestions = new LinkedHashMap<>(suggestions);
        unmatched = List.copyOf(unmatched);
        undeclared = List.copyOf(undeclared);
        missingNeeds = List.copyOf(missingNeeds);
        logTail = List.copyOf(logTail);
    }

    /** Without disclosure findings (a job whose outputs were not checked). */
    public JobResult(String action, String jobId, String statusCode, Integer exitCode, String message,
                     Map<String, String> outputs, Map<String, String> invalid, List<String> unmatched,
                     List<String> undeclared, Map<String, String> suggestions, List<String> missingNeeds,
                     String hint, List<String> logTail, String logFile) {
        this(action, jobId, statusCode, exitCode, message, outputs, invalid, unmatched, undeclared, suggestions, missingNeeds, hint,
                logTail, logFile, Map.of());
    }

    public boolean succeeded() {
        return "succeeded".equals(statusCode);
    }

    public boolean cancelled() {
        return "cancelled_by_user".equals(statusCode);
    }

    /** A job that never started because something it needs failed: job-runner hides these from the summary. */
    public boolean dependencyFailed() {
        return "dependency_failed".equals(statusCode);
    }

    static JobResult without(String action, String jobId, String statusCode, String message) {
        return new JobResult(action, jobId, statusCode, null, message, Map.of(), Map.of(), List.of(), List.of(), Map.of(), List.of(), null, List.of(),
                "metadata/" + action + ".log");
    }
}

package opensafely.lsp.runner;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last finished job of one action, as the run state keeps it: what selection (§2.3) needs to decide whether
 * the action must run again, and what the editor shows ("succeeded 3 min ago", "failed: exit 1").
 *
 * @param state         {@code succeeded} or {@code failed}
 * @param statusCode    job-runner's status code: {@code succeeded}, {@code nonzero_exit}, {@code unmatched_patterns}, ...
 * @param exitCode      the command's exit code (null when it never ran)
 * @param outputs       each output file copied back, relative path → privacy level
 * @param startedAt     ISO-8601 UTC, as {@code Instant.toString()} writes it (so the file needs no date module)
 */
public record JobRecord(String jobId, String state, String statusCode, Integer exitCode, String statusMessage,
                        Map<String, String> outputs, String startedAt, String completedAt) {
    public JobRecord {
        outputs = outputs == null ? Map.of() : new LinkedHashMap<>(outputs);
    }

    public boolean succeeded() {
        return "succeeded".equals(state);
    }
}

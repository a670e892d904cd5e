package opensafely.lsp.runner;

import java.time.Instant;
import java.time.format.DateTimeParseException;
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
 * @param origin        null for a job of ours; {@value #OPENSAFELY_RUN} for one read from opensafely run's
 *                      {@code metadata/db.sqlite} (never written to our file, so it stays null there)
 */
public record JobRecord(String jobId, String state, String statusCode, Integer exitCode, String statusMessage,
                        Map<String, String> outputs, String startedAt, String completedAt, String origin) {
    public static final String OPENSAFELY_RUN = "opensafely run";

    public JobRecord {
        outputs = outputs == null ? Map.of() : new LinkedHashMap<>(outputs);
    }

    /** A job of ours. */
    public JobRecord(String jobId, String state, String statusCode, Integer exitCode, String statusMessage,
                     Map<String, String> outputs, String startedAt, String completedAt) {
        this(jobId, state, statusCode, exitCode, statusMessage, outputs, startedAt, completedAt, null);
    }

    public boolean succeeded() {
        return "succeeded".equals(state);
    }

    /** When it finished, else when it started; null when neither can be read. Orders our jobs against opensafely run's. */
    Instant finishedOrStarted() {
        for (String t : new String[] {completedAt, startedAt}) {
            if (t == null) continue;
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException e) {
                // try the next
            }
        }
        return null;
    }
}

package opensafely.lsp.runner;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import opensafely.lsp.workspace.StudyFolder;

/**
 * The jobs {@code opensafely run} recorded in {@value #FILE} (job-runner's {@code job} table, tooling spec §2.3),
 * read-only, so that an action run there counts here too. As job-runner chooses (its
 * {@code calculate_workspace_state}), each action's job is its latest by {@code created_at} that was not
 * cancelled; a job still pending or running is one job-runner would mark cancelled at its next start, so only
 * finished jobs count. Times are integer UNIX seconds there; {@code outputs} a JSON map path → privacy level.
 * A file we cannot read, or a row we cannot make sense of, means no history from there: nothing is lost but a
 * rerun.
 */
final class OpensafelyRunJobs {
    static final String FILE = "metadata/db.sqlite";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> OUTPUTS = new TypeReference<>() { };

    /** The editor asks for lenses on every change: the file is read again only when its size or time changes. */
    private record Cached(long size, long modified, Map<String, JobRecord> jobs) {
    }

    private static final Map<Path, Cached> CACHE = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Cached> eldest) {
            return size() > 8;
        }
    };

    private OpensafelyRunJobs() {
    }

    /** The latest finished, not cancelled job of each action; empty when there is no usable {@value #FILE}. */
    static Map<String, JobRecord> latest(Path study) {
        StudyFolder folder = StudyFolder.at(study);
        Optional<Path> file = folder.resolve(FILE);
        if (file.isEmpty() || folder.access(file.get()) != StudyFolder.Access.FILE) return Map.of();
        long size;
        long modified;
        try {
            BasicFileAttributes a = Files.readAttributes(file.get(), BasicFileAttributes.class); // access() saw it stays inside
            size = a.size();
            modified = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        synchronized (CACHE) {
            Cached c = CACHE.get(file.get());
            if (c != null && c.size == size && c.modified == modified) return c.jobs;
        }
        Map<String, JobRecord> jobs = read(folder, file.get());
        synchronized (CACHE) {
            CACHE.put(file.get(), new Cached(size, modified, jobs));
        }
        return jobs;
    }

    private static Map<String, JobRecord> read(StudyFolder folder, Path file) {
        Map<String, JobRecord> latest = new HashMap<>();
        Map<String, Long> createdAt = new HashMap<>();
        boolean[] unusable = {false};
        boolean complete = SqliteReader.readTable(folder, file, "job", (columns, row) -> {
            if (unusable[0]) return;
            String action = text(columns, row, "action");
            String state = text(columns, row, "state");
            Long created = number(columns, row, "created_at");
            Long cancelled = number(columns, row, "cancelled");
            if (action == null || action.equals("__error__") || (cancelled != null && cancelled != 0) || created == null
                    || !("succeeded".equals(state) || "failed".equals(state))) {
                return;
            }
            if (createdAt.containsKey(action) && createdAt.get(action) > created) return;
            Optional<JobRecord> job = job(columns, row, state, created);
            if (job.isEmpty()) {
                unusable[0] = true; // outputs we cannot read: we could not tell whether they are on disk
                return;
            }
            createdAt.put(action, created);
            latest.put(action, job.get());
        });
        return complete && !unusable[0] ? Map.copyOf(latest) : Map.of();
    }

    private static Optional<JobRecord> job(List<String> columns, List<Object> row, String state, long created) {
        Map<String, String> outputs = Map.of();
        String json = text(columns, row, "outputs");
        if (json != null) {
            try {
                Map<String, String> parsed = JSON.readValue(json, OUTPUTS);
                if (parsed == null) return Optional.empty();
                outputs = parsed;
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
        Long started = number(columns, row, "started_at");
        Long completed = number(columns, row, "completed_at");
        return Optional.of(new JobRecord(text(columns, row, "id"), state, text(columns, row, "status_code"), null,
                text(columns, row, "status_message"), outputs, iso(started != null ? started : created),
                completed == null ? null : iso(completed), JobRecord.OPENSAFELY_RUN));
    }

    private static String iso(long seconds) {
        try {
            return Instant.ofEpochSecond(seconds).toString();
        } catch (RuntimeException e) { // far outside what an Instant holds
            return null;
        }
    }

    private static String text(List<String> columns, List<Object> row, String column) {
        int i = columns.indexOf(column);
        return i >= 0 && row.get(i) instanceof String s ? s : null;
    }

    /** An INT column; job-runner also stores its booleans (cancelled) as 0/1. */
    private static Long number(List<String> columns, List<Object> row, String column) {
        int i = columns.indexOf(column);
        if (i < 0) return null;
        Object v = row.get(i);
        return v instanceof Long l ? l : v instanceof Double d ? Long.valueOf(d.longValue()) : null;
    }
}

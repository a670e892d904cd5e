package opensafely.lsp.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import opensafely.lsp.workspace.AtomicWrite;

/**
 * The last finished job of each action, kept in {@value #FILE} under the study folder: our own file beside
 * opensafely run's {@code metadata/db.sqlite}, which we only read ({@link OpensafelyRunJobs}), so that both
 * tools' runs count: an action's last job is the later of the two, by when it finished. Rewritten atomically
 * after every job, so a run that is killed leaves the state of the jobs that had finished. A cancelled job is
 * not recorded: as in job-runner, selection looks at the latest job that was not cancelled.
 */
public final class RunState {
    public static final String FILE = "metadata/opensafely-lsp-jobs.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path study;
    private final Map<String, JobRecord> last;
    private final Map<String, JobRecord> opensafelyRun;

    private RunState(Path study, Map<String, JobRecord> last, Map<String, JobRecord> opensafelyRun) {
        this.study = study;
        this.last = last;
        this.opensafelyRun = opensafelyRun;
    }

    /** The state of a study; empty when nothing has run yet. A file we cannot read counts as nothing run (runs again, loses nothing). */
    public static RunState load(Path study) {
        Path file = study.resolve(FILE);
        Map<String, JobRecord> last = new TreeMap<>();
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                last.putAll(JSON.readValue(file.toFile(), new TypeReference<Map<String, JobRecord>>() { }));
            } catch (IOException | RuntimeException e) {
                // A damaged file: every action counts as never run, and the next write replaces it.
            }
        }
        return new RunState(study, last, OpensafelyRunJobs.latest(study));
    }

    /** The action's last job, ours or opensafely run's, whichever finished later (ours on a tie or an unreadable time). */
    public synchronized Optional<JobRecord> last(String action) {
        JobRecord ours = last.get(action);
        JobRecord theirs = opensafelyRun.get(action);
        if (ours == null || theirs == null) return Optional.ofNullable(ours != null ? ours : theirs);
        Instant a = ours.finishedOrStarted();
        Instant b = theirs.finishedOrStarted();
        return Optional.of(b != null && (a == null || b.isAfter(a)) ? theirs : ours);
    }

    public synchronized Map<String, JobRecord> all() {
        Map<String, JobRecord> out = new TreeMap<>();
        for (String action : opensafelyRun.keySet()) last(action).ifPresent(j -> out.put(action, j));
        for (String action : last.keySet()) last(action).ifPresent(j -> out.put(action, j));
        return Map.copyOf(out);
    }

    /** Records a finished job and writes our file (never opensafely run's). */
    public synchronized void record(String action, JobRecord job) throws IOException {
        last.put(action, job);
        Path file = study.resolve(FILE);
        Files.createDirectories(file.getParent());
        byte[] bytes = JSON.writeValueAsBytes(last);
        AtomicWrite.write(file, bytes);
    }
}

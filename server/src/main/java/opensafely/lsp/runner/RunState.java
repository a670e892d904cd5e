package opensafely.lsp.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import opensafely.lsp.workspace.AtomicWrite;

/**
 * The last finished job of each action, kept in {@value #FILE} under the study folder: our own file beside
 * opensafely run's {@code metadata/db.sqlite}, which we do not write. Rewritten atomically after every job, so
 * a run that is killed leaves the state of the jobs that had finished. A cancelled job is not recorded: as in
 * job-runner, selection looks at the latest job that was not cancelled.
 */
public final class RunState {
    public static final String FILE = "metadata/opensafely-lsp-jobs.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path study;
    private final Map<String, JobRecord> last;

    private RunState(Path study, Map<String, JobRecord> last) {
        this.study = study;
        this.last = last;
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
        return new RunState(study, last);
    }

    public synchronized Optional<JobRecord> last(String action) {
        return Optional.ofNullable(last.get(action));
    }

    public synchronized Map<String, JobRecord> all() {
        return Map.copyOf(last);
    }

    /** Records a finished job and writes the file. */
    public synchronized void record(String action, JobRecord job) throws IOException {
        last.put(action, job);
        Path file = study.resolve(FILE);
        Files.createDirectories(file.getParent());
        byte[] bytes = JSON.writeValueAsBytes(last);
        AtomicWrite.write(file, bytes);
    }
}

package opensafely.lsp.pipeline;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import opensafely.lsp.workspace.StudyFolder;

/**
 * A study folder's project.yaml as it is on disk, parsed: for the study and ehrQL analyses and the dummy-data
 * commands, which ask what the pipeline says about a definition. The last text read is kept with its
 * parse, so asking again (each analysis of a study definition, each code-action request on a dataset
 * definition) costs a read and a comparison, not a parse, while the file is unchanged. One parse per study
 * folder, for a few folders: `check a b` analyses the files of both studies at once, in parallel, and a single
 * entry would parse each megabyte project.yaml again whenever the other study's file came next. Thread-safe.
 */
public final class ProjectOnDisk {
    private record Parsed(String text, Project project) {
    }

    /** At most this many studies' parses are kept (a parse of a megabyte project.yaml is tens of megabytes). */
    private static final int STUDIES = 4;
    private static final Map<Path, Parsed> LAST = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Parsed> eldest) {
            return size() > STUDIES;
        }
    };

    private ProjectOnDisk() {
    }

    /**
     * The parse of this text if one of the studies' project.yaml read from disk has it: a parse depends on the text
     * alone, so `check`'s analysis of project.yaml reuses the one its list of outputs made (a megabyte's parse is
     * a third of a second on a cold JVM), and so does the editor's first analysis of an unedited file.
     */
    public static Optional<Project> parsedText(String text) {
        synchronized (LAST) {
            for (Parsed p : LAST.values()) {
                if (p.text().equals(text)) return Optional.of(p.project());
            }
        }
        return Optional.empty();
    }

    /** The parsed project.yaml of {@code folder}; empty when there is none, it cannot be read, or it does not parse. */
    public static Optional<Project> read(StudyFolder folder) {
        if (!folder.known()) return Optional.empty();
        Optional<Path> file = folder.resolve("project.yaml");
        Optional<String> text = file.flatMap(folder::readString);
        if (text.isEmpty()) return Optional.empty();
        Parsed p;
        synchronized (LAST) {
            p = LAST.get(file.get());
        }
        if (p == null || !p.text().equals(text.get())) {
            Project project;
            try {
                project = new ProjectParser().parse(text.get());
            } catch (RuntimeException e) {
                return Optional.empty(); // the parser reports rather than throws; this only guards the callers
            }
            p = new Parsed(text.get(), project);
            // Parsed outside the lock: two threads may both parse a new text, which costs time, never a wrong answer.
            synchronized (LAST) {
                LAST.put(file.get(), p);
            }
        }
        return p.project().parsed() ? Optional.of(p.project()) : Optional.empty();
    }
}

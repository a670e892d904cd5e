package opensafely.lsp.pipeline;

import java.util.Optional;
import opensafely.lsp.workspace.StudyFolder;

/**
 * A study folder's project.yaml as it is on disk, parsed: for the study and ehrQL analyses and the dummy-data
 * commands, which ask what the pipeline says about a definition. The last text read is kept with its
 * parse, so asking again (each analysis of a study definition, each code-action request on a dataset
 * definition) costs a read and a comparison, not a parse, while the file is unchanged.
 */
public final class ProjectOnDisk {
    private record Parsed(String text, Project project) {
    }

    private static volatile Parsed last;

    private ProjectOnDisk() {
    }

    /** The parsed project.yaml of {@code folder}; empty when there is none, it cannot be read, or it does not parse. */
    public static Optional<Project> read(StudyFolder folder) {
        if (!folder.known()) return Optional.empty();
        Optional<String> text = folder.resolve("project.yaml").flatMap(folder::readString);
        if (text.isEmpty()) return Optional.empty();
        Parsed p = last;
        if (p == null || !p.text().equals(text.get())) {
            Project project;
            try {
                project = new ProjectParser().parse(text.get());
            } catch (RuntimeException e) {
                return Optional.empty(); // the parser reports rather than throws; this only guards the callers
            }
            p = new Parsed(text.get(), project);
            last = p;
        }
        return p.project().parsed() ? Optional.of(p.project()) : Optional.empty();
    }
}

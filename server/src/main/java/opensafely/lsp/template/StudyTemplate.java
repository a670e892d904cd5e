package opensafely.lsp.template;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.workspace.AtomicWrite;

/**
 * A new study laid out as OpenSAFELY's research template lays one out: project.yaml (an ehrQL dataset action and
 * an analysis action that needs it), the dataset definition, a report script that redacts and rounds its counts,
 * an empty codelists.txt, an output folder kept out of git, a README. It checks clean and runs on dummy data as
 * it is; the researcher edits from there (seed step 1).
 */
public final class StudyTemplate {
    /** One file of the study: its path relative to the study folder (forward slashes) and its text. */
    public record StudyFile(String path, String text) {
    }

    /** The folder is not empty: a new study never goes over the user's files. */
    public static final class NotEmpty extends IOException {
        public NotEmpty(String message) {
            super(message);
        }
    }

    private StudyTemplate() {
    }

    public static List<StudyFile> files() {
        return List.of(
                new StudyFile("project.yaml", TemplateTexts.PROJECT_YAML),
                new StudyFile("analysis/dataset_definition.py", TemplateTexts.DATASET_DEFINITION),
                new StudyFile("analysis/report.py", TemplateTexts.REPORT),
                new StudyFile("codelists/codelists.txt", TemplateTexts.CODELISTS_TXT),
                new StudyFile("output/.gitignore", TemplateTexts.OUTPUT_GITIGNORE),
                new StudyFile(".gitignore", TemplateTexts.GITIGNORE),
                new StudyFile("README.md", TemplateTexts.README));
    }

    /**
     * Writes the study into {@code dir}, creating it when missing. The files appear together or not at all
     * (one {@link AtomicWrite.Batch}). A folder holding only {@code .git} counts as empty: that is a freshly
     * created or cloned repository, where a new study belongs.
     *
     * @return the files written, relative to {@code dir}
     * @throws NotEmpty when {@code dir} holds anything else, or is not a folder
     */
    public static List<String> create(Path dir) throws IOException {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
            throw new NotEmpty(dir + " is a file, not a folder: give a new or empty folder for the study");
        }
        if (Files.isDirectory(dir)) {
            List<String> present = entries(dir);
            if (!present.isEmpty()) {
                throw new NotEmpty(dir + " is not empty (it holds " + String.join(", ", present)
                        + "): give a new or empty folder for the study");
            }
        }
        Files.createDirectories(dir);
        List<String> written = new ArrayList<>();
        try (AtomicWrite.Batch batch = new AtomicWrite.Batch()) {
            for (StudyFile f : files()) {
                Path target = dir.resolve(f.path());
                Files.createDirectories(target.getParent());
                batch.add(target, f.text().getBytes(StandardCharsets.UTF_8));
                written.add(f.path());
            }
            batch.commit();
        }
        return written;
    }

    /** The first few entries of a folder, other than a lone .git, sorted. */
    private static List<String> entries(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (!name.equals(".git")) names.add(name);
            }
        }
        names.sort(null);
        return names.size() > 3 ? List.of(names.get(0), names.get(1), names.get(2), "...") : names;
    }
}

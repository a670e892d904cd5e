package opensafely.lsp.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;

/**
 * The files of a study folder that `check` analyses, and so the editor's whole-study diagnostics too:
 * its project.yaml, its codelists/codelists.txt when there is one and, for the kinds asked for, the files
 * under {@code analysis/} (the analysis says nothing of other files). One list for both, so the Problems
 * panel and CI cover the same files.
 */
public final class StudyFiles {
    /** Where a study folder keeps its code. */
    public static final String ANALYSIS_DIR = "analysis";
    /** How deep we look under analysis/ (real studies nest two or three levels). */
    private static final int MAX_DEPTH = 16;

    /** The kinds of file a study contributes to `check` and to the editor's whole-study diagnostics. */
    public static final Set<DocumentKind> CHECKED_KINDS =
            Collections.unmodifiableSet(EnumSet.of(DocumentKind.PROJECT_YAML, DocumentKind.CODELISTS_TXT, DocumentKind.PYTHON,
                    DocumentKind.R_SCRIPT, DocumentKind.STATA_SCRIPT));

    private StudyFiles() {
    }

    /**
     * The files of the study at {@code root} of the given kinds: project.yaml first, then
     * codelists/codelists.txt if it is there (a link that leaves the study too: `check` reports it, never reads
     * it), then the files under analysis/ in path order, leaving out dot-folders (.venv, .ipynb_checkpoints hold no study code).
     *
     * @throws IOException when analysis/ cannot be listed
     */
    public static List<Path> of(Path root, Set<DocumentKind> kinds) throws IOException {
        List<Path> out = new ArrayList<>();
        if (kinds.contains(DocumentKind.PROJECT_YAML)) {
            out.add(root.resolve("project.yaml"));
        }
        Path codelistsTxt = root.resolve(DocumentKind.CODELISTS_DIR).resolve(DocumentKind.CODELISTS_TXT_NAME);
        if (kinds.contains(DocumentKind.CODELISTS_TXT) && Files.isRegularFile(codelistsTxt)) {
            out.add(codelistsTxt);
        }
        Path analysis = root.resolve(ANALYSIS_DIR);
        if (kinds.stream().anyMatch(StudyFiles::underAnalysis) && Files.isDirectory(analysis)) {
            try (Stream<Path> files = Files.walk(analysis, MAX_DEPTH)) {
                files.filter(p -> kinds.contains(DocumentKind.of(p)) && underAnalysis(DocumentKind.of(p)))
                        .filter(Files::isRegularFile)
                        .filter(p -> !hidden(analysis.relativize(p)))
                        .sorted()
                        .forEach(out::add);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        return out;
    }

    /** The kinds looked for under analysis/: project.yaml and codelists.txt have their one place. */
    private static boolean underAnalysis(DocumentKind kind) {
        return kind != DocumentKind.PROJECT_YAML && kind != DocumentKind.CODELISTS_TXT;
    }

    /** Whether a path inside the study lies in a dot-folder or is a dot-file (.git, .venv): no analysis reads those. */
    public static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) return true;
        }
        return false;
    }

    /**
     * The finding for one of these files that is a link out of the study folder: it is reported, never read.
     * One text for `check` and for the editor's whole-study diagnostics, so the two agree.
     */
    public static Diagnostic linkOutOfStudy() {
        return Diagnostic.of(Rule.FILE_OUTSIDE_STUDY, Range.at(new Position(0, 0)),
                "This file is a link to a file outside the study folder, so it is not read; commit the file itself, not a link.");
    }
}

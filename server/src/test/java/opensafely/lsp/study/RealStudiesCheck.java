package opensafely.lsp.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.workspace.StudyFolder;

/** Throwaway main: analyse every analysis/study_definition*.py under a folder of checked-out repositories. */
public final class RealStudiesCheck {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        StudyAnalyzer analyzer = new StudyAnalyzer();
        int files = 0, errors = 0, warnings = 0, vars = 0, open = 0, studiesFound = 0;
        List<Path> studies;
        try (Stream<Path> s = Files.walk(root)) {
            // As `check` does: hidden folders (.ipynb_checkpoints, say) are skipped.
            studies = s.filter(p -> p.getFileName().toString().matches("study_definition.*\\.py"))
                    .filter(p -> { for (Path part : root.relativize(p)) if (part.toString().startsWith(".")) return false; return true; })
                    .sorted().toList();
        }
        for (Path p : studies) {
            files++;
            String text = Files.readString(p);
            StudyFolder folder = StudyFolder.enclosing(p).orElse(StudyFolder.none());
            StudyAnalyzer.Analysis a = analyzer.compute(p, text, folder);
            vars += a.model().variables.size();
            if (a.model().study != null) studiesFound++;
            if (a.model().open || a.model().study == null) open++;
            for (Diagnostic d : a.diagnostics()) {
                if (d.severity() == Severity.ERROR) errors++;
                if (d.severity() == Severity.WARNING) warnings++;
                if (d.severity().atLeast(Severity.WARNING) || args.length > 1) {
                    System.out.println(root.relativize(p) + ":" + (d.range().start().line() + 1) + ":" + (d.range().start().character() + 1)
                            + " " + d.severity().label() + " " + d.code() + " " + d.message());
                }
            }
            if (a.model().study == null || a.model().open) System.out.println("# " + root.relativize(p) + " study=" + (a.model().study != null) + " open=" + a.model().open + " vars=" + a.model().variables.size());
        }
        System.out.println("files=" + files + " with-StudyDefinition=" + studiesFound + " variables=" + vars + " open/unresolved=" + open + " errors=" + errors + " warnings=" + warnings);
    }
}

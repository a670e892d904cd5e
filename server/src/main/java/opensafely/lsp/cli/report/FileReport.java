package opensafely.lsp.cli.report;

import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.text.LineIndex;

/**
 * The findings for one checked file.
 *
 * @param path the file as reports name it: relative to the working directory with forward slashes, or
 *     absolute for a file outside it (see {@link ReportPaths})
 * @param absolutePath where the file is, for tools that need it
 * @param text the text that was analysed (for a file that is not UTF-8, the part before the first bad
 *     byte); SARIF fingerprints hash its lines
 * @param diagnostics what the language service reported, in its order
 */
public record FileReport(String path, Path absolutePath, String text, List<Diagnostic> diagnostics) {
    public FileReport {
        diagnostics = List.copyOf(diagnostics);
    }

    /** Built on demand: only the SARIF fingerprints read lines, and most files have no findings. */
    LineIndex lines() {
        return new LineIndex(text);
    }
}

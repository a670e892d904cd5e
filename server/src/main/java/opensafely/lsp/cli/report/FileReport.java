package opensafely.lsp.cli.report;

import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.ShownFindings;
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
    /** See {@link ShownFindings#MAX_SHOWN}; the counts and the exit code still cover every finding. */
    public static final int MAX_SHOWN = ShownFindings.MAX_SHOWN;
    /** See {@link ShownFindings#MAX_MESSAGE_CHARS}. */
    public static final int MAX_MESSAGE_CHARS = ShownFindings.MAX_MESSAGE_CHARS;

    public FileReport {
        diagnostics = List.copyOf(diagnostics);
    }

    /** The findings the formats write. */
    public List<Diagnostic> shown() {
        return ShownFindings.of(diagnostics);
    }

    /** How many findings {@link #shown()} leaves out. */
    public int omitted() {
        return ShownFindings.omitted(diagnostics);
    }

    /** How many of the shown findings have a shortened message. */
    public int shortened() {
        return ShownFindings.shortened(diagnostics);
    }

    /** Built on demand: only the SARIF fingerprints read lines, and most files have no findings. */
    LineIndex lines() {
        return new LineIndex(text);
    }
}

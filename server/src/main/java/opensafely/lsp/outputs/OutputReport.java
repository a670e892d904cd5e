package opensafely.lsp.outputs;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.diagnostics.Diagnostic;

/**
 * What the output checks say of one file: its findings and, for a table that was read, its per-column summary.
 *
 * @param relative the file's path in the study, with forward slashes
 * @param action the action that writes it (empty for a CSV checked on request)
 */
public record OutputReport(Path file, String relative, Optional<String> action, List<Diagnostic> findings, Optional<TableCheck.Result> table) {
    public OutputReport {
        findings = List.copyOf(findings);
    }

    public boolean image() {
        return OutputCheck.isImage(file.getFileName().toString());
    }
}

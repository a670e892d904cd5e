package opensafely.lsp.outputs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.editor.LanguageService;
import opensafely.lsp.workspace.Document;

/**
 * The editor's service for an open CSV that a moderately_sensitive pattern of the study's project.yaml names: the
 * output checks on the text as the editor holds it, with their quick fixes (round, redact), which are only ever
 * offered, never applied. Other CSVs (codelists, dummy data) get nothing.
 */
public final class OutputsService implements LanguageService {
    /** Whether the document is a moderately_sensitive CSV output of its study. */
    public static boolean isOutput(Document doc) {
        return doc.path().getFileName() != null && doc.path().getFileName().toString().endsWith(".csv")
                && StudyOutputs.match(doc.folder(), doc.path()).isPresent();
    }

    @Override
    public List<Diagnostic> diagnostics(Document doc) {
        if (!isOutput(doc)) return List.of();
        try {
            return OutputCheck.ofText(doc.path().getFileName().toString(), doc.text());
        } catch (IOException e) { // a StringReader does not fail
            throw new UncheckedIOException(e);
        }
    }
}

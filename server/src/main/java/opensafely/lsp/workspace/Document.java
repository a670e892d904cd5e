package opensafely.lsp.workspace;

import java.nio.file.Path;

/**
 * One version of one file's text, with the study folder it belongs to. Immutable: an edit makes a new
 * Document, so an analysis computed for one version can never be mistaken for another's.
 */
public record Document(Path path, String text, int version, StudyFolder folder) {
    public DocumentKind kind() {
        return DocumentKind.of(path);
    }
}

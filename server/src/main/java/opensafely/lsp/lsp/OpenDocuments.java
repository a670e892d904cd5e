package opensafely.lsp.lsp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.DocumentKind;
import opensafely.lsp.workspace.StudyFolder;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;

/**
 * The documents the client has open: for each URI the latest {@link Document} (text, version and study
 * folder). Edits arrive on the protocol thread, in order; readers on other threads see whole immutable
 * snapshots. The study folder is worked out once, at open, not on every keystroke.
 */
final class OpenDocuments {
    private final Map<String, Document> byUri = new ConcurrentHashMap<>();
    /** The line table of each document's latest text, kept up to date edit by edit (see TextChanges). */
    private final Map<String, LineIndex> lines = new ConcurrentHashMap<>();
    private final List<Path> workspaceRoots = new CopyOnWriteArrayList<>();

    void setWorkspaceRoots(List<Path> roots) {
        workspaceRoots.clear();
        workspaceRoots.addAll(roots);
    }

    Document open(String uri, String text, int version) {
        Path path = DocumentUris.path(uri);
        Document doc = new Document(path, text, version, folderOf(uri, path));
        byUri.put(uri, doc);
        return doc;
    }

    /** Applies a didChange. Empty when the document is not open (a client bug we tolerate). */
    Optional<Document> change(String uri, int version, List<TextDocumentContentChangeEvent> changes) {
        Document old = byUri.get(uri);
        if (old == null) return Optional.empty();
        TextChanges.Edited edited = TextChanges.apply(lines(uri, old), changes);
        Document doc = new Document(old.path(), edited.text(), version, old.folder());
        byUri.put(uri, doc);
        lines.put(uri, edited.lines());
        return Optional.of(doc);
    }

    /** The line table of a document's text: the one kept up to date by edits when it is that text. */
    LineIndex lines(String uri, Document doc) {
        LineIndex index = lines.get(uri);
        // Identity, not equals: the table must be of this very text, and comparing a megabyte would cost
        // what the table saves.
        return index != null && index.text() == doc.text() ? index : new LineIndex(doc.text());
    }

    Optional<Document> close(String uri) {
        lines.remove(uri);
        return Optional.ofNullable(byUri.remove(uri));
    }

    Optional<Document> get(String uri) {
        return Optional.ofNullable(byUri.get(uri));
    }

    Map<String, Document> snapshot() {
        return Map.copyOf(byUri);
    }

    /** The URI the client uses for an open file, so locations in it match the editor's own name for it. */
    String uriOf(Path path) {
        for (Map.Entry<String, Document> e : byUri.entrySet()) {
            if (e.getValue().path().equals(path)) return e.getKey();
        }
        return DocumentUris.uri(path);
    }

    /**
     * Looks again for the study folder of documents that had none: a project.yaml may have been created
     * since they were opened.
     */
    void refreshUnknownFolders() {
        byUri.replaceAll((uri, doc) -> doc.folder().known() ? doc
                : new Document(doc.path(), doc.text(), doc.version(), folderOf(uri, doc.path())));
    }

    private StudyFolder folderOf(String uri, Path path) {
        Optional<Path> file = DocumentUris.filePath(uri);
        if (file.isEmpty()) return StudyFolder.none();
        Path parent = file.get().getParent();
        // A project.yaml is its own study's root, even before it is first saved to disk.
        if (DocumentKind.of(path) == DocumentKind.PROJECT_YAML && parent != null) {
            return StudyFolder.at(parent);
        }
        Optional<StudyFolder> enclosing = StudyFolder.enclosing(file.get());
        if (enclosing.isPresent()) return enclosing.get();
        for (Path root : workspaceRoots) {
            if (file.get().startsWith(root) && Files.isRegularFile(root.resolve("project.yaml"))) {
                return StudyFolder.at(root);
            }
        }
        return StudyFolder.none();
    }
}

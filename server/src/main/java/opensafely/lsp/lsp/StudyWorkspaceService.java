package opensafely.lsp.lsp;

import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.workspace.DocumentKind;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.FileChangeType;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * Workspace notifications. Rules check that the files a study names exist (scripts in project.yaml,
 * codelists in study definitions) and read some of them (helper modules, CSV headers), so creating or
 * deleting a file, or changing one the rules read, re-checks the open documents of the study it is in.
 */
final class StudyWorkspaceService implements WorkspaceService {
    private final OpenDocuments documents;
    private final DiagnosticsPublisher diagnostics;

    StudyWorkspaceService(OpenDocuments documents, DiagnosticsPublisher diagnostics) {
        this.documents = documents;
        this.diagnostics = diagnostics;
    }

    @Override
    public void didChangeConfiguration(DidChangeConfigurationParams params) {
        // No settings yet.
    }

    @Override
    public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {
        List<Path> touched = params.getChanges().stream()
                .flatMap(e -> DocumentUris.filePath(e.getUri()).stream()
                        .filter(p -> e.getType() != FileChangeType.Changed || readByRules(p)))
                .toList();
        if (touched.isEmpty()) return;
        if (touched.stream().anyMatch(p -> DocumentKind.of(p) == DocumentKind.PROJECT_YAML)) {
            documents.refreshUnknownFolders();
        }
        diagnostics.filesChanged((uri, doc) ->
                doc.folder().root().map(root -> touched.stream().anyMatch(p -> p.startsWith(root))).orElse(false));
    }

    /**
     * Files whose contents, not only their existence, the analysis reads from disk: helper modules a study
     * definition imports, codelist CSVs (their header), and project.yaml (which definitions it runs).
     */
    static boolean readByRules(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        return name.endsWith(".py") || name.endsWith(".csv") || DocumentKind.of(p) == DocumentKind.PROJECT_YAML;
    }
}

package opensafely.lsp.lsp;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import opensafely.lsp.workspace.DocumentKind;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.FileChangeType;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * Workspace notifications. Rules check that the files a study names exist (scripts in project.yaml,
 * codelists in study definitions) and read some of them (helper modules, CSV headers), so creating or
 * deleting a file, or changing one the rules read, re-checks the open documents of the study it is in.
 */
final class StudyWorkspaceService implements WorkspaceService {
    private final OpenDocuments documents;
    private final DiagnosticsPublisher diagnostics;
    private final CodelistsCommand codelists;
    private final DummyDataAction dummyData;
    private final PipelineRuns runs;
    private final Consumer<Object> settingsChanged;
    /** Told of the files that changed on disk, for the diagnostics of files not open (WorkspaceDiagnostics). */
    private final Consumer<List<Path>> filesChanged;

    StudyWorkspaceService(OpenDocuments documents, DiagnosticsPublisher diagnostics, CodelistsCommand codelists,
                          DummyDataAction dummyData, PipelineRuns runs, Consumer<List<Path>> filesChanged, Consumer<Object> settingsChanged) {
        this.runs = runs;
        this.settingsChanged = settingsChanged;
        this.documents = documents;
        this.diagnostics = diagnostics;
        this.codelists = codelists;
        this.dummyData = dummyData;
        this.filesChanged = filesChanged;
    }

    /** The commands editors can run (code actions and the command palette name them). */
    static final List<String> COMMANDS = List.of(CodelistsCommand.ID, DummyDataAction.ID, PipelineRuns.ID);

    @Override
    public CompletableFuture<Object> executeCommand(ExecuteCommandParams params) {
        if (CodelistsCommand.ID.equals(params.getCommand())) return codelists.execute(params.getArguments());
        if (DummyDataAction.ID.equals(params.getCommand())) return dummyData.execute(params.getArguments());
        if (PipelineRuns.ID.equals(params.getCommand())) return runs.execute(params.getArguments());
        return CompletableFuture.failedFuture(new ResponseErrorException(new ResponseError(
                ResponseErrorCode.InvalidParams, "unknown command " + params.getCommand() + "; known: " + COMMANDS, null)));
    }

    @Override
    public void didChangeConfiguration(DidChangeConfigurationParams params) {
        // opensafely.run's Python and executor; other settings are the client's own.
        if (params != null) settingsChanged.accept(params.getSettings());
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
        filesChanged.accept(touched);
    }

    /**
     * Files whose contents, not only their existence, the analysis reads from disk: helper modules a study
     * definition imports, codelist CSVs (their header), JSON config files it loads, and project.yaml (which
     * definitions it runs), analysis scripts (project.yaml's rules read what they write), and codelists.txt (analysed on its own when nobody has it open).
     */
    static boolean readByRules(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        return name.endsWith(".py") || DocumentKind.of(p) == DocumentKind.R_SCRIPT || DocumentKind.of(p) == DocumentKind.STATA_SCRIPT
                || name.endsWith(".csv") || name.endsWith(".json") || DocumentKind.of(p) == DocumentKind.PROJECT_YAML
                || DocumentKind.of(p) == DocumentKind.CODELISTS_TXT;
    }
}

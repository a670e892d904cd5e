package opensafely.lsp.lsp;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;
import opensafely.lsp.codelists.OpenCodelists;
import opensafely.lsp.editor.LanguageService;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.pipeline.ProjectParser;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionOptions;
import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.DidChangeWatchedFilesRegistrationOptions;
import org.eclipse.lsp4j.ExecuteCommandOptions;
import org.eclipse.lsp4j.FileSystemWatcher;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.Registration;
import org.eclipse.lsp4j.RegistrationParams;
import org.eclipse.lsp4j.RenameOptions;
import org.eclipse.lsp4j.SaveOptions;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.TextDocumentSyncOptions;
import org.eclipse.lsp4j.WatchKind;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * The OpenSAFELY language server: protocol glue around a {@link LanguageService}. It owns the open
 * documents, the diagnostics publisher and the worker threads; the analysis itself knows nothing of LSP.
 */
public final class StudyLanguageServer implements LanguageServer, LanguageClientAware {
    /** Characters after which editors should ask for completions without the user asking. */
    static final List<String> TRIGGER_CHARACTERS = List.of(":", " ", "/", "[", ",", "-", ".", "\"", "'");

    /** After a change, diagnostics wait half as long as the document's analysis takes (30–200 ms). */
    public static final DebouncePolicy DEFAULT_DEBOUNCE = DebouncePolicy.ADAPTIVE;

    private final String version;
    private final IntConsumer exit;
    private volatile LanguageClient client;
    private final ServerLog log = new ServerLog(() -> client);
    private final OpenDocuments documents = new OpenDocuments();
    private final ExecutorService workers = Executors.newCachedThreadPool(DaemonThreads.analysis("opensafely-request"));
    private final DiagnosticsPublisher diagnostics;
    private final StudyTextDocumentService textDocuments;
    private final StudyWorkspaceService workspace;
    private final DummyDataAction dummyData;
    private final PipelineRuns runs;
    /** opensafely.run's Python and executor: initializationOptions, then workspace/didChangeConfiguration. */
    private volatile PipelineRuns.Settings runSettings = PipelineRuns.Settings.DEFAULT;
    /** initializationOptions.runLog = "notification": the client shows opensafely/runLog (VS Code's output channel). */
    private volatile boolean runLogNotifications;
    private final WorkspaceDiagnostics wholeStudies;
    private volatile List<Path> roots = List.of();
    private final ParentProcessWatcher parentWatcher = new ParentProcessWatcher();
    private volatile boolean shutdownRequested;
    private volatile ClientCapabilities clientCapabilities;
    /** Where codelists are downloaded from: initializationOptions.opencodelistsUrl, for a mirror or a test server. */
    private volatile String openCodelistsUrl = OpenCodelists.DEFAULT_BASE_URL;

    /**
     * @param exit called with the process exit code on `exit` (0 after shutdown, else 1) or when the
     *     client process dies; the caller decides what exiting means (tests do not end the JVM)
     */
    public StudyLanguageServer(LanguageService service, String version, DebouncePolicy debounce, IntConsumer exit) {
        this(service, version, debounce, DiagnosticsPublisher.DEFAULT_BUDGET, exit);
    }

    /** With a fixed debounce (tests that need to know it). */
    public StudyLanguageServer(LanguageService service, String version, Duration debounce, IntConsumer exit) {
        this(service, version, DebouncePolicy.fixed(debounce), DiagnosticsPublisher.DEFAULT_BUDGET, exit);
    }

    StudyLanguageServer(LanguageService service, String version, Duration debounce, Duration budget, IntConsumer exit) {
        this(service, version, DebouncePolicy.fixed(debounce), budget, exit);
    }

    /** @param budget how long one document's diagnostics may run before the editor is told they are incomplete */
    StudyLanguageServer(LanguageService service, String version, DebouncePolicy debounce, Duration budget, IntConsumer exit) {
        this.version = version;
        this.exit = exit;
        this.diagnostics = new DiagnosticsPublisher(service, documents, () -> client, log, debounce, budget);
        this.textDocuments = new StudyTextDocumentService(service, documents, diagnostics, workers, log);
        this.wholeStudies = new WorkspaceDiagnostics(service, documents, diagnostics, () -> client, log);
        diagnostics.onClear(wholeStudies::documentClosed);
        var codelists = new CodelistsCommand(() -> client, this::clientShowsProgress, () -> openCodelistsUrl, diagnostics, workers, version);
        this.dummyData = new DummyDataAction(() -> client, documents, workers, this::clientShowsProgress);
        this.runs = new PipelineRuns(() -> client, this::clientShowsProgress, this::clientRefreshesLenses, () -> runLogNotifications,
                () -> runSettings, workers, this::studyRan,
                projects(service));
        diagnostics.extraFindings(runs::diagnostics);
        this.textDocuments.runLenses(runs::lenses);
        this.workspace = new StudyWorkspaceService(documents, diagnostics, codelists, dummyData, runs, wholeStudies::filesChanged,
                this::configurationChanged);
    }

    /** project.yaml as the language service parsed it (cached by version), for the run lenses and findings. */
    private static java.util.function.Function<opensafely.lsp.workspace.Document, opensafely.lsp.pipeline.Project> projects(LanguageService service) {
        if (service instanceof StudyLanguageService s) return s::project;
        return d -> new ProjectParser().parse(d.text());
    }

    /** The editor's cancel button on a progress we started (dummy data generation). */
    @Override
    public void cancelProgress(org.eclipse.lsp4j.WorkDoneProgressCancelParams params) {
        if (params == null || params.getToken() == null || !params.getToken().isLeft()) return;
        if (!runs.cancel(params.getToken().getLeft())) dummyData.cancel(params.getToken().getLeft());
    }

    @Override
    public void connect(LanguageClient client) {
        this.client = client;
    }

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        clientCapabilities = params.getCapabilities();
        if (params.getInitializationOptions() instanceof JsonObject options && options.get("opencodelistsUrl") instanceof JsonPrimitive url
                && url.isString() && !url.getAsString().isBlank()) {
            openCodelistsUrl = url.getAsString();
        }
        if (params.getInitializationOptions() instanceof JsonObject options) {
            runLogNotifications = options.get("runLog") instanceof JsonPrimitive p && p.isString() && p.getAsString().equals("notification");
            configurationChanged(options);
        }
        roots = workspaceRoots(params);
        documents.setWorkspaceRoots(roots);
        if (params.getProcessId() != null) {
            parentWatcher.watch(params.getProcessId(), () -> exit.accept(1), 3000);
        }
        return CompletableFuture.completedFuture(new InitializeResult(capabilities(), new ServerInfo("opensafely-lsp", version)));
    }

    @Override
    public void initialized(InitializedParams params) {
        registerFileWatcher();
        wholeStudies.start(roots);
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        shutdownRequested = true;
        wholeStudies.stop();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void exit() {
        exit.accept(shutdownRequested ? 0 : 1);
    }

    public boolean shutdownRequested() {
        return shutdownRequested;
    }

    /** Stops the server's threads; called by whoever launched it once the session is over. */
    public void dispose() {
        parentWatcher.stop();
        wholeStudies.stop();
        diagnostics.shutdown();
        runs.dispose();
        workers.shutdownNow();
    }

    /** The background check of files not open, for tests. */
    WorkspaceDiagnostics wholeStudies() {
        return wholeStudies;
    }

    @Override
    public TextDocumentService getTextDocumentService() {
        return textDocuments;
    }

    @Override
    public WorkspaceService getWorkspaceService() {
        return workspace;
    }

    private ServerCapabilities capabilities() {
        ServerCapabilities caps = new ServerCapabilities();
        TextDocumentSyncOptions sync = new TextDocumentSyncOptions();
        sync.setOpenClose(true);
        sync.setChange(TextDocumentSyncKind.Incremental);
        sync.setSave(new SaveOptions(false));
        caps.setTextDocumentSync(sync);
        caps.setCompletionProvider(new CompletionOptions(false, TRIGGER_CHARACTERS));
        caps.setHoverProvider(true);
        caps.setCodeLensProvider(new org.eclipse.lsp4j.CodeLensOptions(false));
        caps.setDefinitionProvider(true);
        caps.setReferencesProvider(true);
        caps.setDocumentSymbolProvider(true);
        caps.setCodeActionProvider(new CodeActionOptions(List.of(CodeActionKind.QuickFix, CodeActionKind.Source)));
        caps.setExecuteCommandProvider(new ExecuteCommandOptions(StudyWorkspaceService.COMMANDS));
        // prepareProvider may only be announced to clients that said they support prepareRename.
        boolean prepare = clientCapabilities != null && clientCapabilities.getTextDocument() != null
                && clientCapabilities.getTextDocument().getRename() != null
                && Boolean.TRUE.equals(clientCapabilities.getTextDocument().getRename().getPrepareSupport());
        if (prepare) {
            caps.setRenameProvider(new RenameOptions(true));
        } else {
            caps.setRenameProvider(true);
        }
        return caps;
    }

    /**
     * opensafely.run's settings, from initializationOptions or a didChangeConfiguration: {@code runPython} (the Python of
     * python actions under the local executor; VS Code's {@code opensafely.run.python}) and {@code runExecutor}
     * ("local" or "docker"; else Docker when it answers). Also read nested, as {@code {"opensafely": {"run": {...}}}}.
     */
    void configurationChanged(Object settings) {
        if (!(settings instanceof JsonObject o)) return;
        if (o.get("opensafely") instanceof JsonObject os && os.get("run") instanceof JsonObject run) {
            o = new JsonObject();
            if (run.get("python") != null) o.add("runPython", run.get("python"));
            if (run.get("executor") != null) o.add("runExecutor", run.get("executor"));
        }
        String python = o.get("runPython") instanceof JsonPrimitive p && p.isString() && !p.getAsString().isBlank()
                ? p.getAsString() : runSettings.python();
        String executor = o.get("runExecutor") instanceof JsonPrimitive e && e.isString()
                ? (e.getAsString().isBlank() || e.getAsString().equals("auto") ? null : e.getAsString()) : runSettings.executor();
        runSettings = new PipelineRuns.Settings(python, executor);
    }

    /** A run ended: its findings on the study's project.yaml, open or not, and the files it wrote. */
    private void studyRan(Path root) {
        diagnostics.filesChanged((uri, doc) -> doc.folder().root().map(root::equals).orElse(false));
        wholeStudies.filesChanged(List.of(root.resolve("project.yaml")));
    }

    private boolean clientRefreshesLenses() {
        ClientCapabilities caps = clientCapabilities;
        return caps != null && caps.getWorkspace() != null && caps.getWorkspace().getCodeLens() != null
                && Boolean.TRUE.equals(caps.getWorkspace().getCodeLens().getRefreshSupport());
    }

    private boolean clientShowsProgress() {
        ClientCapabilities caps = clientCapabilities;
        return caps != null && caps.getWindow() != null && Boolean.TRUE.equals(caps.getWindow().getWorkDoneProgress());
    }

    /** Asks the client to tell us about created and deleted files and changed inputs, when it lets servers ask. */
    private void registerFileWatcher() {
        ClientCapabilities caps = clientCapabilities;
        boolean dynamic = caps != null && caps.getWorkspace() != null
                && caps.getWorkspace().getDidChangeWatchedFiles() != null
                && Boolean.TRUE.equals(caps.getWorkspace().getDidChangeWatchedFiles().getDynamicRegistration());
        LanguageClient c = client;
        if (!dynamic || c == null) return;
        var existence = new FileSystemWatcher(Either.forLeft("**/*"), WatchKind.Create | WatchKind.Delete);
        // Study definitions read helper modules, codelist CSVs, JSON config and project.yaml from disk, and project.yaml's
        // rules read the analysis scripts (Python, R, Stata): their contents count too.
        var contents = new FileSystemWatcher(Either.forLeft("**/{*.py,*.R,*.r,*.do,*.csv,*.json,project.yaml}"), WatchKind.Change);
        var options = new DidChangeWatchedFilesRegistrationOptions(List.of(existence, contents));
        c.registerCapability(new RegistrationParams(List.of(
                new Registration("opensafely-watch-files", "workspace/didChangeWatchedFiles", options))))
                .exceptionally(t -> {
                    log.error("the client refused to watch files", t);
                    return null;
                });
    }

    private static List<Path> workspaceRoots(InitializeParams params) {
        List<Path> roots = new ArrayList<>();
        if (params.getWorkspaceFolders() != null) {
            for (WorkspaceFolder f : params.getWorkspaceFolders()) {
                DocumentUris.filePath(f.getUri()).ifPresent(roots::add);
            }
        }
        if (roots.isEmpty() && params.getRootUri() != null) {
            DocumentUris.filePath(params.getRootUri()).ifPresent(roots::add);
        }
        return roots;
    }
}

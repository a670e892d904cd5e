package opensafely.lsp.lsp;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import opensafely.lsp.editor.LanguageService;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * The server and a recording client in one JVM, joined by JSON-RPC over piped streams: everything a
 * real client would see goes through the same serialisation as over stdio.
 */
final class InJvmServer implements AutoCloseable {
    final StudyLanguageServer server;
    final RecordingClient client = new RecordingClient();
    final LanguageServer remote;
    final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(new DaemonThreads("test-jsonrpc"));
    private final PipedOutputStream toServer = new PipedOutputStream();
    private final PipedOutputStream toClient = new PipedOutputStream();

    InJvmServer(LanguageService service, Duration debounce) {
        this(service, debounce, DiagnosticsPublisher.DEFAULT_BUDGET);
    }

    /** @param budget how long one document's diagnostics may run before they are reported incomplete */
    InJvmServer(LanguageService service, Duration debounce, Duration budget) {
        this(service, DebouncePolicy.fixed(debounce), budget);
    }

    /** With the server's own debounce policy (say, {@link DebouncePolicy#ADAPTIVE}). */
    InJvmServer(LanguageService service, DebouncePolicy debounce) {
        this(service, debounce, DiagnosticsPublisher.DEFAULT_BUDGET);
    }

    private InJvmServer(LanguageService service, DebouncePolicy debounce, Duration budget) {
        try {
            PipedInputStream serverIn = new PipedInputStream(toServer, 1 << 16);
            PipedInputStream clientIn = new PipedInputStream(toClient, 1 << 16);
            server = new StudyLanguageServer(service, "test", debounce, budget, exitCode::complete);
            var serverLauncher = LanguageServerSession.launcher(server, serverIn, toClient, threads);
            server.connect(serverLauncher.getRemoteProxy());
            serverLauncher.startListening();
            var clientLauncher = LSPLauncher.createClientLauncher(client, clientIn, toServer, threads, null);
            remote = clientLauncher.getRemoteProxy();
            clientLauncher.startListening();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    InitializeResult initialize() throws Exception {
        return initialize(new ClientCapabilities());
    }

    InitializeResult initialize(ClientCapabilities capabilities) throws Exception {
        return initialize(capabilities, null);
    }

    InitializeResult initialize(ClientCapabilities capabilities, Object initializationOptions) throws Exception {
        InitializeParams params = new InitializeParams();
        params.setCapabilities(capabilities);
        params.setInitializationOptions(initializationOptions);
        InitializeResult result = remote.initialize(params).get(60, TimeUnit.SECONDS);
        remote.initialized(new InitializedParams());
        return result;
    }

    void open(String uri, String text) {
        remote.getTextDocumentService().didOpen(
                new DidOpenTextDocumentParams(new TextDocumentItem(uri, "yaml", 1, text)));
    }

    void change(String uri, int version, TextDocumentContentChangeEvent... changes) {
        remote.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
                new VersionedTextDocumentIdentifier(uri, version), List.of(changes)));
    }

    static TextDocumentContentChangeEvent edit(int startLine, int startChar, int endLine, int endChar, String text) {
        return new TextDocumentContentChangeEvent(new org.eclipse.lsp4j.Range(
                new org.eclipse.lsp4j.Position(startLine, startChar), new org.eclipse.lsp4j.Position(endLine, endChar)), text);
    }

    @Override
    public void close() throws IOException {
        server.dispose();
        toServer.close();
        toClient.close();
        threads.shutdownNow();
    }
}

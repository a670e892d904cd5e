package opensafely.lsp.lsp;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import opensafely.lsp.editor.LanguageService;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * One client connection: JSON-RPC over a pair of streams until the client says `exit`, closes the
 * connection, or dies. Returns the exit code LSP asks for: 0 after a shutdown request, 1 otherwise.
 */
public final class LanguageServerSession {
    private LanguageServerSession() {
    }

    public static int serve(LanguageService service, String version, InputStream in, OutputStream out) {
        CompletableFuture<Integer> exitCode = new CompletableFuture<>();
        StudyLanguageServer server = new StudyLanguageServer(service, version,
                StudyLanguageServer.DEFAULT_DEBOUNCE, exitCode::complete);
        ExecutorService protocolThreads = Executors.newCachedThreadPool(new DaemonThreads("opensafely-jsonrpc"));
        Launcher<LanguageClient> launcher = new LSPLauncher.Builder<LanguageClient>()
                .setLocalService(server)
                .setRemoteInterface(LanguageClient.class)
                .setInput(in)
                .setOutput(out)
                .setExecutorService(protocolThreads)
                .create();
        server.connect(launcher.getRemoteProxy());
        Future<Void> listening = launcher.startListening();
        Thread endOfInput = new Thread(() -> {
            try {
                listening.get();
            } catch (Exception e) {
                // The stream ended abnormally; the client is gone either way.
            }
            exitCode.complete(server.shutdownRequested() ? 0 : 1);
        }, "opensafely-end-of-input");
        endOfInput.setDaemon(true);
        endOfInput.start();
        try {
            return exitCode.join();
        } finally {
            server.dispose();
            listening.cancel(true);
            protocolThreads.shutdownNow();
        }
    }
}

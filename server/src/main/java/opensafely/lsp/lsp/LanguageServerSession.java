package opensafely.lsp.lsp;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import opensafely.lsp.editor.LanguageService;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
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
        ProtocolLogging.install();
        CompletableFuture<Integer> exitCode = new CompletableFuture<>();
        StudyLanguageServer server = new StudyLanguageServer(service, version,
                StudyLanguageServer.DEFAULT_DEBOUNCE, exitCode::complete);
        ExecutorService protocolThreads = Executors.newCachedThreadPool(new DaemonThreads("opensafely-jsonrpc"));
        Launcher<RunLogClient> launcher = launcher(server, in, out, protocolThreads);
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

    /**
     * The server's end of the connection. A request that fails outside the analysis's own guards (say,
     * one sent with null params) gets a clean error: one line, no stack trace in its message or data,
     * where LSP4J's default puts the whole trace in both.
     */
    static Launcher<RunLogClient> launcher(StudyLanguageServer server, InputStream in, OutputStream out, ExecutorService threads) {
        return new LSPLauncher.Builder<RunLogClient>()
                .setLocalService(server)
                .setRemoteInterface(RunLogClient.class)
                .setInput(in)
                .setOutput(out)
                .setExecutorService(threads)
                .setExceptionHandler(t -> {
                    Throwable cause = t.getCause() != null && t instanceof CompletionException ? t.getCause() : t;
                    if (cause instanceof ResponseErrorException e) return e.getResponseError(); // an answer we chose
                    System.err.println("opensafely-lsp: a request failed: " + ServerLog.oneLine(cause));
                    return new ResponseError(ResponseErrorCode.InternalError,
                            "opensafely-lsp could not answer this request (" + cause.getClass().getSimpleName()
                                    + "); were its params missing or malformed?", null);
                })
                .create();
    }
}

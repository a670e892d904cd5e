package opensafely.lsp.lsp;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * Where the server reports its own trouble: the client's output panel (window/logMessage) and stderr.
 * Never stdout, which carries the protocol. One line per event: editors show stderr to users (VS Code as
 * red "[error]" lines), and a stack trace helps none of them. Set OPENSAFELY_LSP_DEBUG=1 to get the traces
 * on stderr when debugging the server.
 */
final class ServerLog {
    private static final boolean DEBUG = System.getenv("OPENSAFELY_LSP_DEBUG") != null;

    private final Supplier<LanguageClient> client;

    ServerLog(Supplier<LanguageClient> client) {
        this.client = client;
    }

    void info(String message) {
        send(MessageType.Info, message);
    }

    void warning(String message) {
        System.err.println("opensafely-lsp: " + message);
        send(MessageType.Warning, message);
    }

    void error(String what, Throwable t) {
        String line = what + ": " + oneLine(t);
        if (DEBUG) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            System.err.println("opensafely-lsp: " + what + ": " + trace);
        } else {
            System.err.println("opensafely-lsp: " + line);
        }
        send(MessageType.Error, line);
    }

    /** The throwable's class and the first line of its message, and where it was thrown (for a bug report). */
    static String oneLine(Throwable t) {
        String message = t.getMessage() == null ? "" : ": " + t.getMessage().lines().findFirst().orElse("");
        StackTraceElement[] trace = t.getStackTrace();
        String where = trace.length == 0 ? "" : " (at " + trace[0].getClassName() + "." + trace[0].getMethodName()
                + ":" + trace[0].getLineNumber() + ")";
        return t.getClass().getSimpleName() + message + where;
    }

    private void send(MessageType type, String message) {
        LanguageClient c = client.get();
        if (c == null) return;
        try {
            c.logMessage(new MessageParams(type, message));
        } catch (RuntimeException e) {
            // The connection is gone; stderr already has it or it does not matter.
        }
    }
}

package opensafely.lsp.lsp;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * Where the server reports its own trouble: the client's output panel (window/logMessage) and stderr.
 * Never stdout, which carries the protocol.
 */
final class ServerLog {
    private final Supplier<LanguageClient> client;

    ServerLog(Supplier<LanguageClient> client) {
        this.client = client;
    }

    void info(String message) {
        send(MessageType.Info, message);
    }

    void error(String what, Throwable t) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        System.err.println("opensafely-lsp: " + what + ": " + trace);
        send(MessageType.Error, what + ": " + t);
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

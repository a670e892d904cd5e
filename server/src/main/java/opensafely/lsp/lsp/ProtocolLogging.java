package opensafely.lsp.lsp;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * LSP4J reports through java.util.logging, whose default handler prints to stderr with stack traces.
 * Editors show a server's stderr to the user (VS Code as red "[error]" lines), so LSP4J's records go
 * through here instead: routine ones are dropped, the rest become one line each.
 */
final class ProtocolLogging {
    /** JUL holds loggers weakly; this keeps the configured one (and its handler) alive. */
    private static final Logger LSP4J = Logger.getLogger("org.eclipse.lsp4j");

    private ProtocolLogging() {
    }

    static synchronized void install() {
        if (LSP4J.getHandlers().length > 0 && LSP4J.getHandlers()[0] instanceof OneLine) return;
        LSP4J.setUseParentHandlers(false);
        LSP4J.setLevel(Level.WARNING);
        LSP4J.addHandler(new OneLine());
    }

    /**
     * Whether a record is part of normal operation. "Unmatched cancel notification": the client cancelled
     * a request that had already been answered, which happens whenever the user types fast.
     */
    static boolean routine(LogRecord r) {
        String m = r.getMessage();
        return m != null && m.startsWith("Unmatched cancel notification");
    }

    /** The record in one line: no stack trace; the cause's class and message when the record does not say them. */
    static String format(LogRecord r) {
        String message = firstLine(r.getMessage());
        if (message.endsWith("{")) message = message.substring(0, message.length() - 1).strip(); // a message's JSON follows
        Throwable t = r.getThrown();
        if (t != null) {
            String causeMessage = firstLine(t.getMessage());
            String cause = t.getClass().getSimpleName() + (causeMessage.isEmpty() ? "" : ": " + causeMessage);
            if (message.isEmpty()) {
                message = cause;
            } else if (causeMessage.isEmpty() || !message.contains(causeMessage)) {
                message = message + " (" + cause + ")";
            }
        }
        String level = r.getLevel().intValue() >= Level.SEVERE.intValue() ? "error" : "warning";
        return "opensafely-lsp: protocol " + level + ": " + message;
    }

    private static String firstLine(String s) {
        String line = s == null ? "" : s.lines().findFirst().orElse("").strip();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    private static final class OneLine extends Handler {
        @Override
        public void publish(LogRecord r) {
            if (r == null || routine(r) || !isLoggable(r)) return;
            System.err.println(format(r));
        }

        @Override
        public void flush() {
            System.err.flush();
        }

        @Override
        public void close() {
        }
    }
}

package opensafely.lsp.lsp;

import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * The client as the server sees it: LSP, plus {@value #RUN_LOG}, our one notification. It carries each line a job
 * of {@code opensafely.run} prints, so that an editor can show the log in an output channel ("OpenSAFELY Run" in
 * VS Code). Sent only to clients that ask for it with the initializationOption {@code "runLog": "notification"};
 * the others get each line as a window/logMessage instead.
 */
public interface RunLogClient extends LanguageClient {
    String RUN_LOG = "opensafely/runLog";

    /** One line of a job's log: {@code {"action": "...", "line": "..."}}, the line with its UTC time in front. */
    final class RunLogParams {
        public String action;
        public String line;

        public RunLogParams() {
        }

        public RunLogParams(String action, String line) {
            this.action = action;
            this.line = line;
        }

        @Override
        public String toString() {
            return action + ": " + line;
        }
    }

    @JsonNotification(RUN_LOG)
    void runLog(RunLogParams params);
}

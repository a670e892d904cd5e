package opensafely.lsp.lsp;

import java.util.function.Supplier;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressReport;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * Work-done progress shown by the client for one long command (begin, reports, end), when the client
 * supports it; when it does not, or refuses the token, every call does nothing and the command's outcome
 * is still shown.
 */
final class WorkDoneProgress {
    private final Supplier<LanguageClient> client;
    /** Null when the client shows no progress for this work. */
    private final Either<String, Integer> token;

    private WorkDoneProgress(Supplier<LanguageClient> client, Either<String, Integer> token) {
        this.client = client;
        this.token = token;
    }

    /**
     * Creates the token and sends the begin. {@code percentage} null: the work reports no percentages;
     * a cancellable one is cancelled through window/workDoneProgress/cancel with this {@code token}.
     */
    static WorkDoneProgress begin(Supplier<LanguageClient> client, Supplier<Boolean> supported, String token,
                                  String title, boolean cancellable, Integer percentage) {
        LanguageClient c = client.get();
        if (c == null || !supported.get()) return new WorkDoneProgress(client, null);
        Either<String, Integer> t = Either.forLeft(token);
        try {
            c.createProgress(new WorkDoneProgressCreateParams(t)).join();
            WorkDoneProgressBegin begin = new WorkDoneProgressBegin();
            begin.setTitle(title);
            if (cancellable) begin.setCancellable(true);
            begin.setPercentage(percentage);
            c.notifyProgress(new ProgressParams(t, Either.forLeft(begin)));
            return new WorkDoneProgress(client, t);
        } catch (RuntimeException e) {
            return new WorkDoneProgress(client, null); // the client refused
        }
    }

    void report(String message, Integer percentage) {
        LanguageClient c = client.get();
        if (c == null || token == null) return;
        WorkDoneProgressReport report = new WorkDoneProgressReport();
        report.setMessage(message);
        report.setPercentage(percentage);
        c.notifyProgress(new ProgressParams(token, Either.forLeft(report)));
    }

    void end(String message) {
        LanguageClient c = client.get();
        if (c == null || token == null) return;
        WorkDoneProgressEnd end = new WorkDoneProgressEnd();
        end.setMessage(message);
        c.notifyProgress(new ProgressParams(token, Either.forLeft(end)));
    }
}

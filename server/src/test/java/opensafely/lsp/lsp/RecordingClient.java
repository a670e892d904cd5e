package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.RegistrationParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.services.LanguageClient;

/** A language client that records what the server pushes, for tests to wait on. */
public final class RecordingClient implements LanguageClient {
    /** Every publishDiagnostics, in arrival order. */
    public final List<PublishDiagnosticsParams> published = new CopyOnWriteArrayList<>();
    public final List<MessageParams> logged = new CopyOnWriteArrayList<>();
    public final List<RegistrationParams> registrations = new CopyOnWriteArrayList<>();
    /** Work-done progress: the tokens the server created and every $/progress it sent. */
    public final List<WorkDoneProgressCreateParams> progressCreated = new CopyOnWriteArrayList<>();
    public final List<ProgressParams> progress = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<PublishDiagnosticsParams> unread = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<MessageParams> unreadLog = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<ProgressParams> unreadProgress = new LinkedBlockingQueue<>();

    @Override
    public void publishDiagnostics(PublishDiagnosticsParams params) {
        published.add(params);
        unread.add(params);
    }

    /**
     * The next publishDiagnostics (skipping earlier ones) that matches, within a timeout. Consumes what
     * it skips, so consecutive calls see consecutive publications.
     */
    public PublishDiagnosticsParams awaitDiagnostics(Predicate<PublishDiagnosticsParams> matching) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<PublishDiagnosticsParams> skipped = new ArrayList<>();
        try {
            while (System.nanoTime() < deadline) {
                PublishDiagnosticsParams p = unread.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (p == null) break;
                if (matching.test(p)) return p;
                skipped.add(p);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return fail("no matching publishDiagnostics; skipped " + skipped);
    }

    public PublishDiagnosticsParams awaitDiagnostics(String uri, int version) {
        return awaitDiagnostics(p -> p.getUri().equals(uri) && p.getVersion() != null && p.getVersion() == version);
    }

    @Override
    public void telemetryEvent(Object object) {
    }

    @Override
    public void showMessage(MessageParams messageParams) {
        logged.add(messageParams);
    }

    @Override
    public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams requestParams) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void logMessage(MessageParams message) {
        logged.add(message);
        unreadLog.add(message);
    }

    /** The next window/logMessage (skipping earlier ones) that matches, within a generous timeout. */
    public MessageParams awaitLogged(Predicate<MessageParams> matching) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            while (System.nanoTime() < deadline) {
                MessageParams m = unreadLog.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (m == null) break;
                if (matching.test(m)) return m;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return fail("no matching logMessage; logged " + logged);
    }

    @Override
    public CompletableFuture<Void> registerCapability(RegistrationParams params) {
        registrations.add(params);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> createProgress(WorkDoneProgressCreateParams params) {
        progressCreated.add(params);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void notifyProgress(ProgressParams params) {
        progress.add(params);
        unreadProgress.add(params);
    }

    /** The next $/progress (skipping earlier ones) that matches, within a generous timeout. */
    public ProgressParams awaitProgress(Predicate<ProgressParams> matching) {
        return await(unreadProgress, matching, "$/progress", progress);
    }

    /** Every opensafely/runLog notification, in arrival order. */
    public final List<RunLogClient.RunLogParams> runLog = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<RunLogClient.RunLogParams> unreadRunLog = new LinkedBlockingQueue<>();
    public final java.util.concurrent.atomic.AtomicInteger lensRefreshes = new java.util.concurrent.atomic.AtomicInteger();

    /** Our one notification (the VS Code extension's output channel shows it). */
    @JsonNotification(RunLogClient.RUN_LOG)
    public void runLog(RunLogClient.RunLogParams params) {
        runLog.add(params);
        unreadRunLog.add(params);
    }

    public RunLogClient.RunLogParams awaitRunLog(Predicate<RunLogClient.RunLogParams> matching) {
        return await(unreadRunLog, matching, "opensafely/runLog", runLog);
    }

    @Override
    public CompletableFuture<Void> refreshCodeLenses() {
        lensRefreshes.incrementAndGet();
        return CompletableFuture.completedFuture(null);
    }

    private static <T> T await(LinkedBlockingQueue<T> queue, Predicate<T> matching, String what, List<T> all) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try {
            while (System.nanoTime() < deadline) {
                T m = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (m == null) break;
                if (matching.test(m)) return m;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return fail("no matching " + what + "; got " + all);
    }
}

package opensafely.lsp.lsp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Supplier;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.editor.LanguageService;
import opensafely.lsp.workspace.Document;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * Computes and pushes diagnostics for open documents, off the protocol thread.
 *
 * <ul>
 *   <li>Debounced: a burst of keystrokes costs one analysis, {@code debounce} after the last of them; an
 *       open is analysed at once.</li>
 *   <li>Never stale: a result is published only if its version is still the document's current one
 *       (checked under the same lock a close uses to clear, so a late result cannot follow the clear).</li>
 *   <li>Cached per (URI, version, files-on-disk generation), so code actions and repeated requests do not
 *       re-analyse an unchanged document. The generation moves when files in the workspace are created or
 *       deleted, because rules check that files named in project.yaml exist.</li>
 * </ul>
 */
final class DiagnosticsPublisher {
    private record Computed(int version, int generation, List<Diagnostic> diagnostics) {
    }

    private final LanguageService service;
    private final OpenDocuments documents;
    private final Supplier<LanguageClient> client;
    private final ServerLog log;
    private final long debounceMillis;
    private final ScheduledExecutorService executor =
            Executors.newSingleThreadScheduledExecutor(new DaemonThreads("opensafely-diagnostics"));
    private final Map<String, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
    private final Map<String, Computed> cache = new ConcurrentHashMap<>();
    private final AtomicInteger generation = new AtomicInteger();
    private final Object publishLock = new Object();
    private volatile Consumer<String> onClear = uri -> { };

    DiagnosticsPublisher(LanguageService service, OpenDocuments documents, Supplier<LanguageClient> client,
                         ServerLog log, Duration debounce) {
        this.service = service;
        this.documents = documents;
        this.client = client;
        this.log = log;
        this.debounceMillis = debounce.toMillis();
    }

    void validateNow(String uri) {
        schedule(uri, 0);
    }

    void validateSoon(String uri) {
        schedule(uri, debounceMillis);
    }

    /** Files on disk changed: forget cached results and re-check the open documents that match. */
    void filesChanged(BiPredicate<String, Document> affected) {
        generation.incrementAndGet();
        documents.snapshot().forEach((uri, doc) -> {
            if (affected.test(uri, doc)) validateSoon(uri);
        });
    }

    /** The diagnostics of one version of a document, from the cache when nothing changed. */
    List<Diagnostic> diagnostics(String uri, Document doc) {
        int gen = generation.get();
        Computed c = cache.get(uri);
        if (c != null && c.version() == doc.version() && c.generation() == gen) {
            return c.diagnostics();
        }
        List<Diagnostic> result = List.copyOf(service.diagnostics(doc));
        Computed fresh = new Computed(doc.version(), gen, result);
        // Keep whichever is newer: a slow request for an old version must not evict a newer result.
        cache.merge(uri, fresh, (old, neu) -> old.version() > neu.version()
                || (old.version() == neu.version() && old.generation() > neu.generation()) ? old : neu);
        if (documents.get(uri).isEmpty()) cache.remove(uri); // closed meanwhile
        return result;
    }

    /** The document was closed: drop pending work and cached results and clear its diagnostics. */
    void clear(String uri) {
        ScheduledFuture<?> p = pending.remove(uri);
        if (p != null) p.cancel(false);
        cache.remove(uri);
        synchronized (publishLock) {
            LanguageClient c = client.get();
            if (c != null) c.publishDiagnostics(new PublishDiagnosticsParams(uri, List.of()));
        }
        onClear.accept(uri);
    }

    /** Whether no open document's analysis is waiting or running: background work yields until then. */
    boolean idle() {
        return pending.values().stream().allMatch(Future::isDone);
    }

    /** Told of each document closed, after its diagnostics were cleared. */
    void onClear(Consumer<String> listener) {
        onClear = listener;
    }

    void shutdown() {
        executor.shutdownNow();
    }

    private void schedule(String uri, long delayMillis) {
        pending.compute(uri, (k, old) -> {
            if (old != null) old.cancel(false);
            return executor.schedule(() -> validate(uri), delayMillis, TimeUnit.MILLISECONDS);
        });
    }

    private void validate(String uri) {
        Document doc = documents.get(uri).orElse(null);
        if (doc == null) return;
        List<Diagnostic> result;
        try {
            result = diagnostics(uri, doc);
        } catch (RuntimeException e) {
            log.error("diagnostics for " + uri + " failed", e);
            return;
        }
        synchronized (publishLock) {
            Document current = documents.get(uri).orElse(null);
            if (current == null || current.version() != doc.version()) return; // stale: a newer run follows
            LanguageClient c = client.get();
            if (c != null) {
                c.publishDiagnostics(new PublishDiagnosticsParams(uri, Protocol.diagnostics(result, uri), doc.version()));
            }
        }
    }
}

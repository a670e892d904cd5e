package opensafely.lsp.lsp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Supplier;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.editor.LanguageService;
import opensafely.lsp.features.AnalysisIncomplete;
import opensafely.lsp.workspace.Document;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * Computes and pushes diagnostics for open documents, off the protocol thread.
 *
 * <ul>
 *   <li>Debounced: a burst of keystrokes costs one analysis, a wait after the last of them that follows how
 *       long this document's analyses take ({@link DebouncePolicy}: tens of milliseconds for a quick one, up to
 *       the old fixed 200 ms for a slow one); an open is analysed at once.</li>
 *   <li>Never stale: a result is published only if its version is still the document's current one
 *       (checked under the same lock a close uses to clear, so a late result cannot follow the clear).</li>
 *   <li>Cached per (URI, version, files-on-disk generation), so code actions and repeated requests do not
 *       re-analyse an unchanged document. The generation moves when files in the workspace are created or
 *       deleted, because rules check that files named in project.yaml exist.</li>
 *   <li>Bounded, so that one bad document never stops the others: each document is analysed on its own
 *       thread of a pool (the timer thread only schedules), one analysis per document at a time (edits made
 *       meanwhile are analysed, newest version only, when it ends: superseded versions are never started).
 *       An analysis still running after {@code budget} is left behind: its document gets an
 *       {@code analysis-incomplete} warning, requests on that version answer empty at once instead of
 *       starting another, and the next version is analysed afresh. Java cannot stop a thread safely, so
 *       the abandoned one runs on; at most {@link #MAX_OVERDUE} may, after which no new analysis starts.</li>
 *   <li>A failure, even of the stack or heap, publishes {@code analysis-incomplete} for that version
 *       rather than leaving the diagnostics of an older text in place.</li>
 * </ul>
 */
final class DiagnosticsPublisher {
    /** Longer than any real study takes (the biggest project.yaml: under a second) on a loaded machine. */
    static final Duration DEFAULT_BUDGET = Duration.ofSeconds(30);
    static final int MAX_OVERDUE = 4;

    private record Computed(int version, int generation, List<Diagnostic> diagnostics) {
    }

    /** One analysis under way for a document. Fields are guarded by the publisher's {@code runs} lock. */
    private static final class Run {
        final int version;
        boolean overdue;
        boolean rerun;
        volatile ScheduledFuture<?> deadline;

        Run(int version) {
            this.version = version;
        }
    }

    private final LanguageService service;
    private final OpenDocuments documents;
    private final Supplier<LanguageClient> client;
    private final ServerLog log;
    private final AnalysisTimes times;
    private final Duration budget;
    /** Timers only (debounce, deadlines): never analysis, so it is always free to fire. */
    private final ScheduledThreadPoolExecutor timers = timers();
    private final ExecutorService analyses = Executors.newCachedThreadPool(DaemonThreads.analysis("opensafely-analysis"));
    private final Map<String, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
    private final Map<String, Computed> cache = new ConcurrentHashMap<>();
    private final Object runs = new Object();
    private final Map<String, Run> running = new ConcurrentHashMap<>();
    /** Per document, the version whose analysis overran its budget (until a result arrives after all). */
    private final Map<String, Integer> overdueVersion = new ConcurrentHashMap<>();
    /** Per document, the version on which a request's work overran its budget. */
    private final Map<String, Integer> overdueRequestVersion = new ConcurrentHashMap<>();
    private final AtomicInteger overdueRuns = new AtomicInteger();
    private final AtomicInteger generation = new AtomicInteger();
    private final Object publishLock = new Object();
    private volatile Consumer<String> onClear = uri -> { };
    /** Findings that do not come from the analysis of the text (those of the last runs), added to every publication. */
    private volatile java.util.function.Function<Document, List<Diagnostic>> extra = doc -> List.of();

    /** One thread; a deadline cancelled because its work ended in time leaves the queue at once. */
    private static ScheduledThreadPoolExecutor timers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, new DaemonThreads("opensafely-diagnostics"));
        timers.setRemoveOnCancelPolicy(true);
        return timers;
    }

    DiagnosticsPublisher(LanguageService service, OpenDocuments documents, Supplier<LanguageClient> client,
                         ServerLog log, DebouncePolicy debounce, Duration budget) {
        this.service = service;
        this.documents = documents;
        this.client = client;
        this.log = log;
        this.times = new AnalysisTimes(debounce, System::nanoTime);
        this.budget = budget;
    }

    void validateNow(String uri) {
        schedule(uri, 0);
    }

    void validateSoon(String uri) {
        schedule(uri, times.debounceMillis(uri));
    }

    /** Files on disk changed: forget cached results and re-check the open documents that match. */
    void filesChanged(BiPredicate<String, Document> affected) {
        generation.incrementAndGet();
        documents.snapshot().forEach((uri, doc) -> {
            if (affected.test(uri, doc)) validateSoon(uri);
        });
    }

    /**
     * Whether an analysis of exactly this version (its diagnostics, or a request) overran its budget:
     * requests on it should not start another.
     */
    boolean overdue(String uri, Document doc) {
        Integer v = overdueRequestVersion.get(uri);
        return diagnosticsOverdue(uri, doc) || (v != null && v == doc.version());
    }

    private boolean diagnosticsOverdue(String uri, Document doc) {
        Integer v = overdueVersion.get(uri);
        return v != null && v == doc.version();
    }

    /**
     * Watches one request's work on a version: if it is still running after the budget (cancelled by the
     * client or not: Java cannot stop it), later requests on that version answer empty at once instead
     * of starting the same runaway work again. The version's diagnostics stand.
     */
    ScheduledFuture<?> watchRequest(String name, String uri, int version, AtomicBoolean done) {
        try {
            return timers.schedule(() -> {
                if (done.get()) return;
                overdueRequestVersion.put(uri, version);
                log.warning(name + " on " + uri + " (version " + version + ") still running after " + budget.toSeconds()
                        + " s; requests on this version answer empty");
            }, budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null; // shut down
        }
    }

    /** Adds findings not computed from the text: the run's, which {@link PipelineRuns} keeps. */
    void extraFindings(java.util.function.Function<Document, List<Diagnostic>> source) {
        extra = source;
    }

    /** The findings not computed from the text for a document (those of the last runs of its study), for files not open too. */
    List<Diagnostic> extraFindings(Document doc) {
        return extra.apply(doc);
    }

    /** The diagnostics of one version of a document, with the findings of the last runs of its study. */
    List<Diagnostic> diagnostics(String uri, Document doc) {
        List<Diagnostic> analysed = analysed(uri, doc);
        List<Diagnostic> more = extra.apply(doc);
        if (more.isEmpty()) return analysed;
        List<Diagnostic> all = new java.util.ArrayList<>(analysed);
        all.addAll(more);
        return all;
    }

    /** The diagnostics of one version of a document, from the cache when nothing changed. */
    private List<Diagnostic> analysed(String uri, Document doc) {
        if (diagnosticsOverdue(uri, doc)) return List.of(AnalysisIncomplete.timedOut(budget));
        int gen = generation.get();
        Computed c = cache.get(uri);
        if (c != null && c.version() == doc.version() && c.generation() == gen) {
            return c.diagnostics();
        }
        List<Diagnostic> result = List.copyOf(times.timed(uri, () -> service.diagnostics(doc)));
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
        times.forget(uri);
        overdueVersion.remove(uri);
        overdueRequestVersion.remove(uri);
        synchronized (publishLock) {
            LanguageClient c = client.get();
            if (c != null) c.publishDiagnostics(new PublishDiagnosticsParams(uri, List.of()));
        }
        onClear.accept(uri);
    }

    /** Whether no open document's analysis is waiting or running: background work yields until then. */
    boolean idle() {
        // A run past its budget is left behind and must not hold background work back for ever.
        if (!pending.values().stream().allMatch(Future::isDone)) return false;
        synchronized (runs) {
            return running.values().stream().allMatch(r -> r.overdue);
        }
    }

    /** Told of each document closed, after its diagnostics were cleared. */
    void onClear(Consumer<String> listener) {
        onClear = listener;
    }

    void shutdown() {
        timers.shutdownNow();
        analyses.shutdownNow();
    }

    private void schedule(String uri, long delayMillis) {
        pending.compute(uri, (k, old) -> {
            if (old != null) old.cancel(false);
            try {
                return timers.schedule(() -> start(uri), delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                return null; // shut down
            }
        });
    }

    /** Starts analysing the current version, unless an analysis of this document is under way and on time. */
    private void start(String uri) {
        Document doc;
        Run run;
        synchronized (runs) {
            Run current = running.get(uri);
            if (current != null && !current.overdue) {
                current.rerun = true; // the newest version follows when this one ends
                return;
            }
            doc = documents.get(uri).orElse(null);
            if (doc == null || diagnosticsOverdue(uri, doc)) return; // that very text overran once: do not start it again
            if (overdueRuns.get() >= MAX_OVERDUE) {
                publish(uri, doc, List.of(AnalysisIncomplete.notStarted()));
                return;
            }
            run = new Run(doc.version());
            running.put(uri, run);
        }
        try {
            analyses.execute(() -> analyse(uri, doc, run));
            run.deadline = timers.schedule(() -> deadline(uri, doc, run), budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shut down
        }
    }

    private void analyse(String uri, Document doc, Run run) {
        List<Diagnostic> result;
        try {
            result = orIncomplete(() -> diagnostics(uri, doc), uri, log);
        } finally {
            finished(uri, run);
        }
        publish(uri, doc, result);
    }

    /**
     * The diagnostics an editor publishes for one file: the analysis's, or, when it fails (StackOverflowError and
     * OutOfMemoryError too), one analysis-incomplete warning and a log line, so the file still gets an answer.
     * For open documents and for the files of a study nobody opened alike.
     */
    static List<Diagnostic> orIncomplete(Supplier<List<Diagnostic>> analysis, String file, ServerLog log) {
        try {
            return analysis.get();
        } catch (Throwable t) {
            log.warning("diagnostics for " + file + " failed: " + AnalysisIncomplete.reason(t));
            return List.of(AnalysisIncomplete.failed(t));
        }
    }

    private void finished(String uri, Run run) {
        ScheduledFuture<?> timer = run.deadline;
        if (timer != null) timer.cancel(false);
        boolean again;
        synchronized (runs) {
            if (run.overdue) {
                overdueRuns.decrementAndGet();
                overdueVersion.remove(uri, run.version); // it did finish: its result is published now
            }
            if (running.get(uri) != run) return; // left behind; a newer run has the document
            running.remove(uri);
            again = run.rerun;
        }
        if (again) start(uri);
    }

    /** The run is past its budget: say so, and let the next version be analysed without waiting for it. */
    private void deadline(String uri, Document doc, Run run) {
        boolean again;
        synchronized (runs) {
            if (running.get(uri) != run) return; // finished in time
            run.overdue = true;
            overdueRuns.incrementAndGet();
            overdueVersion.put(uri, run.version);
            again = run.rerun;
        }
        log.warning("diagnostics for " + uri + " (version " + run.version + ") still running after " + budget.toSeconds()
                + " s; left behind");
        publish(uri, doc, List.of(AnalysisIncomplete.timedOut(budget)));
        if (again) start(uri);
    }

    private void publish(String uri, Document doc, List<Diagnostic> result) {
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

package opensafely.lsp.lsp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.editor.LanguageService;
import opensafely.lsp.outputs.OutputCheck;
import opensafely.lsp.outputs.StudyOutputs;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.DocumentKind;
import opensafely.lsp.workspace.SourceText;
import opensafely.lsp.workspace.StudyFiles;
import opensafely.lsp.workspace.StudyFolder;
import opensafely.lsp.workspace.StudySearch;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * The Problems panel shows whole studies, not only the files the user opened (as ESLint and TypeScript
 * do): once the client is initialized, the studies in the workspace folders are found and every file
 * `check` would analyse ({@link StudyFiles}, and the moderately_sensitive outputs of {@link StudyOutputs}) is
 * analysed from disk and published.
 *
 * <ul>
 *   <li>Never ahead of typing: one low-priority thread, which waits before each file until no open
 *       document's analysis is pending ({@link DiagnosticsPublisher#idle()}).</li>
 *   <li>The editor's text wins: a file open in the client is skipped, and if it is opened while its disk
 *       version is being published, its own diagnostics are sent again after ours. When it is closed,
 *       its disk version is published again in place of the cleared diagnostics.</li>
 *   <li>Kept current: a change on disk re-checks the study it is in (helper modules, CSVs and project.yaml
 *       affect its other files); a deleted file's diagnostics are cleared; a project.yaml created or
 *       deleted makes it look for studies again.</li>
 *   <li>Bounded ({@link StudySearch}, {@link #MAX_FILES}, {@link #MAX_FILE_BYTES}) and stopped on shutdown.</li>
 * </ul>
 *
 * <p>All the work, and the record of what was published, stays on the one thread, so there is no
 * locking beyond the queue.
 */
final class WorkspaceDiagnostics {
    /** How far below a workspace folder a study may be: a checkout of several studies, or one in a subfolder. */
    static final int MAX_DEPTH = 3;
    static final int MAX_STUDIES = 20;
    /** Files checked per study; a study has tens. */
    static final int MAX_FILES = 2_000;
    /** Larger files are left to `check`: reading them would crowd the editor's memory. */
    static final long MAX_FILE_BYTES = 4L << 20;
    private static final long YIELD_MILLIS = 20;

    private final LanguageService service;
    private final OpenDocuments documents;
    private final DiagnosticsPublisher editor;
    private final Supplier<LanguageClient> client;
    private final ServerLog log;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        // The same deep stack as the open documents' analyses: a file must not fail only when it is closed.
        Thread t = DaemonThreads.analysis("opensafely-workspace").newThread(r);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    /** Study roots found, read by the protocol thread to route file events. */
    private final Set<Path> studies = ConcurrentHashMap.newKeySet();
    /** Studies whose refresh is queued and not yet started, so a burst of file events costs one refresh. */
    private final Set<Path> queued = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean searchQueued = new AtomicBoolean();
    /** For each study, the files whose disk diagnostics were published non-empty (executor thread only). */
    private final Map<Path, Set<Path>> shown = new HashMap<>();
    private volatile List<Path> roots = List.of();
    private volatile boolean stopped;

    WorkspaceDiagnostics(LanguageService service, OpenDocuments documents, DiagnosticsPublisher editor,
                         Supplier<LanguageClient> client, ServerLog log) {
        this.service = service;
        this.documents = documents;
        this.editor = editor;
        this.client = client;
        this.log = log;
    }

    /** Finds the studies under the workspace folders and checks them, in the background. */
    void start(List<Path> workspaceRoots) {
        roots = List.copyOf(workspaceRoots);
        if (!roots.isEmpty()) searchAgain();
    }

    /** Files were created, deleted or changed on disk. */
    void filesChanged(List<Path> touched) {
        if (roots.isEmpty()) return;
        // A project.yaml that appeared where no study was known, or went where one was: look again (which
        // re-checks every study). An edited one re-checks its study below.
        if (touched.stream().anyMatch(p -> DocumentKind.of(p) == DocumentKind.PROJECT_YAML && p.getParent() != null
                && studies.contains(p.getParent()) != Files.isRegularFile(p))) {
            searchAgain();
            return;
        }
        for (Path study : studies) {
            if (touched.stream().anyMatch(p -> p.startsWith(study) && !StudyFiles.hidden(study.relativize(p)) && !jobOutput(study.relativize(p)))) {
                refreshSoon(study);
            }
            // What jobs write to output/ is read by no other file's rules: only that file (an output) is checked again.
            touched.stream().filter(p -> p.startsWith(study) && !StudyFiles.hidden(study.relativize(p)) && jobOutput(study.relativize(p)))
                    .distinct().forEach(p -> submit(() -> refreshFile(study, p)));
        }
    }


    /** What jobs write, under output/: an output is checked on its own; no other file's analysis reads it. */
    private static boolean jobOutput(Path inStudy) {
        return inStudy.getNameCount() > 1 && inStudy.getName(0).toString().equals("output");
    }

    /** The client closed a document: its file on disk is what counts again. */
    void documentClosed(String uri) {
        Optional<Path> file = DocumentUris.filePath(uri);
        if (file.isEmpty()) return;
        for (Path study : studies) {
            if (file.get().startsWith(study)) submit(() -> refreshFile(study, file.get()));
        }
    }

    /** Stops at once: the current file's analysis is abandoned and nothing more is published. */
    void stop() {
        stopped = true;
        executor.shutdownNow();
    }

    /** For tests: waits until the queued work is done or the timeout passes. */
    boolean awaitStopped(long millis) throws InterruptedException {
        return executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    private void searchAgain() {
        if (searchQueued.compareAndSet(false, true)) {
            submit(() -> {
                searchQueued.set(false);
                search();
            });
        }
    }

    private void refreshSoon(Path study) {
        if (queued.add(study)) {
            submit(() -> {
                queued.remove(study);
                refresh(study);
            });
        }
    }

    private void submit(Runnable job) {
        if (stopped) return;
        try {
            executor.execute(() -> {
                try {
                    if (!stopped) job.run();
                } catch (RuntimeException e) {
                    log.error("checking the workspace's studies failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // Stopped meanwhile.
        }
    }

    private void search() {
        List<Path> found = StudySearch.find(roots, MAX_DEPTH, MAX_STUDIES);
        for (Path gone : new ArrayList<>(studies)) {
            if (!found.contains(gone)) {
                studies.remove(gone);
                for (Path file : shown.getOrDefault(gone, Set.of())) clearFile(file);
                shown.remove(gone);
            }
        }
        studies.addAll(found);
        for (Path study : found) {
            if (stopped) return;
            refresh(study);
        }
    }

    /** Checks every file of a study from disk, and clears those that are gone or now clean. */
    private void refresh(Path study) {
        List<Path> files;
        List<StudyOutputs.Match> outputs;
        try {
            files = new ArrayList<>(Files.isRegularFile(study.resolve("project.yaml"))
                    ? StudyFiles.of(study, StudyFiles.CHECKED_KINDS)
                    : List.of());
            outputs = Files.isRegularFile(study.resolve("project.yaml")) ? StudyOutputs.of(StudyFolder.at(study)) : List.of();
            for (StudyOutputs.Match m : outputs) files.add(m.file());
        } catch (IOException | RuntimeException e) {
            log.info("cannot list the files of " + study + ": " + e.getMessage());
            return;
        }
        if (files.size() > MAX_FILES) {
            log.info(study + " has " + files.size() + " files to check; the first " + MAX_FILES + " are shown");
            files = files.subList(0, MAX_FILES);
        }
        Set<Path> before = shown.getOrDefault(study, Set.of());
        Set<Path> after = new HashSet<>();
        for (Path file : files) {
            if (stopped || !waitForEditor()) return;
            if (check(study, file, outputs)) after.add(file);
        }
        for (Path file : before) {
            if (!files.contains(file)) clearFile(file); // deleted, or no longer a study file (a clean one was published empty by check)
        }
        shown.put(study, after);
    }

    private void refreshFile(Path study, Path file) {
        Set<Path> set = shown.computeIfAbsent(study, s -> new HashSet<>());
        if (!Files.isRegularFile(file)) {
            if (set.remove(file)) clearFile(file);
            return;
        }
        List<StudyOutputs.Match> outputs;
        try {
            outputs = StudyOutputs.of(StudyFolder.at(study));
            if (!StudyFiles.of(study, StudyFiles.CHECKED_KINDS).contains(file)
                    && outputs.stream().noneMatch(m -> m.file().equals(file))) {
                if (set.remove(file)) clearFile(file); // no longer an output (its pattern changed)
                return;
            }
        } catch (IOException | RuntimeException e) {
            return;
        }
        if (!waitForEditor()) return;
        if (check(study, file, outputs)) set.add(file);
        else set.remove(file);
    }

    /**
     * Analyses one file from disk and publishes the result, unless it is open in the client. Returns whether
     * what the client now shows for it came from here (false when the file is clean, open or unreadable).
     */
    private boolean check(Path study, Path file, List<StudyOutputs.Match> outputs) {
        if (isOpen(file)) return false;
        List<Diagnostic> found;
        StudyFolder folder = StudyFolder.at(study);
        Optional<StudyOutputs.Match> output = outputs.stream().filter(m -> m.file().equals(file)).findFirst();
        if (output.isPresent()) {
            // Streamed from disk as check streams it (never read whole: it may be a 17 MiB table); an image too.
            found = DiagnosticsPublisher.orIncomplete(() -> {
                try {
                    return OutputCheck.onDisk(folder, file, output.get().relative(), output, outputs).findings();
                } catch (IOException e) {
                    return List.of();
                }
            }, file.toString(), log);
            if (found.isEmpty() && !shown.getOrDefault(study, Set.of()).contains(file)) return false;
            publish(file, found);
            return !found.isEmpty();
        }
        // Read as check reads: never through a link out of the study, never more than MAX_FILE_BYTES.
        Optional<byte[]> bytes = folder.readBytes(file, MAX_FILE_BYTES);
        if (bytes.isEmpty() && folder.leavesFolder(file)) {
            publish(file, List.of(StudyFiles.linkOutOfStudy())); // as check reports it
            return true;
        }
        if (bytes.isEmpty()) return false; // deleted meanwhile (the file event that follows clears it), or too large
        SourceText source = SourceText.decode(bytes.get());
        // A file that breaks the analysis gets its warning, as an open one would, and the rest of the study goes on.
        Document doc = new Document(file, source.text(), 0, folder);
        found = source.encodingProblem().isPresent()
                ? List.of(source.encodingProblem().get())
                : DiagnosticsPublisher.orIncomplete(() -> service.diagnostics(doc), file.toString(), log);
        List<Diagnostic> fromRuns = editor.extraFindings(doc); // a run's findings show on a project.yaml nobody opened too
        if (!fromRuns.isEmpty()) {
            found = new ArrayList<>(found);
            found.addAll(fromRuns);
        }
        if (found.isEmpty() && !shown.getOrDefault(study, Set.of()).contains(file)) return false; // nothing to say, nothing to take back
        publish(file, found);
        return !found.isEmpty();
    }

    private void clearFile(Path file) {
        if (!isOpen(file)) publish(file, List.of());
    }

    private void publish(Path file, List<Diagnostic> found) {
        LanguageClient c = client.get();
        if (c == null || stopped) return;
        String uri = DocumentUris.uri(file);
        c.publishDiagnostics(new PublishDiagnosticsParams(uri, Protocol.diagnostics(found, uri)));
        // Opened while we worked: its own diagnostics must be the last word, so they go out again after ours.
        documents.snapshot().forEach((openUri, doc) -> {
            if (doc.path().equals(file)) editor.validateNow(openUri);
        });
    }

    private boolean isOpen(Path file) {
        return documents.snapshot().values().stream().anyMatch(d -> d.path().equals(file));
    }

    /** Waits while an open document's analysis is pending. False when stopped. */
    private boolean waitForEditor() {
        try {
            while (!editor.idle()) {
                if (stopped) return false;
                Thread.sleep(YIELD_MILLIS);
            }
            return !stopped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

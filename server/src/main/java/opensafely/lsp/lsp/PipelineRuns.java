package opensafely.lsp.lsp;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.runner.Executor;
import opensafely.lsp.runner.Executors;
import opensafely.lsp.runner.JobResult;
import opensafely.lsp.runner.PipelineRun;
import opensafely.lsp.runner.RunFindings;
import opensafely.lsp.runner.RunLenses;
import opensafely.lsp.runner.RunListener;
import opensafely.lsp.runner.RunState;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.DocumentKind;
import opensafely.lsp.workspace.StudyFolder;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * {@code opensafely.run}: runs actions of a study on dummy data from the editor, with the same {@link PipelineRun}
 * as {@code run} on the command line. Arguments: the URI of the study's project.yaml (or of any file in the study),
 * the action names (a list, or one name; {@code run_all} runs everything), and whether to run the dependencies again
 * (the CLI's {@code -f}). Each run gets work-done progress (a report per job status), cancellable through the
 * progress or by cancelling the request (the runner stops the process trees; nothing partial is copied back). Each
 * log line goes to the client ({@link RunLogClient}); the outcome is shown with the log's path. Afterwards the
 * failed jobs become diagnostics on project.yaml ({@link RunFindings}) and the code lenses are refreshed.
 */
final class PipelineRuns {
    static final String ID = "opensafely.run";

    /** What the command answers. */
    record Outcome(boolean ok, int exitCode, String message) {
    }

    /** Where and how jobs run: the Python for the local executor, and "local", "docker" or null (Docker when it answers). */
    record Settings(String python, String executor) {
        static final Settings DEFAULT = new Settings("python3", null);
    }

    private final Supplier<LanguageClient> client;
    private final Supplier<Boolean> progressSupported;
    private final Supplier<Boolean> lensRefreshSupported;
    private final Supplier<Boolean> runLogNotifications;
    private final Supplier<Settings> settings;
    private final ExecutorService workers;
    /** After a run: re-publish the diagnostics of the study's project.yaml (open or not). */
    private final Consumer<Path> studyRan;
    /** Per study folder, what its last runs said. */
    private final Map<Path, RunFindings> findings = new ConcurrentHashMap<>();
    /**
     * Everything a run sends the client, in order, from one long-lived thread: the runner calls its listener from job
     * threads that end with the run, and must not wait on the connection.
     */
    private final ExecutorService sender = java.util.concurrent.Executors.newSingleThreadExecutor(new DaemonThreads("opensafely-run-log"));
    /** The study folders with a run under way: two runs of one study would race for its outputs and run state. */
    private final java.util.Set<Path> busy = ConcurrentHashMap.newKeySet();
    /** The parsed project.yaml of an open document: the language service's, cached by version (lenses and findings are asked per edit). */
    private final java.util.function.Function<Document, Project> projects;
    /** Progress tokens of the runs in flight, and whether the editor asked to cancel each. */
    private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();

    PipelineRuns(Supplier<LanguageClient> client, Supplier<Boolean> progressSupported, Supplier<Boolean> lensRefreshSupported,
                 Supplier<Boolean> runLogNotifications, Supplier<Settings> settings, ExecutorService workers, Consumer<Path> studyRan,
                 java.util.function.Function<Document, Project> projects) {
        this.client = client;
        this.projects = projects;
        this.progressSupported = progressSupported;
        this.lensRefreshSupported = lensRefreshSupported;
        this.runLogNotifications = runLogNotifications;
        this.settings = settings;
        this.workers = workers;
        this.studyRan = studyRan;
    }

    /** window/workDoneProgress/cancel: true when the token was one of our runs. */
    boolean cancel(String token) {
        AtomicBoolean flag = token == null ? null : running.get(token);
        if (flag == null) return false;
        flag.set(true);
        return true;
    }

    // --- code lenses ---------------------------------------------------------------------------------

    /** The lenses of an open project.yaml: run, run with dependencies, and the last run's state, on each action's name. */
    List<CodeLens> lenses(String uri, Document doc) {
        if (DocumentKind.of(doc.path()) != DocumentKind.PROJECT_YAML) return List.of();
        Path root = doc.path().toAbsolutePath().normalize().getParent();
        if (root == null) return List.of();
        Project project = projects.apply(doc);
        List<CodeLens> out = new ArrayList<>();
        for (RunLenses.Lens l : RunLenses.of(project, RunState.load(root), Instant.now())) {
            // A lens that only shows the state still needs a command to be shown; the empty id runs nothing.
            Command c = l.runs() ? new Command(l.title(), ID, List.of(uri, l.actions(), l.force())) : new Command(l.title(), "");
            out.add(new CodeLens(Protocol.range(l.range()), c, null));
        }
        return out;
    }

    // --- diagnostics -------------------------------------------------------------------------------

    /** The findings of the last runs for a project.yaml as it is now; nothing for other files or studies not run. */
    List<Diagnostic> diagnostics(Document doc) {
        Path root = doc.path().toAbsolutePath().normalize().getParent();
        if (DocumentKind.of(doc.path()) != DocumentKind.PROJECT_YAML || root == null) return List.of();
        RunFindings f = findings.get(root);
        if (f == null || f.isEmpty()) return List.of();
        return f.diagnostics(projects.apply(doc), doc.text());
    }

    // --- the command ---------------------------------------------------------------------------------

    CompletableFuture<Object> execute(List<Object> arguments) {
        Optional<Path> root = string(arguments, 0).flatMap(DocumentUris::filePath)
                .flatMap(p -> StudyFolder.enclosing(p).flatMap(StudyFolder::root));
        if (root.isEmpty()) {
            return CompletableFuture.completedFuture(show(new Outcome(false, 2, "No study folder (a folder with project.yaml) was given, so there is nothing to run.")));
        }
        List<String> actions = actions(arguments);
        if (actions.isEmpty()) return CompletableFuture.completedFuture(show(new Outcome(false, 2, "No action was given to run.")));
        boolean force = arguments.size() > 2 && (arguments.get(2) instanceof JsonPrimitive p && p.isBoolean() ? p.getAsBoolean()
                : Boolean.TRUE.equals(arguments.get(2)));
        if (!busy.add(root.get())) {
            return CompletableFuture.completedFuture(show(new Outcome(false, 1,
                    "A run is already under way in " + root.get().getFileName() + ": wait for it, or cancel it, then run again.")));
        }
        CompletableFuture<Object> future = new CompletableFuture<>();
        try {
            workers.execute(() -> {
                // The study is free again before the answer goes: a client may start the next run as soon as it has it.
                Outcome o;
                try {
                    o = run(root.get(), actions, force, future::isCancelled);
                } catch (RuntimeException e) {
                    busy.remove(root.get());
                    future.completeExceptionally(e);
                    return;
                }
                busy.remove(root.get());
                future.complete(o);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            busy.remove(root.get()); // shutting down
            future.cancel(false);
        }
        return future;
    }

    private Outcome run(Path root, List<String> actions, boolean force, BooleanSupplier requestCancelled) {
        Settings s = settings.get();
        Map<String, String> host = System.getenv();
        Executors.Choice choice = Executors.choose(s.executor(), root, s.python(), host, Clock.systemUTC());
        if (choice.executor().isEmpty()) return show(new Outcome(false, 2, "Cannot run: " + choice.error().orElse("no executor")));
        Executor executor = choice.executor().get();
        String token = "opensafely-run-" + UUID.randomUUID();
        AtomicBoolean cancelled = new AtomicBoolean();
        running.put(token, cancelled);
        WorkDoneProgress progress = WorkDoneProgress.begin(client, progressSupported, token,
                "OpenSAFELY: run " + String.join(", ", actions) + (force ? " (with dependencies)" : ""), true, null);
        Outcome outcome;
        try {
            PipelineRun run = new PipelineRun(root, executor, Clock.systemUTC(), PipelineRun.environment(host));
            PipelineRun.Outcome o = run.run(new PipelineRun.Request(actions, force, false, 2), listener(progress),
                    () -> cancelled.get() || requestCancelled.getAsBoolean());
            record(root, run, o);
            outcome = outcome(o);
        } catch (PipelineRun.RunException e) {
            outcome = new Outcome(false, 2, e.getMessage());
        } finally {
            running.remove(token);
        }
        Outcome shown = outcome;
        // After every log line and report of the run: the end, the outcome, then the findings and lenses.
        try {
            sender.submit(() -> {
                progress.end(shown.message());
                show(shown);
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.RejectedExecutionException e) {
            // The connection or the server is gone.
        }
        studyRan.accept(root);
        refreshLenses();
        return outcome;
    }

    void dispose() {
        sender.shutdownNow();
    }

    private void send(Runnable message) {
        try {
            sender.execute(message);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shut down
        }
    }

    private RunListener listener(WorkDoneProgress progress) {
        return new RunListener() {
            @Override
            public void planned(List<String> actions, String executor) {
                log(null, "Running " + String.join(", ", actions) + " with the " + executor + " executor");
            }

            @Override
            public void status(String action, String message) {
                send(() -> progress.report(action + ": " + message, null));
            }

            @Override
            public void logLine(String action, String stampedLine) {
                log(action, stampedLine);
            }

            @Override
            public void jobFinished(JobResult r) {
                String how = r.succeeded() ? "succeeded" : r.message() + (r.exitCode() == null ? "" : " (exit " + r.exitCode() + ")");
                send(() -> progress.report(r.action() + ": " + how, null));
                log(r.action(), "=> " + how + "; log in " + r.logFile());
            }
        };
    }

    /** One line to the client: our notification where the client asked for it, else its log. */
    private void log(String action, String line) {
        send(() -> sendLog(action, line));
    }

    private void sendLog(String action, String line) {
        LanguageClient c = client.get();
        if (c == null) return;
        try {
            if (runLogNotifications.get() && c instanceof RunLogClient rc) {
                rc.runLog(new RunLogClient.RunLogParams(action, line));
            } else {
                c.logMessage(new MessageParams(MessageType.Log, (action == null ? "" : "[" + action + "] ") + line));
            }
        } catch (RuntimeException e) {
            // The connection is gone: the run goes on and its log is on disk.
        }
    }

    /** Each finished job updates the study's findings, against the project.yaml the run read. */
    private void record(Path root, PipelineRun run, PipelineRun.Outcome o) throws PipelineRun.RunException {
        if (o.results().isEmpty()) return;
        String text = StudyFolder.at(root).readString("project.yaml").orElse("");
        Project project = run.project();
        RunFindings f = findings.computeIfAbsent(root, r -> new RunFindings());
        for (JobResult r : o.results()) f.record(r, project, text);
    }

    private static Outcome outcome(PipelineRun.Outcome o) {
        if (o.error().isPresent()) return new Outcome(false, 1, "Cannot run: " + o.error().get());
        if (o.cancelled()) return new Outcome(false, 1, "Run cancelled; the outputs of unfinished jobs were not copied into the study.");
        if (o.planned().isEmpty()) return new Outcome(true, 0, "Nothing to do: the outputs are up to date (Run with dependencies runs them again).");
        List<String> failed = new ArrayList<>();
        for (JobResult r : o.results()) {
            if (r.succeeded() || r.dependencyFailed()) continue;
            failed.add(r.action() + " (" + r.message() + (r.exitCode() == null ? "" : ", exit " + r.exitCode()) + "; log: " + r.logFile() + ")");
        }
        if (o.exitCode() == 0) {
            return new Outcome(true, 0, "Ran " + String.join(", ", o.planned()) + ": succeeded. Logs in metadata/.");
        }
        return new Outcome(false, o.exitCode(), "Run failed: " + (failed.isEmpty() ? "not every job finished" : String.join("; ", failed)) + ".");
    }

    private Outcome show(Outcome outcome) {
        LanguageClient c = client.get();
        if (c != null) c.showMessage(new MessageParams(outcome.ok() ? MessageType.Info : MessageType.Error, outcome.message()));
        return outcome;
    }

    private void refreshLenses() {
        LanguageClient c = client.get();
        if (c == null || !lensRefreshSupported.get()) return;
        try {
            c.refreshCodeLenses();
        } catch (RuntimeException e) {
            // The client refused; its lenses refresh on the next edit.
        }
    }

    private static List<String> actions(List<Object> arguments) {
        if (arguments == null || arguments.size() < 2) return List.of();
        Object a = arguments.get(1);
        List<String> out = new ArrayList<>();
        if (a instanceof JsonArray arr) {
            for (JsonElement e : arr) {
                if (e instanceof JsonPrimitive p && p.isString() && !p.getAsString().isBlank()) out.add(p.getAsString());
            }
        } else if (a instanceof JsonPrimitive p && p.isString() && !p.getAsString().isBlank()) {
            out.add(p.getAsString());
        } else if (a instanceof List<?> list) {
            for (Object o : list) if (o instanceof String s && !s.isBlank()) out.add(s);
        } else if (a instanceof String s && !s.isBlank()) {
            out.add(s);
        }
        return out;
    }

    private static Optional<String> string(List<Object> arguments, int i) {
        if (arguments == null || arguments.size() <= i) return Optional.empty();
        Object a = arguments.get(i);
        if (a instanceof JsonPrimitive p && p.isString()) return Optional.of(p.getAsString());
        if (a instanceof String s) return Optional.of(s);
        return Optional.empty();
    }
}

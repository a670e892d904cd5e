package opensafely.lsp.lsp;

import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.time.LocalDate;
import opensafely.lsp.dummydata.OutputFormat;
import opensafely.lsp.dummydata.TableFile;
import opensafely.lsp.dummydata.TableSpec;
import opensafely.lsp.ehrql.DatasetDefinitionService;
import opensafely.lsp.dummydata.DummyOutcome;
import opensafely.lsp.ehrql.DummyDataOutput;
import opensafely.lsp.ehrql.EhrqlDummyAction;
import opensafely.lsp.ehrql.DummyDatasetSpec;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.study.DummyData;
import opensafely.lsp.study.DummyDataFile;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * {@code opensafely.dummyData.generate}: the "Generate dummy data" source action. Argument: the file's URI. Uses
 * the editor's text when the file is open (unsaved edits included) and shows the outcome; the same core as
 * {@code dummy-data} on the command line. A study definition's data goes where generate_cohort would write it,
 * with project.yaml's population size; an ehrQL dataset or measures definition's where the project.yaml action
 * that runs it writes, streamed with work-done progress, and cancelled by the editor's cancel of the progress or
 * of the request (nothing is written then).
 */
final class DummyDataAction {
    static final String ID = Fix.GENERATE_DUMMY_DATA;

    record Outcome(boolean ok, String message) {
    }

    private final Supplier<LanguageClient> client;
    private final OpenDocuments documents;
    private final ExecutorService workers;
    private final Supplier<Boolean> progressSupported;
    /** Progress tokens of the runs in flight, and whether the editor asked to cancel each. */
    private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();

    DummyDataAction(Supplier<LanguageClient> client, OpenDocuments documents, ExecutorService workers) {
        this(client, documents, workers, () -> false);
    }

    DummyDataAction(Supplier<LanguageClient> client, OpenDocuments documents, ExecutorService workers, Supplier<Boolean> progressSupported) {
        this.client = client;
        this.documents = documents;
        this.workers = workers;
        this.progressSupported = progressSupported;
    }

    /** window/workDoneProgress/cancel for one of our tokens. */
    void cancel(String token) {
        AtomicBoolean flag = token == null ? null : running.get(token);
        if (flag != null) flag.set(true);
    }

    CompletableFuture<Object> execute(List<Object> arguments) {
        Optional<String> uri = arguments == null || arguments.isEmpty() ? Optional.empty()
                : Optional.ofNullable(arguments.get(0) instanceof JsonPrimitive p && p.isString() ? p.getAsString()
                        : arguments.get(0) instanceof String s ? s : null);
        if (uri.isEmpty() || DocumentUris.filePath(uri.get()).isEmpty()) {
            return CompletableFuture.completedFuture(new Outcome(false, "No study definition file was given."));
        }
        CompletableFuture<Object> future = new CompletableFuture<>();
        workers.execute(() -> {
            try {
                future.complete(run(uri.get(), future::isCancelled));
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    private Outcome run(String uri, BooleanSupplier requestCancelled) {
        Path file = DocumentUris.filePath(uri).orElseThrow();
        try {
            Document doc = documents.get(uri).orElse(null);
            if (doc == null) {
                doc = new Document(file, Files.readString(file, StandardCharsets.UTF_8), 0,
                        StudyFolder.enclosing(file).orElse(StudyFolder.none()));
            }
            if (DatasetDefinitionService.isDatasetDefinition(doc) || DummyDataOutput.declaringRun(doc).isPresent()) return ehrql(doc, file, requestCancelled);
            DummyData.Plan plan = new DummyData(Clock.systemDefaultZone())
                    .plan(doc, DummyDataFile.populationSize(doc.folder()), DummyDataFile.DEFAULT_SEED);
            if (!plan.ok()) {
                return show(new Outcome(false, "No dummy data for " + file.getFileName() + ": " + String.join(" ", plan.problems())));
            }
            Path target = DummyDataFile.defaultOutput(file, doc.folder());
            OutputFormat format = OutputFormat.of(target.getFileName().toString(), OutputFormat.Language.COHORT_EXTRACTOR)
                    .orElse(OutputFormat.CSV);
            return streamed(plan.table(), target, doc, "dummy patients", requestCancelled,
                    (cancelled, progress) -> TableFile.write(target, plan.table(), format, OutputFormat.Language.COHORT_EXTRACTOR,
                            cancelled, progress));
        } catch (IOException e) {
            return show(new Outcome(false, "Could not make the dummy data: " + e.getMessage()));
        }
    }

    private Outcome show(Outcome outcome) {
        LanguageClient c = client.get();
        if (c != null) c.showMessage(new MessageParams(outcome.ok() ? MessageType.Info : MessageType.Error, outcome.message()));
        return outcome;
    }

    /** An ehrQL dataset or measures definition: the table streamed to its action's output, with progress. */
    private Outcome ehrql(Document doc, Path file, BooleanSupplier requestCancelled) {
        // The user's own dummy data where the action's run line names it, through the path the CLI and the runner take.
        EhrqlDummyAction.Sources sources;
        try {
            sources = EhrqlDummyAction.declaredSources(doc);
        } catch (IllegalArgumentException e) {
            return show(new Outcome(false, "No dummy data for " + file.getFileName() + ": " + e.getMessage()));
        }
        if (sources.dummyDataFile() != null || sources.dummyTables() != null) {
            Path target = DummyDataOutput.defaultOutput(doc);
            String shown = doc.folder().root().map(root -> root.relativize(target).toString()).orElse(target.toString());
            DummyOutcome o = EhrqlDummyAction.make(doc, sources, target, null, DummyDataOutput.DEFAULT_SEED, LocalDate.now(), requestCancelled, n -> { });
            String from = sources.dummyDataFile() != null ? sources.dataFileShown() : "the tables in " + sources.tablesShown();
            return show(o.ok() ? new Outcome(true, "Wrote " + o.rows() + " rows from " + from + " to " + shown + ".")
                    : new Outcome(false, "No dummy data for " + file.getFileName() + ": " + o.problem()));
        }
        DummyDatasetSpec.Result r = DummyDataOutput.spec(doc, null, DummyDataOutput.DEFAULT_SEED, LocalDate.now());
        if (!r.ok()) return show(new Outcome(false, "No dummy data for " + file.getFileName() + ": " + r.problem()));
        Path target = DummyDataOutput.defaultOutput(doc);
        return streamed(r.spec(), target, doc, DummyDataOutput.what(doc), requestCancelled,
                (cancelled, progress) -> DummyDataOutput.write(r.spec(), target, cancelled, progress));
    }

    /** How a table reaches its file: streamed, stopping when {@code cancelled} says so, telling {@code progress} the rows written. */
    @FunctionalInterface
    private interface TableWrite {
        void write(BooleanSupplier cancelled, LongConsumer progress) throws IOException;
    }

    /** Streams a table to its file with cancellable work-done progress, and shows the outcome. */
    private Outcome streamed(TableSpec spec, Path target, Document doc, String what, BooleanSupplier requestCancelled, TableWrite write) {
        String shown = doc.folder().root().map(root -> root.relativize(target).toString()).orElse(target.toString());
        long rows = spec.rows();
        String token = "opensafely-dummy-data-" + UUID.randomUUID();
        AtomicBoolean cancelled = new AtomicBoolean();
        running.put(token, cancelled);
        WorkDoneProgress progress = WorkDoneProgress.begin(client, progressSupported, token,
                "Generating dummy data (" + shown + ")", true, 0);
        Outcome outcome;
        try {
            write.write(() -> cancelled.get() || requestCancelled.getAsBoolean(),
                    n -> progress.report(n + " of " + rows, rows == 0 ? 100 : (int) (100 * n / rows)));
            outcome = new Outcome(true, "Wrote " + rows + " " + what + " to " + shown + ".");
        } catch (CancellationException e) {
            outcome = new Outcome(false, "Dummy data cancelled; " + shown + " was not changed.");
        } catch (IOException e) {
            outcome = new Outcome(false, "Could not make the dummy data: " + e.getMessage());
        } finally {
            running.remove(token);
        }
        progress.end(outcome.message());
        return show(outcome);
    }
}

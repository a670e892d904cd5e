package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import opensafely.lsp.SharedData;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.WindowClientCapabilities;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressReport;
import org.eclipse.lsp4j.services.LanguageClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Generate dummy data" on ehrQL dataset definitions in the editor: offered, run with progress, cancellable. */
class EhrqlDummyDataActionTest {
    @TempDir
    Path study;
    InJvmServer lsp;
    ExecutorService workers;

    @AfterEach
    void stop() throws Exception {
        if (lsp != null) lsp.close();
        if (workers != null) workers.shutdownNow();
    }

    private void copyCleanStudy() throws Exception {
        Path src = SharedData.repo().resolve("examples/clean-study");
        try (var files = Files.walk(src)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = study.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
    }

    @Test
    void theSourceActionWritesWhereTheGenerateDatasetActionDoesWithProgress() throws Exception {
        copyCleanStudy();
        Path file = study.resolve("analysis/dataset_definition.py");
        String uri = file.toUri().toString();
        lsp = new InJvmServer(new DelegatingService(), Duration.ZERO);
        ClientCapabilities caps = new ClientCapabilities();
        WindowClientCapabilities window = new WindowClientCapabilities();
        window.setWorkDoneProgress(true);
        caps.setWindow(window);
        lsp.initialize(caps, Map.of());
        lsp.open(uri, Files.readString(file));
        lsp.client.awaitDiagnostics(uri, 1);

        var actions = lsp.remote.getTextDocumentService().codeAction(new CodeActionParams(new TextDocumentIdentifier(uri),
                StudyLanguageServerTest.range(0, 0, 0, 0), new CodeActionContext(List.of(), List.of(CodeActionKind.Source))))
                .get(60, TimeUnit.SECONDS);
        assertEquals(1, actions.size(), actions.toString());
        var action = actions.get(0).getRight();
        assertEquals("Generate dummy data (output/dataset.csv.gz)", action.getTitle());
        Object result = lsp.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(
                action.getCommand().getCommand(), action.getCommand().getArguments())).get(60, TimeUnit.SECONDS);
        assertEquals(true, ((Map<?, ?>) result).get("ok"), result.toString());
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(study.resolve("output/dataset.csv.gz")))) {
            String[] lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\r\n");
            assertEquals("patient_id,age,age_band,sex,has_asthma,first_asthma_date,asthma_events_last_year", lines[0]);
            assertEquals(1001, lines.length);
        }
        var kinds = lsp.client.progress.stream().map(p -> p.getValue().getLeft().getClass()).toList();
        assertEquals(WorkDoneProgressBegin.class, kinds.get(0));
        assertEquals(WorkDoneProgressEnd.class, kinds.get(kinds.size() - 1));
        assertTrue(((WorkDoneProgressBegin) lsp.client.progress.get(0).getValue().getLeft()).getCancellable());
        assertTrue(lsp.client.logged.stream().anyMatch(m -> m.getMessage().equals("Wrote 1000 dummy patients to output/dataset.csv.gz.")),
                lsp.client.logged.toString());
    }

    @Test
    void cancellingTheProgressStopsAndLeavesNoFile() throws Exception {
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("project.yaml"), "version: '4.0'\nactions: {}\n");
        Path file = study.resolve("analysis/dataset_definition.py");
        Files.writeString(file, """
                from ehrql import create_dataset
                from ehrql.tables.core import patients
                dataset = create_dataset()
                dataset.configure_dummy_data(population_size=500000)
                dataset.define_population(patients.exists_for_patient())
                dataset.sex = patients.sex
                """);
        List<String> shown = new CopyOnWriteArrayList<>();
        DummyDataAction[] action = new DummyDataAction[1];
        LanguageClient client = new LanguageClient() {
            @Override
            public void telemetryEvent(Object object) {
            }

            @Override
            public void publishDiagnostics(PublishDiagnosticsParams diagnostics) {
            }

            @Override
            public void showMessage(MessageParams messageParams) {
                shown.add(messageParams.getMessage());
            }

            @Override
            public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams requestParams) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void logMessage(MessageParams message) {
            }

            @Override
            public CompletableFuture<Void> createProgress(WorkDoneProgressCreateParams params) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void notifyProgress(ProgressParams params) {
                // The user presses cancel as soon as the first rows are reported.
                if (params.getValue().getLeft() instanceof WorkDoneProgressReport) action[0].cancel(params.getToken().getLeft());
            }
        };
        workers = Executors.newSingleThreadExecutor();
        action[0] = new DummyDataAction(() -> client, new OpenDocuments(), workers, () -> true);
        Object result = action[0].execute(List.of(file.toUri().toString())).get(60, TimeUnit.SECONDS);
        DummyDataAction.Outcome outcome = (DummyDataAction.Outcome) result;
        assertFalse(outcome.ok(), outcome.message());
        assertTrue(outcome.message().contains("cancelled"), outcome.message());
        assertFalse(Files.exists(study.resolve("output/dataset.csv.gz")));
        assertEquals(List.of(outcome.message()), shown);
    }
}

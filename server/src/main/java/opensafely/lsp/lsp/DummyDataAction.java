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
import java.util.function.Supplier;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.study.DummyData;
import opensafely.lsp.study.DummyDataFile;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * {@code opensafely.dummyData.generate}: the study definition's source action. Argument: the file's URI. Uses
 * the editor's text when the file is open (unsaved edits included), writes where generate_cohort would, with
 * project.yaml's population size, and shows the outcome. The same core as {@code dummy-data} on the command line.
 */
final class DummyDataAction {
    static final String ID = Fix.GENERATE_DUMMY_DATA;

    record Outcome(boolean ok, String message) {
    }

    private final Supplier<LanguageClient> client;
    private final OpenDocuments documents;
    private final ExecutorService workers;

    DummyDataAction(Supplier<LanguageClient> client, OpenDocuments documents, ExecutorService workers) {
        this.client = client;
        this.documents = documents;
        this.workers = workers;
    }

    CompletableFuture<Object> execute(List<Object> arguments) {
        Optional<String> uri = arguments == null || arguments.isEmpty() ? Optional.empty()
                : Optional.ofNullable(arguments.get(0) instanceof JsonPrimitive p && p.isString() ? p.getAsString()
                        : arguments.get(0) instanceof String s ? s : null);
        if (uri.isEmpty() || DocumentUris.filePath(uri.get()).isEmpty()) {
            return CompletableFuture.completedFuture(new Outcome(false, "No study definition file was given."));
        }
        return CompletableFuture.supplyAsync(() -> run(uri.get()), workers);
    }

    private Outcome run(String uri) {
        Path file = DocumentUris.filePath(uri).orElseThrow();
        Outcome outcome;
        try {
            Document doc = documents.get(uri).orElse(null);
            if (doc == null) {
                doc = new Document(file, Files.readString(file, StandardCharsets.UTF_8), 0,
                        StudyFolder.enclosing(file).orElse(StudyFolder.none()));
            }
            DummyData.Outcome table = new DummyData(Clock.systemDefaultZone())
                    .generate(doc, DummyDataFile.populationSize(doc.folder()), System.nanoTime());
            if (table.ok()) {
                Path target = DummyDataFile.defaultOutput(file, doc.folder());
                DummyDataFile.write(target, table);
                String shown = doc.folder().root().map(r -> r.relativize(target).toString()).orElse(target.toString());
                outcome = new Outcome(true, "Wrote " + table.rows().size() + " dummy patients to " + shown + ".");
            } else {
                outcome = new Outcome(false, "No dummy data for " + file.getFileName() + ": " + String.join(" ", table.problems()));
            }
        } catch (IOException e) {
            outcome = new Outcome(false, "Could not make the dummy data: " + e.getMessage());
        }
        LanguageClient c = client.get();
        if (c != null) c.showMessage(new MessageParams(outcome.ok() ? MessageType.Info : MessageType.Error, outcome.message()));
        return outcome;
    }
}

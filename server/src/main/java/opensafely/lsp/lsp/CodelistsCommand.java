package opensafely.lsp.lsp;

import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import opensafely.lsp.codelists.CodelistsUpdate;
import opensafely.lsp.codelists.OpenCodelists;
import opensafely.lsp.workspace.StudyFolder;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * {@code opensafely.codelists.update}: the editor's "download the codelists" action. Arguments: the URI of the
 * study folder or of any file in it, and optionally an OpenCodelists base URL (else the one the client gave in
 * its initializationOptions, else OpenCodelists itself). It runs the same
 * {@link CodelistsUpdate} as the command line, reports each download as work-done progress, shows the outcome,
 * and re-checks the study's open documents (their codelist findings depend on the files it wrote).
 */
final class CodelistsCommand {
    static final String ID = opensafely.lsp.diagnostics.Fix.UPDATE_CODELISTS;

    /** What the command answers: whether it worked, and a sentence for the user. */
    record Outcome(boolean ok, String message) {
    }

    private final Supplier<LanguageClient> client;
    private final Supplier<Boolean> progressSupported;
    private final Supplier<String> defaultBaseUrl;
    private final DiagnosticsPublisher diagnostics;
    private final ExecutorService workers;
    private final String version;

    CodelistsCommand(Supplier<LanguageClient> client, Supplier<Boolean> progressSupported, Supplier<String> defaultBaseUrl,
                     DiagnosticsPublisher diagnostics, ExecutorService workers, String version) {
        this.client = client;
        this.progressSupported = progressSupported;
        this.defaultBaseUrl = defaultBaseUrl;
        this.diagnostics = diagnostics;
        this.workers = workers;
        this.version = version;
    }

    CompletableFuture<Object> execute(List<Object> arguments) {
        Optional<Path> root = argument(arguments, 0).flatMap(DocumentUris::filePath)
                .flatMap(p -> StudyFolder.enclosing(p).flatMap(StudyFolder::root));
        if (root.isEmpty()) {
            return CompletableFuture.completedFuture(new Outcome(false,
                    "No study folder (a folder with project.yaml) was given, so there are no codelists to update."));
        }
        String baseUrl = argument(arguments, 1).orElseGet(defaultBaseUrl);
        Optional<String> badUrl = OpenCodelists.invalidBaseUrl(baseUrl);
        if (badUrl.isPresent()) {
            Outcome refused = new Outcome(false, "Cannot download the codelists: the OpenCodelists address " + badUrl.get() + ".");
            show(refused);
            return CompletableFuture.completedFuture(refused);
        }
        return CompletableFuture.supplyAsync(() -> run(root.get(), baseUrl), workers);
    }

    private Outcome run(Path study, String baseUrl) {
        WorkDoneProgress progress = WorkDoneProgress.begin(client, progressSupported,
                "opensafely-codelists-" + UUID.randomUUID(), "Updating codelists", false, null);
        Outcome outcome;
        try {
            CodelistsUpdate.Outcome o = new CodelistsUpdate(new OpenCodelists(baseUrl, version), Clock.systemUTC(), line -> report(progress, line))
                    .run(study.resolve("codelists"));
            String kept = o.leftInPlace().isEmpty() ? ""
                    : " Kept " + opensafely.lsp.workspace.Excerpt.of(String.join(", ", o.leftInPlace()), 200) + ": not in codelists.txt, so perhaps yours.";
            outcome = new Outcome(true, "Updated " + o.downloaded() + " codelist(s), " + o.changed() + " changed." + kept);
        } catch (CodelistsUpdate.Failed e) {
            outcome = new Outcome(false, e.getMessage());
        } catch (IOException e) {
            outcome = new Outcome(false, "Could not write in codelists/: " + opensafely.lsp.workspace.Excerpt.of(String.valueOf(e.getMessage()), 200));
        }
        progress.end(outcome.message());
        show(outcome);
        diagnostics.filesChanged((uri, doc) -> doc.folder().root().map(study::equals).orElse(false));
        return outcome;
    }

    private void show(Outcome outcome) {
        LanguageClient c = client.get();
        if (c != null) c.showMessage(new MessageParams(outcome.ok() ? MessageType.Info : MessageType.Error, outcome.message()));
    }

    /** Each line of the update goes to the client's log, and to the progress when it is shown. */
    private void report(WorkDoneProgress progress, String line) {
        LanguageClient c = client.get();
        if (c == null) return;
        c.logMessage(new MessageParams(MessageType.Log, line));
        progress.report(line, null);
    }

    private static Optional<String> argument(List<Object> arguments, int i) {
        if (arguments == null || arguments.size() <= i) return Optional.empty();
        Object a = arguments.get(i);
        if (a instanceof JsonPrimitive p && p.isString()) return Optional.of(p.getAsString());
        if (a instanceof String s) return Optional.of(s);
        return Optional.empty();
    }
}

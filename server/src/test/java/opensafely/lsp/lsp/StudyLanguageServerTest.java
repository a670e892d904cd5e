package opensafely.lsp.lsp;

import static opensafely.lsp.lsp.InJvmServer.edit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.editor.HoverInfo;
import opensafely.lsp.text.Position;
import opensafely.lsp.workspace.Document;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.FileChangeType;
import org.eclipse.lsp4j.FileEvent;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over real JSON-RPC (piped streams): diagnostics lifecycle, sync, robustness. */
class StudyLanguageServerTest {
    /** A study with one mistake: `actionz` (line 1) is not a top-level key. */
    static final String WITH_TYPO = """
            version: '5.0'
            actionz:
              x: 1
            actions:
              generate_dataset:
                run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                outputs:
                  highly_sensitive:
                    dataset: output/dataset.csv.gz
              model:
                run: python:v2 python analysis/model.py
                needs: [generate_dataset]
                outputs:
                  moderately_sensitive:
                    table: output/table.csv
            """;

    @TempDir
    Path study;
    String uri;
    InJvmServer lsp;

    @BeforeEach
    void studyFolder() throws Exception {
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("analysis/dataset_definition.py"), "");
        Files.writeString(study.resolve("analysis/model.py"), "");
        Files.writeString(study.resolve("project.yaml"), WITH_TYPO);
        uri = study.resolve("project.yaml").toUri().toString();
    }

    @AfterEach
    void stop() throws Exception {
        if (lsp != null) lsp.close();
    }

    private InJvmServer start(DelegatingService service, Duration debounce) throws Exception {
        lsp = new InJvmServer(service, debounce);
        lsp.initialize();
        return lsp;
    }

    private static List<String> codes(PublishDiagnosticsParams p) {
        return p.getDiagnostics().stream().map(d -> d.getCode().getLeft()).toList();
    }

    @Test
    void openPublishesDiagnosticsAtOnceWithCodeRangeAndPlainMessage() throws Exception {
        start(new DelegatingService(), Duration.ofSeconds(10)); // debounce must not delay an open
        lsp.open(uri, WITH_TYPO);

        PublishDiagnosticsParams p = lsp.client.awaitDiagnostics(uri, 1);
        assertEquals(List.of("unknown-top-level-key"), codes(p));
        var d = p.getDiagnostics().get(0);
        assertEquals(range(1, 0, 1, 7), d.getRange());
        assertEquals(DiagnosticSeverity.Error, d.getSeverity());
        assertEquals("opensafely-lsp", d.getSource());
        assertTrue(d.getMessage().isLeft(), "plain String message, readable by pre-3.18 clients");
        assertTrue(d.getMessage().getLeft().contains("'actionz'"), d.getMessage().getLeft());
    }

    @Test
    void aFileWithThousandsOfFindingsPublishesAsManyAsCheckShows() throws Exception {
        start(new DelegatingService(), Duration.ZERO);
        StringBuilder text = new StringBuilder("version: '5.0'\nactions: {}\n");
        for (int i = 0; i < 1500; i++) text.append("unknown_key_").append(i).append(": 1\n"); // 1,500 findings

        lsp.open(uri, text.toString());

        PublishDiagnosticsParams p = lsp.client.awaitDiagnostics(uri, 1);
        assertEquals(opensafely.lsp.diagnostics.ShownFindings.MAX_SHOWN, p.getDiagnostics().size());
        assertEquals(range(2, 0, 2, 13), p.getDiagnostics().get(0).getRange(), "the first ones, in file order");
    }

    @Test
    void relatedInformationPointsIntoTheSameDocument() throws Exception {
        start(new DelegatingService(), Duration.ZERO);
        lsp.open(uri, "version: '5.0'\nversion: '5.0'\nactions: {}\n");

        PublishDiagnosticsParams p = lsp.client.awaitDiagnostics(uri, 1);
        assertEquals(List.of("yaml-duplicate-key", "yaml-duplicate-key"), codes(p));
        var second = p.getDiagnostics().get(1);
        assertEquals(range(1, 0, 1, 7), second.getRange());
        assertEquals(1, second.getRelatedInformation().size());
        assertEquals(uri, second.getRelatedInformation().get(0).getLocation().getUri());
        assertEquals(range(0, 0, 0, 7), second.getRelatedInformation().get(0).getLocation().getRange());
    }

    @Test
    void incrementalEditsInUtf16UnitsUpdateDiagnostics() throws Exception {
        start(new DelegatingService(), Duration.ZERO);
        lsp.open(uri, WITH_TYPO);
        lsp.client.awaitDiagnostics(uri, 1);

        lsp.change(uri, 2, edit(1, 0, 3, 0, "")); // delete the `actionz` mapping
        assertEquals(List.of(), lsp.client.awaitDiagnostics(uri, 2).getDiagnostics());

        lsp.change(uri, 3, edit(1, 0, 1, 0, "x😀: 1\n"));
        var v3 = lsp.client.awaitDiagnostics(uri, 3).getDiagnostics();
        assertEquals(range(1, 0, 1, 3), v3.get(0).getRange(), "the emoji is two UTF-16 units");

        // Character 3 is just after the emoji in UTF-16; counted in code points it would be after ':'.
        lsp.change(uri, 4, edit(1, 3, 1, 3, "z"));
        var v4 = lsp.client.awaitDiagnostics(uri, 4).getDiagnostics();
        assertEquals(1, v4.size(), v4.toString());
        assertEquals("unknown-top-level-key", v4.get(0).getCode().getLeft());
        assertEquals(range(1, 0, 1, 4), v4.get(0).getRange());
        assertTrue(v4.get(0).getMessage().getLeft().contains("'x😀z'"), v4.get(0).getMessage().getLeft());
    }

    @Test
    void closeClearsDiagnostics() throws Exception {
        start(new DelegatingService(), Duration.ZERO);
        lsp.open(uri, WITH_TYPO);
        assertEquals(1, lsp.client.awaitDiagnostics(uri, 1).getDiagnostics().size());

        lsp.remote.getTextDocumentService().didClose(new DidCloseTextDocumentParams(new TextDocumentIdentifier(uri)));
        PublishDiagnosticsParams cleared = lsp.client.awaitDiagnostics(p -> p.getUri().equals(uri));
        assertEquals(List.of(), cleared.getDiagnostics());
    }

    @Test
    void aResultForAnOutdatedVersionIsNeverPublished() throws Exception {
        CountDownLatch v2Started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(new DelegatingService() {
            @Override
            public List<Diagnostic> diagnostics(Document doc) {
                if (doc.version() == 2) {
                    v2Started.countDown();
                    await(release);
                }
                return super.diagnostics(doc);
            }
        }, Duration.ZERO);
        lsp.open(uri, WITH_TYPO);
        lsp.client.awaitDiagnostics(uri, 1);

        lsp.change(uri, 2, edit(1, 0, 3, 0, ""));
        assertTrue(v2Started.await(60, TimeUnit.SECONDS));
        lsp.change(uri, 3, edit(0, 0, 0, 0, "# a comment\n"));
        // A request answered after the change proves the server holds version 3 before v2's analysis ends.
        lsp.remote.getTextDocumentService().documentSymbol(new DocumentSymbolParams(new TextDocumentIdentifier(uri)))
                .get(60, TimeUnit.SECONDS);
        release.countDown();

        assertEquals(List.of(), lsp.client.awaitDiagnostics(uri, 3).getDiagnostics());
        assertEquals(List.of(1, 3), publishedVersions());
    }

    @Test
    void aBurstOfEditsIsAnalysedOnceAfterTheDebounce() throws Exception {
        AtomicInteger analyses = new AtomicInteger();
        start(counting(analyses), Duration.ofMillis(300));
        lsp.open(uri, WITH_TYPO);
        lsp.client.awaitDiagnostics(uri, 1);

        lsp.change(uri, 2, edit(1, 7, 1, 7, "z"));
        lsp.change(uri, 3, edit(1, 8, 1, 8, "z"));
        lsp.change(uri, 4, edit(1, 0, 1, 9, "actionz"));
        assertEquals(range(1, 0, 1, 7), lsp.client.awaitDiagnostics(uri, 4).getDiagnostics().get(0).getRange());
        assertEquals(List.of(1, 4), publishedVersions());
        assertEquals(2, analyses.get());
    }

    @Test
    void codeActionOffersTheDiagnosticsFixWithoutAnalysingAgain() throws Exception {
        AtomicInteger analyses = new AtomicInteger();
        start(counting(analyses), Duration.ZERO);
        lsp.open(uri, WITH_TYPO);
        var published = lsp.client.awaitDiagnostics(uri, 1).getDiagnostics();

        var actions = lsp.remote.getTextDocumentService().codeAction(new CodeActionParams(
                new TextDocumentIdentifier(uri), range(1, 2, 1, 2), new CodeActionContext(published)))
                .get(60, TimeUnit.SECONDS);
        assertEquals(1, actions.size(), actions.toString());
        var action = actions.get(0).getRight();
        assertEquals("Change to 'actions'", action.getTitle());
        assertEquals(CodeActionKind.QuickFix, action.getKind());
        var edits = action.getEdit().getChanges().get(uri);
        assertEquals(1, edits.size());
        assertEquals(range(1, 0, 1, 7), edits.get(0).getRange());
        assertEquals("actions", edits.get(0).getNewText());
        assertEquals(published, action.getDiagnostics());
        assertEquals(1, analyses.get(), "the published result is reused");

        var elsewhere = lsp.remote.getTextDocumentService().codeAction(new CodeActionParams(
                new TextDocumentIdentifier(uri), range(10, 0, 10, 3), new CodeActionContext(List.of())))
                .get(60, TimeUnit.SECONDS);
        assertEquals(List.of(), elsewhere);
    }

    @Test
    void codeActionsOfOtherKindsOnlyGetNoQuickFixes() throws Exception {
        start(new DelegatingService(), Duration.ZERO);
        lsp.open(uri, WITH_TYPO);
        var published = lsp.client.awaitDiagnostics(uri, 1).getDiagnostics();
        var context = new CodeActionContext(published, List.of(CodeActionKind.Source));
        var actions = lsp.remote.getTextDocumentService().codeAction(new CodeActionParams(
                new TextDocumentIdentifier(uri), range(1, 2, 1, 2), context)).get(60, TimeUnit.SECONDS);
        assertEquals(List.of(), actions);
    }

    @Test
    void renamingToATakenNameIsRefusedWithAReason() throws Exception {
        start(new DelegatingService(), Duration.ZERO);
        lsp.open(uri, WITH_TYPO);
        lsp.client.awaitDiagnostics(uri, 1);
        var docs = lsp.remote.getTextDocumentService();
        var onNeeds = new org.eclipse.lsp4j.Position(11, 14);

        var failure = assertThrows(ExecutionException.class, () -> docs.rename(
                new RenameParams(new TextDocumentIdentifier(uri), onNeeds, "model")).get(60, TimeUnit.SECONDS));
        assertInstanceOf(ResponseErrorException.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().contains("'model'"), failure.getCause().getMessage());

        assertNull(docs.rename(new RenameParams(new TextDocumentIdentifier(uri),
                new org.eclipse.lsp4j.Position(0, 1), "x")).get(60, TimeUnit.SECONDS), "nothing to rename on `version`");
    }

    @Test
    void creatingOrDeletingAFileReChecksTheOpenProject() throws Exception {
        start(new DelegatingService(), Duration.ZERO);
        String fixed = WITH_TYPO.replace("actionz:\n  x: 1\n", "");
        Path script = study.resolve("analysis/model.py");
        Files.delete(script);
        lsp.open(uri, fixed);
        var missing = lsp.client.awaitDiagnostics(uri, 1).getDiagnostics();
        assertEquals(List.of("run-file-missing"), missing.stream().map(d -> d.getCode().getLeft()).toList());
        assertEquals(range(8, 26, 8, 43), missing.get(0).getRange());

        Files.writeString(script, "");
        lsp.remote.getWorkspaceService().didChangeWatchedFiles(new DidChangeWatchedFilesParams(
                List.of(new FileEvent(script.toUri().toString(), FileChangeType.Created))));
        assertEquals(List.of(), lsp.client.awaitDiagnostics(uri, 1).getDiagnostics());

        Files.delete(script);
        lsp.remote.getWorkspaceService().didChangeWatchedFiles(new DidChangeWatchedFilesParams(
                List.of(new FileEvent(script.toUri().toString(), FileChangeType.Deleted))));
        assertEquals(List.of("run-file-missing"), codes(lsp.client.awaitDiagnostics(uri, 1)));
    }

    @Test
    void savingAScriptReChecksTheProjectEvenWithoutFileWatching() throws Exception {
        start(new DelegatingService(), Duration.ZERO);
        Path script = study.resolve("analysis/model.py");
        Files.delete(script);
        lsp.open(uri, WITH_TYPO.replace("actionz:\n  x: 1\n", ""));
        assertEquals(List.of("run-file-missing"), codes(lsp.client.awaitDiagnostics(uri, 1)));

        String scriptUri = script.toUri().toString();
        lsp.open(scriptUri, "print('hello')\n"); // a new, unsaved editor buffer
        Files.writeString(script, "print('hello')\n"); // the editor saves it
        lsp.remote.getTextDocumentService().didSave(new DidSaveTextDocumentParams(new TextDocumentIdentifier(scriptUri)));
        assertEquals(List.of(), lsp.client.awaitDiagnostics(uri, 1).getDiagnostics());
    }

    @Test
    void aFailingRequestIsLoggedAndAnsweredEmptyAndTheServerCarriesOn() throws Exception {
        start(new DelegatingService() {
            @Override
            public Optional<HoverInfo> hover(Document doc, Position pos) {
                throw new IllegalStateException("boom");
            }
        }, Duration.ZERO);
        lsp.open(uri, WITH_TYPO);
        lsp.client.awaitDiagnostics(uri, 1);

        var hover = lsp.remote.getTextDocumentService().hover(new HoverParams(
                new TextDocumentIdentifier(uri), new org.eclipse.lsp4j.Position(1, 1))).get(60, TimeUnit.SECONDS);
        assertNull(hover);
        assertTrue(lsp.client.logged.stream().anyMatch(m -> m.getType() == MessageType.Error
                && m.getMessage().contains("hover") && m.getMessage().contains("boom")), lsp.client.logged.toString());

        lsp.change(uri, 2, edit(1, 0, 3, 0, ""));
        assertEquals(List.of(), lsp.client.awaitDiagnostics(uri, 2).getDiagnostics());
    }

    @Test
    void exitCodeIsZeroAfterShutdownAndOneWithout() throws Exception {
        start(new DelegatingService(), Duration.ZERO);
        lsp.remote.exit();
        assertEquals(1, lsp.exitCode.get(60, TimeUnit.SECONDS));
        lsp.close();

        start(new DelegatingService(), Duration.ZERO);
        lsp.remote.shutdown().get(60, TimeUnit.SECONDS);
        lsp.remote.exit();
        assertEquals(0, lsp.exitCode.get(60, TimeUnit.SECONDS));
    }

    private List<Integer> publishedVersions() {
        return lsp.client.published.stream().filter(p -> p.getUri().equals(uri)).map(PublishDiagnosticsParams::getVersion).toList();
    }

    private static DelegatingService counting(AtomicInteger analyses) {
        return new DelegatingService() {
            @Override
            public List<Diagnostic> diagnostics(Document doc) {
                analyses.incrementAndGet();
                return super.diagnostics(doc);
            }
        };
    }

    static org.eclipse.lsp4j.Range range(int sl, int sc, int el, int ec) {
        return new org.eclipse.lsp4j.Range(new org.eclipse.lsp4j.Position(sl, sc), new org.eclipse.lsp4j.Position(el, ec));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

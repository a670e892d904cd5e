package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.text.Position;
import opensafely.lsp.workspace.Document;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One bad document never stops the others, and every document gets an answer: a text the analysis
 * cannot finish, or that exhausts its stack, ends as a diagnostic of its own while other documents are
 * analysed as usual, and fixing the text brings its diagnostics back.
 */
class LivenessTest {
    static final String SELF_MERGE = "version: '5.0'\nx: &x\n  <<: *x\nactions: {}\n";

    @TempDir
    Path tmp;
    String bad;
    String good;
    InJvmServer lsp;
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void twoStudies() throws Exception {
        bad = study("bad").resolve("project.yaml").toUri().toString();
        good = study("good").resolve("project.yaml").toUri().toString();
    }

    private Path study(String name) throws Exception {
        Path root = Files.createDirectories(tmp.resolve(name));
        Files.writeString(root.resolve("project.yaml"), StudyLanguageServerTest.WITH_TYPO);
        Files.createDirectories(root.resolve("analysis"));
        Files.writeString(root.resolve("analysis/dataset_definition.py"), "");
        Files.writeString(root.resolve("analysis/model.py"), "");
        return root;
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        if (lsp != null) lsp.close();
    }

    private InJvmServer start(DelegatingService service, Duration budget) throws Exception {
        lsp = new InJvmServer(service, Duration.ZERO, budget);
        lsp.initialize();
        return lsp;
    }

    private static List<String> codes(PublishDiagnosticsParams p) {
        return p.getDiagnostics().stream().map(d -> d.getCode().getLeft()).toList();
    }

    /** Issue #9: this text spun forever, and no document got diagnostics again, even after it was fixed. */
    @Test
    void aSelfMergingProjectEndsAsADiagnosticAndOthersStillGetTheirs() throws Exception {
        start(new DelegatingService(), DiagnosticsPublisher.DEFAULT_BUDGET);
        lsp.open(bad, SELF_MERGE);
        assertTrue(codes(lsp.client.awaitDiagnostics(bad, 1)).contains("yaml-recursive-alias"));

        lsp.open(good, StudyLanguageServerTest.WITH_TYPO);
        assertEquals(List.of("unknown-top-level-key"), codes(lsp.client.awaitDiagnostics(good, 1)));

        lsp.change(bad, 2, InJvmServer.edit(1, 0, 3, 0, ""));
        assertEquals(List.of(), codes(lsp.client.awaitDiagnostics(bad, 2)));
    }

    /**
     * An analysis that never ends (standing in for any future runaway) costs its own document only: the
     * others are analysed meanwhile, its document is told after the budget, requests on that text do
     * not start it again, and the next version is analysed afresh.
     */
    @Test
    void aRunawayAnalysisIsBoundedAndStarvesNoOne() throws Exception {
        AtomicInteger runaways = new AtomicInteger();
        start(new DelegatingService() {
            @Override
            public List<Diagnostic> diagnostics(Document doc) {
                if (doc.text().contains("RUNAWAY")) {
                    runaways.incrementAndGet();
                    awaitRelease();
                }
                return super.diagnostics(doc);
            }

            @Override
            public java.util.Optional<opensafely.lsp.editor.HoverInfo> hover(Document doc, Position pos) {
                if (doc.text().contains("RUNAWAY")) {
                    runaways.incrementAndGet();
                    awaitRelease();
                }
                return super.hover(doc, pos);
            }
        }, Duration.ofSeconds(2));
        lsp.open(bad, "# RUNAWAY\n" + StudyLanguageServerTest.WITH_TYPO);
        lsp.open(good, StudyLanguageServerTest.WITH_TYPO);
        assertEquals(List.of("unknown-top-level-key"), codes(lsp.client.awaitDiagnostics(good, 1)));

        PublishDiagnosticsParams incomplete = lsp.client.awaitDiagnostics(bad, 1);
        assertEquals(List.of("analysis-incomplete"), codes(incomplete));
        assertEquals(DiagnosticSeverity.Warning, incomplete.getDiagnostics().get(0).getSeverity());
        assertEquals(StudyLanguageServerTest.range(0, 0, 0, 0), incomplete.getDiagnostics().get(0).getRange());

        assertNull(lsp.remote.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(bad),
                new org.eclipse.lsp4j.Position(2, 3))).get(60, TimeUnit.SECONDS));
        assertEquals(1, runaways.get(), "a request on the overdue text started it again");

        lsp.change(bad, 2, InJvmServer.edit(0, 0, 1, 0, ""));
        assertEquals(List.of("unknown-top-level-key"), codes(lsp.client.awaitDiagnostics(bad, 2)));
    }

    /**
     * A request whose work never ends (cancelled by the client or not) is left behind after the budget,
     * and later requests on that version answer at once instead of starting it again. Diagnostics stand.
     */
    @Test
    void aRunawayRequestIsNotStartedAgainOnTheSameText() throws Exception {
        AtomicInteger hovers = new AtomicInteger();
        start(new DelegatingService() {
            @Override
            public java.util.Optional<opensafely.lsp.editor.HoverInfo> hover(Document doc, Position pos) {
                hovers.incrementAndGet();
                if (doc.text().contains("RUNAWAY")) awaitRelease();
                return super.hover(doc, pos);
            }
        }, Duration.ofSeconds(1));
        lsp.open(bad, "# RUNAWAY\n" + StudyLanguageServerTest.WITH_TYPO);
        assertEquals(List.of("unknown-top-level-key"), codes(lsp.client.awaitDiagnostics(bad, 1)));
        var position = new org.eclipse.lsp4j.Position(3, 3);
        var first = lsp.remote.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(bad), position));
        lsp.client.awaitLogged(m -> m.getMessage().startsWith("hover on " + bad) && m.getMessage().contains("still running"));
        first.cancel(true); // as an editor does when the mouse moves on; the work runs on regardless

        assertNull(lsp.remote.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(bad), position))
                .get(60, TimeUnit.SECONDS));
        assertEquals(1, hovers.get(), "a request on that text started the runaway work again");

        lsp.change(bad, 2, InJvmServer.edit(0, 0, 1, 0, ""));
        lsp.remote.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(bad), position)).get(60, TimeUnit.SECONDS);
        assertEquals(2, hovers.get(), "the next version is served afresh");
    }

    /** A failure of the stack used to leave the text's old diagnostics in place, silently. */
    @Test
    void aStackOverflowPublishesAWarningInsteadOfNothing() throws Exception {
        start(new DelegatingService() {
            @Override
            public List<Diagnostic> diagnostics(Document doc) {
                if (doc.text().contains("OVERFLOW")) throw new StackOverflowError();
                return super.diagnostics(doc);
            }
        }, DiagnosticsPublisher.DEFAULT_BUDGET);
        lsp.open(bad, StudyLanguageServerTest.WITH_TYPO);
        assertEquals(List.of("unknown-top-level-key"), codes(lsp.client.awaitDiagnostics(bad, 1)));
        lsp.change(bad, 2, InJvmServer.edit(0, 0, 0, 0, "# OVERFLOW\n"));
        PublishDiagnosticsParams p = lsp.client.awaitDiagnostics(bad, 2);
        assertEquals(List.of("analysis-incomplete"), codes(p));
        assertTrue(p.getDiagnostics().get(0).getMessage().getLeft().contains("too deeply"), p.toString());
        assertEquals(DiagnosticSeverity.Warning, p.getDiagnostics().get(0).getSeverity());
        assertFalse(lsp.client.logged.stream().anyMatch(m -> m.getMessage().contains("\tat ")), lsp.client.logged.toString());
    }

    /** 5,000 chained `+` need a deep stack; analysis threads have one, so the text simply works. */
    @Test
    void fiveThousandChainedPlusesAreAnalysed() throws Exception {
        Path root = tmp.resolve("bad");
        Files.writeString(root.resolve("project.yaml"), """
                version: '3.0'
                expectations:
                  population_size: 1000
                actions:
                  generate_study_population:
                    run: cohortextractor:latest generate_cohort --study-definition study_definition
                    outputs:
                      highly_sensitive:
                        cohort: output/input.csv
                """);
        Path file = root.resolve("analysis/study_definition.py");
        String text = "from cohortextractor import StudyDefinition, patients\n\nx = " + "1 + ".repeat(5000) + "1\n"
                + "study = StudyDefinition(\n    index_date=\"2021-01-01\",\n    population=patients.registred_as_of(\"index_date\"),\n)\n";
        Files.writeString(file, text);
        String uri = file.toUri().toString();
        start(new DelegatingService(), DiagnosticsPublisher.DEFAULT_BUDGET);
        lsp.open(uri, text);
        assertEquals(List.of("study-unknown-function"), codes(lsp.client.awaitDiagnostics(uri, 1)));
        lsp.remote.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri),
                new org.eclipse.lsp4j.Position(2, 10))).get(60, TimeUnit.SECONDS);
        assertTrue(lsp.client.logged.stream().noneMatch(m -> m.getMessage().contains("failed")), lsp.client.logged.toString());
    }

    /** A request with null params: a clean JSON-RPC error, with no Java stack trace in message or data. */
    @Test
    void aRequestWithNullParamsGetsACleanError() throws Exception {
        start(new DelegatingService(), DiagnosticsPublisher.DEFAULT_BUDGET);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> lsp.remote.getTextDocumentService().hover(null).get(60, TimeUnit.SECONDS));
        ResponseErrorException error = assertInstanceOf(ResponseErrorException.class, e.getCause());
        String message = error.getResponseError().getMessage();
        assertFalse(message.contains("\tat ") || message.contains("\n"), message);
        assertNull(error.getResponseError().getData(), "no stack trace in data");
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

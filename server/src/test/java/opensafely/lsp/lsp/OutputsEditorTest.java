package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.FileChangeType;
import org.eclipse.lsp4j.FileEvent;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output checks in the editor: the Problems panel lists a study's moderately_sensitive outputs from disk, an open
 * output CSV gets its findings with quick fixes that round or redact the cell (offered, never applied), and a CSV that
 * no moderately_sensitive pattern names (a codelist) gets nothing.
 */
class OutputsEditorTest {
    static final String PROJECT = """
            version: '5.0'
            actions:
              describe:
                run: python:v2 python analysis/describe.py
                outputs:
                  moderately_sensitive:
                    tables: output/*.csv
                    figure: output/plot.png
              plot:
                run: python:v2 python analysis/describe.py --plot
                outputs:
                  moderately_sensitive:
                    figure: output/alone/plot.png
            """;

    @TempDir
    Path workspace;
    Path study;
    InJvmServer lsp;

    @BeforeEach
    void layOut() throws Exception {
        study = workspace.resolve("s");
        Files.createDirectories(study.resolve("analysis"));
        Files.createDirectories(study.resolve("output/alone"));
        Files.createDirectories(study.resolve("codelists"));
        Files.writeString(study.resolve("project.yaml"), PROJECT);
        Files.writeString(study.resolve("analysis/describe.py"), "print('hello')\n");
        Files.writeString(study.resolve("output/counts.csv"), "region,n\nNorth,1253\nSouth,6\n");
        Files.write(study.resolve("output/alone/plot.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.writeString(study.resolve("codelists/asthma.csv"), "code,n\nX1,3\n");
    }

    @AfterEach
    void stop() throws Exception {
        if (lsp != null) lsp.close();
    }

    private void start() throws Exception {
        lsp = new InJvmServer(new DelegatingService(), Duration.ofMillis(50));
        InitializeParams params = new InitializeParams();
        params.setCapabilities(new ClientCapabilities());
        params.setWorkspaceFolders(List.of(new WorkspaceFolder(workspace.toUri().toString(), "workspace")));
        lsp.remote.initialize(params).get(5, TimeUnit.SECONDS);
        lsp.remote.initialized(new InitializedParams());
    }

    private static List<String> codes(PublishDiagnosticsParams p) {
        return p.getDiagnostics().stream().map(d -> d.getCode().getLeft() + "@" + d.getRange().getStart().getLine() + ":"
                + d.getRange().getStart().getCharacter()).toList();
    }

    @Test
    void theProblemsPanelListsTheStudysOutputs() throws Exception {
        start();
        // In path order, as they are checked: the figure first.
        String plot = DocumentUris.uri(study.resolve("output/alone/plot.png"));
        assertEquals(List.of("output-figure-without-data@0:0"), codes(lsp.client.awaitDiagnostics(p -> p.getUri().equals(plot))));
        String counts = DocumentUris.uri(study.resolve("output/counts.csv"));
        assertEquals(List.of("output-unrounded-count@1:6", "output-small-count@2:6"),
                codes(lsp.client.awaitDiagnostics(p -> p.getUri().equals(counts))));

        // A job rewrites the output: that file is checked again.
        Files.writeString(study.resolve("output/counts.csv"), "region,n\nNorth,1255\nSouth,[REDACTED]\n");
        lsp.remote.getWorkspaceService().didChangeWatchedFiles(new DidChangeWatchedFilesParams(
                List.of(new FileEvent(study.resolve("output/counts.csv").toUri().toString(), FileChangeType.Changed))));
        lsp.client.awaitDiagnostics(p -> p.getUri().equals(counts) && p.getDiagnostics().isEmpty());
    }

    @Test
    void anOpenOutputGetsItsFindingsAndQuickFixesThatRoundOrRedact() throws Exception {
        start();
        String uri = DocumentUris.uri(study.resolve("output/counts.csv"));
        lsp.open(uri, "region,n\nNorth,1253\nSouth,6\n");
        var found = lsp.client.awaitDiagnostics(uri, 1).getDiagnostics();
        assertEquals(List.of("output-unrounded-count", "output-small-count"), found.stream().map(d -> d.getCode().getLeft()).toList());
        List<String> edits = new java.util.ArrayList<>();
        for (var d : found) {
            var actions = lsp.remote.getTextDocumentService().codeAction(new CodeActionParams(new TextDocumentIdentifier(uri),
                    d.getRange(), new CodeActionContext(List.of(d)))).get(30, TimeUnit.SECONDS);
            actions.stream().map(a -> a.getRight()).filter(a -> "quickfix".equals(a.getKind()))
                    .forEach(a -> a.getEdit().getChanges().get(uri).forEach(e -> edits.add(a.getTitle() + " -> " + e.getNewText())));
        }
        assertEquals(List.of("Round to 1255 -> 1255", "Replace with [REDACTED] -> [REDACTED]"), edits);
        assertEquals("region,n\nNorth,1253\nSouth,6\n", Files.readString(study.resolve("output/counts.csv")), "a fix is never applied by itself");
    }

    @Test
    void aCsvThatIsNotAnOutputGetsNothing() throws Exception {
        start();
        String uri = DocumentUris.uri(study.resolve("codelists/asthma.csv"));
        lsp.open(uri, "code,n\nX1,3\n");
        assertEquals(List.of(), lsp.client.awaitDiagnostics(uri, 1).getDiagnostics());
        assertTrue(lsp.client.published.stream().filter(p -> p.getUri().equals(uri)).allMatch(p -> p.getDiagnostics().isEmpty()));
    }
}

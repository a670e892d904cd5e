package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.FileChangeType;
import org.eclipse.lsp4j.FileEvent;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** codelists/codelists.txt in the editor: its bad lines are in the Problems panel, open or not (issue #9 item 6). */
class CodelistsTxtSessionTest {
    static final String BAD = "opensafely/asthma-diagnosis/2020-04-15\n../../etc/passwd\n";

    @TempDir
    Path workspace;
    Path study;
    String uri;
    InJvmServer lsp;

    @BeforeEach
    void studyFolder() throws Exception {
        study = workspace.resolve("study");
        Files.createDirectories(study.resolve("codelists"));
        Files.writeString(study.resolve("project.yaml"), "version: '4.0'\nactions: {}\n");
        Files.writeString(study.resolve("codelists/codelists.txt"), BAD);
        uri = DocumentUris.uri(study.resolve("codelists/codelists.txt"));
    }

    @AfterEach
    void stop() throws Exception {
        if (lsp != null) lsp.close();
    }

    private static List<String> codes(PublishDiagnosticsParams p) {
        return p.getDiagnostics().stream().map(d -> d.getCode().getLeft()).toList();
    }

    @Test
    void openingCodelistsTxtPublishesTheBadLineAndAnEditClearsIt() throws Exception {
        lsp = new InJvmServer(new DelegatingService(), Duration.ZERO);
        lsp.initialize();
        lsp.open(uri, BAD);

        PublishDiagnosticsParams p = lsp.client.awaitDiagnostics(uri, 1);
        assertEquals(List.of("codelists-txt-invalid-line"), codes(p));
        assertEquals(new Range(new Position(1, 0), new Position(1, 16)), p.getDiagnostics().get(0).getRange());
        assertEquals(DiagnosticSeverity.Error, p.getDiagnostics().get(0).getSeverity());

        lsp.change(uri, 2, InJvmServer.edit(1, 0, 1, 16, "opensafely/ethnicity/2020-04-27"));
        assertEquals(List.of(), codes(lsp.client.awaitDiagnostics(uri, 2)));
    }

    @Test
    void anUnopenedCodelistsTxtIsInTheStudysDiagnosticsAndAChangeOnDiskRechecksIt() throws Exception {
        lsp = new InJvmServer(new DelegatingService(), Duration.ofMillis(50));
        InitializeParams params = new InitializeParams();
        params.setCapabilities(new ClientCapabilities());
        params.setWorkspaceFolders(List.of(new WorkspaceFolder(workspace.toUri().toString(), "workspace")));
        lsp.remote.initialize(params).get(60, TimeUnit.SECONDS);
        lsp.remote.initialized(new InitializedParams());

        PublishDiagnosticsParams p = lsp.client.awaitDiagnostics(d -> d.getUri().equals(uri));
        assertEquals(List.of("codelists-txt-invalid-line"), codes(p));
        assertEquals(1, p.getDiagnostics().get(0).getRange().getStart().getLine());

        Files.writeString(study.resolve("codelists/codelists.txt"), "opensafely/asthma-diagnosis/2020-04-15\n");
        lsp.remote.getWorkspaceService().didChangeWatchedFiles(new DidChangeWatchedFilesParams(
                List.of(new FileEvent(uri, FileChangeType.Changed))));
        assertEquals(List.of(), codes(lsp.client.awaitDiagnostics(d -> d.getUri().equals(uri))));
    }
}

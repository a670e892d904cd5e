package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.workspace.Document;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
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
 * A study opened in an editor shows all its problems at once, as `check` finds them, without the user
 * opening each file (issue #9: "No Problems" until project.yaml was opened).
 */
class WorkspaceDiagnosticsTest {
    /** `actionz` (line 1) is not a top-level key. */
    static final String PROJECT_WITH_TYPO = """
            version: '5.0'
            actionz:
              x: 1
            actions:
              generate_dataset:
                run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                outputs:
                  highly_sensitive:
                    dataset: output/dataset.csv.gz
            """;
    static final String PROJECT_FIXED = PROJECT_WITH_TYPO.replace("actionz:\n  x: 1\n", "");
    /** A dataset definition that does not parse (line 2). */
    static final String BROKEN_DEFINITION = "from ehrql import create_dataset\ndataset = create_dataset(\n";

    @TempDir
    Path workspace;
    Path study;
    String projectUri;
    String definitionUri;
    InJvmServer lsp;

    @BeforeEach
    void studyInASubfolder() throws Exception {
        study = workspace.resolve("my-study");
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("project.yaml"), PROJECT_WITH_TYPO);
        Files.writeString(study.resolve("analysis/dataset_definition.py"), BROKEN_DEFINITION);
        // Not a study: a project.yaml under node_modules or output is never looked at.
        Files.createDirectories(workspace.resolve("node_modules/pkg"));
        Files.writeString(workspace.resolve("node_modules/pkg/project.yaml"), "nonsense: [\n");
        projectUri = DocumentUris.uri(study.resolve("project.yaml"));
        definitionUri = DocumentUris.uri(study.resolve("analysis/dataset_definition.py"));
    }

    @AfterEach
    void stop() throws Exception {
        if (lsp != null) lsp.close();
    }

    private void start(DelegatingService service) throws Exception {
        lsp = new InJvmServer(service, Duration.ofMillis(50));
        InitializeParams params = new InitializeParams();
        params.setCapabilities(new ClientCapabilities());
        params.setWorkspaceFolders(List.of(new WorkspaceFolder(workspace.toUri().toString(), "workspace")));
        lsp.remote.initialize(params).get(5, TimeUnit.SECONDS);
        lsp.remote.initialized(new InitializedParams());
    }

    private static List<String> codes(PublishDiagnosticsParams p) {
        return p.getDiagnostics().stream().map(d -> d.getCode().getLeft()).toList();
    }

    private void filesChanged(Path file, FileChangeType type) {
        lsp.remote.getWorkspaceService().didChangeWatchedFiles(new DidChangeWatchedFilesParams(
                List.of(new FileEvent(file.toUri().toString(), type))));
    }

    @Test
    void filesNobodyOpenedArePublishedOnceTheClientIsInitialized() throws Exception {
        start(new DelegatingService());

        PublishDiagnosticsParams project = lsp.client.awaitDiagnostics(p -> p.getUri().equals(projectUri));
        assertEquals(List.of("unknown-top-level-key"), codes(project));
        assertEquals(1, project.getDiagnostics().get(0).getRange().getStart().getLine());
        PublishDiagnosticsParams definition = lsp.client.awaitDiagnostics(p -> p.getUri().equals(definitionUri));
        assertEquals(List.of("ehrql-syntax"), codes(definition));
        assertTrue(lsp.client.published.stream().noneMatch(p -> p.getUri().contains("node_modules")), lsp.client.published.toString());
    }

    @Test
    void aLinkOutOfTheStudyIsReportedAsCheckReportsItAndNeverRead() throws Exception {
        Path secret = Files.writeString(workspace.resolve("secret.py"), "password = 'hunter2'\n");
        Path link = Files.createSymbolicLink(study.resolve("analysis/linked.py"), secret);
        start(new DelegatingService());

        PublishDiagnosticsParams p = lsp.client.awaitDiagnostics(d -> d.getUri().equals(DocumentUris.uri(link)));
        assertEquals(List.of("file-outside-study"), codes(p));
        assertEquals(opensafely.lsp.workspace.StudyFiles.linkOutOfStudy().message(), p.getDiagnostics().get(0).getMessage().getLeft());
    }

    @Test
    void aFileThatBreaksTheAnalysisGetsItsWarningAndTheRestOfTheStudyIsStillPublished() throws Exception {
        start(new DelegatingService() {
            @Override
            public List<opensafely.lsp.diagnostics.Diagnostic> diagnostics(opensafely.lsp.workspace.Document doc) {
                if (doc.path().toString().endsWith("project.yaml")) throw new StackOverflowError();
                return super.diagnostics(doc);
            }
        });

        PublishDiagnosticsParams project = lsp.client.awaitDiagnostics(p -> p.getUri().equals(projectUri));
        assertEquals(List.of("analysis-incomplete"), codes(project));
        assertEquals(List.of("ehrql-syntax"), codes(lsp.client.awaitDiagnostics(p -> p.getUri().equals(definitionUri))));
    }

    @Test
    void theEditorsTextWinsAndClosingBringsBackTheFileOnDisk() throws Exception {
        start(new DelegatingService());
        lsp.client.awaitDiagnostics(p -> p.getUri().equals(definitionUri)); // the first round is over
        lsp.open(projectUri, PROJECT_FIXED);
        assertEquals(List.of(), codes(lsp.client.awaitDiagnostics(projectUri, 1)));

        // A change on disk re-checks the study; the open project.yaml keeps the editor's (clean) diagnostics.
        Files.writeString(study.resolve("analysis/dataset_definition.py"), BROKEN_DEFINITION + "\n");
        filesChanged(study.resolve("analysis/dataset_definition.py"), FileChangeType.Changed);
        lsp.client.awaitDiagnostics(p -> p.getUri().equals(definitionUri));
        int opened = lsp.client.published.indexOf(lsp.client.published.stream()
                .filter(p -> p.getUri().equals(projectUri) && p.getVersion() != null).findFirst().orElseThrow());
        assertTrue(lsp.client.published.subList(opened, lsp.client.published.size()).stream()
                        .noneMatch(p -> p.getUri().equals(projectUri) && !p.getDiagnostics().isEmpty()),
                "the disk version of an open file was published: " + lsp.client.published);

        // Closed without saving: what is on disk counts again.
        lsp.remote.getTextDocumentService().didClose(new DidCloseTextDocumentParams(new TextDocumentIdentifier(projectUri)));
        lsp.client.awaitDiagnostics(p -> p.getUri().equals(projectUri) && p.getDiagnostics().isEmpty() && p.getVersion() == null);
        assertEquals(List.of("unknown-top-level-key"), codes(lsp.client.awaitDiagnostics(p -> p.getUri().equals(projectUri))));
    }

    @Test
    void aFileFixedOrDeletedOnDiskIsClearedAndADeletedStudyToo() throws Exception {
        start(new DelegatingService());
        lsp.client.awaitDiagnostics(p -> p.getUri().equals(projectUri));
        lsp.client.awaitDiagnostics(p -> p.getUri().equals(definitionUri));

        Files.delete(study.resolve("analysis/dataset_definition.py"));
        filesChanged(study.resolve("analysis/dataset_definition.py"), FileChangeType.Deleted);
        assertEquals(List.of(), codes(lsp.client.awaitDiagnostics(p -> p.getUri().equals(definitionUri))));

        Files.writeString(study.resolve("project.yaml"), PROJECT_FIXED);
        filesChanged(study.resolve("project.yaml"), FileChangeType.Changed);
        // project.yaml now names a definition that is gone, which is its only finding.
        assertEquals(List.of("run-file-missing"), codes(lsp.client.awaitDiagnostics(p -> p.getUri().equals(projectUri))));

        Files.delete(study.resolve("project.yaml"));
        filesChanged(study.resolve("project.yaml"), FileChangeType.Deleted);
        assertEquals(List.of(), codes(lsp.client.awaitDiagnostics(p -> p.getUri().equals(projectUri))));
    }

    @Test
    void whileAnOpenDocumentWaitsForItsAnalysisNoFurtherFileOnDiskIsAnalysed() throws Exception {
        CountDownLatch diskStarted = new CountDownLatch(1);
        CountDownLatch releaseDisk = new CountDownLatch(1);
        CountDownLatch editorStarted = new CountDownLatch(1);
        CountDownLatch releaseEditor = new CountDownLatch(1);
        CountDownLatch nextDiskFile = new CountDownLatch(1);
        String openUri = DocumentUris.uri(workspace.resolve("scratch/project.yaml"));
        start(new DelegatingService() {
            @Override
            public List<Diagnostic> diagnostics(Document doc) {
                if (doc.version() == 1) {
                    editorStarted.countDown();
                    await(releaseEditor);
                } else if (doc.kind() == opensafely.lsp.workspace.DocumentKind.PROJECT_YAML) {
                    diskStarted.countDown();
                    await(releaseDisk);
                } else {
                    nextDiskFile.countDown();
                }
                return super.diagnostics(doc);
            }
        });
        assertTrue(diskStarted.await(5, TimeUnit.SECONDS));
        lsp.open(openUri, PROJECT_FIXED);
        assertTrue(editorStarted.await(5, TimeUnit.SECONDS));
        releaseDisk.countDown(); // project.yaml from disk is done; the definition is next, but the editor is busy
        lsp.client.awaitDiagnostics(p -> p.getUri().equals(projectUri));
        assertFalse(nextDiskFile.await(300, TimeUnit.MILLISECONDS), "a file on disk was analysed ahead of an open document");
        releaseEditor.countDown();
        lsp.client.awaitDiagnostics(openUri, 1);
        assertTrue(nextDiskFile.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("ehrql-syntax"), codes(lsp.client.awaitDiagnostics(p -> p.getUri().equals(definitionUri))));
    }

    @Test
    void shutdownStopsTheBackgroundCheck() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(new DelegatingService() {
            @Override
            public List<Diagnostic> diagnostics(Document doc) {
                started.countDown();
                await(release);
                return super.diagnostics(doc);
            }
        });
        assertTrue(started.await(5, TimeUnit.SECONDS));
        lsp.remote.shutdown().get(5, TimeUnit.SECONDS);
        release.countDown();
        assertTrue(lsp.server.wholeStudies().awaitStopped(5000), "the background check did not stop");
        assertEquals(List.of(), lsp.client.published, "nothing is published after shutdown");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

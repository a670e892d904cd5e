package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9 as the editor saw it, with the shipped jar: the self-merging project.yaml spun a thread per
 * request and no document got diagnostics again, even after the text was fixed.
 */
class LivenessE2ETest {
    @TempDir
    Path tmp;
    Process process;
    final RecordingClient client = new RecordingClient();
    final ExecutorService threads = Executors.newCachedThreadPool(new DaemonThreads("e2e-liveness"));

    @AfterEach
    void stop() {
        if (process != null && process.isAlive()) process.destroyForcibly();
        threads.shutdownNow();
    }

    private static List<String> codes(PublishDiagnosticsParams p) {
        return p.getDiagnostics().stream().map(d -> d.getCode().getLeft()).toList();
    }

    @Test
    void aSelfMergingProjectNeverStopsTheServer() throws Exception {
        String jar = System.getProperty("server.jar");
        assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), "server.jar property: " + jar);
        Path bad = Files.createDirectories(tmp.resolve("bad")).resolve("project.yaml");
        Path good = Files.createDirectories(tmp.resolve("good")).resolve("project.yaml");
        Files.writeString(bad, LivenessTest.SELF_MERGE);
        Files.writeString(good, "version: '5.0'\nactionz: {}\nactions: {}\n");
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar, "lsp")
                .redirectError(tmp.resolve("stderr.txt").toFile()).start();
        var launcher = LSPLauncher.createClientLauncher(client, process.getInputStream(), process.getOutputStream(), threads, null);
        launcher.startListening();
        LanguageServer server = launcher.getRemoteProxy();
        InitializeParams params = new InitializeParams();
        params.setCapabilities(new ClientCapabilities());
        server.initialize(params).get(60, TimeUnit.SECONDS);
        server.initialized(new InitializedParams());
        var docs = server.getTextDocumentService();

        String badUri = bad.toUri().toString(), goodUri = good.toUri().toString();
        docs.didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(badUri, "yaml", 1, LivenessTest.SELF_MERGE)));
        assertTrue(codes(client.awaitDiagnostics(badUri, 1)).contains("yaml-recursive-alias"));
        docs.didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(goodUri, "yaml", 1, Files.readString(good))));
        assertEquals(List.of("unknown-top-level-key"), codes(client.awaitDiagnostics(goodUri, 1)));
        docs.didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(badUri, 2),
                List.of(new TextDocumentContentChangeEvent("version: '5.0'\nactions: {}\n"))));
        assertEquals(List.of(), codes(client.awaitDiagnostics(badUri, 2)));

        server.shutdown().get(60, TimeUnit.SECONDS);
        server.exit();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server exits after `exit`");
        assertEquals(0, process.exitValue());
        assertFalse(Files.readString(tmp.resolve("stderr.txt")).contains("\tat "));
    }
}

package opensafely.lsp.lsp;

import static opensafely.lsp.lsp.StudyLanguageServerTest.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PrepareRenameParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.RenameCapabilities;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.SymbolKind;
import org.eclipse.lsp4j.TextDocumentClientCapabilities;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar as an editor runs it: a separate process speaking JSON-RPC on stdin/stdout (and, for
 * debugging setups, on a TCP port). Runs under failsafe, after `package`.
 */
class ServerE2ETest {
    @TempDir
    Path study;
    Path projectYaml;
    String uri;
    Process process;
    final RecordingClient client = new RecordingClient();
    final ExecutorService threads = Executors.newCachedThreadPool(new DaemonThreads("e2e-jsonrpc"));

    @BeforeEach
    void studyFolder() throws Exception {
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("analysis/dataset_definition.py"), "");
        Files.writeString(study.resolve("analysis/model.py"), "");
        projectYaml = study.resolve("project.yaml");
        Files.writeString(projectYaml, StudyLanguageServerTest.WITH_TYPO);
        uri = projectYaml.toUri().toString();
    }

    @AfterEach
    void stop() {
        if (process != null && process.isAlive()) process.destroyForcibly();
        threads.shutdownNow();
    }

    private ProcessBuilder serverProcess(String... args) {
        String jar = System.getProperty("server.jar");
        assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), "server.jar property: " + jar);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(study.toFile());
    }

    private LanguageServer connect(InputStream in, OutputStream out) {
        var launcher = LSPLauncher.createClientLauncher(client, in, out, threads, null);
        launcher.startListening();
        return launcher.getRemoteProxy();
    }

    private void initialize(LanguageServer server) throws Exception {
        initialize(server, ProcessHandle.current().pid());
    }

    private void initialize(LanguageServer server, long clientPid) throws Exception {
        InitializeParams params = new InitializeParams();
        params.setProcessId((int) clientPid);
        params.setRootUri(study.toUri().toString());
        params.setWorkspaceFolders(List.of(new WorkspaceFolder(study.toUri().toString(), "study")));
        ClientCapabilities caps = new ClientCapabilities();
        TextDocumentClientCapabilities text = new TextDocumentClientCapabilities();
        text.setRename(new RenameCapabilities(true, false));
        caps.setTextDocument(text);
        params.setCapabilities(caps);
        var result = server.initialize(params).get(60, TimeUnit.SECONDS);
        assertEquals("opensafely-lsp", result.getServerInfo().getName());
        server.initialized(new InitializedParams());
    }

    private PublishDiagnosticsParams openProject(LanguageServer server) {
        server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(
                new TextDocumentItem(uri, "yaml", 1, StudyLanguageServerTest.WITH_TYPO)));
        PublishDiagnosticsParams p = client.awaitDiagnostics(uri, 1);
        assertEquals(1, p.getDiagnostics().size(), p.toString());
        var d = p.getDiagnostics().get(0);
        assertEquals("unknown-top-level-key", d.getCode().getLeft());
        assertEquals(range(1, 0, 1, 7), d.getRange());
        assertEquals("opensafely-lsp", d.getSource());
        return p;
    }

    private void shutdownAndExit(LanguageServer server) throws Exception {
        server.shutdown().get(60, TimeUnit.SECONDS);
        server.exit();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server exits after `exit`");
        assertEquals(0, process.exitValue());
    }

    @Test
    void stdioSessionFromInitializeToExit() throws Exception {
        Path stderr = study.resolve("server-stderr.txt");
        long spawned = System.nanoTime();
        process = serverProcess().redirectError(stderr.toFile()).start();
        LanguageServer server = connect(process.getInputStream(), process.getOutputStream());
        initialize(server);
        long initialized = System.nanoTime();
        PublishDiagnosticsParams diagnostics = openProject(server);
        long diagnosed = System.nanoTime();
        System.err.printf("e2e: spawn->initialize %d ms, didOpen->publishDiagnostics %d ms%n",
                (initialized - spawned) / 1_000_000, (diagnosed - initialized) / 1_000_000);

        var docs = server.getTextDocumentService();
        var id = new TextDocumentIdentifier(uri);
        Position inNeeds = new Position(11, 14); // needs: [generate_dataset], on the action's name

        var needsCompletion = docs.completion(new CompletionParams(id, new Position(11, 12))).get(60, TimeUnit.SECONDS);
        var needsItems = needsCompletion.getRight().getItems();
        assertEquals(List.of("generate_dataset"), needsItems.stream().map(i -> i.getLabel()).toList(),
                "an action may need the other actions, not itself");
        assertEquals(range(11, 12, 11, 12), needsItems.get(0).getTextEdit().getLeft().getRange());

        var keyCompletion = docs.completion(new CompletionParams(id, new Position(10, 4))).get(60, TimeUnit.SECONDS);
        var keyItems = keyCompletion.getRight().getItems();
        assertTrue(keyItems.stream().map(i -> i.getLabel()).toList().containsAll(List.of("run", "config", "dummy_data_file")),
                keyItems.toString());
        assertTrue(keyItems.stream().allMatch(i -> i.getTextEdit().getLeft().getRange().equals(range(10, 4, 10, 7))),
                "action keys replace the word under the cursor");

        var hover = docs.hover(new HoverParams(id, inNeeds)).get(60, TimeUnit.SECONDS);
        assertEquals("markdown", hover.getContents().getRight().getKind());
        assertTrue(hover.getContents().getRight().getValue().contains("generate_dataset"), hover.toString());
        assertTrue(hover.getContents().getRight().getValue().contains("output/dataset.csv.gz"), hover.toString());
        assertEquals(range(11, 12, 11, 28), hover.getRange());

        var definition = docs.definition(new DefinitionParams(id, inNeeds)).get(60, TimeUnit.SECONDS).getLeft();
        assertEquals(1, definition.size(), definition.toString());
        assertEquals(uri, definition.get(0).getUri());
        assertEquals(range(4, 2, 4, 18), definition.get(0).getRange());

        var prepared = docs.prepareRename(new PrepareRenameParams(id, inNeeds)).get(60, TimeUnit.SECONDS).getSecond();
        assertEquals(range(11, 12, 11, 28), prepared.getRange());
        assertEquals("generate_dataset", prepared.getPlaceholder());

        var rename = docs.rename(new RenameParams(id, inNeeds, "extract")).get(60, TimeUnit.SECONDS);
        var edits = rename.getChanges().get(uri);
        assertEquals(List.of(range(4, 2, 4, 18), range(11, 12, 11, 28)), edits.stream().map(e -> e.getRange()).toList());
        assertTrue(edits.stream().allMatch(e -> e.getNewText().equals("extract")));

        var symbols = docs.documentSymbol(new DocumentSymbolParams(id)).get(60, TimeUnit.SECONDS).stream()
                .map(e -> e.getRight()).filter(s -> s.getKind() == SymbolKind.Function).toList();
        assertEquals(List.of("generate_dataset", "model"), symbols.stream().map(s -> s.getName()).toList());
        assertEquals(List.of(range(4, 2, 4, 18), range(9, 2, 9, 7)), symbols.stream().map(s -> s.getSelectionRange()).toList());

        var actions = docs.codeAction(new CodeActionParams(id, range(1, 0, 1, 7),
                new CodeActionContext(diagnostics.getDiagnostics()))).get(60, TimeUnit.SECONDS);
        var fix = actions.get(0).getRight();
        assertEquals("quickfix", fix.getKind());
        assertEquals("actions", fix.getEdit().getChanges().get(uri).get(0).getNewText());
        assertEquals(diagnostics.getDiagnostics(), fix.getDiagnostics());

        reportLatencies(server, id);
        shutdownAndExit(server);
        String log = Files.readString(stderr);
        assertTrue(!log.contains("Exception"), log);
    }

    /**
     * A cohort-extractor study definition that takes variables from a helper module: the misspelt function
     * is reported on its name with a did-you-mean fix, and go to definition crosses into the helper.
     */
    @Test
    void studyDefinitionSessionAcrossModules() throws Exception {
        Files.writeString(projectYaml, CohortProjects.withPopulation(1000));
        Files.writeString(study.resolve("analysis/common_variables.py"), """
                from cohortextractor import patients

                common_variables = dict(
                    age=patients.age_as_of("index_date", return_expectations={"int": {"distribution": "population_ages"}}),
                )
                """);
        String text = """
                from cohortextractor import StudyDefinition, patients
                from common_variables import common_variables

                study = StudyDefinition(
                    default_expectations={"date": {"earliest": "2020-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},
                    index_date="2021-01-01",
                    population=patients.registred_as_of("index_date"),
                    **common_variables,
                    adult=patients.satisfying("age >= 18"),
                )
                """;
        Path file = study.resolve("analysis/study_definition.py");
        Files.writeString(file, text);
        String studyUri = file.toUri().toString();

        process = serverProcess().redirectError(study.resolve("server-stderr.txt").toFile()).start();
        LanguageServer server = connect(process.getInputStream(), process.getOutputStream());
        initialize(server);
        var docs = server.getTextDocumentService();
        docs.didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(studyUri, "python", 1, text)));
        PublishDiagnosticsParams p = client.awaitDiagnostics(studyUri, 1);
        assertEquals(1, p.getDiagnostics().size(), p.toString());
        var d = p.getDiagnostics().get(0);
        assertEquals("study-unknown-function", d.getCode().getLeft());
        assertEquals(range(6, 24, 6, 39), d.getRange());

        var id = new TextDocumentIdentifier(studyUri);
        var actions = docs.codeAction(new CodeActionParams(id, d.getRange(), new CodeActionContext(p.getDiagnostics(), List.of("quickfix"))))
                .get(60, TimeUnit.SECONDS);
        var fix = actions.get(0).getRight();
        assertEquals("registered_as_of", fix.getEdit().getChanges().get(studyUri).get(0).getNewText());

        var definition = docs.definition(new DefinitionParams(id, new Position(7, 10))).get(60, TimeUnit.SECONDS).getLeft();
        assertEquals(1, definition.size(), definition.toString());
        assertTrue(definition.get(0).getUri().endsWith("analysis/common_variables.py"), definition.toString());
        assertEquals(2, definition.get(0).getRange().getStart().getLine());
        shutdownAndExit(server);
    }

    /** Not asserted (timing on shared CI machines is noisy), but printed for the performance budget. */
    private void reportLatencies(LanguageServer server, TextDocumentIdentifier id) throws Exception {
        long[] completion = new long[50];
        for (int i = 0; i < completion.length; i++) {
            long t = System.nanoTime();
            server.getTextDocumentService().completion(new CompletionParams(id, new Position(11, 12))).get(60, TimeUnit.SECONDS);
            completion[i] = System.nanoTime() - t;
        }
        java.util.Arrays.sort(completion);
        System.err.printf("e2e: completion round trip p50 %.1f ms, p95 %.1f ms%n",
                completion[25] / 1e6, completion[47] / 1e6);
    }

    @Test
    void theServerEndsWhenItsClientProcessDies() throws Exception {
        Process editor = new ProcessBuilder("sleep", "60").start(); // stands in for the editor
        try {
            process = serverProcess().redirectError(ProcessBuilder.Redirect.DISCARD).start();
            LanguageServer server = connect(process.getInputStream(), process.getOutputStream());
            initialize(server, editor.pid());
            editor.destroyForcibly();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server notices the client is gone");
            assertEquals(1, process.exitValue(), "no shutdown came first");
        } finally {
            editor.destroyForcibly();
        }
    }

    @Test
    void theServerEndsWhenTheClientClosesTheConnection() throws Exception {
        process = serverProcess().redirectError(ProcessBuilder.Redirect.DISCARD).start();
        LanguageServer server = connect(process.getInputStream(), process.getOutputStream());
        initialize(server);
        process.getOutputStream().close();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "end of input ends the server");
        assertEquals(1, process.exitValue());
    }

    @Test
    void aPortOutOfRangeIsBadUsage() throws Exception {
        process = serverProcess("lsp", "--port", "70000").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.contains("--port must be between 0 and 65535"), output);
    }

    @Test
    void tcpSessionOnTheLoopbackPort() throws Exception {
        process = serverProcess("lsp", "--port", "0").start();
        LinkedBlockingQueue<String> stderrLines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) stderrLines.add(line);
            } catch (Exception e) {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        Pattern listening = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
        int port = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (port < 0 && System.nanoTime() < deadline) {
            String line = stderrLines.poll(100, TimeUnit.MILLISECONDS);
            Matcher m = line == null ? null : listening.matcher(line);
            if (m != null && m.find()) port = Integer.parseInt(m.group(1));
        }
        assertTrue(port > 0, "the server says which port it listens on: " + stderrLines);

        try (Socket socket = new Socket("127.0.0.1", port)) {
            LanguageServer server = connect(socket.getInputStream(), socket.getOutputStream());
            initialize(server);
            openProject(server);
            shutdownAndExit(server);
        }
    }
}

package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import opensafely.lsp.SharedData;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.CodeLensParams;
import org.eclipse.lsp4j.CodeLensWorkspaceCapabilities;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.WindowClientCapabilities;
import org.eclipse.lsp4j.WorkDoneProgressCancelParams;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressKind;
import org.eclipse.lsp4j.WorkspaceClientCapabilities;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running actions from the editor over JSON-RPC with the real server: the code lenses of project.yaml, the
 * {@code opensafely.run} command with its progress and streamed log, the findings of a failed run on project.yaml,
 * and cancel. Jobs run with the local executor and Debian's Python (which has pandas and matplotlib).
 */
class PipelineRunsTest {
    static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path study;
    InJvmServer lsp;

    @AfterEach
    void stop() throws Exception {
        if (lsp != null) lsp.close();
    }

    private InitializeResult start() throws Exception {
        ClientCapabilities caps = new ClientCapabilities();
        WindowClientCapabilities window = new WindowClientCapabilities();
        window.setWorkDoneProgress(true);
        caps.setWindow(window);
        WorkspaceClientCapabilities workspace = new WorkspaceClientCapabilities();
        workspace.setCodeLens(new CodeLensWorkspaceCapabilities(true));
        caps.setWorkspace(workspace);
        JsonObject options = new JsonObject();
        options.addProperty("runPython", PYTHON);
        options.addProperty("runExecutor", "local");
        options.addProperty("runLog", "notification");
        lsp = new InJvmServer(new DelegatingService(), Duration.ZERO);
        return lsp.initialize(caps, options);
    }

    private List<? extends CodeLens> lenses(String uri) throws Exception {
        return lsp.remote.getTextDocumentService().codeLens(new CodeLensParams(new TextDocumentIdentifier(uri))).get(60, TimeUnit.SECONDS);
    }

    private static List<String> titles(List<? extends CodeLens> lenses, int line) {
        return lenses.stream().filter(l -> l.getRange().getStart().getLine() == line).map(l -> l.getCommand().getTitle()).toList();
    }

    private CompletableFuture<Object> run(String uri, String action, boolean force) {
        JsonArray actions = new JsonArray();
        actions.add(action);
        return lsp.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(PipelineRuns.ID, List.of(uri, actions, force)));
    }

    private ProgressParams awaitEnd() {
        return lsp.client.awaitProgress(p -> p.getValue().getLeft() instanceof WorkDoneProgressEnd);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    @Test
    void theCleanStudyRunsFromItsLensesAndTheLensesThenSaySucceeded() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs Debian's python3 with pandas (" + PYTHON + ")");
        copy(SharedData.repo().resolve("examples/clean-study"), study);
        Path yaml = study.resolve("project.yaml");
        String uri = yaml.toUri().toString();
        InitializeResult init = start();
        assertTrue(init.getCapabilities().getCodeLensProvider() != null, "codeLensProvider advertised");
        assertTrue(init.getCapabilities().getExecuteCommandProvider().getCommands().contains("opensafely.run"));
        lsp.open(uri, Files.readString(yaml));
        lsp.client.awaitDiagnostics(uri, 1);

        var before = lenses(uri);
        int describeLine = Files.readAllLines(yaml).indexOf("  describe_asthma:");
        assertEquals(List.of("▶ Run", "Run with dependencies", "never run"), titles(before, describeLine));
        CodeLens runLens = before.stream().filter(l -> l.getRange().getStart().getLine() == describeLine).findFirst().orElseThrow();
        assertEquals("opensafely.run", runLens.getCommand().getCommand());
        assertEquals(4 * 3, before.size(), "three lenses on each of the four actions");

        // The lens's own command, as the editor would run it: describe_asthma, with generate_dataset because its output is missing.
        Object result = lsp.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(
                runLens.getCommand().getCommand(), runLens.getCommand().getArguments())).get(300, TimeUnit.SECONDS);
        assertEquals(true, ((Map<?, ?>) result).get("ok"), result.toString());
        ProgressParams end = awaitEnd();
        assertTrue(((WorkDoneProgressEnd) end.getValue().getLeft()).getMessage().contains("succeeded"), end.toString());
        assertTrue(lsp.client.progress.stream().anyMatch(p -> p.getValue().getLeft().getKind() == WorkDoneProgressKind.report
                && p.toString().contains("describe_asthma")), "a report per job status");
        assertTrue(lsp.client.runLog.stream().anyMatch(l -> "generate_dataset".equals(l.action)), lsp.client.runLog.toString());
        assertTrue(lsp.client.runLog.stream().anyMatch(l -> "describe_asthma".equals(l.action) && l.line.contains("succeeded")),
                lsp.client.runLog.toString());
        assertTrue(Files.isRegularFile(study.resolve("output/asthma_by_age_band.csv")));
        assertTrue(lsp.client.lensRefreshes.get() >= 1, "lenses refreshed after the run");

        var after = lenses(uri);
        assertEquals("succeeded just now", titles(after, describeLine).get(2));
        int datasetLine = Files.readAllLines(yaml).indexOf("  generate_dataset:");
        assertEquals("succeeded just now", titles(after, datasetLine).get(2));
    }

    private static final String FAILING = """
            version: '4.0'
            actions:
              report:
                run: python:v2 python analysis/report.py
                outputs:
                  moderately_sensitive:
                    table: output/table.csv
            """;

    @Test
    void aFailedActionIsAnErrorOnItsNameWithTheLogUntilItSucceeds() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs " + PYTHON);
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("analysis/report.py"), "import sys\nprint('no data yet')\nsys.exit(3)\n");
        Path yaml = study.resolve("project.yaml");
        Files.writeString(yaml, FAILING);
        String uri = yaml.toUri().toString();
        start();
        lsp.open(uri, FAILING);
        lsp.client.awaitDiagnostics(uri, 1);

        Object result = run(uri, "report", false).get(120, TimeUnit.SECONDS);
        assertEquals(false, ((Map<?, ?>) result).get("ok"));
        assertEquals(1.0, ((Map<?, ?>) result).get("exitCode"));
        var published = lsp.client.awaitDiagnostics(p -> p.getUri().equals(uri) && p.getDiagnostics().stream()
                .anyMatch(d -> "run-failed".equals(d.getCode().getLeft())));
        Diagnostic d = published.getDiagnostics().stream().filter(x -> "run-failed".equals(x.getCode().getLeft())).findFirst().orElseThrow();
        String message = d.getMessage().getLeft();
        assertEquals(new org.eclipse.lsp4j.Range(new org.eclipse.lsp4j.Position(2, 2), new org.eclipse.lsp4j.Position(2, 8)), d.getRange());
        assertTrue(message.startsWith("Action 'report' failed when run: exit 3"), message);
        assertTrue(message.contains("no data yet"), "the log's last lines: " + message);
        assertTrue(message.contains("metadata/report.log"), message);
        assertEquals(study.resolve("metadata/report.log").toUri().toString().replace("file:///", "file:/"),
                d.getRelatedInformation().get(0).getLocation().getUri().replace("file:///", "file:/"));
        assertTrue(lsp.client.logged.stream().anyMatch(m -> m.getMessage().startsWith("Run failed: report")
                && m.getMessage().contains("metadata/report.log")), lsp.client.logged.toString());
        assertEquals("failed: exit 3, just now", titles(lenses(uri), 2).get(2));

        // Fixed and run again: the finding goes.
        Files.writeString(study.resolve("analysis/report.py"), "import os\nos.makedirs('output', exist_ok=True)\nopen('output/table.csv', 'w').write('a\\n1\\n')\n");
        assertEquals(true, ((Map<?, ?>) run(uri, "report", false).get(120, TimeUnit.SECONDS)).get("ok"));
        lsp.client.awaitDiagnostics(p -> p.getUri().equals(uri) && p.getDiagnostics().stream().noneMatch(x -> x.getCode().getLeft().startsWith("run-")));
    }

    @Test
    void aReadOfAnOutputNotNeededOffersTheNeedsEntry() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs " + PYTHON);
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("analysis/make.py"), "import os\nos.makedirs('output', exist_ok=True)\nopen('output/data.csv', 'w').write('a\\n1\\n')\n");
        Files.writeString(study.resolve("analysis/use.py"), "import os\nos.makedirs('output', exist_ok=True)\nprint(open('output/data.csv').read())\nopen('output/t.csv', 'w').write('x')\n");
        String text = """
                version: '4.0'
                actions:
                  make:
                    run: python:v2 python analysis/make.py
                    outputs:
                      highly_sensitive:
                        data: output/data.csv
                  use:
                    run: python:v2 python analysis/use.py
                    outputs:
                      moderately_sensitive:
                        table: output/t.csv
                """;
        Path yaml = study.resolve("project.yaml");
        Files.writeString(yaml, text);
        String uri = yaml.toUri().toString();
        start();
        lsp.open(uri, text);
        lsp.client.awaitDiagnostics(uri, 1);
        assertEquals(true, ((Map<?, ?>) run(uri, "make", false).get(120, TimeUnit.SECONDS)).get("ok"));
        assertEquals(false, ((Map<?, ?>) run(uri, "use", false).get(120, TimeUnit.SECONDS)).get("ok"));
        var published = lsp.client.awaitDiagnostics(p -> p.getUri().equals(uri) && p.getDiagnostics().stream()
                .anyMatch(d -> "run-missing-needs".equals(d.getCode().getLeft())));
        Diagnostic d = published.getDiagnostics().stream().filter(x -> "run-missing-needs".equals(x.getCode().getLeft())).findFirst().orElseThrow();
        assertTrue(d.getMessage().getLeft().startsWith("Action 'use' failed: exit 1"), d.getMessage().getLeft());
        assertEquals(7, d.getRange().getStart().getLine());
        var actions = lsp.remote.getTextDocumentService().codeAction(new CodeActionParams(new TextDocumentIdentifier(uri),
                d.getRange(), new CodeActionContext(List.of(d), List.of(CodeActionKind.QuickFix)))).get(60, TimeUnit.SECONDS);
        var fix = actions.stream().map(Either::getRight).filter(a -> a.getTitle().equals("Add make to the needs of 'use'")).findFirst().orElseThrow();
        var edit = fix.getEdit().getChanges().get(uri).get(0);
        assertEquals("    needs: [make]\n", edit.getNewText());
        assertEquals(8, edit.getRange().getStart().getLine());
        assertEquals(0, edit.getRange().getStart().getCharacter());
    }

    @Test
    void aPatternThatMatchedNothingIsAnErrorOnThePatternWithDidYouMean() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs " + PYTHON);
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("analysis/report.py"), "import os\nos.makedirs('output', exist_ok=True)\nopen('output/table.csv', 'w').write('a\\n1\\n')\n");
        String text = FAILING.replace("table: output/table.csv", "table: output/tabel.csv");
        Path yaml = study.resolve("project.yaml");
        Files.writeString(yaml, text);
        String uri = yaml.toUri().toString();
        start();
        lsp.open(uri, text);
        lsp.client.awaitDiagnostics(uri, 1);
        assertEquals(false, ((Map<?, ?>) run(uri, "report", false).get(120, TimeUnit.SECONDS)).get("ok"));
        var published = lsp.client.awaitDiagnostics(p -> p.getUri().equals(uri) && p.getDiagnostics().stream()
                .anyMatch(d -> "run-unmatched-output".equals(d.getCode().getLeft())));
        Diagnostic d = published.getDiagnostics().stream().filter(x -> "run-unmatched-output".equals(x.getCode().getLeft())).findFirst().orElseThrow();
        assertEquals(new org.eclipse.lsp4j.Range(new org.eclipse.lsp4j.Position(6, 15), new org.eclipse.lsp4j.Position(6, 31)), d.getRange());
        assertTrue(d.getMessage().getLeft().contains("Did you mean 'output/table.csv'?"), d.getMessage().getLeft());
        assertFalse(published.getDiagnostics().stream().anyMatch(x -> "run-failed".equals(x.getCode().getLeft())), "one finding, on the pattern");

        // Editing the action (here: the fix) takes the finding away before the next run.
        lsp.change(uri, 2, InJvmServer.edit(6, 15, 6, 31, "output/table.csv"));
        lsp.client.awaitDiagnostics(p -> p.getUri().equals(uri) && p.getVersion() != null && p.getVersion() == 2
                && p.getDiagnostics().stream().noneMatch(x -> x.getCode().getLeft().startsWith("run-")));
    }

    @Test
    void cancellingTheProgressStopsTheJobAndLeavesNoOutput() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs " + PYTHON);
        Files.createDirectories(study.resolve("analysis"));
        // Writes its output, says so, then waits for ever: only a cancel ends it.
        Files.writeString(study.resolve("analysis/slow.py"), """
                import os, time
                os.makedirs('output', exist_ok=True)
                open('output/slow.csv', 'w').write('a\\n1\\n')
                print('written, waiting', flush=True)
                while True:
                    time.sleep(1)
                """);
        String text = """
                version: '4.0'
                actions:
                  slow:
                    run: python:v2 python analysis/slow.py
                    outputs:
                      moderately_sensitive:
                        table: output/slow.csv
                """;
        Path yaml = study.resolve("project.yaml");
        Files.writeString(yaml, text);
        String uri = yaml.toUri().toString();
        start();
        lsp.open(uri, text);
        CompletableFuture<Object> running = run(uri, "slow", false);
        lsp.client.awaitRunLog(l -> "slow".equals(l.action) && l.line.contains("written, waiting"));
        Object second = run(uri, "slow", false).get(60, TimeUnit.SECONDS);
        assertTrue(((String) ((Map<?, ?>) second).get("message")).startsWith("A run is already under way"), second.toString());
        String token = lsp.client.progressCreated.get(lsp.client.progressCreated.size() - 1).getToken().getLeft();
        lsp.remote.cancelProgress(new WorkDoneProgressCancelParams(Either.forLeft(token)));
        Object result = running.get(120, TimeUnit.SECONDS);
        assertEquals(false, ((Map<?, ?>) result).get("ok"));
        assertTrue(((String) ((Map<?, ?>) result).get("message")).startsWith("Run cancelled"), result.toString());
        assertFalse(Files.exists(study.resolve("output/slow.csv")), "no partial output in the study");
        assertEquals("never run", titles(lenses(uri), 2).get(2), "a cancelled job is not recorded");
    }

    @Test
    void cancellingTheRequestStopsTheJobToo() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs " + PYTHON);
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("analysis/slow.py"), """
                import os, time
                os.makedirs('output', exist_ok=True)
                open('output/slow.csv', 'w').write('a\\n1\\n')
                print('written, waiting', flush=True)
                while True:
                    time.sleep(1)
                """);
        String text = """
                version: '4.0'
                actions:
                  slow:
                    run: python:v2 python analysis/slow.py
                    outputs:
                      moderately_sensitive:
                        table: output/slow.csv
                """;
        Files.writeString(study.resolve("project.yaml"), text);
        String uri = study.resolve("project.yaml").toUri().toString();
        start();
        CompletableFuture<Object> running = run(uri, "slow", false);
        lsp.client.awaitRunLog(l -> "slow".equals(l.action) && l.line.contains("written, waiting"));
        running.cancel(true); // $/cancelRequest
        ProgressParams end = awaitEnd();
        assertTrue(((WorkDoneProgressEnd) end.getValue().getLeft()).getMessage().startsWith("Run cancelled"), end.toString());
        assertFalse(Files.exists(study.resolve("output/slow.csv")), "no partial output in the study");
    }
}

package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import opensafely.lsp.codelists.FakeOpenCodelists;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.WindowClientCapabilities;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The editor's "download the codelists" command over JSON-RPC: a study definition reads a codelist CSV that is
 * not downloaded yet; the command fetches it with progress, and the finding goes away.
 */
class CodelistsUpdateCommandTest {
    private static final String STUDY = """
            from cohortextractor import StudyDefinition, patients, codelist_from_csv

            asthma_codes = codelist_from_csv("codelists/opensafely-asthma-diagnosis.csv", system="ctv3", column="code")

            study = StudyDefinition(
                default_expectations={"date": {"earliest": "2020-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},
                index_date="2021-01-01",
                population=patients.registered_as_of("index_date"),
                asthma=patients.with_these_clinical_events(asthma_codes, on_or_before="index_date"),
            )
            """;

    @TempDir
    Path study;
    FakeOpenCodelists openCodelists;
    InJvmServer lsp;
    String uri;

    @BeforeEach
    void setUp() throws Exception {
        openCodelists = new FakeOpenCodelists();
        openCodelists.csvs.put("opensafely/asthma-diagnosis/2020-04-15", "code,term\nXa1,Asthma\n");
        Files.createDirectories(study.resolve("analysis"));
        Files.createDirectories(study.resolve("codelists"));
        Files.writeString(study.resolve("codelists/codelists.txt"), "opensafely/asthma-diagnosis/2020-04-15\n");
        Files.writeString(study.resolve("project.yaml"), CohortProjects.withPopulation(1000));
        Path file = study.resolve("analysis/study_definition.py");
        Files.writeString(file, STUDY);
        uri = file.toUri().toString();
        lsp = new InJvmServer(new DelegatingService(), Duration.ZERO);
        ClientCapabilities caps = new ClientCapabilities();
        WindowClientCapabilities window = new WindowClientCapabilities();
        window.setWorkDoneProgress(true);
        caps.setWindow(window);
        // As the VS Code extension does with its opensafely.opencodelists.url setting.
        var init = lsp.initialize(caps, Map.of("opencodelistsUrl", openCodelists.baseUrl()));
        assertEquals(List.of("opensafely.codelists.update", "opensafely.dummyData.generate", "opensafely.run"), init.getCapabilities().getExecuteCommandProvider().getCommands());
    }

    @AfterEach
    void tearDown() throws Exception {
        lsp.close();
        openCodelists.close();
    }

    @Test
    void downloadsWithProgressAndReChecksTheStudy() throws Exception {
        lsp.open(uri, STUDY);
        var before = lsp.client.awaitDiagnostics(uri, 1).getDiagnostics();
        assertEquals(List.of("study-codelist-file-missing"), before.stream().map(d -> d.getCode().getLeft()).toList());

        // The finding's quick fix is the download, a command with the study folder as its argument.
        var actions = lsp.remote.getTextDocumentService().codeAction(new CodeActionParams(new TextDocumentIdentifier(uri),
                before.get(0).getRange(), new CodeActionContext(before))).get(60, TimeUnit.SECONDS);
        var fix = actions.stream().map(a -> a.getRight()).filter(a -> a.getKind().equals("quickfix")).findFirst().orElseThrow();
        assertEquals("Download the codelists (codelists update)", fix.getTitle());
        assertEquals("opensafely.codelists.update", fix.getCommand().getCommand());
        assertEquals(study.toUri().toString(), String.valueOf(fix.getCommand().getArguments().get(0)).replace("\"", ""));

        Object result = lsp.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(
                "opensafely.codelists.update", fix.getCommand().getArguments())).get(60, TimeUnit.SECONDS);
        Map<?, ?> outcome = (Map<?, ?>) result;
        assertEquals(true, outcome.get("ok"), outcome.toString());
        assertEquals("code,term\nXa1,Asthma\n", Files.readString(study.resolve("codelists/opensafely-asthma-diagnosis.csv")));
        assertTrue(Files.isRegularFile(study.resolve("codelists/codelists.json")));

        assertEquals(List.of(), lsp.client.awaitDiagnostics(uri, 1).getDiagnostics(), "re-checked after the download");
        assertEquals(1, lsp.client.progressCreated.size());
        var kinds = lsp.client.progress.stream().map(p -> p.getValue().getLeft().getClass()).toList();
        assertEquals(List.of(WorkDoneProgressBegin.class, WorkDoneProgressReport.class, WorkDoneProgressEnd.class), kinds);
        assertEquals("Fetching opensafely/asthma-diagnosis/2020-04-15",
                ((WorkDoneProgressReport) lsp.client.progress.get(1).getValue().getLeft()).getMessage());
        assertTrue(lsp.client.logged.stream().anyMatch(m -> m.getType() == MessageType.Info
                && m.getMessage().startsWith("Updated 1 codelist(s)")), lsp.client.logged.toString());
    }

    @Test
    void aFailureIsShownAndTheFolderKeepsWhatItHad() throws Exception {
        Object result = lsp.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(
                "opensafely.codelists.update", List.of(study.resolve("project.yaml").toUri().toString(), "http://127.0.0.1:1")))
                .get(60, TimeUnit.SECONDS);
        Map<?, ?> outcome = (Map<?, ?>) result;
        assertEquals(false, outcome.get("ok"));
        assertEquals("Could not update the codelists: could not download from 127.0.0.1:1: connection refused."
                + " Nothing in codelists/ was changed.", outcome.get("message"), "the host and the cause, never \"(null)\"");
        assertTrue(lsp.client.logged.stream().anyMatch(m -> m.getType() == MessageType.Error), lsp.client.logged.toString());
        assertTrue(!Files.exists(study.resolve("codelists/codelists.json")));
    }

    @Test
    void anAddressThatIsNotOneIsRefusedBeforeAnyRequest() throws Exception {
        Object result = lsp.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(
                "opensafely.codelists.update", List.of(study.resolve("project.yaml").toUri().toString(), "not-a-url")))
                .get(30, TimeUnit.SECONDS);
        Map<?, ?> outcome = (Map<?, ?>) result;
        assertEquals(false, outcome.get("ok"));
        assertTrue(((String) outcome.get("message")).contains("'not-a-url' is not an http(s) address"), outcome.toString());
    }
}

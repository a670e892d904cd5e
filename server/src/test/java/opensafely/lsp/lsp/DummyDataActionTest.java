package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A study definition's "Generate dummy data" source action over JSON-RPC: offered, then run on the editor's text. */
class DummyDataActionTest {
    @TempDir
    Path study;
    InJvmServer lsp;

    @AfterEach
    void stop() throws Exception {
        if (lsp != null) lsp.close();
    }

    @Test
    void theSourceActionWritesWhereGenerateCohortWouldFromTheUnsavedText() throws Exception {
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("project.yaml"), CohortProjects.withPopulation(40));
        Path file = study.resolve("analysis/study_definition.py");
        Files.writeString(file, "# not saved yet\n");
        String uri = file.toUri().toString();
        String text = """
                from cohortextractor import StudyDefinition, patients

                study = StudyDefinition(
                    default_expectations={"date": {"earliest": "2020-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},
                    population=patients.registered_as_of("2020-01-01"),
                    died=patients.died_from_any_cause(on_or_before="2020-01-01", returning="binary_flag"),
                )
                """;
        lsp = new InJvmServer(new DelegatingService(), Duration.ZERO);
        lsp.initialize();
        lsp.open(uri, text);
        lsp.client.awaitDiagnostics(uri, 1);

        var actions = lsp.remote.getTextDocumentService().codeAction(new CodeActionParams(new TextDocumentIdentifier(uri),
                StudyLanguageServerTest.range(0, 0, 0, 0), new CodeActionContext(List.of(), List.of(CodeActionKind.Source))))
                .get(60, TimeUnit.SECONDS);
        assertEquals(1, actions.size(), actions.toString());
        var action = actions.get(0).getRight();
        assertEquals("source", action.getKind());
        assertEquals("Generate dummy data (output/input.csv)", action.getTitle());
        assertEquals("opensafely.dummyData.generate", action.getCommand().getCommand());

        Object result = lsp.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(
                action.getCommand().getCommand(), action.getCommand().getArguments())).get(60, TimeUnit.SECONDS);
        assertEquals(true, ((Map<?, ?>) result).get("ok"), result.toString());
        List<String> lines = Files.readAllLines(study.resolve("output/input.csv"));
        assertEquals("died,patient_id", lines.get(0));
        assertEquals(41, lines.size(), "header and project.yaml's population_size");
        assertTrue(lsp.client.logged.stream().anyMatch(m -> m.getType() == MessageType.Info
                && m.getMessage().equals("Wrote 40 dummy patients to output/input.csv.")), lsp.client.logged.toString());

        // The editor streams with the command line's fixed seed: a rerun writes the same bytes, as `dummy-data` does.
        byte[] first = Files.readAllBytes(study.resolve("output/input.csv"));
        lsp.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(
                action.getCommand().getCommand(), action.getCommand().getArguments())).get(60, TimeUnit.SECONDS);
        assertTrue(java.util.Arrays.equals(first, Files.readAllBytes(study.resolve("output/input.csv"))), "same seed, same file");
    }
}

package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.FileChangeType;
import org.eclipse.lsp4j.FileEvent;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cohort-extractor study definition edited in the server: its diagnostics, completion and hover come over
 * JSON-RPC like those of project.yaml, and editing a file it reads (a codelist CSV) re-checks it.
 */
class StudyDefinitionSessionTest {
    private static final String PROJECT = CohortProjects.withPopulation(1000);

    // Line 7 (0-based) names column "ctv3_code", which the CSV below lacks until the test fixes the file.
    private static final String STUDY = """
            from cohortextractor import StudyDefinition, patients, codelist_from_csv

            study = StudyDefinition(
                default_expectations={"date": {"earliest": "2020-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},
                index_date="2021-01-01",
                population=patients.registered_as_of("index_date"),
                asthma=patients.with_these_clinical_events(
                    codelist_from_csv("codelists/asthma.csv", system="ctv3", column="ctv3_code"),
                    on_or_before="index_date", returning="binary_flag"),
                age=patients.age_as_of("index_date"),
            )
            """;

    @TempDir
    Path study;
    InJvmServer lsp;
    String uri;
    Path csv;

    @BeforeEach
    void studyFolder() throws Exception {
        Files.createDirectories(study.resolve("analysis"));
        Files.createDirectories(study.resolve("codelists"));
        Files.writeString(study.resolve("project.yaml"), PROJECT);
        csv = study.resolve("codelists/asthma.csv");
        Files.writeString(csv, "code,term\nXa1,Asthma\n");
        Path file = study.resolve("analysis/study_definition.py");
        Files.writeString(file, STUDY);
        uri = file.toUri().toString();
        lsp = new InJvmServer(new DelegatingService(), Duration.ZERO);
        lsp.initialize();
    }

    @AfterEach
    void stop() throws Exception {
        lsp.close();
    }

    private static List<String> codes(PublishDiagnosticsParams p) {
        return p.getDiagnostics().stream().map(d -> d.getCode().getLeft()).toList();
    }

    @Test
    void diagnosticsOfAStudyDefinitionAndARecheckWhenItsCodelistChanges() throws Exception {
        lsp.open(uri, STUDY);
        PublishDiagnosticsParams first = lsp.client.awaitDiagnostics(uri, 1);
        assertEquals(List.of("study-codelist-column-missing"), codes(first));
        assertEquals(StudyLanguageServerTest.range(7, 72, 7, 83), first.getDiagnostics().get(0).getRange());

        // `opensafely codelists update` rewrites the CSV with the column: a Changed event, not Created.
        Files.writeString(csv, "ctv3_code,term\nXa1,Asthma\n");
        lsp.remote.getWorkspaceService().didChangeWatchedFiles(new DidChangeWatchedFilesParams(
                List.of(new FileEvent(csv.toUri().toString(), FileChangeType.Changed))));
        assertEquals(List.of(), lsp.client.awaitDiagnostics(uri, 1).getDiagnostics());
    }

    @Test
    void completionOfPatientsFunctionsAndHoverOnOne() throws Exception {
        String typing = STUDY.replace("    age=patients.age_as_of(\"index_date\"),\n", "    age=patients.age_\n");
        lsp.open(uri, typing);
        lsp.client.awaitDiagnostics(uri, 1);
        var docs = lsp.remote.getTextDocumentService();
        var id = new TextDocumentIdentifier(uri);
        var items = docs.completion(new CompletionParams(id, new org.eclipse.lsp4j.Position(9, 21)))
                .get(60, TimeUnit.SECONDS).getRight().getItems();
        List<String> labels = items.stream().map(i -> i.getLabel()).toList();
        assertTrue(labels.contains("age_as_of"), labels.toString());
        assertTrue(labels.contains("with_these_clinical_events"), labels.toString());

        var hover = docs.hover(new HoverParams(id, new org.eclipse.lsp4j.Position(6, 20))).get(60, TimeUnit.SECONDS);
        assertTrue(hover.getContents().getRight().getValue().contains("with_these_clinical_events"),
                hover.getContents().getRight().getValue());
        assertEquals(StudyLanguageServerTest.range(6, 20, 6, 46), hover.getRange());
    }
}

package opensafely.lsp.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.text.Position;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;

/**
 * The work one Python file may cost is bounded by its tokens, not its characters: long comments and
 * strings are cheap and analysed as usual, a huge literal is reported instead of parsed.
 */
class BoundedWorkTest {
    private static final String HEAD = """
            from ehrql import create_dataset
            from ehrql.tables.core import patients
            dataset = create_dataset()
            dataset.define_population(patients.exists_for_patient())
            """;

    private final StudyLanguageService service = new StudyLanguageService();

    private List<Diagnostic> diagnostics(String text) {
        Document doc = new Document(Path.of("/nonexistent/study/analysis/dataset_definition.py"), text, 1, StudyFolder.none());
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            List<Diagnostic> found = service.diagnostics(doc);
            service.complete(doc, new Position(5, 3));
            service.hover(doc, new Position(5, 3));
            return found;
        });
    }

    /** A one-line list of a million numbers took tens of seconds and gigabytes to parse and model. */
    @Test
    void aHugeLiteralIsReportedNotParsed() {
        List<Diagnostic> found = diagnostics(HEAD + "x = [" + "1, ".repeat(1_000_000) + "1]\n");
        assertEquals(List.of("analysis-incomplete"), found.stream().map(Diagnostic::code).toList());
        assertEquals(Severity.WARNING, found.get(0).severity());
        assertEquals(new Position(0, 0), found.get(0).range().start());
    }

    @Test
    void longCommentsAndStringsAreAnalysedAsUsual() {
        String mb5 = "x".repeat(5_000_000);
        List<Diagnostic> found = diagnostics(HEAD + "# " + mb5 + "\ns = \"" + mb5 + "\"\ny = 1 + \n");
        assertTrue(found.stream().noneMatch(d -> d.code().equals("analysis-incomplete")), found.toString());
        assertTrue(found.stream().anyMatch(d -> d.code().startsWith("python-syntax") || d.code().contains("syntax")), found.toString());
    }
}

package opensafely.lsp.codelists;

import static opensafely.lsp.DiagnosticAssertions.assertDiagnostics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.MarkedText;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.editor.Symbol;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.DocumentKind;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * codelists/codelists.txt as the editor and `check` see it: each line `codelists update` would refuse is a
 * finding on exactly that line's id, an error where the OpenSAFELY CLI fails on it too.
 */
class CodelistsTxtServiceTest {
    @TempDir
    Path study;

    private List<Diagnostic> diagnostics(String text) throws Exception {
        Files.writeString(study.resolve("project.yaml"), "version: '4.0'\nactions: {}\n");
        Path file = Files.createDirectories(study.resolve("codelists")).resolve("codelists.txt");
        Files.writeString(file, text);
        Document doc = new Document(file, text, 1, StudyFolder.at(study));
        assertEquals(DocumentKind.CODELISTS_TXT, doc.kind());
        return new StudyLanguageService().diagnostics(doc); // through the dispatcher, as the editor and check call it
    }

    private static final String INVALID = "codelists-txt-invalid-line";

    @Test
    void everyRefusedLineIsAnErrorOnItsId() throws Exception {
        MarkedText m = MarkedText.parse("""
                # Codelists of the study
                opensafely/asthma-diagnosis/2020-04-15
                «../../etc/passwd»
                  «./codelists/v1»\t
                «opensafely/%2e%2e/v1»
                «opensafely/asth\u202Ema/v1»
                «opensafely/asthma diagnosis/v1»
                «opensafely/asthma\u0000/v1»
                «opensafely/asthma\u0007x/v1»
                «opensafely\\asthma/x/v1»
                «opensafely/ethnicity/2020-04-27 # for table 1»
                «opensafely/ethnicity»

                user/jane/my-list/abc123/
                """);
        List<Diagnostic> found = diagnostics(m.text());
        assertDiagnostics(found, m.ranges(), INVALID, INVALID, INVALID, INVALID, INVALID, INVALID, INVALID, INVALID, INVALID, INVALID);
        assertTrue(found.stream().allMatch(d -> d.severity() == Severity.ERROR), found.toString());
        assertTrue(found.stream().allMatch(d -> d.message().chars().noneMatch(c -> c < 0x20 || c == 0x202E)), "messages escape the line");
    }

    @Test
    void aLineTheOpenSafelyCliMayStillDownloadIsAWarning() throws Exception {
        // A version may be a free-text tag on OpenCodelists, so a space in it may be real; an organisation never has one.
        MarkedText m = MarkedText.parse("""
                «opensafely/asthma-diagnosis/nov 2020»
                «opensafely/asthma-diagnosis/.v1»
                «open safely/asthma-diagnosis/v1»
                """);
        List<Diagnostic> found = diagnostics(m.text());
        assertDiagnostics(found, m.ranges(), INVALID, INVALID, INVALID);
        assertEquals(List.of(Severity.WARNING, Severity.WARNING, Severity.ERROR), found.stream().map(Diagnostic::severity).toList());
        assertTrue(found.get(0).message().contains("`opensafely codelists update` may accept this line"), found.get(0).message());
    }

    @Test
    void aCodelistListedTwiceIsAWarningOnTheLaterLine() throws Exception {
        MarkedText m = MarkedText.parse("""
                opensafely/asthma-diagnosis/2020-04-15
                opensafely/ethnicity/2020-04-27
                «opensafely/asthma-diagnosis/2020-04-15»
                «opensafely/ethnicity/2021-01-01»/
                """);
        List<Diagnostic> found = diagnostics(m.text());
        assertDiagnostics(found, m.ranges(), "codelists-txt-duplicate", "codelists-txt-duplicate");
        assertTrue(found.get(1).message().contains("listed already on line 2 at version '2020-04-27'"), found.get(1).message());
        // Jobs run on the committed CSVs, and a real study that ran in production lists a codelist twice.
        assertEquals(List.of(Severity.WARNING, Severity.WARNING), found.stream().map(Diagnostic::severity).toList());
    }

    @Test
    void aCleanFileHasNoFindingsAndOneSymbolPerCodelist() throws Exception {
        String text = "# comment\nopensafely/asthma-diagnosis/2020-04-15\r\n\nuser/jane/my-list/abc123\n";
        assertEquals(List.of(), diagnostics(text));
        Document doc = new Document(study.resolve("codelists/codelists.txt"), text, 1, StudyFolder.at(study));
        List<Symbol> symbols = new StudyLanguageService().symbols(doc);
        assertEquals(List.of("opensafely/asthma-diagnosis/2020-04-15", "user/jane/my-list/abc123"), symbols.stream().map(Symbol::name).toList());
        assertEquals("opensafely-asthma-diagnosis.csv", symbols.get(0).detail());
        assertEquals(3, symbols.get(1).range().start().line());
    }

    @Test
    void onlyCodelistsTxtInACodelistsFolderIsThatKind() {
        assertEquals(DocumentKind.CODELISTS_TXT, DocumentKind.of(Path.of("/s/codelists/codelists.txt")));
        assertEquals(DocumentKind.OTHER, DocumentKind.of(Path.of("/s/codelists.txt")));
        assertEquals(DocumentKind.OTHER, DocumentKind.of(Path.of("/s/analysis/notes.txt")));
        assertEquals(DocumentKind.OTHER, DocumentKind.of(Path.of("codelists.txt")));
    }
}

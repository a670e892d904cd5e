package opensafely.lsp.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.editor.QuickFixes;
import opensafely.lsp.text.Range;
import org.junit.jupiter.api.Test;

class QuickFixesTest {
    private final StudyLanguageService service = new StudyLanguageService();

    @Test
    void onlyFixesOfOverlappingDiagnostics() {
        Fix a = Fix.replace("A", Range.of(1, 0, 1, 3), "x");
        Fix b = Fix.replace("B", Range.of(5, 0, 5, 3), "y");
        List<Diagnostic> ds = List.of(
                Diagnostic.of(Rule.NEEDS_UNKNOWN_ACTION, Range.of(1, 0, 1, 3), "m").withFix(a),
                Diagnostic.of(Rule.NEEDS_UNKNOWN_ACTION, Range.of(5, 0, 5, 3), "m").withFix(b),
                Diagnostic.of(Rule.NEEDS_UNKNOWN_ACTION, Range.of(1, 1, 1, 2), "no fix"));
        assertEquals(List.of(a), QuickFixes.fixes(ds, Range.of(1, 2, 1, 2)));
        assertEquals(List.of(a, b), QuickFixes.fixes(ds, Range.of(0, 0, 9, 0)));
        assertEquals(List.of(), QuickFixes.fixes(ds, Range.of(3, 0, 4, 0)));
    }

    @Test
    void didYouMeanForAnUnknownNeedsEntry() {
        Fixture f = Fixture.of("""
                version: 5
                actions:
                  generate_dataset:
                    run: python:v2 python a.py
                    outputs:
                      highly_sensitive:
                        d: output/d.csv
                  b:
                    run: python:v2 python b.py
                    needs: [generate_datset]
                    outputs:
                      highly_sensitive:
                        d: output/b.csv
                """);
        List<Fix> fixes = service.fixes(f.doc(), Range.of(9, 14, 9, 14));
        assertTrue(fixes.stream().anyMatch(x -> x.edits().equals(List.of(new TextEdit(Range.of(9, 12, 9, 27), "generate_dataset")))),
                fixes.toString());
    }
}

package opensafely.lsp.pipeline;

import java.util.List;
import opensafely.lsp.DiagnosticAssertions;
import opensafely.lsp.MarkedText;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.StudyFolder;

/**
 * Text fixtures with range markers: {@code «} and {@code »} enclose the token each expected diagnostic
 * sits on, in order of position. The markers are removed before analysis.
 */
final class Fixture {
    final String text;
    final List<Range> ranges;

    private Fixture(String text, List<Range> ranges) {
        this.text = text;
        this.ranges = ranges;
    }

    static Fixture of(String marked) {
        MarkedText m = MarkedText.parse(marked);
        return new Fixture(m.text(), m.ranges());
    }

    /** An expected diagnostic: the code of the i-th marked range. */
    static String d(String code) {
        return code;
    }

    static List<Diagnostic> analyse(String text, StudyFolder folder) {
        return new PipelineChecker().check(new ProjectParser().parse(text), folder);
    }

    /** Asserts the diagnostics are exactly the marked ranges with these codes, in position order. */
    static void assertDiagnostics(String marked, String... codes) {
        assertDiagnostics(marked, StudyFolder.none(), codes);
    }

    static void assertDiagnostics(String marked, StudyFolder folder, String... codes) {
        Fixture f = of(marked);
        DiagnosticAssertions.assertDiagnostics(analyse(f.text, folder), f.ranges, codes);
    }
}

package opensafely.lsp.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
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
        List<Diagnostic> actual = analyse(f.text, folder);
        assertEquals(f.ranges.size(), codes.length, "fixture has " + f.ranges.size() + " markers for " + codes.length + " codes");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < codes.length; i++) {
            expected.add(codes[i] + "@" + f.ranges.get(i));
        }
        List<String> got = actual.stream().map(d -> d.code() + "@" + d.range()).collect(Collectors.toList());
        assertEquals(expected.stream().sorted().toList(), got.stream().sorted().toList(),
                () -> "messages:\n" + actual.stream().map(d -> d.code() + "@" + d.range() + " " + d.message())
                        .collect(Collectors.joining("\n")));
    }
}

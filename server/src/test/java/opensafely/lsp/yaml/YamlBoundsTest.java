package opensafely.lsp.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;

/**
 * YAML the library cannot finish on its own (self-referencing merges, alias bombs, huge texts) ends as a
 * diagnostic, within a bound of time, instead of spinning. Preemptive timeouts: a regression fails the
 * test instead of hanging the build.
 */
class YamlBoundsTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    private static List<Diagnostic> diagnostics(String text) {
        Document doc = new Document(Path.of("/nonexistent/study/project.yaml"), text, 1, StudyFolder.none());
        return assertTimeoutPreemptively(BOUND, () -> new StudyLanguageService().diagnostics(doc));
    }

    @Test
    void aMappingThatMergesItselfEndsWithAWarningOnItsAnchor() {
        String text = "version: '4.0'\nx: &x\n  <<: *x\nactions: {}\n";
        YamlDocument doc = assertTimeoutPreemptively(BOUND, () -> new YamlLoader().load(text));
        assertEquals(List.of("yaml-recursive-alias@" + Range.of(1, 3, 1, 5)),
                doc.problems().stream().map(d -> d.code() + "@" + d.range()).toList(), doc.problems().toString());
        List<Diagnostic> all = diagnostics(text);
        assertTrue(all.stream().anyMatch(d -> d.code().equals("yaml-recursive-alias")), all.toString());
    }

    @Test
    void aSequenceThatHoldsItselfEnds() {
        YamlDocument doc = assertTimeoutPreemptively(BOUND, () -> new YamlLoader().load("a: &a [1, *a]\n"));
        assertEquals(List.of("yaml-recursive-alias"), doc.problems().stream().map(Diagnostic::code).toList());
    }

    @Test
    void mergeKeysStillMergeAndMarkTheMergedEntries() {
        String text = "base: &b {run: a, outputs: o}\nderived:\n  <<: *b\n  outputs: mine\n";
        YamlDocument doc = new YamlLoader().load(text);
        assertTrue(doc.problems().isEmpty(), doc.problems().toString());
        YamlMapping derived = (YamlMapping) ((YamlMapping) doc.root().orElseThrow()).entries().get(1).value();
        assertEquals(List.of("outputs=mine:false", "run=a:true"), derived.entries().stream()
                .map(e -> e.keyText() + "=" + ((YamlScalar) e.value()).value() + ":" + e.merged()).toList());
    }

    /** Nine levels of nine aliases each: 387 million leaves if anything expanded them. */
    @Test
    void anAliasBombCostsOnlyItsOwnSize() {
        StringBuilder text = new StringBuilder("version: '4.0'\nactions: {}\nexpectations:\n  population_size: 10\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 9; i++) {
            text.append("l").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 9; j++) text.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            text.append("]\n");
        }
        text.append("config_like: {<<: [{a: *l9}, {b: *l9}]}\n");
        List<Diagnostic> all = diagnostics(text.toString());
        assertFalse(all.isEmpty());
    }

    @Test
    void aTextBeyondTheCodePointLimitIsReportedNotRead() {
        String text = "version: '4.0'\n# " + "x".repeat(YamlLoader.MAX_CODE_POINTS) + "\nactions: {}\n";
        YamlDocument doc = assertTimeoutPreemptively(BOUND, () -> new YamlLoader().load(text));
        assertTrue(doc.root().isEmpty());
        assertEquals(List.of("analysis-incomplete"), doc.problems().stream().map(Diagnostic::code).toList(), doc.problems().toString());
    }

    /**
     * One long token used to cost time quadratic in its length (15 s for a 5 MB comment): the reader
     * re-copied its 1 KiB window each time the token outgrew it. Linear now, so well within the bound.
     */
    @Test
    void aFiveMegabyteCommentLineAndStringAreReadInLinearTime() {
        String mb5 = "x".repeat(5_000_000);
        String text = "version: '4.0'\n# " + mb5 + "\nactions:\n  a:\n    run: '" + mb5 + "'\n    outputs: {}\n";
        YamlDocument doc = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> new YamlLoader().load(text));
        assertTrue(doc.problems().isEmpty(), doc.problems().toString());
        diagnostics(text);
    }
}

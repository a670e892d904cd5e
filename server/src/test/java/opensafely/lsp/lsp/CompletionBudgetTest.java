package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Range;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.junit.jupiter.api.Test;

/** Completion answers on very large projects: what is typed filters them, and the editor is told to ask again. */
class CompletionBudgetTest {
    @Test
    void smallListsPassUntouched() {
        List<Completion> few = List.of(item("a", 0), item("b", 1));
        assertEquals(new CompletionBudget.Limited(few, false), CompletionBudget.limit(few, new LineIndex("x")));
    }

    @Test
    void largeListsAreFilteredByTheTypedLettersInOrder() {
        assertTrue(CompletionBudget.matches("generate_input_prevax_main", "gipm"));
        assertTrue(CompletionBudget.matches("Generate", "gen"));
        assertFalse(CompletionBudget.matches("generate", "gx"));
    }

    @Test
    void aThreeThousandActionProjectGetsAFilteredIncompleteList() throws Exception {
        StringBuilder yaml = new StringBuilder("version: '4.0'\nactions:\n");
        for (int i = 0; i < 3000; i++) {
            yaml.append("  step_").append(i).append(":\n    run: python:v2 python analysis/s.py\n")
                    .append("    outputs:\n      moderately_sensitive:\n        t: output/t_").append(i).append(".csv\n");
        }
        yaml.append("  last:\n    run: python:v2 python analysis/s.py\n    needs:\n    - step_12\n")
                .append("    outputs:\n      moderately_sensitive:\n        t: output/last.csv\n");
        String text = yaml.toString();
        int line = (int) text.lines().count() - 4; // `    - step_12`
        try (InJvmServer lsp = new InJvmServer(new DelegatingService(), Duration.ZERO)) {
            lsp.initialize();
            String uri = "file:///nonexistent/study/project.yaml";
            lsp.open(uri, text);
            var list = lsp.remote.getTextDocumentService().completion(new CompletionParams(new TextDocumentIdentifier(uri),
                    new org.eclipse.lsp4j.Position(line, 10))).get(60, TimeUnit.SECONDS).getRight(); // after `- step_`
            assertTrue(list.isIncomplete(), "capped, so the editor asks again");
            assertEquals(CompletionBudget.MAX_ITEMS, list.getItems().size());
            assertTrue(list.getItems().stream().allMatch(i -> i.getLabel().startsWith("step_")));

            var narrower = lsp.remote.getTextDocumentService().completion(new CompletionParams(new TextDocumentIdentifier(uri),
                    new org.eclipse.lsp4j.Position(line, 13))).get(60, TimeUnit.SECONDS).getRight(); // after `- step_12`
            assertTrue(narrower.getItems().stream().allMatch(i -> CompletionBudget.matches(i.getLabel(), "step_12")));
            assertTrue(narrower.getItems().stream().anyMatch(i -> i.getLabel().equals("step_120")));
        }
    }

    private static Completion item(String label, int order) {
        return new Completion(label, Completion.Kind.REFERENCE, null, null, label, false, Range.of(0, 0, 0, 0), String.valueOf(order));
    }
}

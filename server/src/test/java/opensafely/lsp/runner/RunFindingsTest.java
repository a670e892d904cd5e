package opensafely.lsp.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectParser;
import opensafely.lsp.text.LineIndex;
import org.junit.jupiter.api.Test;

/** The editor-neutral half of running from the editor: the lens texts and the findings a failed job becomes. */
class RunFindingsTest {
    private static JobResult failed(String action, List<String> missingNeeds) {
        return new JobResult(action, "j", "nonzero_exit", 1, "Job exited with an error", Map.of(), Map.of(), List.of(), List.of(),
                Map.of(), missingNeeds, null, List.of("Traceback", "FileNotFoundError: output/a.csv"), "metadata/" + action + ".log");
    }

    private static String apply(String text, TextEdit e) {
        LineIndex lines = new LineIndex(text);
        return text.substring(0, lines.offset(e.range().start())) + e.newText() + text.substring(lines.offset(e.range().end()));
    }

    private static String fixed(String text) {
        Project p = new ProjectParser().parse(text);
        RunFindings f = new RunFindings();
        f.record(failed("b", List.of("a")), p, text);
        List<Diagnostic> ds = f.diagnostics(p, text);
        assertEquals(1, ds.size());
        assertEquals("run-missing-needs", ds.get(0).code());
        return apply(text, ds.get(0).fixes().get(0).edits().get(0));
    }

    private static final String HEAD = "version: '5'\nactions:\n  a:\n    run: python:v2 python a.py\n    outputs:\n      highly_sensitive:\n        x: output/a.csv\n";

    @Test
    void theNeedsFixAddsToABlockListAFlowListOrANewLine() {
        assertEquals(HEAD + "  b:\n    needs:\n      - c\n      - a\n    run: python:v2 python b.py\n",
                fixed(HEAD + "  b:\n    needs:\n      - c\n    run: python:v2 python b.py\n"));
        assertEquals(HEAD + "  b:\n    needs: [c, a]\n    run: python:v2 python b.py\n",
                fixed(HEAD + "  b:\n    needs: [c]\n    run: python:v2 python b.py\n"));
        assertEquals(HEAD + "  b:\n    needs: [a]\n    run: python:v2 python b.py\n",
                fixed(HEAD + "  b:\n    needs: []\n    run: python:v2 python b.py\n"));
        assertEquals(HEAD + "  b:\n    needs: [a]\n    run: python:v2 python b.py\n",
                fixed(HEAD + "  b:\n    run: python:v2 python b.py\n"));
    }

    @Test
    void aFindingGoesWhenItsActionIsEditedOrSucceeds() {
        String text = HEAD + "  b:\n    run: python:v2 python b.py\n";
        Project p = new ProjectParser().parse(text);
        RunFindings f = new RunFindings();
        f.record(failed("b", List.of()), p, text);
        assertEquals("run-failed", f.diagnostics(p, text).get(0).code());
        assertTrue(f.diagnostics(p, text).get(0).message().contains("FileNotFoundError: output/a.csv"));
        // An edit elsewhere keeps it, on the moved name.
        String other = text.replace("python a.py", "python aa.py");
        assertEquals(1, f.diagnostics(new ProjectParser().parse(other), other).size());
        String edited = text.replace("python b.py", "python b2.py");
        assertEquals(List.of(), f.diagnostics(new ProjectParser().parse(edited), edited));
        f.record(new JobResult("b", "k", "succeeded", 0, "Completed successfully", Map.of(), Map.of(), List.of(), List.of(), Map.of(),
                List.of(), null, List.of(), "metadata/b.log"), p, text);
        assertEquals(List.of(), f.diagnostics(p, text));
    }

    @Test
    void theStateLensSaysWhenAndHow() {
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        assertEquals("never run", RunLenses.stateText(Optional.empty(), now));
        assertEquals("succeeded 3 min ago", RunLenses.stateText(Optional.of(new JobRecord("j", "succeeded", "succeeded", 0, "Completed successfully",
                Map.of(), "2026-01-01T11:56:00Z", "2026-01-01T11:57:00Z")), now));
        assertEquals("failed: exit 1, 2 h ago", RunLenses.stateText(Optional.of(new JobRecord("j", "failed", "nonzero_exit", 1, "Job exited with an error",
                Map.of(), "2026-01-01T09:59:00Z", "2026-01-01T10:00:00Z")), now));
        assertEquals("failed: No outputs found matching patterns, just now", RunLenses.stateText(Optional.of(new JobRecord("j", "failed",
                "unmatched_patterns", 0, "No outputs found matching patterns", Map.of(), "2026-01-01T11:59:50Z", "2026-01-01T11:59:55Z")), now));
    }
}

package opensafely.lsp.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import opensafely.lsp.SharedData;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;

/**
 * Broken input is a diagnostic, never an exception: real files cut off mid-typing, with random
 * characters inserted, and pathological inputs. Every range must lie inside the document.
 */
class RobustnessTest {
    private static final String CHARS = ":-[]{}\"'\n \t#&*!|>,?%@`\\\u0000😀";

    private static List<Diagnostic> check(String text) {
        List<Diagnostic> d = new PipelineChecker().check(new ProjectParser().parse(text), StudyFolder.none());
        LineIndex lines = new LineIndex(text);
        for (Diagnostic x : d) {
            assertTrue(x.range().start().compareTo(x.range().end()) <= 0, () -> "inverted range " + x);
            assertTrue(x.range().end().line() < lines.lineCount(), () -> "range past the end " + x);
            assertTrue(x.range().end().character() <= lines.lineText(x.range().end().line()).length(), () -> "range past the line " + x);
        }
        return d;
    }

    @Test
    void realFilesCutAndMutatedNeverThrow() throws IOException {
        Random random = new Random(42);
        for (String repo : List.of("death-report", "pharmacy-first", "SRO-Measures", "carehomes-research")) {
            String text = Files.readString(SharedData.dir().resolve("corpus").resolve(repo).resolve("project.yaml"));
            for (int i = 0; i < 150; i++) {
                int cut = random.nextInt(text.length() + 1);
                check(text.substring(0, cut));
                StringBuilder mutated = new StringBuilder(text);
                for (int k = 0; k < 3; k++) {
                    int at = random.nextInt(mutated.length() + 1);
                    mutated.insert(at, CHARS.charAt(random.nextInt(CHARS.length())));
                }
                check(mutated.toString());
            }
        }
    }

    @Test
    void tenMegabyteFileIsAnalysed() {
        StringBuilder b = new StringBuilder("version: 5\nactions:\n");
        int i = 0;
        while (b.length() < 10_000_000) {
            b.append("  action_").append(i).append(":\n    run: python:v2 python analysis/a_").append(i)
                    .append(".py\n    outputs:\n      moderately_sensitive:\n        table: output/t_").append(i).append(".csv\n");
            i++;
        }
        List<Diagnostic> d = check(b.toString());
        assertFalse(d.stream().anyMatch(x -> x.severity() == Severity.ERROR), () -> d.get(0).toString());
    }

    @Test
    void pathologicalInputsAreDiagnostics() {
        for (String text : List.of("", "\n", "---", "--- !!map\n", "%YAML 1.1\n---\nversion: yes\n", "&a [*a]", "a: &a\n  b: *a\n",
                "? [a, b]\n: c\n", "{", "version: !!binary aGk=\nactions: {}\n", "\uFEFFversion: 5\nactions: {}\n",
                "version: 5\nactions:\n  a:\n    run: python:v2 \"\n", "x: " + "- ".repeat(3000) + "a\n")) {
            check(text);
        }
    }
}

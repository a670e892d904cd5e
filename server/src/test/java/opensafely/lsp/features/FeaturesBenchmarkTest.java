package opensafely.lsp.features;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Completion and hover on the largest real project.yaml (1,211 actions). Prints p95 timings; asserts only
 * a generous bound so that a slow machine does not fail the build, while a quadratic slip still does.
 */
class FeaturesBenchmarkTest {
    private static final Path CORPUS = Path.of(System.getProperty("shared.dir", "/work/shared"),
            "corpus", "post-covid-neurodegenerative", "project.yaml");

    @Test
    void completionAndHoverOnALargeProject() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(CORPUS), "corpus not available");
        String text = Files.readString(CORPUS);
        LineIndex lines = new LineIndex(text);
        StudyLanguageService service = new StudyLanguageService();
        // Cursor places near the end of the file: the last `- name` needs item, a run value, a key line.
        int lastNeedsItem = -1, lastRun = -1, lastNeedsKey = -1;
        for (int l = 0; l < lines.lineCount(); l++) {
            String t = lines.lineText(l);
            if (t.startsWith("    - ")) lastNeedsItem = l;
            if (t.startsWith("    run: ")) lastRun = l;
            if (t.startsWith("    needs:")) lastNeedsKey = l;
        }
        Position needsItem = new Position(lastNeedsItem, lines.lineText(lastNeedsItem).length());
        Position runImage = new Position(lastRun, 10);
        Position hoverName = new Position(lastNeedsItem, 7);

        int[] version = {0};
        // Each completion after an edit sees a new document version (new text), as in the editor.
        Supplier<Document> edited = () -> {
            version[0]++;
            String t = text + "\n# edit " + version[0] + "\n";
            return new Document(CORPUS, t, version[0], StudyFolder.none());
        };
        Document same = new Document(CORPUS, text, 0, StudyFolder.none());
        assertFalse(service.complete(same, needsItem).isEmpty());
        assertTrue(service.hover(same, hoverName).isPresent());

        long[] completeSame = time(50, () -> service.complete(same, needsItem));
        long[] hoverSame = time(50, () -> service.hover(same, hoverName));
        long[] runSame = time(50, () -> service.complete(same, runImage));
        long[] completeEdited = time(30, () -> service.complete(edited.get(), needsItem));
        System.out.printf("features on %d actions: completion(needs) p95 %.1f ms, completion(run) p95 %.1f ms, hover p95 %.1f ms, "
                        + "completion after an edit (includes parsing) p95 %.1f ms%n",
                service.project(same).actions().size(), p95(completeSame), p95(runSame), p95(hoverSame), p95(completeEdited));
        assertTrue(p95(completeSame) < 200 && p95(hoverSame) < 200, "far too slow");
    }

    private static long[] time(int n, Runnable r) {
        for (int i = 0; i < 5; i++) r.run();
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            r.run();
            out.add(System.nanoTime() - t0);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static double p95(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return s[(int) Math.ceil(s.length * 0.95) - 1] / 1e6;
    }
}

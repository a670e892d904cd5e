package opensafely.lsp.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Completion and hover on the largest real project.yaml (1,211 actions), at the end of the file and after an
 * edit, answer as on a small one. How fast they answer is measured by bench/ (bash bench/run.sh), not here.
 */
class LargeProjectFeaturesTest {
    private static final Path CORPUS = Path.of(System.getProperty("shared.dir", "/work/shared"),
            "corpus", "post-covid-neurodegenerative", "project.yaml");

    @Test
    void completionAndHoverOnALargeProject() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(CORPUS), "corpus not available");
        String text = Files.readString(CORPUS);
        LineIndex lines = new LineIndex(text);
        StudyLanguageService service = new StudyLanguageService();
        // Cursor places near the end of the file: the last `- name` needs item and a run value.
        int lastNeedsItem = -1, lastRun = -1;
        for (int l = 0; l < lines.lineCount(); l++) {
            String t = lines.lineText(l);
            if (t.startsWith("    - ")) lastNeedsItem = l;
            if (t.startsWith("    run: ")) lastRun = l;
        }
        Position needsItem = new Position(lastNeedsItem, lines.lineText(lastNeedsItem).length());
        Position runImage = new Position(lastRun, 10);
        Position hoverName = new Position(lastNeedsItem, 7);
        String named = lines.lineText(lastNeedsItem).trim().substring(2);

        Document same = new Document(CORPUS, text, 0, StudyFolder.none());
        assertEquals(1211, service.project(same).actions().size());
        List<String> needs = service.complete(same, needsItem).stream().map(Completion::label).toList();
        assertTrue(needs.contains(named), named + " in " + needs.size() + " items");
        assertTrue(service.complete(same, runImage).stream().anyMatch(c -> c.label().startsWith("ehrql")));
        assertTrue(service.hover(same, hoverName).orElseThrow().markdown().contains(named));

        // After an edit (a new version, so a new parse) the answers are the same.
        Document edited = new Document(CORPUS, text + "\n# edit\n", 1, StudyFolder.none());
        assertEquals(needs, service.complete(edited, needsItem).stream().map(Completion::label).toList());
    }
}

package opensafely.lsp.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import opensafely.lsp.editor.HoverInfo;
import opensafely.lsp.text.Range;
import org.junit.jupiter.api.Test;

class ProjectHoverTest {
    private final StudyLanguageService service = new StudyLanguageService();

    private static final String PROJECT = """
            version: 5
            actions:
              generate_dataset:
                run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                outputs:
                  highly_sensitive:
                    dataset: output/dataset.csv.gz
              "model":
                run: python:v2 python analysis/model.py
                needs: [generate_dataset]
                outputs:
                  moderately_sensitive:
                    table: output/model.csv
              report:
                run: r:v2 analysis/report.R
                needs:
                  - model
                  - generate_dataset
                outputs:
                  moderately_sensitive:
                    plot: output/plot.png
            """;

    private Optional<HoverInfo> hoverAt(String target, int delta) {
        int at = PROJECT.indexOf(target) + delta;
        String marked = PROJECT.substring(0, at) + "|" + PROJECT.substring(at);
        Fixture f = Fixture.of(marked);
        return service.hover(f.doc(), f.caret());
    }

    private String hoverText(String target) {
        return hoverAt(target, 1).orElseThrow(() -> new AssertionError("no hover at " + target)).markdown();
    }

    @Test
    void topLevelAndActionKeys() {
        assertTrue(hoverText("version").contains("format"), hoverText("version"));
        assertTrue(hoverText("actions").contains("action name"));
        String run = hoverText("run:");
        assertTrue(run.contains("`run`") && run.contains("image:version"), run);
        assertTrue(hoverText("needs: [").contains("run first"));
    }

    @Test
    void privacyLevels() {
        String md = hoverText("moderately_sensitive");
        assertTrue(md.contains("moderately_sensitive") && md.contains(".csv"), md);
    }

    @Test
    void latestAdvicePinsTheImagesCurrentVersion() {
        String python = ProjectHover.imageDoc("python", "latest", 4);
        assertTrue(python.contains("`python:v2`") && !python.contains(":v1`"), python);
        assertTrue(ProjectHover.imageDoc("ehrql", "latest", 5).contains("`ehrql:v1`"));
    }

    @Test
    void imageAndItsVersion() {
        HoverInfo h = hoverAt("ehrql:v1", 2).orElseThrow();
        assertTrue(h.markdown().contains("ehrQL") && h.markdown().contains("major version"), h.markdown());
        assertEquals(Range.of(3, 9, 3, 17), h.range());
        assertTrue(hoverText("generate-dataset").contains("highly_sensitive"));
    }

    @Test
    void actionNameShowsRunNeedsOutputsAndDependents() {
        HoverInfo h = hoverAt("generate_dataset:", 3).orElseThrow();
        String md = h.markdown();
        assertTrue(md.contains("ehrql:v1 generate-dataset"), md);
        assertTrue(md.contains("output/dataset.csv.gz"), md);
        assertTrue(md.contains("Needed by:** `model`, `report`"), md);
        assertEquals(Range.of(2, 2, 2, 18), h.range());
    }

    @Test
    void actionNameInNeedsAndQuotedKey() {
        String md = hoverText("model\n");
        assertTrue(md.contains("**Action `model`**") && md.contains("**Needs:** `generate_dataset`")
                && md.contains("Needed by:** `report`"), md);
        HoverInfo quoted = hoverAt("\"model\"", 2).orElseThrow();
        assertEquals(Range.of(7, 3, 7, 8), quoted.range());
    }

    @Test
    void unknownActionInNeeds() {
        Fixture f = Fixture.of("version: 5\nactions:\n  a:\n    run: python:v2 x\n    needs: [nop|e]\n");
        assertTrue(service.hover(f.doc(), f.caret()).orElseThrow().markdown().contains("Unknown action"));
    }

    @Test
    void keysInBrokenYaml() {
        Fixture f = Fixture.of("version: 5\nactions:\n  a:\n    ne|eds: [b\n");
        HoverInfo h = service.hover(f.doc(), f.caret()).orElseThrow();
        assertTrue(h.markdown().contains("`needs`"), h.markdown());
        assertEquals(Range.of(3, 4, 3, 9), h.range());
    }

    @Test
    void nothingOnPlainValues() {
        assertTrue(hoverAt("analysis/model.py", 2).isEmpty());
    }

    @Test
    void actionNamesInBrokenYamlUseTheLastParse() {
        Fixture ok = Fixture.of(PROJECT);
        service.hover(ok.doc(), ok.caret()); // the editor saw the file parse once
        String broken = PROJECT.replace("needs: [generate_dataset]", "needs: [generate_da|taset") ;
        Fixture f = Fixture.of(broken);
        HoverInfo h = service.hover(f.doc(), f.caret()).orElseThrow();
        assertTrue(h.markdown().contains("**Action `generate_dataset`**"), h.markdown());
        assertEquals(Range.of(9, 12, 9, 28), h.range());
    }
}

package opensafely.lsp.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.text.Range;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectCompletionTest {
    private final StudyLanguageService service = new StudyLanguageService();

    private List<Completion> complete(Fixture f) {
        return service.complete(f.doc(), f.caret());
    }

    private List<String> labels(String marked) {
        return complete(Fixture.of(marked)).stream().map(Completion::label).toList();
    }

    private void assertLabels(String marked, String... expected) {
        assertEquals(List.of(expected), labels(marked));
    }

    private static final String ACTIONS = """
            version: 5
            actions:
              a:
                run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                outputs:
                  highly_sensitive:
                    dataset: output/dataset.csv.gz
              b:
                run: python:v2 python analysis/b.py
                needs: [a]
                outputs:
                  moderately_sensitive:
                    table: output/b.csv
              c:
                run: python:v2 python analysis/c.py
                needs: [b]
                outputs:
                  moderately_sensitive:
                    table: output/c.csv
            """;

    // ---- keys ----

    @Test
    void topLevelKeysNotYetPresent() {
        assertLabels("version: 5\n|", "actions");
        assertLabels("version: 3\n|\nactions: {}\n", "expectations");
        assertLabels("|\n", "version", "actions");
    }

    @Test
    void actionKeysNotYetPresent() {
        assertLabels("version: 5\nactions:\n  a:\n    run: python:v2 python x.py\n    |\n",
                "outputs", "needs", "config", "dummy_data_file");
        assertLabels("version: 5\nactions:\n  a:\n    run: python:v2 python x.py\n    |\n    outputs:\n      highly_sensitive:\n        x: y.csv\n",
                "needs", "config", "dummy_data_file");
    }

    @Test
    void actionKeyTypedWithoutColonInBrokenYaml() {
        Fixture f = Fixture.of("version: 5\nactions:\n  a:\n    run: python:v2 python x.py\n    ou|\n  b:\n    run: r:v2 y.R\n");
        assertFalse(service.project(f.doc()).parsed(), "the fixture must be broken YAML");
        List<Completion> items = complete(f);
        assertEquals(List.of("outputs", "needs", "config", "dummy_data_file"), items.stream().map(Completion::label).toList());
        assertEquals(Range.of(4, 4, 4, 6), items.get(0).replace());
        assertEquals("outputs:", items.get(0).insertText());
    }

    @Test
    void runKeyInsertsColonAndSpace() {
        List<Completion> items = complete(Fixture.of("version: 5\nactions:\n  a:\n    r|\n"));
        Completion run = items.stream().filter(c -> c.label().equals("run")).findFirst().orElseThrow();
        assertEquals("run: ", run.insertText());
        assertEquals(Completion.Kind.PROPERTY, run.kind());
    }

    @Test
    void privacyLevelsUnderOutputs() {
        assertLabels("version: 5\nactions:\n  a:\n    run: python:v2 x\n    outputs:\n      |\n",
                "highly_sensitive", "moderately_sensitive", "minimally_sensitive");
        assertLabels("version: 5\nactions:\n  a:\n    run: python:v2 x\n    outputs:\n      highly_sensitive:\n        x: a.csv\n      m|\n",
                "moderately_sensitive", "minimally_sensitive");
    }

    @Test
    void nothingInCommentsOrForNewActionNames() {
        assertLabels("version: 5\nactions:\n  a:\n    # ru|\n");
        assertLabels("version: 5\nactions:\n  |\n");
    }

    // ---- images and commands ----

    @Test
    void imagesAtVersion5HaveNoLatestAndNoCohortExtractor() {
        List<String> labels = labels("version: 5\nactions:\n  a:\n    run: |\n");
        assertTrue(labels.containsAll(List.of("ehrql:v1", "python:v2", "python:v1", "r:v2", "stata-mp:v1", "jupyter:v1", "sqlrunner:v1")), labels.toString());
        assertTrue(labels.stream().noneMatch(l -> l.endsWith(":latest")), labels.toString());
        assertTrue(labels.stream().noneMatch(l -> l.startsWith("cohortextractor")), labels.toString());
    }

    @Test
    void imagesAtVersion4AllowLatestButNoCohortExtractor() {
        List<String> labels = labels("version: '4.0'\nactions:\n  a:\n    run: py|\n");
        assertTrue(labels.contains("python:latest"), labels.toString());
        assertTrue(labels.stream().noneMatch(l -> l.startsWith("cohortextractor")), labels.toString());
    }

    @Test
    void imagesAtVersion3IncludeCohortExtractor() {
        List<String> labels = labels("version: 3\nactions:\n  a:\n    run: |\n");
        assertTrue(labels.contains("cohortextractor:latest"), labels.toString());
    }

    @Test
    void imageReplacesTheWordTyped() {
        Completion c = complete(Fixture.of("version: 5\nactions:\n  a:\n    run: ehr|\n")).get(0);
        assertEquals("ehrql:v1", c.label());
        assertEquals(Range.of(3, 9, 3, 12), c.replace());
        assertEquals("ehrql:v1 ", c.insertText());
    }

    @Test
    void imageAfterImageKey() {
        assertTrue(labels("image: |\n").contains("ehrql:v1"));
    }

    @Test
    void imagesOnATrailingRunLineOfBrokenYaml() {
        List<String> labels = labels("version: 5\nactions:\n  a:\n    needs: [b\n    run: |\n");
        assertTrue(labels.contains("python:v2"), labels.toString());
    }

    @Test
    void commandsAfterAnImage() {
        assertLabels("version: 5\nactions:\n  a:\n    run: ehrql:v1 |\n", "generate-dataset", "generate-measures");
        assertLabels("version: 3\nactions:\n  a:\n    run: cohortextractor:latest gen|\n",
                "generate_cohort", "generate_measures", "generate_codelist_report");
    }

    @Test
    void optionsOfACommand() {
        List<String> labels = labels("version: 5\nactions:\n  a:\n    run: ehrql:v1 generate-dataset x.py --|\n");
        assertTrue(labels.contains("--output"), labels.toString());
    }

    // ---- needs ----

    @Test
    void needsOffersOtherActionsButNotItselfOrCycles() {
        // c needs b, b needs a: a may not need b or c.
        String text = ACTIONS.replace("  a:\n    run:", "  a:\n    needs: [|]\n    run:");
        assertLabels(text);
        String text2 = ACTIONS.replace("    needs: [b]\n", "    needs: [b, |]\n");
        assertLabels(text2, "a");
        String text3 = ACTIONS + "  d:\n    run: python:v2 python d.py\n    needs: [|]\n";
        assertLabels(text3, "a", "b", "c");
    }

    @Test
    void needsInsertsTheNameAtTheWordTyped() {
        String text = ACTIONS + "  d:\n    run: python:v2 python d.py\n    needs: [a, |]\n";
        List<Completion> items = complete(Fixture.of(text));
        assertEquals(List.of("b", "c"), items.stream().map(Completion::label).toList());
        Completion b = items.get(0);
        assertEquals("b", b.insertText());
        assertEquals(Completion.Kind.REFERENCE, b.kind());
        assertEquals(Range.of(21, 15, 21, 15), b.replace());
    }

    @Test
    void needsUnterminatedFlowListInBrokenYaml() {
        String text = ACTIONS + "  d:\n    run: python:v2 python d.py\n    needs: [c, |\n    outputs:\n      highly_sensitive:\n        x: d.csv\n";
        Fixture f = Fixture.of(text);
        assertFalse(service.project(f.doc()).parsed());
        assertEquals(List.of("a", "b"), complete(f).stream().map(Completion::label).toList());
    }

    @Test
    void needsUnterminatedPartialNameInBrokenYaml() {
        String text = ACTIONS + "  d:\n    run: python:v2 python d.py\n    needs: [c, b|\n";
        Completion item = complete(Fixture.of(text)).stream().filter(c -> c.label().equals("b")).findFirst().orElseThrow();
        assertEquals(Range.of(21, 15, 21, 16), item.replace());
    }

    @Test
    void needsBlockList() {
        String text = ACTIONS + "  d:\n    run: python:v2 python d.py\n    needs:\n      - a\n      - |\n";
        assertLabels(text, "b", "c");
        String sameIndent = ACTIONS + "  d:\n    run: python:v2 python d.py\n    needs:\n    - b\n    - |\n";
        assertLabels(sameIndent, "a", "c");
    }

    @Test
    void needsWithoutBracketsInsertsAList() {
        String text = ACTIONS + "  d:\n    run: python:v2 python d.py\n    needs: |\n";
        Completion a = complete(Fixture.of(text)).get(0);
        assertEquals("a", a.label());
        assertEquals("[a]", a.insertText());
    }

    @Test
    void needsWhenNothingParsesFallsBackToTheText() {
        String text = "version: 5\nactions:\n  a:\n    run: [\n  b:\n    run: python:v2 x\n    needs: [|\n";
        assertLabels(text, "a");
    }

    // ---- paths ----

    @Test
    void scriptPathsInRun(@TempDir Path dir) {
        Fixture.touch(dir, "analysis/model.py", "analysis/study_definition.py", "analysis/notes.txt", "output/x.csv");
        Fixture f = Fixture.in(dir, "version: 5\nactions:\n  a:\n    run: python:v2 python analysis/|\n");
        List<Completion> items = complete(f);
        assertEquals(List.of("model.py", "study_definition.py", "notes.txt"),
                items.stream().sorted(java.util.Comparator.comparing(Completion::sortText)).map(Completion::label).toList());
        assertEquals(Range.of(3, 35, 3, 35), items.get(0).replace());
        assertEquals(Completion.Kind.FILE, items.get(0).kind());
    }

    @Test
    void foldersAtTheRootOfTheStudy(@TempDir Path dir) {
        Fixture.touch(dir, "analysis/model.py", "metadata/log.txt");
        Fixture f = Fixture.in(dir, "version: 5\nactions:\n  a:\n    run: python:v2 python an|\n");
        List<String> labels = complete(f).stream().map(Completion::label).toList();
        assertTrue(labels.contains("analysis/"), labels.toString());
        assertFalse(labels.contains("metadata/"), labels.toString());
        List<String> afterImage = complete(Fixture.in(dir, "version: 5\nactions:\n  a:\n    run: python:v2 |\n"))
                .stream().map(Completion::label).toList();
        assertTrue(afterImage.containsAll(List.of("python", "analysis/")), afterImage.toString());
    }

    @Test
    void pathsAfterEhrqlCommandAndOutputOption(@TempDir Path dir) {
        Fixture.touch(dir, "analysis/dataset_definition.py", "output/old.csv");
        assertEquals(List.of("dataset_definition.py"), complete(Fixture.in(dir,
                "version: 5\nactions:\n  a:\n    run: ehrql:v1 generate-dataset analysis/|\n")).stream().map(Completion::label).toList());
        assertEquals(List.of("old.csv"), complete(Fixture.in(dir,
                "version: 5\nactions:\n  a:\n    run: ehrql:v1 generate-dataset x.py --output output/|\n")).stream().map(Completion::label).toList());
    }

    @Test
    void studyDefinitionNames(@TempDir Path dir) {
        Fixture.touch(dir, "analysis/study_definition.py", "analysis/study_definition_2.py", "analysis/other.py");
        assertEquals(List.of("study_definition", "study_definition_2"), complete(Fixture.in(dir,
                "version: 3\nactions:\n  a:\n    run: cohortextractor:latest generate_cohort --study-definition |\n"))
                .stream().map(Completion::label).toList());
    }

    @Test
    void outputPaths(@TempDir Path dir) {
        Fixture.touch(dir, "output/tables/t1.csv");
        Fixture f = Fixture.in(dir, "version: 5\nactions:\n  a:\n    run: python:v2 x\n    outputs:\n      moderately_sensitive:\n        t: output/|\n");
        assertEquals(List.of("tables/"), complete(f).stream().map(Completion::label).toList());
    }

    @Test
    void noPathsWithoutAStudyFolder() {
        assertLabels("version: 5\nactions:\n  a:\n    run: python:v2 python analysis/|\n");
    }

    // ---- more editing situations ----

    @Test
    void optionsOnARunContinuationLine() {
        List<String> labels = labels("version: 5\nactions:\n  a:\n    run: ehrql:v1 generate-dataset analysis/x.py\n      --|\n");
        assertTrue(labels.containsAll(List.of("--output", "--dummy-tables")), labels.toString());
    }

    @Test
    void needsFlowListOverSeveralLines() {
        String text = ACTIONS + "  d:\n    run: python:v2 python d.py\n    needs: [a,\n      |]\n";
        assertLabels(text, "b", "c");
    }

    @Test
    void nothingAfterAClosedNeedsList() {
        String text = ACTIONS + "  d:\n    run: python:v2 python d.py\n    needs: [a]|\n";
        assertLabels(text);
    }

    @Test
    void replacingAnExistingKeyKeepsItsValue() {
        List<Completion> items = complete(Fixture.of("version: 5\nactions:\n  a:\n    ne|ds: [b]\n    run: x\n"));
        Completion needs = items.stream().filter(c -> c.label().equals("needs")).findFirst().orElseThrow();
        assertEquals("needs", needs.insertText());
        assertEquals(Range.of(3, 4, 3, 8), needs.replace());
    }

    @Test
    void windowsLineEndings() {
        assertLabels("version: 5\r\nactions:\r\n  a:\r\n    run: python:v2 x\r\n    outputs:\r\n      |\r\n",
                "highly_sensitive", "moderately_sensitive", "minimally_sensitive");
    }

    @Test
    void emptyFileAndQuotedRun() {
        assertLabels("|", "version", "actions");
        List<String> labels = labels("version: 5\nactions:\n  a:\n    run: \"ehrql:v1 |\"\n");
        assertEquals(List.of("generate-dataset", "generate-measures"), labels);
    }

    @Test
    void versionValues() {
        assertEquals("5", labels("version: |\n").get(0));
    }
}

package opensafely.lsp.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.editor.Symbol;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Location;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectNavigationTest {
    private final StudyLanguageService service = new StudyLanguageService();

    private static final String PROJECT = """
            version: 5
            actions:
              generate_dataset:
                run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                outputs:
                  highly_sensitive:
                    dataset: output/dataset.csv.gz
              'model':
                run: python:v2 python analysis/model.py
                needs: [generate_dataset]
                outputs:
                  moderately_sensitive:
                    table: output/model.csv
              report:
                run: r:v2 analysis/report.R
                needs:
                  - model
                  - "generate_dataset"
                outputs:
                  moderately_sensitive:
                    plot: output/plot.png
            """;

    private static Fixture at(String text, String target, int delta) {
        int at = text.indexOf(target) + delta;
        return Fixture.of(text.substring(0, at) + "|" + text.substring(at));
    }

    @Test
    void needsEntryGoesToTheAction() {
        Fixture f = at(PROJECT, "[generate_dataset]", 3);
        List<Location> locs = service.definition(f.doc(), f.caret());
        assertEquals(List.of(new Location(f.doc().path(), Range.of(2, 2, 2, 18))), locs);
        Fixture g = at(PROJECT, "- model", 3);
        assertEquals(List.of(new Location(g.doc().path(), Range.of(7, 3, 7, 8))), service.definition(g.doc(), g.caret()));
    }

    @Test
    void scriptPathsGoToTheFile(@TempDir Path dir) {
        Fixture.touch(dir, "analysis/model.py", "analysis/dataset_definition.py");
        String marked = PROJECT.replace("analysis/model.py", "analysis/mo|del.py");
        Fixture f = Fixture.in(dir, marked);
        assertEquals(List.of(new Location(dir.toAbsolutePath().normalize().resolve("analysis/model.py"), Range.of(0, 0, 0, 0))),
                service.definition(f.doc(), f.caret()));
        Fixture g = Fixture.in(dir, PROJECT.replace("generate-dataset analysis/dataset", "generate-dataset analysis/data|set"));
        assertEquals(dir.toAbsolutePath().normalize().resolve("analysis/dataset_definition.py"),
                service.definition(g.doc(), g.caret()).get(0).path());
        // report.R does not exist: nowhere to go.
        Fixture h = Fixture.in(dir, PROJECT.replace("analysis/report.R", "analysis/rep|ort.R"));
        assertEquals(List.of(), service.definition(h.doc(), h.caret()));
    }

    @Test
    void studyDefinitionModuleGoesToItsFile(@TempDir Path dir) {
        Fixture.touch(dir, "analysis/study_definition_x.py", "analysis/study_definition.py");
        String text = "version: 3\nactions:\n  a:\n    run: cohortextractor:latest generate_cohort --study-definition study_def|inition_x\n"
                + "    outputs:\n      highly_sensitive:\n        cohort: output/input_x.csv\n";
        Fixture f = Fixture.in(dir, text);
        assertEquals(dir.toAbsolutePath().normalize().resolve("analysis/study_definition_x.py"),
                service.definition(f.doc(), f.caret()).get(0).path());
        Fixture g = Fixture.in(dir, "version: 3\nactions:\n  a:\n    run: cohortextractor:latest generate_co|hort\n");
        assertEquals(dir.toAbsolutePath().normalize().resolve("analysis/study_definition.py"),
                service.definition(g.doc(), g.caret()).get(0).path());
    }

    @Test
    void referencesOfAnAction() {
        Fixture f = at(PROJECT, "generate_dataset:", 1);
        Path p = f.doc().path();
        assertEquals(List.of(new Location(p, Range.of(9, 12, 9, 28)), new Location(p, Range.of(17, 9, 17, 25))),
                service.references(f.doc(), f.caret(), false));
        Fixture g = at(PROJECT, "- model", 2);
        assertEquals(List.of(new Location(p, Range.of(7, 3, 7, 8)), new Location(p, Range.of(16, 8, 16, 13))),
                service.references(g.doc(), g.caret(), true));
    }

    @Test
    void prepareRenameGivesTheNameInsideQuotes() {
        Fixture f = at(PROJECT, "'model'", 3);
        assertEquals(Optional.of(Range.of(7, 3, 7, 8)), service.prepareRename(f.doc(), f.caret()));
        Fixture g = at(PROJECT, "run: r:v2", 2);
        assertEquals(Optional.empty(), service.prepareRename(g.doc(), g.caret()));
    }

    @Test
    void renameChangesTheKeyAndEveryNeeds() {
        Fixture f = at(PROJECT, "[generate_dataset]", 5);
        List<TextEdit> edits = service.rename(f.doc(), f.caret(), "extract");
        assertEquals(List.of(
                new TextEdit(Range.of(2, 2, 2, 18), "extract"),
                new TextEdit(Range.of(9, 12, 9, 28), "extract"),
                new TextEdit(Range.of(17, 9, 17, 25), "extract")), edits);
        Fixture g = at(PROJECT, "'model'", 2);
        assertEquals(List.of(new TextEdit(Range.of(7, 3, 7, 8), "fit"), new TextEdit(Range.of(16, 8, 16, 13), "fit")),
                service.rename(g.doc(), g.caret(), "fit"));
    }

    @Test
    void renameRefusesBadOrTakenNames() {
        Fixture f = at(PROJECT, "report:", 1);
        assertEquals(List.of(), service.rename(f.doc(), f.caret(), ""));
        assertEquals(List.of(), service.rename(f.doc(), f.caret(), "two words"));
        assertEquals(List.of(), service.rename(f.doc(), f.caret(), "model"));
        assertEquals(List.of(), service.rename(f.doc(), f.caret(), "a: b"));
        assertTrue(!service.rename(f.doc(), f.caret(), "report-2").isEmpty());
    }

    @Test
    void symbolsAreTheActions() {
        Fixture f = Fixture.of(PROJECT);
        List<Symbol> symbols = service.symbols(f.doc());
        assertEquals(List.of("version", "generate_dataset", "model", "report"), symbols.stream().map(Symbol::name).toList());
        Symbol model = symbols.get(2);
        assertEquals(Symbol.Kind.ACTION, model.kind());
        assertEquals("python:v2 python analysis/model.py", model.detail());
        assertEquals(Range.of(7, 3, 7, 8), model.selectionRange());
        assertEquals(7, model.range().start().line());
        assertTrue(model.range().end().line() >= 12);
        assertEquals(List.of("table"), model.children().stream().map(Symbol::name).toList());
        assertEquals(Symbol.Kind.KEY, symbols.get(0).kind());
        assertEquals("5", symbols.get(0).detail());
    }

    @Test
    void nothingForBrokenYaml() {
        Fixture f = Fixture.of("version: 5\nactions:\n  a:\n    needs: [b|\n");
        assertEquals(List.of(), service.symbols(f.doc()));
        assertEquals(List.of(), service.definition(f.doc(), f.caret()));
        assertEquals(Optional.empty(), service.prepareRename(f.doc(), f.caret()));
    }
}

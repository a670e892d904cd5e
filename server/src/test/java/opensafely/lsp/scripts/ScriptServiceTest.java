package opensafely.lsp.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import opensafely.lsp.DiagnosticAssertions;
import opensafely.lsp.MarkedText;
import opensafely.lsp.editor.HoverInfo;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.Location;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The editor on a script: hover and go to definition on a path and on a column, through the dispatcher. */
class ScriptServiceTest {
    @TempDir
    Path study;

    private static final String PROJECT = """
            version: '4.0'
            actions:
              generate_dataset:
                run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                outputs:
                  highly_sensitive:
                    dataset: output/dataset.csv.gz
              report:
                run: python:v2 python analysis/report.py
                needs: [generate_dataset]
                outputs:
                  moderately_sensitive:
                    table: output/table.csv
            """;

    private Document open(String project, String definition, MarkedText script) {
        DiagnosticAssertions.writeFiles(study, Map.of("project.yaml", project, "analysis/dataset_definition.py", definition,
                "analysis/report.py", script.text()));
        return new Document(study.resolve("analysis/report.py"), script.text(), 1, StudyFolder.at(study));
    }

    private static final String DEFINITION = """
            from ehrql import create_dataset
            from ehrql.tables.core import patients

            dataset = create_dataset()
            dataset.define_population(patients.date_of_birth.is_not_null())
            dataset.sex = patients.sex
            """;

    @Test
    void hoverOnAPathSaysWhichActionMakesItAndItsLevel() {
        MarkedText m = MarkedText.parse("import pandas as pd\ndf = pd.read_csv(\"output/data‸set.csv.gz\")\n");
        HoverInfo h = new StudyLanguageService().hover(open(PROJECT, DEFINITION, m), m.cursor()).orElseThrow();
        assertTrue(h.markdown().contains("Made by action `generate_dataset` as `dataset` (highly_sensitive)"), h.markdown());
    }

    @Test
    void definitionOnAPathIsItsOutputPattern() {
        MarkedText m = MarkedText.parse("import pandas as pd\ndf = pd.read_csv(\"output/data‸set.csv.gz\")\n");
        MarkedText project = MarkedText.parse(PROJECT.replace("dataset: output/dataset.csv.gz", "dataset: «output/dataset.csv.gz»"));
        List<Location> to = new StudyLanguageService().definition(open(project.text(), DEFINITION, m), m.cursor());
        assertEquals(List.of(new Location(study.resolve("project.yaml"), project.ranges().get(0))), to);
    }

    @Test
    void definitionOnAColumnIsTheVariable() {
        MarkedText m = MarkedText.parse("import pandas as pd\ndf = pd.read_csv(\"output/dataset.csv.gz\")\ndf[\"s‸ex\"]\n");
        MarkedText def = MarkedText.parse(DEFINITION.replace("dataset.sex =", "dataset.«sex» ="));
        List<Location> to = new StudyLanguageService().definition(open(PROJECT, def.text(), m), m.cursor());
        assertEquals(List.of(new Location(study.resolve("analysis/dataset_definition.py"), def.ranges().get(0))), to);
    }
}

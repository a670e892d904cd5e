package opensafely.lsp.features;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.pipeline.ProjectParser;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;

/**
 * Every feature at every position of texts as they look while being typed: none may throw. Calls the
 * feature classes directly, because the service would swallow the exception.
 */
class FeaturesRobustnessTest {
    private static final String TEXT = """
            version: '4.0'
            expectations:
              population_size: 1000
            actions:
              # first
              'a':
                run: >
                  ehrql:v1 generate-dataset "analysis/dataset definition.py"
                  --output output/dataset.csv.gz
                outputs:
                  highly_sensitive:
                    dataset: output/dataset.csv.gz
              b:
                run: python:v2 python analysis/b.py --config '{"x": [1, 2]}'
                needs: [a, "c", missing, 1]
                config: {x: 1}
                outputs: {moderately_sensitive: {t: output/b.csv}}
              c:
                run: cohortextractor:latest generate_cohort --study-definition=study_definition
                needs:
                - a
                -
                - [nested]
                outputs:
                  highly_sensitive:
                    cohort: output/input.csv
              d: &anchor
                run: 'stata-mp:v1 analysis/x.do'
                outputs:
                  minimally_sensitive:
                    log: logs/*.log
              e:
                <<: *anchor
                needs: b
              "": {}
              ? complex
              : value
            """;

    private final AnalysisCache cache = new AnalysisCache(new ProjectParser());
    private final ProjectCompletion completion = new ProjectCompletion(cache);
    private final ProjectHover hover = new ProjectHover(cache);
    private final ProjectNavigation navigation = new ProjectNavigation(cache);
    private final ProjectSymbols symbols = new ProjectSymbols();

    private static Document doc(String text, int version) {
        return new Document(Path.of("/nonexistent/study/project.yaml"), text, version, StudyFolder.none());
    }

    private void everything(Document d, Position p) {
        completion.complete(d, p);
        hover.hover(d, p);
        navigation.definition(d, p);
        navigation.references(d, p, true);
        navigation.prepareRename(d, p);
        navigation.rename(d, p, "renamed");
    }

    @Test
    void everyPositionOfAnOddProject() {
        Document d = doc(TEXT, 1);
        LineIndex lines = new LineIndex(TEXT);
        for (int l = 0; l <= lines.lineCount(); l++) {
            for (int c = 0; c <= lines.lineText(Math.min(l, lines.lineCount() - 1)).length() + 1; c++) {
                everything(d, new Position(l, c));
            }
        }
        symbols.symbols(cache.get(d).project());
    }

    @Test
    void completionWhileTypingTheFileFromTheStart() {
        int parsedSome = 0;
        for (int end = 0; end <= TEXT.length(); end++) {
            String typed = TEXT.substring(0, end);
            Document d = doc(typed, end);
            Position p = new LineIndex(typed).position(end);
            List<Completion> items = completion.complete(d, p);
            hover.hover(d, p);
            if (!items.isEmpty()) parsedSome++;
        }
        assertTrue(parsedSome > 50, "completion answered at only " + parsedSome + " places");
    }

    @Test
    void everyLineBlankedOrCut() {
        List<String> lines = TEXT.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            for (int cut = 0; cut <= lines.get(i).length(); cut += 3) {
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < lines.size(); j++) {
                    sb.append(j == i ? lines.get(j).substring(0, cut) : lines.get(j)).append('\n');
                }
                Document d = doc(sb.toString(), i * 1000 + cut);
                everything(d, new Position(i, cut));
            }
        }
    }
}

package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R and Stata scripts in the editor, over the protocol: an open script gets what it reads and writes checked as the
 * user types, and hover and go to definition on a path it reads answer from project.yaml.
 */
class ScriptSessionTest {
    private static final String PROJECT = """
            version: '5.0'
            actions:
              generate_dataset:
                run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                outputs:
                  highly_sensitive:
                    dataset: output/dataset.csv.gz
              model:
                run: r:v2 analysis/model.R
                needs: [generate_dataset]
                outputs:
                  moderately_sensitive:
                    table: output/model.csv
              tabulate:
                run: stata-mp:v1 analysis/tabulate.do
                outputs:
                  moderately_sensitive:
                    table: output/tab.csv
            """;
    private static final String DATASET = """
            from ehrql import create_dataset
            from ehrql.tables.core import patients

            dataset = create_dataset()
            dataset.define_population(patients.date_of_birth.is_not_null())
            dataset.sex = patients.sex
            """;
    private static final String MODEL = """
            df <- readr::read_csv("output/dataset.csv.gz")
            write.csv(table(df$sex), "output/model.csv")
            """;

    @TempDir
    Path study;
    InJvmServer lsp;

    @BeforeEach
    void layOut() throws Exception {
        Files.createDirectories(study.resolve("analysis"));
        Files.writeString(study.resolve("project.yaml"), PROJECT);
        Files.writeString(study.resolve("analysis/dataset_definition.py"), DATASET);
        Files.writeString(study.resolve("analysis/model.R"), MODEL);
        Files.writeString(study.resolve("analysis/tabulate.do"), "export delimited using \"output/tab.csv\", replace\n");
        lsp = new InJvmServer(new DelegatingService(), Duration.ofMillis(20));
        InitializeParams params = new InitializeParams();
        params.setCapabilities(new ClientCapabilities());
        lsp.remote.initialize(params).get(5, TimeUnit.SECONDS);
        lsp.remote.initialized(new InitializedParams());
    }

    @AfterEach
    void stop() throws Exception {
        lsp.close();
    }

    private static List<String> codes(PublishDiagnosticsParams p) {
        return p.getDiagnostics().stream().map(d -> d.getCode().getLeft() + "@" + d.getRange().getStart().getLine() + ":"
                + d.getRange().getStart().getCharacter()).toList();
    }

    @Test
    void anRScriptIsCheckedAsTheUserTypes() throws Exception {
        String uri = DocumentUris.uri(study.resolve("analysis/model.R"));
        lsp.open(uri, MODEL);
        assertEquals(List.of(), codes(lsp.client.awaitDiagnostics(uri, 1)));
        // The user types a column the dataset definition does not make.
        String typed = MODEL.replace("df$sex", "df$region");
        lsp.change(uri, 2, new TextDocumentContentChangeEvent(typed));
        assertEquals(List.of("script-unknown-column@1:19"), codes(lsp.client.awaitDiagnostics(uri, 2)));

        var hover = lsp.remote.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri), new Position(0, 30)))
                .get(30, TimeUnit.SECONDS);
        String shown = hover.getContents().getRight().getValue();
        assertTrue(shown.contains("generate_dataset") && shown.contains("highly_sensitive"), shown);
        var target = lsp.remote.getTextDocumentService().definition(new DefinitionParams(new TextDocumentIdentifier(uri), new Position(0, 30)))
                .get(30, TimeUnit.SECONDS).getLeft();
        assertEquals(1, target.size());
        assertTrue(target.get(0).getUri().endsWith("/project.yaml"), target.get(0).getUri());
        assertEquals(6, target.get(0).getRange().getStart().getLine()); // dataset: output/dataset.csv.gz
    }

    @Test
    void aStataScriptReadingAnOutputItsActionDoesNotNeedIsAnError() throws Exception {
        String uri = DocumentUris.uri(study.resolve("analysis/tabulate.do"));
        String text = "import delimited using \"output/model.csv\", clear\nexport delimited using \"output/tab.csv\", replace\n";
        lsp.open(uri, text);
        assertEquals(List.of("script-missing-needs@0:23"), codes(lsp.client.awaitDiagnostics(uri, 1)));
    }
}

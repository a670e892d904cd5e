package opensafely.lsp.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.SharedData;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new action typed a character at a time after the last action of the largest real project.yaml (which the
 * server now reads one block at a time, also while the text does not parse) gets the diagnostics a fresh read
 * of the same text gives, its typo in {@code needs} included, with the server's own adaptive debounce.
 */
class AppendedActionSessionTest {
    private static final String ACTION = """
              appended_action:
                run: r:latest analysis/appended.R
                needs: [make_outputx]
                outputs:
                  moderately_sensitive:
                    table: output/appended.csv
            """;

    @TempDir
    Path workspace;
    InJvmServer lsp;

    @AfterEach
    void stop() throws Exception {
        if (lsp != null) lsp.close();
    }

    @Test
    void aNewActionTypedAtTheEndGetsItsNeedsTypoReported() throws Exception {
        Path source = SharedData.dir().resolve("corpus/post-covid-neurodegenerative/project.yaml");
        assumeTrue(Files.isRegularFile(source), "needs the corpus beside the repository");
        String original = Files.readString(source);
        assumeTrue(original.endsWith("\n"));
        Path file = workspace.resolve("study/project.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, original);
        String uri = DocumentUris.uri(file);

        DelegatingService service = new DelegatingService();
        lsp = new InJvmServer(service, DebouncePolicy.ADAPTIVE);
        lsp.initialize();
        lsp.open(uri, original);
        lsp.client.awaitDiagnostics(uri, 1);

        int endLine = (int) original.chars().filter(c -> c == '\n').count();
        int line = endLine;
        int col = 0;
        int version = 1;
        for (char c : ACTION.toCharArray()) {
            lsp.change(uri, ++version, InJvmServer.edit(line, col, line, col, String.valueOf(c)));
            if (c == '\n') {
                line++;
                col = 0;
            } else {
                col++;
            }
            // Now and then wait, as a person pauses, so that texts that do not parse are analysed too.
            if (version % 10 == 0 && version <= ACTION.length()) lsp.client.awaitDiagnostics(uri, version);
        }
        PublishDiagnosticsParams published = lsp.client.awaitDiagnostics(uri, version);

        int needsLine = endLine + 2;
        int at = "    needs: [".length();
        Range typo = new Range(new Position(needsLine, at), new Position(needsLine, at + "make_outputx".length()));
        List<Diagnostic> onTheTypo = published.getDiagnostics().stream()
                .filter(d -> d.getRange().equals(typo)).toList();
        assertEquals(List.of("needs-unknown-action"), onTheTypo.stream().map(d -> d.getCode().getLeft()).toList());

        String typed = original + ACTION;
        var fresh = service.real.diagnostics(new Document(file, typed, version, StudyFolder.around(file)));
        assertEquals(Protocol.diagnostics(fresh, uri), published.getDiagnostics());
    }
}

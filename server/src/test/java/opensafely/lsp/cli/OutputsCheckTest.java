package opensafely.lsp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static opensafely.lsp.cli.CheckFixtures.check;
import static opensafely.lsp.cli.CheckFixtures.study;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import opensafely.lsp.cli.CheckFixtures.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `check` on a study with outputs on disk: every file a moderately_sensitive pattern names is checked, and its
 * findings carry its own file, line and column in every format. The large files are generated here, not committed.
 */
class OutputsCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PROJECT = """
            version: '5.0'
            actions:
              describe:
                run: python:v2 python analysis/extract.py
                outputs:
                  moderately_sensitive:
                    tables: output/tables/*.csv
                    figure: output/figures/with_data.png
              plot_only:
                run: python:v2 python analysis/extract.py --plot
                outputs:
                  moderately_sensitive:
                    figure: output/plot_only.png
              large_tables:
                run: python:v2 python analysis/extract.py --large
                outputs:
                  moderately_sensitive:
                    big: output/big.csv
                    long: output/long.csv
            """;

    @TempDir
    Path tmp;
    Path dir;

    @BeforeEach
    void layOut() throws IOException {
        dir = study(tmp.resolve("study"), PROJECT);
        Files.createDirectories(dir.resolve("output/tables"));
        Files.createDirectories(dir.resolve("output/figures"));
        Files.writeString(dir.resolve("output/tables/counts.csv"), "region,population,events\nNorth East,1253,6\nLondon,2340,15\n");
        Files.writeString(dir.resolve("output/tables/clean.csv"), "sex,n\nF,1250\nM,1185\n");
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        Files.write(dir.resolve("output/figures/with_data.png"), png);
        Files.write(dir.resolve("output/plot_only.png"), png);
        // 17 MiB: over job-runner's limit, so never read.
        try (Writer w = Files.newBufferedWriter(dir.resolve("output/big.csv"))) {
            w.write("n\n");
            String line = "10".repeat(1023) + "\n";
            for (long written = 2; written <= 17L << 20; written += line.length()) w.write(line);
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve("output/long.csv"))) {
            w.write("group,n\n");
            for (int i = 0; i < 6000; i++) w.write("g" + i + ",10\n");
        }
    }

    static List<String> findings(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.get("diagnostics").forEach(d -> out.add(d.get("file").asText() + ":" + (d.get("range").get("start").get("line").asInt() + 1)
                + ":" + (d.get("range").get("start").get("character").asInt() + 1) + " " + d.get("code").asText()));
        return out;
    }

    @Test
    void everyModeratelySensitiveOutputIsCheckedWithItsOwnFileLineAndColumn() throws IOException {
        Result r = check(dir, "--format", "json");
        assertEquals(0, r.exit(), r.err()); // warnings only
        assertEquals(List.of(
                "output/big.csv:1:1 output-too-large",
                "output/long.csv:5002:1 output-too-many-rows",
                "output/plot_only.png:1:1 output-figure-without-data",
                "output/tables/counts.csv:2:12 output-unrounded-count",
                "output/tables/counts.csv:2:17 output-small-count"), findings(JSON.readTree(r.out())).stream().sorted().toList());
        Result strict = check(dir, "--format", "json", "--fail-on", "warning");
        assertEquals(1, strict.exit(), "--fail-on warning makes CI strict");
    }

    @Test
    void githubAndSarifFormatsNameTheOutputFile() throws IOException {
        Result gh = check(dir, "--format", "github");
        assertTrue(gh.out().contains("::warning file=output/tables/counts.csv,line=2,endLine=2,col=17,endColumn=18,title=[output-small-count]"), gh.out());
        Result sarif = check(dir, "--format", "sarif");
        JsonNode results = JSON.readTree(sarif.out()).get("runs").get(0).get("results");
        boolean found = false;
        for (JsonNode res : results) {
            JsonNode loc = res.get("locations").get(0).get("physicalLocation");
            if (res.get("ruleId").asText().equals("output-small-count")) {
                assertEquals("output/tables/counts.csv", loc.get("artifactLocation").get("uri").asText());
                assertEquals(2, loc.get("region").get("startLine").asInt());
                assertEquals(17, loc.get("region").get("startColumn").asInt());
                found = true;
            }
        }
        assertTrue(found, sarif.out());
    }

    @Test
    void aCsvNamedOnTheCommandLineIsCheckedOnRequest() throws IOException {
        Path lone = Files.writeString(tmp.resolve("table.csv"), "group,n\na,4\n");
        Result r = check(tmp, "--format", "json", "table.csv");
        assertEquals(List.of("table.csv:2:3 output-small-count"), findings(JSON.readTree(r.out())));
        assertTrue(Files.exists(lone));
    }

    @Test
    void csvGzAndRdsAreNotLevelFourFileTypesButTheGzIsStillRead() throws IOException {
        Files.writeString(dir.resolve("project.yaml"), PROJECT + """
                  other:
                    run: python:v2 python analysis/extract.py --other
                    outputs:
                      moderately_sensitive:
                        model: output/model.rds
                        compressed: output/compressed.csv.gz
                """);
        Files.write(dir.resolve("output/model.rds"), new byte[] {0x1f, (byte) 0x8b, 0, 0});
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(dir.resolve("output/compressed.csv.gz")))) {
            gz.write("group,n\na,4\n".getBytes(UTF_8));
        }
        Result r = check(dir, "--format", "json", "output/model.rds", "output/compressed.csv.gz");
        assertEquals(List.of("output/compressed.csv.gz:1:1 output-file-type", "output/compressed.csv.gz:2:3 output-small-count",
                "output/model.rds:1:1 output-file-type"), findings(JSON.readTree(r.out())).stream().sorted().toList());
        assertTrue(r.out().contains("File type of .gz is not valid level 4 file"), r.out());
        assertTrue(r.out().contains("File type of .rds is not valid level 4 file"), r.out());
    }

    @Test
    void anOutputLinkedOutOfTheStudyIsNotRead() throws IOException {
        Path secret = Files.writeString(tmp.resolve("secret.csv"), "n\n3\n");
        Files.createSymbolicLink(dir.resolve("output/tables/linked.csv"), secret);
        Result r = check(dir, "--format", "json");
        assertTrue(findings(JSON.readTree(r.out())).contains("output/tables/linked.csv:1:1 file-outside-study"), r.out());
        assertTrue(!r.out().contains("output-small-count\",\"message\":\"The count 3"), r.out());
    }
}

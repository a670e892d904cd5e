package opensafely.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `outputs summary`: the page is written inside the study, atomically, with each output's findings and per-column
 * table, and the figures beside their data; the HTML is opened in headless Chromium, which must show every table.
 */
class OutputsSummaryCommandTest {
    static final String PROJECT = """
            version: '5.0'
            actions:
              describe:
                run: python:v2 python analysis/extract.py
                outputs:
                  moderately_sensitive:
                    tables: output/*.csv
                    figure: output/plot.svg
              plot_only:
                run: python:v2 python analysis/extract.py --plot
                outputs:
                  moderately_sensitive:
                    figure: output/alone/plot.svg
            """;
    static final String SVG = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"100\"><rect width=\"200\" height=\"100\" fill=\"#4a7\"/></svg>\n";

    @TempDir
    Path tmp;
    Path study;

    record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void layOut() throws IOException {
        study = CheckFixtures.study(tmp.resolve("my-study"), PROJECT);
        Files.createDirectories(study.resolve("output/alone"));
        Files.writeString(study.resolve("output/counts.csv"), "region <b>,n,percent\nNorth East,1253,40.1\nLondon,6,0.2\nWales,[REDACTED],\n");
        Files.writeString(study.resolve("output/model.csv"), "term,estimate,p.value\nage,1.2,0.01\n");
        Files.writeString(study.resolve("output/plot.svg"), SVG);
        Files.writeString(study.resolve("output/alone/plot.svg"), SVG);
    }

    Result summary(Path cwd, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputsCommand.Summary cmd = new OutputsCommand.Summary();
        cmd.workingDirectory = cwd;
        cmd.stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        cmd.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(cmd).execute(args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void writesTheHtmlPageInTheStudyByDefault() throws IOException {
        Result r = summary(study.resolve("analysis"));
        assertEquals(0, r.exit(), r.err());
        assertEquals("opensafely-lsp outputs summary: wrote metadata/outputs-summary.html (4 outputs, 4 findings)\n", r.out());
        String html = Files.readString(study.resolve("metadata/outputs-summary.html"));
        for (String file : List.of("output/counts.csv", "output/model.csv")) {
            assertTrue(html.contains("<table class=\"summary\" data-file=\"" + file + "\">"), file);
        }
        assertTrue(html.contains("<img src=\"../output/plot.svg\""), "the figure, by a link relative to the page");
        assertTrue(html.contains("output-figure-without-data"), html);
        assertTrue(html.contains("&lt;b&gt;") && !html.contains("<b>"), "CSV content is escaped");
        assertTrue(html.contains("<td class=\"flag\">6</td>"), "the smallest non-zero count is flagged");
        try (var files = Files.list(study.resolve("metadata"))) {
            assertEquals(List.of("outputs-summary.html"), files.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        }
    }

    @Test
    void markdownForAPullRequestComment() throws IOException {
        Result r = summary(tmp, "--project-dir", "my-study", "--output", "my-study/summary.md");
        assertEquals(0, r.exit(), r.err());
        String md = Files.readString(study.resolve("summary.md"));
        assertTrue(md.contains("#### `output/counts.csv`"), md);
        assertTrue(md.contains("| column | type | min | min non-zero | max | sum | divisible by 5 | divisible by 6 | midpoint-6 rounded | redacted cells |"), md);
        assertTrue(md.contains("| n | integer | 6 | **6** | 1253 | 1259 | **no** | no | no | 1 |"), md);
        assertTrue(md.contains("![output/plot.svg](output/plot.svg)") && md.contains("`output-rate-small-count`"), md);
    }

    @Test
    void refusesAPageOutsideTheStudyAndAFolderThatIsNoStudy() throws IOException {
        Result outside = summary(study, "--output", "../elsewhere.html");
        assertEquals(2, outside.exit());
        assertTrue(outside.err().contains("is outside the study folder"), outside.err());
        assertFalse(Files.exists(tmp.resolve("elsewhere.html")));
        Result none = summary(tmp);
        assertEquals(2, none.exit());
        assertTrue(none.err().startsWith("opensafely-lsp outputs summary: there is no project.yaml"), none.err());
    }

    @Test
    void theMainCommandLineKnowsTheCommand() {
        assertEquals(2, CheckFixtures.main("outputs", "summary", "--project-dir", tmp.resolve("nowhere").toString()).exit());
    }

    /** The page opens in a browser and shows each file's table; the screenshot stays under target/ for review. */
    @Test
    void theHtmlOpensInHeadlessChromium() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(chromium), "headless Chromium test skipped: /usr/bin/chromium is not installed (Debian package chromium)");
        assertEquals(0, summary(study).exit());
        Path page = study.resolve("metadata/outputs-summary.html");
        Path profile = Files.createDirectories(tmp.resolve("chromium-profile"));
        Path shots = Files.createDirectories(Path.of("target", "outputs-summary"));
        Path screenshot = shots.resolve("outputs-summary.png").toAbsolutePath();
        List<String> common = List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile);
        List<String> dump = new ArrayList<>(common);
        dump.add("--dump-dom");
        dump.add(page.toUri().toString());
        String dom = run(dump);
        for (String file : List.of("output/counts.csv", "output/model.csv")) {
            assertTrue(dom.contains("<table class=\"summary\" data-file=\"" + file + "\">"), "the DOM shows the table of " + file);
        }
        assertTrue(dom.contains("output/alone/plot.svg"), dom);
        List<String> shot = new ArrayList<>(common);
        shot.add("--screenshot=" + screenshot);
        shot.add("--window-size=1200,1600");
        shot.add(page.toUri().toString());
        run(shot);
        assertTrue(Files.size(screenshot) > 1000, "a screenshot was taken: " + screenshot);
        Files.copy(page, shots.resolve("outputs-summary.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        return new String(out, StandardCharsets.UTF_8);
    }
}

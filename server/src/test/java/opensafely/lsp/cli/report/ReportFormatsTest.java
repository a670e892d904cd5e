package opensafely.lsp.cli.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.text.Range;
import org.junit.jupiter.api.Test;

/** Each format's exact rendering of a report built by hand (so rule wording elsewhere cannot move it). */
class ReportFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CWD = Path.of("/work/study");

    private static final String TEXT = """
            version: '5.0'
            actions:
              extract:
                run: python:v2 python analysis/extract.py
              extract:
                run: python:latest python x.py
            """;

    /** A duplicate key with a related place, a warning spanning two lines, and a hint. */
    private static CheckReport report() {
        Diagnostic duplicate = Diagnostic.of(Rule.YAML_DUPLICATE_KEY, Range.of(4, 2, 4, 9),
                        "Duplicate key 'extract': 100% sure,\nsee line 3.")
                .withRelated(Range.of(2, 2, 2, 9), "first definition of 'extract'");
        Diagnostic latest = Diagnostic.of(Rule.LATEST_TAG, Range.of(5, 16, 6, 0), "Pin a version: `python:v2`.")
                .withFix(Fix.replace("Use python:v2", Range.of(5, 16, 5, 22), "v2"));
        Diagnostic hint = Diagnostic.of(Rule.EXPECTATIONS_IGNORED, Range.of(0, 0, 0, 7), "Hint, with a comma.");
        FileReport project = new FileReport("project.yaml", CWD.resolve("project.yaml"), TEXT, List.of(duplicate, latest, hint));
        FileReport other = new FileReport("sub dir/project.yaml", CWD.resolve("sub dir/project.yaml"), "", List.of());
        return new CheckReport(CWD, "0.1.0", List.of(project, other));
    }

    private static String render(ReportFormat format, CheckReport report) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        format.writer().write(report, out);
        return out.toString(UTF_8);
    }

    @Test
    void text() throws IOException {
        assertEquals("""
                project.yaml:5:3: error [yaml-duplicate-key] Duplicate key 'extract': 100% sure, see line 3.
                project.yaml:6:17: warning [latest-tag] Pin a version: `python:v2`.
                project.yaml:1:1: hint [expectations-ignored] Hint, with a comma.
                1 error, 1 warning, 1 hint in 2 files
                """, render(ReportFormat.TEXT, report()));
    }

    @Test
    void github() throws IOException {
        assertEquals("""
                ::error file=project.yaml,line=5,endLine=5,col=3,endColumn=10,title=[yaml-duplicate-key] Duplicate key::Duplicate key 'extract': 100%25 sure,%0Asee line 3.
                ::warning file=project.yaml,line=6,endLine=7,title=[latest-tag] Image pinned to `%3Alatest`::Pin a version: `python:v2`.
                ::notice file=project.yaml,line=1,endLine=1,col=1,endColumn=8,title=[expectations-ignored] expectations ignored at this version::Hint, with a comma.
                1 error, 1 warning, 1 hint in 2 files
                """, render(ReportFormat.GITHUB, report()));
    }

    @Test
    void githubEscapesPropertiesAndData() {
        assertEquals("a%25b%0D%0Ac", GithubReport.escapeData("a%b\r\nc"));
        assertEquals("a%3Ab%2Cc%25%0A", GithubReport.escapeProperty("a:b,c%\n"));
        Diagnostic d = Diagnostic.of(Rule.YAML_SYNTAX, Range.of(0, 0, 0, 1), "x");
        assertTrue(GithubReport.annotation("dir,1/a:b.yaml", d).startsWith("::error file=dir%2C1/a%3Ab.yaml,line=1,"));
    }

    @Test
    void json() throws IOException {
        assertEquals("""
                {
                  "tool": "opensafely-lsp",
                  "version": "0.1.0",
                  "files": [
                    "project.yaml",
                    "sub dir/project.yaml"
                  ],
                  "diagnostics": [
                    {
                      "file": "project.yaml",
                      "range": {"start": {"line": 4, "character": 2}, "end": {"line": 4, "character": 9}},
                      "severity": "error",
                      "code": "yaml-duplicate-key",
                      "message": "Duplicate key 'extract': 100% sure,\\nsee line 3.",
                      "source": "opensafely-lsp",
                      "relatedInformation": [
                        {
                          "file": "project.yaml",
                          "range": {"start": {"line": 2, "character": 2}, "end": {"line": 2, "character": 9}},
                          "message": "first definition of 'extract'"
                        }
                      ]
                    },
                    {
                      "file": "project.yaml",
                      "range": {"start": {"line": 5, "character": 16}, "end": {"line": 6, "character": 0}},
                      "severity": "warning",
                      "code": "latest-tag",
                      "message": "Pin a version: `python:v2`.",
                      "source": "opensafely-lsp",
                      "fixes": [
                        {
                          "title": "Use python:v2",
                          "edits": [
                            {
                              "range": {"start": {"line": 5, "character": 16}, "end": {"line": 5, "character": 22}},
                              "newText": "v2"
                            }
                          ]
                        }
                      ]
                    },
                    {
                      "file": "project.yaml",
                      "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 7}},
                      "severity": "hint",
                      "code": "expectations-ignored",
                      "message": "Hint, with a comma.",
                      "source": "opensafely-lsp"
                    }
                  ]
                }
                """, render(ReportFormat.JSON, report()));
    }

    @Test
    void jsonParsesBackFieldByField() throws IOException {
        JsonNode root = JSON.readTree(render(ReportFormat.JSON, report()));
        assertEquals(List.of("tool", "version", "files", "diagnostics"), fieldNames(root));
        JsonNode d = root.get("diagnostics").get(0);
        assertEquals(List.of("file", "range", "severity", "code", "message", "source", "relatedInformation"), fieldNames(d));
        assertEquals("project.yaml", d.get("file").asText());
        assertEquals(4, d.at("/range/start/line").asInt());
        assertEquals(2, d.at("/range/start/character").asInt());
        assertEquals(4, d.at("/range/end/line").asInt());
        assertEquals(9, d.at("/range/end/character").asInt());
        assertEquals("error", d.get("severity").asText());
        assertEquals("yaml-duplicate-key", d.get("code").asText());
        assertEquals("Duplicate key 'extract': 100% sure,\nsee line 3.", d.get("message").asText());
        assertEquals("opensafely-lsp", d.get("source").asText());
    }

    @Test
    void emptyReportIsStillComplete() throws IOException {
        CheckReport empty = new CheckReport(CWD, "0.1.0", List.of());
        JsonNode root = JSON.readTree(render(ReportFormat.JSON, empty));
        assertEquals("[]", root.get("files").toString());
        assertEquals("[]", root.get("diagnostics").toString());
        assertEquals(0, JSON.readTree(render(ReportFormat.SARIF, empty)).at("/runs/0/results").size());
        assertEquals("No problems found in 0 files\n", render(ReportFormat.TEXT, empty));
    }

    @Test
    void sarifHasWhatGithubRequires() throws IOException {
        JsonNode root = JSON.readTree(render(ReportFormat.SARIF, report()));
        assertEquals("https://json.schemastore.org/sarif-2.1.0.json", root.get("$schema").asText());
        assertEquals("2.1.0", root.get("version").asText());
        assertEquals(1, root.get("runs").size());
        JsonNode run = root.get("runs").get(0);
        JsonNode driver = run.at("/tool/driver");
        assertEquals("opensafely-lsp", driver.get("name").asText());
        assertEquals("0.1.0", driver.get("semanticVersion").asText());
        assertFalse(driver.get("informationUri").asText().isEmpty());
        assertTrue(run.at("/invocations/0/executionSuccessful").asBoolean());
        assertEquals("file:///work/study/", run.at("/invocations/0/workingDirectory/uri").asText());

        JsonNode rules = driver.get("rules");
        assertEquals(Rule.values().length, rules.size(), "every rule, found or not");
        for (Rule rule : Rule.values()) {
            JsonNode r = rules.get(rule.ordinal());
            assertEquals(rule.id(), r.get("id").asText());
            assertEquals(rule.title(), r.at("/shortDescription/text").asText());
            assertEquals(rule.help(), r.at("/fullDescription/text").asText());
            assertTrue(r.at("/help/text").asText().startsWith(rule.help()));
            assertTrue(r.at("/help/text").asText().contains("docs/rules.md"));
            assertTrue(r.at("/fullDescription/text").asText().length() <= 1024);
            assertFalse(r.get("name").asText().isEmpty());
        }
        assertEquals("error", rules.get(Rule.YAML_DUPLICATE_KEY.ordinal()).at("/defaultConfiguration/level").asText());
        assertEquals("warning", rules.get(Rule.LATEST_TAG.ordinal()).at("/defaultConfiguration/level").asText());
        assertEquals("note", rules.get(Rule.EXPECTATIONS_IGNORED.ordinal()).at("/defaultConfiguration/level").asText());

        JsonNode results = run.get("results");
        assertEquals(3, results.size());
        for (JsonNode result : results) {
            int index = result.get("ruleIndex").asInt();
            assertEquals(rules.get(index).get("id").asText(), result.get("ruleId").asText());
            assertFalse(result.at("/message/text").asText().isEmpty());
            assertEquals(1, result.get("locations").size());
            assertTrue(result.at("/partialFingerprints/primaryLocationLineHash").asText().matches("[0-9a-f]{16}:[0-9]+"));
        }
        JsonNode duplicate = results.get(0);
        assertEquals("error", duplicate.get("level").asText());
        assertEquals("project.yaml", duplicate.at("/locations/0/physicalLocation/artifactLocation/uri").asText());
        assertEquals("%SRCROOT%", duplicate.at("/locations/0/physicalLocation/artifactLocation/uriBaseId").asText());
        assertEquals("{\"startLine\":5,\"startColumn\":3,\"endLine\":5,\"endColumn\":10}",
                duplicate.at("/locations/0/physicalLocation/region").toString(), "1-based, endColumn exclusive");
        assertEquals("{\"startLine\":3,\"startColumn\":3,\"endLine\":3,\"endColumn\":10}",
                duplicate.at("/relatedLocations/0/physicalLocation/region").toString());
        assertEquals("first definition of 'extract'", duplicate.at("/relatedLocations/0/message/text").asText());
        assertEquals("warning", results.get(1).get("level").asText());
        assertEquals("note", results.get(2).get("level").asText(), "hints are notes");
    }

    @Test
    void sarifFingerprintsIgnoreLineNumbersAndCountRepeats() throws IOException {
        String text = "a:\n  x: 1\n  x: 1\n";
        Diagnostic first = Diagnostic.of(Rule.YAML_DUPLICATE_KEY, Range.of(1, 2, 1, 3), "m");
        Diagnostic second = Diagnostic.of(Rule.YAML_DUPLICATE_KEY, Range.of(2, 2, 2, 3), "m");
        CheckReport report = new CheckReport(CWD, "0.1.0",
                List.of(new FileReport("project.yaml", CWD.resolve("project.yaml"), text, List.of(first, second))));
        JsonNode results = JSON.readTree(render(ReportFormat.SARIF, report)).at("/runs/0/results");
        String a = results.get(0).at("/partialFingerprints/primaryLocationLineHash").asText();
        String b = results.get(1).at("/partialFingerprints/primaryLocationLineHash").asText();
        assertEquals(a.substring(0, 16) + ":2", b, "same rule and line text: the occurrence tells them apart");
        assertTrue(a.endsWith(":1"));

        // Lines inserted above: the same finding keeps its fingerprint.
        String shifted = "# comment\n" + text;
        CheckReport moved = new CheckReport(CWD, "0.1.0", List.of(new FileReport("project.yaml", CWD.resolve("project.yaml"), shifted,
                List.of(Diagnostic.of(Rule.YAML_DUPLICATE_KEY, Range.of(2, 2, 2, 3), "m")))));
        assertEquals(a, JSON.readTree(render(ReportFormat.SARIF, moved)).at("/runs/0/results/0/partialFingerprints/primaryLocationLineHash").asText());
        assertNotEquals(SarifReport.lineHash(Rule.YAML_DUPLICATE_KEY, "x: 1"), SarifReport.lineHash(Rule.YAML_SYNTAX, "x: 1"));
    }

    @Test
    void sarifUrisAreRelativeAndEncoded() {
        assertEquals("sub%20dir/caf%C3%A9.yaml", SarifReport.relativeUri("sub dir/café.yaml"));
        assertEquals("analysis/a%3Ab%23c.py", SarifReport.relativeUri("analysis/a:b#c.py"));
    }

    @Test
    void summaryCountsEachSeverity() {
        assertEquals("1 error, 1 warning, 1 hint in 2 files", report().summary());
        assertEquals(1, report().count(Severity.ERROR));
        assertTrue(report().hasAtLeast(Severity.WARNING));
    }

    @Test
    void displayPathsAreRelativeWithForwardSlashes() {
        assertEquals("analysis/model.py", ReportPaths.display(CWD, CWD.resolve("analysis/model.py")));
        assertEquals("/elsewhere/project.yaml", ReportPaths.display(CWD, Path.of("/elsewhere/project.yaml")));
        assertEquals("project.yaml", ReportPaths.display(CWD, CWD.resolve("./x/../project.yaml")));
    }

    @Test
    void stepSummaryIsAMarkdownTable() {
        assertEquals("""
                ### opensafely-lsp check

                1 error, 1 warning, 1 hint in 2 files

                | File | Line | Severity | Rule | Message |
                | --- | ---: | --- | --- | --- |
                | `project.yaml` | 5 | error | `yaml-duplicate-key` | Duplicate key 'extract': 100% sure,<br>see line 3. |
                | `project.yaml` | 6 | warning | `latest-tag` | Pin a version: `python:v2`. |
                | `project.yaml` | 1 | hint | `expectations-ignored` | Hint, with a comma. |
                """, StepSummary.markdown(report()));
        assertEquals("### opensafely-lsp check\n\nNo problems found in 0 files\n",
                StepSummary.markdown(new CheckReport(CWD, "0.1.0", List.of())));
    }

    @Test
    void stepSummaryStopsBeforeGithubsLimit() {
        String longMessage = "x".repeat(10_000);
        List<Diagnostic> many = new java.util.ArrayList<>();
        for (int i = 0; i < FileReport.MAX_SHOWN; i++) { // messages are cut to 2,000 characters: 2 MB in all
            many.add(Diagnostic.of(Rule.YAML_SYNTAX, Range.of(i, 0, i, 1), longMessage));
        }
        CheckReport big = new CheckReport(CWD, "0.1.0", List.of(new FileReport("project.yaml", CWD.resolve("project.yaml"), "", many)));
        String md = StepSummary.markdown(big);
        assertTrue(md.length() < 1024 * 1024);
        assertTrue(md.matches("(?s).*\\n… and \\d+ more; see the SARIF or JSON report\\.\\n"), md.substring(md.length() - 100));
    }

    @Test
    void eachFileAndMessageIsBoundedAndTheCutIsSaidOnce() throws IOException {
        List<Diagnostic> many = new java.util.ArrayList<>();
        for (int i = 0; i < FileReport.MAX_SHOWN + 500; i++) {
            many.add(Diagnostic.of(Rule.LATEST_TAG, Range.of(i, 0, i, 1), i == 0 ? "x".repeat(100_000) : "finding " + i));
        }
        CheckReport big = new CheckReport(CWD, "0.1.0", List.of(new FileReport("project.yaml", CWD.resolve("project.yaml"), "", many)));
        String text = render(ReportFormat.TEXT, big);
        assertEquals(FileReport.MAX_SHOWN + 1, text.split("\n").length, "the shown findings and the summary");
        assertTrue(text.endsWith("1500 warnings in 1 file\n"), "the summary counts every finding");
        assertTrue(text.length() < 100_000, "a 100,000-character message is cut: " + text.length());
        JsonNode json = JSON.readTree(render(ReportFormat.JSON, big));
        assertEquals(FileReport.MAX_SHOWN, json.get("diagnostics").size());
        assertEquals(FileReport.MAX_MESSAGE_CHARS, json.at("/diagnostics/0/message").asText().length());
        assertTrue(json.at("/diagnostics/0/message").asText().endsWith("…"));
        assertEquals(FileReport.MAX_SHOWN, JSON.readTree(render(ReportFormat.SARIF, big)).at("/runs/0/results").size());
        assertEquals(java.util.Optional.of("wrote the first 1000 of 1500 findings in project.yaml; shortened 1 message to 2000 characters."),
                big.cutNote());
        assertEquals(java.util.Optional.empty(), report().cutNote());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        Set<String> unique = new HashSet<>(names);
        assertEquals(unique.size(), names.size());
        return names;
    }
}

package opensafely.lsp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static opensafely.lsp.cli.CheckFixtures.CLEAN;
import static opensafely.lsp.cli.CheckFixtures.DUPLICATE_KEY;
import static opensafely.lsp.cli.CheckFixtures.OLD_VERSION;
import static opensafely.lsp.cli.CheckFixtures.check;
import static opensafely.lsp.cli.CheckFixtures.study;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import opensafely.lsp.cli.CheckFixtures.Result;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.DocumentKind;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static JsonNode json(Result r) throws IOException {
        return JSON.readTree(r.out());
    }

    private static List<String> codes(JsonNode report) {
        List<String> codes = new ArrayList<>();
        report.get("diagnostics").forEach(d -> codes.add(d.get("code").asText()));
        return codes;
    }

    // --- exit codes -------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} with --fail-on {1} exits {2}")
    @CsvSource({
        "clean,   error,   0", "clean,   warning, 0", "clean,   never, 0",
        "warning, error,   0", "warning, warning, 1", "warning, never, 0",
        "error,   error,   1", "error,   warning, 1", "error,   never, 0",
    })
    void exitCodeFollowsFailOn(String fixture, String failOn, int expected) throws IOException {
        String text = switch (fixture) {
            case "clean" -> CLEAN;
            case "warning" -> OLD_VERSION;
            default -> DUPLICATE_KEY;
        };
        study(tmp, text);
        Result r = check(tmp, "--format", "json", "--fail-on", failOn);
        List<String> codes = codes(json(r));
        // The fixtures mean what they say (so that a change in the rules shows up here, not as a mystery).
        switch (fixture) {
            case "clean" -> assertEquals(List.of(), codes);
            case "warning" -> assertEquals(List.of("version-outdated"), codes);
            default -> assertTrue(codes.contains("yaml-duplicate-key"), codes::toString);
        }
        assertEquals(expected, r.exit(), r.err());
        assertEquals("", r.err());
    }

    @Test
    void defaultFailOnIsError() throws IOException {
        study(tmp, OLD_VERSION);
        assertEquals(0, check(tmp).exit());
        study(tmp, DUPLICATE_KEY);
        assertEquals(1, check(tmp).exit());
    }

    // --- what is checked ------------------------------------------------------------------------

    @Test
    void defaultPathIsTheWorkingDirectory() throws IOException {
        study(tmp, DUPLICATE_KEY);
        JsonNode report = json(check(tmp, "--format", "json"));
        assertEquals("[\"project.yaml\",\"analysis/extract.py\"]", report.get("files").toString());
        JsonNode first = report.get("diagnostics").get(0);
        assertEquals("project.yaml", first.get("file").asText());
        assertEquals("yaml-duplicate-key", first.get("code").asText());
        assertEquals("{\"start\":{\"line\":2,\"character\":2},\"end\":{\"line\":2,\"character\":9}}", first.get("range").toString());
    }

    @Test
    void diagnosticsAreExactlyWhatTheLanguageServiceReports() throws IOException {
        study(tmp, DUPLICATE_KEY);
        Path project = tmp.resolve("project.yaml");
        List<Diagnostic> expected = new StudyLanguageService().diagnostics(
                new Document(project, DUPLICATE_KEY, 0, StudyFolder.at(tmp)));
        JsonNode ds = json(check(tmp, "--format", "json")).get("diagnostics");
        assertEquals(expected.size(), ds.size());
        for (int i = 0; i < expected.size(); i++) {
            Diagnostic d = expected.get(i);
            JsonNode j = ds.get(i);
            assertEquals(d.code(), j.get("code").asText());
            assertEquals(d.message(), j.get("message").asText());
            assertEquals(d.severity().label(), j.get("severity").asText());
            assertEquals(d.range().start().line(), j.at("/range/start/line").asInt());
            assertEquals(d.range().start().character(), j.at("/range/start/character").asInt());
            assertEquals(d.range().end().line(), j.at("/range/end/line").asInt());
            assertEquals(d.range().end().character(), j.at("/range/end/character").asInt());
        }
    }

    @Test
    void severalFoldersGoInOneReport() throws IOException {
        study(tmp.resolve("one"), DUPLICATE_KEY);
        study(tmp.resolve("two"), OLD_VERSION);
        Result r = check(tmp, "--format", "json", "one", "two");
        JsonNode report = json(r);
        assertEquals("[\"one/project.yaml\",\"one/analysis/extract.py\",\"two/project.yaml\",\"two/analysis/extract.py\"]",
                report.get("files").toString());
        List<String> files = new ArrayList<>();
        report.get("diagnostics").forEach(d -> files.add(d.get("file").asText()));
        assertTrue(files.contains("one/project.yaml") && files.contains("two/project.yaml"), files::toString);
        assertEquals(1, r.exit());
    }

    @Test
    void aSingleFileIsCheckedInItsStudyFolder() throws IOException {
        // In its folder, the script the action runs exists; alone, the same text would not know that.
        study(tmp.resolve("study"), CLEAN);
        Result r = check(tmp, "--format", "json", "study/project.yaml");
        assertEquals("[\"study/project.yaml\"]", json(r).get("files").toString());
        assertEquals(List.of(), codes(json(r)));
        assertEquals(0, r.exit());
    }

    @Test
    void aFileNamedTwiceIsCheckedOnce() throws IOException {
        study(tmp, DUPLICATE_KEY);
        JsonNode twice = json(check(tmp, "--format", "json", ".", "project.yaml", "./project.yaml"));
        JsonNode once = json(check(tmp, "--format", "json"));
        assertEquals(once, twice);
    }

    @Test
    void aFileOutsideTheWorkingDirectoryHasAnAbsolutePath() throws IOException {
        Path study = study(tmp.resolve("study"), DUPLICATE_KEY);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        JsonNode report = json(check(elsewhere, "--format", "json", study.toString()));
        String expected = study.resolve("project.yaml").toAbsolutePath().normalize().toString().replace('\\', '/');
        assertEquals(expected, report.get("files").get(0).asText());
        assertEquals(expected, report.get("diagnostics").get(0).get("file").asText());
    }

    @Test
    void pythonFilesOfAFolderAreListedWhenTheirKindIsAnalysed() throws IOException {
        study(tmp, CLEAN);
        Files.createDirectories(tmp.resolve("analysis/sub/.hidden"));
        Files.writeString(tmp.resolve("analysis/sub/model.py"), "x = 1\n");
        Files.writeString(tmp.resolve("analysis/sub/.hidden/skip.py"), "x = 1\n");
        Files.writeString(tmp.resolve("analysis/notes.txt"), "not code\n");
        CheckCommand cmd = new CheckCommand();
        cmd.folderKinds = java.util.EnumSet.of(DocumentKind.PROJECT_YAML, DocumentKind.PYTHON);
        cmd.workingDirectory = tmp;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        cmd.stdout = out;
        new picocli.CommandLine(cmd).execute("--format", "json");
        assertEquals("[\"project.yaml\",\"analysis/extract.py\",\"analysis/sub/model.py\"]",
                JSON.readTree(out.toString(UTF_8)).get("files").toString());
        // The default: the service analyses study and dataset definitions, so a folder contributes its Python.
        assertEquals("[\"project.yaml\",\"analysis/extract.py\",\"analysis/sub/model.py\"]",
                json(check(tmp, "--format", "json")).get("files").toString());
        cmd = new CheckCommand();
        cmd.folderKinds = java.util.EnumSet.of(DocumentKind.PROJECT_YAML);
        cmd.workingDirectory = tmp;
        out = new ByteArrayOutputStream();
        cmd.stdout = out;
        new picocli.CommandLine(cmd).execute("--format", "json");
        assertEquals("[\"project.yaml\"]", JSON.readTree(out.toString(UTF_8)).get("files").toString());
    }

    // --- bad input ----------------------------------------------------------------------------------

    @Test
    void aMissingPathIsBadUsage() throws IOException {
        study(tmp, CLEAN);
        Result r = check(tmp, ".", "no-such-folder");
        assertEquals(2, r.exit());
        assertEquals("", r.out(), "no report when a path is bad");
        assertTrue(r.err().contains("no-such-folder"), r.err());
    }

    @Test
    void aFolderWithoutProjectYamlIsBadUsage() throws IOException {
        Files.createDirectories(tmp.resolve("empty"));
        Result r = check(tmp, "empty");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("project.yaml"), r.err());
    }

    @Test
    void invalidUtf8IsAFindingAtTheFirstBadByte() throws IOException {
        byte[] head = "version: '5.0'\nactions:\n  caf".getBytes(UTF_8);
        byte[] tail = ":\n    run: x\n".getBytes(UTF_8);
        byte[] bytes = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xE9; // é in Latin-1: not UTF-8
        System.arraycopy(tail, 0, bytes, head.length + 1, tail.length);
        study(tmp, bytes);

        Result r = check(tmp, "--format", "json");
        JsonNode ds = json(r).get("diagnostics");
        assertEquals(1, ds.size());
        assertEquals("file-encoding", ds.get(0).get("code").asText());
        assertEquals("error", ds.get(0).get("severity").asText());
        assertEquals("{\"start\":{\"line\":2,\"character\":5},\"end\":{\"line\":2,\"character\":5}}", ds.get(0).get("range").toString());
        assertTrue(ds.get(0).get("message").asText().contains("0xE9"));
        assertEquals(1, r.exit());
        assertEquals(0, check(tmp, "--fail-on", "never").exit());
    }

    @Test
    void aByteOrderMarkDoesNotShiftColumns() throws IOException {
        byte[] text = DUPLICATE_KEY.getBytes(UTF_8);
        byte[] withBom = new byte[text.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(text, 0, withBom, 3, text.length);
        study(tmp.resolve("plain"), text);
        study(tmp.resolve("bom"), withBom);
        String plain = check(tmp.resolve("plain"), "--format", "text").out();
        String bom = check(tmp.resolve("bom"), "--format", "text").out();
        assertEquals(plain, bom);
    }

    // --- options and the real entry point -------------------------------------------------------

    @Test
    void badOptionValuesExitWith2ThroughMain() throws IOException {
        study(tmp, CLEAN);
        Result format = CheckFixtures.main("check", "--format", "xml", tmp.toString());
        assertEquals(2, format.exit());
        assertTrue(format.err().contains("xml"), format.err());
        Result failOn = CheckFixtures.main("check", "--fail-on", "info", tmp.toString());
        assertEquals(2, failOn.exit());
        assertTrue(failOn.err().contains("info"), failOn.err());
        assertEquals(2, CheckFixtures.main("check", "--format", "JSON", tmp.toString()).exit(), "names are lower case");
    }

    @Test
    void mainWritesTheReportToStandardOutput() throws IOException {
        study(tmp, DUPLICATE_KEY);
        Result r = CheckFixtures.main("check", "--format", "text", tmp.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("project.yaml:3:3: error [yaml-duplicate-key] "), r.out());
        assertTrue(r.out().endsWith(" in 2 files\n"), r.out());
        Result missing = CheckFixtures.main("check", tmp.resolve("nope").toString());
        assertEquals(2, missing.exit());
        assertFalse(missing.err().isEmpty());
    }

    @Test
    void outputFileIsWrittenInsteadOfStandardOutput() throws IOException {
        study(tmp, DUPLICATE_KEY);
        Files.writeString(tmp.resolve("report.sarif"), "old content");
        String toStdout = check(tmp, "--format", "sarif").out();
        Result r = check(tmp, "--format", "sarif", "--output", "report.sarif");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertEquals(toStdout, Files.readString(tmp.resolve("report.sarif")));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(), "no temporary file left");
        }
    }

    @Test
    void anUnwritableOutputIsBadUsage() throws IOException {
        study(tmp, CLEAN);
        Result r = check(tmp, "--output", "missing-dir/report.json", "--format", "json");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("report.json"), r.err());
    }

    @Test
    void cleanTextOutputSaysSo() throws IOException {
        study(tmp.resolve("a"), CLEAN);
        study(tmp.resolve("b"), CLEAN);
        assertEquals("No problems found in 4 files\n", check(tmp, "a", "b").out());
        assertEquals("No problems found in 2 files\n", check(tmp, "a").out());
        assertEquals("No problems found in 1 file\n", check(tmp, "a/project.yaml").out());
    }

    @Test
    void textLinesAreOneBasedAndEndWithASummary() throws IOException {
        study(tmp, DUPLICATE_KEY);
        String[] lines = check(tmp).out().split("\n");
        assertTrue(lines[0].startsWith("project.yaml:3:3: error [yaml-duplicate-key] "), lines[0]);
        assertTrue(lines[1].startsWith("project.yaml:8:3: error [yaml-duplicate-key] "), lines[1]);
        assertEquals("2 errors, 0 warnings in 2 files", lines[lines.length - 1]);
    }

    @Test
    void githubAnnotationsPointAtTheKey() throws IOException {
        study(tmp, DUPLICATE_KEY);
        String[] lines = check(tmp, "--format", "github").out().split("\n");
        assertTrue(lines[0].startsWith("::error file=project.yaml,line=3,endLine=3,col=3,endColumn=10,title=[yaml-duplicate-key] Duplicate key::"), lines[0]);
        assertEquals("2 errors, 0 warnings in 2 files", lines[lines.length - 1]);
    }

    @Test
    void githubFormatAlsoFillsTheJobSummary() throws IOException {
        study(tmp.resolve("study"), DUPLICATE_KEY);
        Path summary = tmp.resolve("summary.md");
        Files.writeString(summary, "earlier step\n");
        Result r = check(tmp.resolve("study"), name -> name.equals("GITHUB_STEP_SUMMARY") ? summary.toString() : null,
                "--format", "github");
        assertEquals(1, r.exit());
        String md = Files.readString(summary);
        assertTrue(md.startsWith("earlier step\n### opensafely-lsp check\n\n2 errors, 0 warnings in 2 files\n"), md);
        assertTrue(md.contains("| `project.yaml` | 3 | error | `yaml-duplicate-key` | "), md);
        // Other formats leave it alone.
        check(tmp.resolve("study"), name -> summary.toString(), "--format", "sarif");
        assertEquals(md, Files.readString(summary));
    }

    // --- codelists/codelists.txt ------------------------------------------------------------------

    @Test
    void aBadCodelistsTxtLineFailsTheCheckOfItsStudyOnThatLine() throws IOException {
        study(tmp, CLEAN);
        Files.createDirectories(tmp.resolve("codelists"));
        // A NUL is a bad line of a text file here, not a reason to refuse the whole file as binary.
        Files.writeString(tmp.resolve("codelists/codelists.txt"),
                "# Codelists\nopensafely/asthma-diagnosis/2020-04-15\n  ../../etc/passwd\nopensafely/asthma\u0000/v1\n");
        Result r = check(tmp);
        assertEquals(1, r.exit(), r.out() + r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("codelists/codelists.txt:3:3: error [codelists-txt-invalid-line] '../../etc/passwd' is not a codelist"),
                lines[0]);
        assertTrue(lines[1].startsWith("codelists/codelists.txt:4:1: error [codelists-txt-invalid-line] 'opensafely/asthma\\u0000/v1'"),
                lines[1]);
        assertEquals("2 errors, 0 warnings in 3 files", lines[lines.length - 1]);
        assertEquals("", r.err());

        // The file on its own, and the study's file list.
        Result single = check(tmp, "codelists/codelists.txt");
        assertEquals(1, single.exit(), single.err());
        assertTrue(single.out().startsWith("codelists/codelists.txt:3:3: error [codelists-txt-invalid-line] "), single.out());
        assertEquals("[\"project.yaml\",\"codelists/codelists.txt\",\"analysis/extract.py\"]",
                json(check(tmp, "--format", "json")).get("files").toString());

        Files.writeString(tmp.resolve("codelists/codelists.txt"), "opensafely/asthma-diagnosis/2020-04-15\n");
        assertEquals("No problems found in 3 files\n", check(tmp).out());
    }
}

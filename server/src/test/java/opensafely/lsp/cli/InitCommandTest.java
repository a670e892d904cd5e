package opensafely.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `init [DIR]`: the study it lays out, that it checks clean, and the folders it refuses. */
class InitCommandTest {
    @TempDir
    Path tmp;

    private CheckFixtures.Result init(String... args) {
        InitCommand cmd = new InitCommand();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        cmd.workingDirectory = tmp;
        cmd.stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        cmd.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(cmd).execute(args);
        return new CheckFixtures.Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<String> tree(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void laysOutTheStudyInANewFolder() throws Exception {
        CheckFixtures.Result r = init("studies/new-study");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        Path study = tmp.resolve("studies/new-study");
        assertEquals(List.of(".gitignore", "README.md", "analysis/dataset_definition.py", "analysis/report.py",
                "codelists/codelists.txt", "output/.gitignore", "project.yaml"), tree(study));
        assertTrue(r.out().startsWith("Created a new OpenSAFELY study in studies/new-study:\n  project.yaml\n"), r.out());
        String project = Files.readString(study.resolve("project.yaml"));
        assertTrue(project.contains("version: 5"));
        assertTrue(project.contains("run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz"));
        assertTrue(project.contains("run: python:v2 python analysis/report.py\n    needs: [generate_dataset]"), project);
    }

    @Test
    void theNewStudyChecksCleanWithNoFindings() throws Exception {
        assertEquals(0, init("s").exit());
        CheckFixtures.Result check = CheckFixtures.check(tmp.resolve("s"), "--format", "json", "--fail-on", "never");
        assertEquals(0, check.exit(), check.err());
        assertTrue(check.out().contains("\"diagnostics\":[]") || check.out().replaceAll("\\s", "").contains("\"diagnostics\":[]"),
                check.out());
        assertTrue(check.out().contains("analysis/dataset_definition.py") && check.out().contains("analysis/report.py"), check.out());
    }

    @Test
    void defaultFolderIsTheCurrentOneAndAGitRepositoryCountsAsEmpty() throws Exception {
        Files.createDirectories(tmp.resolve(".git"));
        CheckFixtures.Result r = init();
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Created a new OpenSAFELY study in .:"), r.out());
        assertTrue(Files.isRegularFile(tmp.resolve("project.yaml")));
    }

    @Test
    void aFolderWithFilesIsRefusedAndLeftAsItWas() throws Exception {
        Path existing = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(existing.resolve("notes.txt"), "my notes");
        CheckFixtures.Result r = init("mine");
        assertEquals(2, r.exit());
        assertEquals("opensafely-lsp init: mine is not empty (it holds notes.txt): give a new or empty folder for the study\n", r.err());
        assertEquals("", r.out());
        assertEquals(List.of("notes.txt"), tree(existing));
    }

    @Test
    void aFileIsRefused() throws Exception {
        Files.writeString(tmp.resolve("project"), "x");
        CheckFixtures.Result r = init("project");
        assertEquals(2, r.exit());
        assertEquals("opensafely-lsp init: project is a file, not a folder: give a new or empty folder for the study\n", r.err());
    }
}

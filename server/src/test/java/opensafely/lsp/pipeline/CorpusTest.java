package opensafely.lsp.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import opensafely.lsp.SharedData;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real study repositories: each project.yaml, in a folder laid out with placeholder files from the
 * repository's file list (so file-existence rules are real), has an error exactly when upstream rejects
 * it, and upstream's reason is among our findings.
 */
class CorpusTest {
    private static final Path CORPUS = SharedData.dir().resolve("corpus");

    /** Upstream's first error message → the rule of ours that reports the same problem. */
    private static final Map<String, Rule> REASONS = Map.of(
            "Unexpected parameters", Rule.UNKNOWN_TOP_LEVEL_KEY,
            "is not an allowed file type for moderately_sensitive outputs", Rule.OUTPUT_PATH_EXTENSION_NOT_ALLOWED,
            "output paths must have a file type extension at the end", Rule.OUTPUT_PATH_NO_EXTENSION);

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyRepositoryAgreesWithUpstream() throws IOException {
        JsonNode verdicts = new ObjectMapper().readTree(CORPUS.resolve("upstream-verdicts.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        verdicts.fields().forEachRemaining(e -> {
            String repo = e.getKey().substring(e.getKey().indexOf('/') + 1);
            Path dir = CORPUS.resolve(repo);
            if (!Files.isRegularFile(dir.resolve("project.yaml"))) return;
            tests.add(DynamicTest.dynamicTest(repo, () -> check(repo, dir, e.getValue())));
        });
        assertTrue(tests.size() >= 20, "expected the corpus beside the repository, found " + tests.size());
        return tests.stream();
    }

    private void check(String repo, Path dir, JsonNode verdict) throws IOException {
        Path study = layOut(repo, dir);
        String text = Files.readString(study.resolve("project.yaml"));
        List<Diagnostic> all = new PipelineChecker().check(new ProjectParser().parse(text), StudyFolder.at(study));
        List<Diagnostic> errors = all.stream().filter(d -> d.severity() == Severity.ERROR).toList();
        boolean invalid = verdict.get("verdict").asText().equals("invalid");
        String ours = errors.stream().limit(10).map(d -> d.code() + "@" + d.range() + " " + d.message())
                .collect(Collectors.joining("\n"));
        assertEquals(invalid, !errors.isEmpty(), () -> "upstream: " + verdict + "\nours:\n" + ours);
        if (invalid) {
            String message = verdict.get("message").asText();
            Rule expected = REASONS.entrySet().stream().filter(r -> message.contains(r.getKey()))
                    .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("unmapped reason: " + message));
            assertTrue(errors.stream().anyMatch(d -> d.rule() == expected), () -> "missing " + expected.id() + "\nours:\n" + ours);
        }
    }

    /** A copy of the study folder: project.yaml, codelists, and an empty file for every listed path. */
    private Path layOut(String repo, Path dir) throws IOException {
        Path study = tmp.resolve(repo);
        Files.createDirectories(study);
        Path files = dir.resolve("files.txt");
        if (Files.isRegularFile(files)) {
            for (String line : Files.readAllLines(files)) {
                if (line.isBlank()) continue;
                Path p = study.resolve(line.trim()).normalize();
                if (!p.startsWith(study)) continue;
                Files.createDirectories(p.getParent());
                if (!Files.exists(p)) Files.createFile(p);
            }
        }
        Files.copy(dir.resolve("project.yaml"), study.resolve("project.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return study;
    }
}

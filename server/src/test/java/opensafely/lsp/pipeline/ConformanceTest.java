package opensafely.lsp.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import opensafely.lsp.SharedData;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the upstream conformance suite: a file upstream accepts has no error, a file it rejects
 * (or crashes on) has at least one. Checked without a study folder, as upstream's validator sees text only.
 */
class ConformanceTest {
    private static final Path CASES = SharedData.dir().resolve("conformance/project-yaml/cases.json");

    static List<JsonNode> cases() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        new ObjectMapper().readTree(CASES.toFile()).get("cases").forEach(out::add);
        return out;
    }

    static List<Diagnostic> errors(String yaml) {
        Project project = new ProjectParser().parse(yaml);
        return new PipelineChecker().check(project, StudyFolder.none()).stream()
                .filter(d -> d.severity() == Severity.ERROR).toList();
    }

    /**
     * Where we are deliberately stricter than the validator: a dependency cycle passes validation but
     * makes the job runner recurse until it fails ("Error creating jobs"), so it is an error here. Such a
     * case may have errors of exactly these rules and no others.
     */
    private static final Map<String, Set<String>> STRICTER = Map.of("D34", Set.of("needs-cycle"));

    @TestFactory
    Stream<DynamicTest> everyCaseAgreesWithUpstream() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.get("id").asText() + " " + c.get("title").asText(), () -> {
            List<Diagnostic> errors = errors(c.get("yaml").asText());
            Set<String> stricter = STRICTER.get(c.get("id").asText());
            if (stricter != null) {
                assertFalse(errors.isEmpty(), "expected our stricter rule " + stricter);
                errors.forEach(d -> assertTrue(stricter.contains(d.code()), "unexpected " + d));
                return;
            }
            boolean expectValid = c.get("expect").asText().equals("valid");
            assertEquals(expectValid, errors.isEmpty(),
                    () -> "upstream: " + c.get("upstream").asText() + "\nnote: " + c.get("note").asText()
                            + "\nours: " + errors + "\n---\n" + c.get("yaml").asText());
        }));
    }

    @Test
    void suiteIsThere() throws IOException {
        assertTrue(cases().size() > 100, "the conformance suite should have over 100 cases");
    }
}

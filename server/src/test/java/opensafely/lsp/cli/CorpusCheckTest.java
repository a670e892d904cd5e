package opensafely.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import opensafely.lsp.cli.CheckFixtures.Result;
import opensafely.lsp.diagnostics.Rule;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every real study in the shared corpus through `check --format sarif`: no crash (exit 0 or 1, never 2),
 * and every result is well-formed SARIF pointing inside its file. Which findings are right is the
 * pipeline tests' business.
 */
class CorpusCheckTest {
    @Test
    void everyCorpusStudyGivesWellFormedSarif() throws IOException {
        Path corpus = Path.of(System.getProperty("shared.dir", "../../shared"), "corpus");
        Assumptions.assumeTrue(Files.isDirectory(corpus), "no shared corpus at " + corpus);
        List<Path> studies;
        try (Stream<Path> s = Files.list(corpus)) {
            studies = s.filter(p -> Files.isRegularFile(p.resolve("project.yaml"))).sorted().toList();
        }
        assertTrue(studies.size() > 10, "corpus found: " + studies.size());
        ObjectMapper json = new ObjectMapper();
        for (Path study : studies) {
            Result r = CheckFixtures.check(study, "--format", "sarif");
            assertTrue(r.exit() == 0 || r.exit() == 1, study + ": exit " + r.exit() + " " + r.err());
            JsonNode run = json.readTree(r.out()).at("/runs/0");
            for (JsonNode result : run.get("results")) {
                String where = study.getFileName() + " " + result;
                // The corpus keeps each study's project.yaml and codelists/codelists.txt, the files check reads there.
                String file = result.at("/locations/0/physicalLocation/artifactLocation/uri").asText();
                assertTrue(List.of("project.yaml", "codelists/codelists.txt").contains(file), where);
                int lines = Files.readAllLines(study.resolve(file)).size() + 1;
                // These studies ran in production: their codelists.txt may be untidy, never wrong.
                if (file.equals("codelists/codelists.txt")) assertNotEquals("error", result.get("level").asText(), where);
                assertEquals(Rule.values()[result.get("ruleIndex").asInt()].id(), result.get("ruleId").asText(), where);
                JsonNode region = result.at("/locations/0/physicalLocation/region");
                int startLine = region.get("startLine").asInt();
                int endLine = region.get("endLine").asInt();
                assertTrue(startLine >= 1 && startLine <= endLine && endLine <= lines, where);
                assertTrue(region.get("startColumn").asInt() >= 1, where);
                assertTrue(startLine < endLine || region.get("endColumn").asInt() >= region.get("startColumn").asInt(), where);
            }
        }
    }
}

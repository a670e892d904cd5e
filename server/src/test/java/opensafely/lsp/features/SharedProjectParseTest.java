package opensafely.lsp.features;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectOnDisk;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A project.yaml is parsed once for `check`: by its list of outputs (ProjectOnDisk), then reused by its analysis. */
class SharedProjectParseTest {
    private static final String PROJECT = """
            version: '4.0'
            actions:
              generate_dataset:
                run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                outputs:
                  highly_sensitive:
                    dataset: output/dataset.csv.gz
            """;

    @TempDir
    Path tmp;

    @Test
    void theAnalysisOfAnUneditedProjectYamlReusesTheParseFromDisk() throws Exception {
        Path file = tmp.resolve("project.yaml");
        Files.writeString(file, PROJECT);
        StudyFolder folder = StudyFolder.at(tmp);
        Project onDisk = ProjectOnDisk.read(folder).orElseThrow();

        StudyLanguageService service = new StudyLanguageService();
        assertSame(onDisk, service.project(new Document(file, PROJECT, 0, folder)));
        // An edited text is its own parse.
        String edited = PROJECT.replace("'4.0'", "'3.0'");
        assertNotSame(onDisk, new StudyLanguageService().project(new Document(file, edited, 1, folder)));
    }
}

package opensafely.lsp.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.SharedData;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;

/**
 * A project re-parsed after an edit reports exactly what a fresh parse of the same text reports, and
 * keeps the actions the edit did not touch.
 */
class ProjectReparseTest {
    private final ProjectParser parser = new ProjectParser();
    private final PipelineChecker checker = new PipelineChecker();

    @Test
    void anEditedActionIsRebuiltAndTheOthersAreKept() throws IOException {
        String text = Files.readString(SharedData.dir().resolve("corpus/post-covid-neurodegenerative/project.yaml"));
        Project before = parser.parse(text);
        Action edited = before.actions().get(100);
        int at = text.indexOf("\n", text.indexOf("    run: ", text.indexOf("\n  " + edited.name() + ":")));
        String after = text.substring(0, at) + "x" + text.substring(at);
        Project reparsed = parser.reparse(before, after);
        assertSame(before.actions().get(99), reparsed.actions().get(99));
        assertSame(before.actions().get(101), reparsed.actions().get(101));
        assertNotSame(edited, reparsed.actions().get(100));
        assertEquals(parser.parse(after).actions().get(100).run().raw(), reparsed.actions().get(100).run().raw());
    }

    @Test
    void editsOfARealProjectReportWhatAFreshParseReports() throws IOException {
        String text = Files.readString(SharedData.dir().resolve("corpus/post-covid-neurodegenerative/project.yaml"));
        StudyFolder none = StudyFolder.none();
        Project project = parser.parse(text);
        // Typos in needs entries and run commands, a new action, a removed output: what a person types.
        List<String[]> edits = List.of(
                new String[] {"    - generate_dates\n", "    - generate_datesx\n"},
                new String[] {"analysis/study_dates.R", "analysis/study_dates.r"},
                new String[] {"  generate_input_vax:\n", "  generate_input_vax:\n    image: x\n"},
                new String[] {"        cohort: output/dataset_definition/input_vax.csv.gz\n", ""},
                new String[] {"  study_dates:\n", "  study_dates:\n    needs: [study_dates]\n"});
        for (String[] edit : edits) {
            String next = text.replaceFirst(java.util.regex.Pattern.quote(edit[0]), java.util.regex.Matcher.quoteReplacement(edit[1]));
            Project reparsed = parser.reparse(project, next);
            List<Diagnostic> expected = checker.check(parser.parse(next), none);
            assertEquals(expected, checker.check(reparsed, none), edit[1]);
            text = next;
            project = reparsed;
        }
    }
}

package opensafely.lsp.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import opensafely.lsp.SharedData;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;

/**
 * The example studies under examples/ are what a newcomer runs first (the README's main command), so what
 * the checker says about them is pinned here: nothing at all for the clean study, and exactly the mistakes
 * its README lists for the other one.
 */
class ExamplesTest {
    private static final Path EXAMPLES = SharedData.repo().resolve("examples");

    /** A finding as the README of typical-mistakes lists it: rule id and 1-based line. */
    record Finding(String code, int line) implements Comparable<Finding> {
        @Override
        public int compareTo(Finding o) {
            return line != o.line ? Integer.compare(line, o.line) : code.compareTo(o.code);
        }

        @Override
        public String toString() {
            return "line " + line + " " + code;
        }
    }

    private static final Set<Finding> TYPICAL_MISTAKES = Set.of(
            new Finding("generate-dataset-output-mismatch", 7),
            new Finding("needs-cycle", 8),
            new Finding("latest-tag-unsupported", 14),
            new Finding("needs-cycle", 15),
            new Finding("yaml-duplicate-key", 18),
            new Finding("yaml-duplicate-key", 19),
            new Finding("image-version-invalid", 22),
            new Finding("needs-unknown-action", 23),
            new Finding("output-path-extension-not-allowed", 26),
            new Finding("run-file-missing", 29),
            new Finding("unknown-top-level-key", 43));

    /** What the checker says about the typical-mistakes dataset definition (analysis/dataset_definition.py). */
    private static final Set<Finding> DATASET_MISTAKES = Set.of(
            new Finding("ehrql-first-without-sort", 44),
            new Finding("ehrql-event-level-column", 45));

    /** What the script rules say about typical-mistakes: in report.py, and on project.yaml (lines of each file). */
    private static final Set<Finding> REPORT_SCRIPT_MISTAKES = Set.of(
            new Finding("script-unknown-column", 31),
            new Finding("script-output-undeclared", 46));
    private static final Set<Finding> PROJECT_SCRIPT_MISTAKES = Set.of(
            new Finding("script-output-never-written", 19),
            new Finding("script-output-never-written", 40));
    /** The R and Stata scripts' findings, by file. */
    private static final Map<String, Set<Finding>> OTHER_SCRIPT_MISTAKES = Map.of(
            "analysis/model.R", Set.of(new Finding("script-unknown-column", 7)),
            "analysis/tabulate.do", Set.of(new Finding("script-output-undeclared", 4)));

    /** The findings for one Python file of an example, through the same dispatcher the editor and `check` use. */
    static List<Diagnostic> checkPython(String study, String file) throws IOException {
        Path folder = EXAMPLES.resolve(study);
        Path path = folder.resolve(file);
        return new opensafely.lsp.features.StudyLanguageService().diagnostics(
                new opensafely.lsp.workspace.Document(path, Files.readString(path), 1, StudyFolder.at(folder)));
    }

    static List<Diagnostic> check(String study) throws IOException {
        Path folder = EXAMPLES.resolve(study);
        String text = Files.readString(folder.resolve("project.yaml"));
        return new PipelineChecker().check(new ProjectParser().parse(text), StudyFolder.at(folder));
    }

    @Test
    void cleanStudyHasNoFindingsAtAll() throws IOException {
        List<Diagnostic> found = check("clean-study");
        assertEquals(List.of(), found.stream().map(ExamplesTest::describe).toList(),
                "clean-study must check clean: no errors, warnings or hints");
    }

    @Test
    void cleanStudyDefinitionsHaveNoFindingsAtAll() throws IOException {
        for (String file : List.of("analysis/dataset_definition.py", "analysis/measure_definitions.py")) {
            assertEquals(List.of(), checkPython("clean-study", file).stream().map(ExamplesTest::describe).toList(), file + " must check clean");
        }
    }

    @Test
    void typicalMistakesDatasetDefinitionReportsExactlyTheListedFindings() throws IOException {
        Set<Finding> found = new TreeSet<>();
        for (Diagnostic d : checkPython("typical-mistakes", "analysis/dataset_definition.py")) {
            found.add(new Finding(d.code(), d.range().start().line() + 1));
        }
        assertEquals(new TreeSet<>(DATASET_MISTAKES), found);
        String readme = Files.readString(EXAMPLES.resolve("typical-mistakes/README.md"));
        for (Finding f : DATASET_MISTAKES) {
            assertTrue(readme.contains("| " + f.line() + " | `" + f.code() + "` |"), "README.md of typical-mistakes should list " + f);
        }
    }

    @Test
    void typicalMistakesScriptsReportExactlyTheListedFindings() throws IOException {
        Set<Finding> inReport = new TreeSet<>();
        for (Diagnostic d : checkPython("typical-mistakes", "analysis/report.py")) inReport.add(new Finding(d.code(), d.range().start().line() + 1));
        assertEquals(new TreeSet<>(REPORT_SCRIPT_MISTAKES), inReport);
        Set<Finding> onProject = new TreeSet<>();
        for (Diagnostic d : checkPython("typical-mistakes", "project.yaml")) {
            if (d.code().startsWith("script-")) onProject.add(new Finding(d.code(), d.range().start().line() + 1));
        }
        assertEquals(new TreeSet<>(PROJECT_SCRIPT_MISTAKES), onProject);
        String readme = Files.readString(EXAMPLES.resolve("typical-mistakes/README.md"));
        for (Finding f : REPORT_SCRIPT_MISTAKES) {
            assertTrue(readme.contains("| " + f.line() + " | `" + f.code() + "` |"), "README.md of typical-mistakes should list " + f);
        }
        for (Finding f : PROJECT_SCRIPT_MISTAKES) {
            assertTrue(readme.contains("| " + f.line() + " | `" + f.code() + "` |"), "README.md of typical-mistakes should list " + f);
        }
        for (Map.Entry<String, Set<Finding>> e : OTHER_SCRIPT_MISTAKES.entrySet()) {
            Set<Finding> inScript = new TreeSet<>();
            for (Diagnostic d : checkPython("typical-mistakes", e.getKey())) inScript.add(new Finding(d.code(), d.range().start().line() + 1));
            assertEquals(new TreeSet<>(e.getValue()), inScript, e.getKey());
            for (Finding f : e.getValue()) {
                assertTrue(readme.contains("| `" + e.getKey() + "` | " + f.line() + " | `" + f.code() + "` |"),
                        "README.md of typical-mistakes should list " + e.getKey() + " " + f);
            }
        }
    }

    @Test
    void cleanStudyScriptsHaveNoFindings() throws IOException {
        for (String file : List.of("project.yaml", "analysis/report.py")) {
            assertEquals(List.of(), checkPython("clean-study", file).stream().map(ExamplesTest::describe).toList(), file + " must check clean");
        }
    }

    @Test
    void cleanStudyHasEveryFileItsPipelineNames() throws IOException {
        Path folder = EXAMPLES.resolve("clean-study");
        Project project = new ProjectParser().parse(Files.readString(folder.resolve("project.yaml")));
        assertEquals(4, project.actions().size()); // a Python and an R action beside the two ehrQL ones
        for (Action action : project.actions()) {
            List<ScriptReference> refs = ScriptReference.of(action.run());
            assertEquals(1, refs.size(), action.name() + " names one script");
            assertTrue(Files.isRegularFile(folder.resolve(refs.get(0).path())), refs.get(0).path());
        }
        assertTrue(Files.isRegularFile(folder.resolve("codelists/example-asthma-diagnosis.csv")));
    }

    @Test
    void typicalMistakesReportsExactlyTheListedFindings() throws IOException {
        Set<Finding> found = new TreeSet<>();
        for (Diagnostic d : check("typical-mistakes")) {
            found.add(new Finding(d.code(), d.range().start().line() + 1));
        }
        assertEquals(new TreeSet<>(TYPICAL_MISTAKES), found);
    }

    @Test
    void typicalMistakesReadmeListsEveryFinding() throws IOException {
        String readme = Files.readString(EXAMPLES.resolve("typical-mistakes/README.md"));
        for (Finding f : TYPICAL_MISTAKES) {
            assertTrue(readme.contains("| " + f.line() + " | `" + f.code() + "` |"),
                    "README.md of typical-mistakes should list " + f + " as a table row");
        }
    }

    private static String describe(Diagnostic d) {
        return d.severity().label() + " " + d.code() + " at " + (d.range().start().line() + 1) + ":"
                + (d.range().start().character() + 1) + " " + d.message();
    }
}

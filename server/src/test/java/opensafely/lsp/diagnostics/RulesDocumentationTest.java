package opensafely.lsp.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import opensafely.lsp.SharedData;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.PipelineChecker;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectParser;
import opensafely.lsp.pipeline.ScriptReference;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.DocumentKind;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/rules.md is part of the contract (CONTRACT.md: every code "documented with an example"), so it is
 * tested: one section per rule, in enum order, with the right default severity, and an example that really
 * produces the rule it documents and no error of any other rule.
 *
 * <p>How a section writes its example (the page's own convention, checked by {@link #theParserFindsEveryExample}):
 * <ul>
 * <li>The example is the section's one fenced block in ```yaml (a whole project.yaml) or ```python (a
 * definition file) that has no {@code <!-- file: ... -->} comment on the line before it.</li>
 * <li>A python example is saved in a study folder as the file of its rule family ({@link #PYTHON_FAMILIES},
 * e.g. analysis/study_definition.py for the study-* rules) and checked there through the language server's
 * dispatcher. {@code <!-- example: PATH -->} on the line before the block saves it as PATH instead.</li>
 * <li>A ```text example is a study's codelists.txt: {@code <!-- example: codelists/codelists.txt -->} on the line
 * before it is required, and it is checked through the dispatcher in a folder with a minimal project.yaml.</li>
 * <li>A ```csv example is a moderately_sensitive output: {@code <!-- example: output/NAME.csv -->} on the line before
 * it is required, and it is checked through the dispatcher, as the editor checks an open output, in a folder whose
 * project.yaml ({@link #OUTPUTS_PROJECT}, unless a file block supplies one) declares {@code output/*.csv}
 * moderately_sensitive.</li>
 * <li>{@code <!-- example: skip -->} on the line before the block: the example is shown but not run (only
 * for {@link #MAY_SKIP}).</li>
 * <li>Any other file the example's folder needs (a codelist CSV, a helper module, its own project.yaml) is a
 * fenced block, in any language, with {@code <!-- file: PATH -->} on the line before it; PATH is relative to
 * the study folder. A python example's folder gets its family's project.yaml unless a file block supplies
 * one.</li>
 * </ul>
 */
class RulesDocumentationTest {
    private static final Path RULES_MD = SharedData.repo().resolve("docs/rules.md");
    private static final Pattern HEADING = Pattern.compile("(?m)^## `([^`\\n]*)`[ \\t]*$");
    private static final Pattern ANY_H2 = Pattern.compile("(?m)^## .*$");
    private static final Pattern SEVERITY = Pattern.compile("(?m)^\\*\\*Default severity:\\*\\* (\\w+)\\s*$");
    /** A fenced block: 1 and 2 the key and value of a {@code <!-- key: value -->} line just before it, 3 the language, 4 the text. */
    private static final Pattern FENCE = Pattern.compile(
            "(?m)(?:^<!-- (example|file): ([^\\n]*?) -->[ \\t]*\\n)?^```([\\w-]*)[ \\t]*\\n((?s:.*?))^```[ \\t]*$");
    private static final Pattern FILE_COMMENT = Pattern.compile("<!-- file:");
    private static final String SKIP = "skip";

    /** Only this example cannot be written as text: its point is bytes that are not UTF-8. */
    private static final Set<String> MAY_SKIP = Set.of(Rule.FILE_ENCODING.id(),
            // A symbolic link, and a 4096-character line, cannot be written in a page's code block; tests with real files check them.
            Rule.FILE_OUTSIDE_STUDY.id(), Rule.CODELIST_HEADER_TOO_LONG.id(),
            // Reported only past a limit (20 million characters, time, memory) or on an internal failure.
            Rule.ANALYSIS_INCOMPLETE.id(),
            // A 17 MiB file, a binary file, 5001 rows and an image cannot be written in a page's code block;
            // OutputsCheckTest checks them with generated files.
            Rule.OUTPUT_TOO_LARGE.id(), Rule.OUTPUT_FILE_TYPE.id(), Rule.OUTPUT_TOO_MANY_ROWS.id(),
            Rule.OUTPUT_FIGURE_WITHOUT_DATA.id(),
            // Reported after the editor runs an action, never by a static check: lsp.PipelineRunsTest runs their examples' cases.
            Rule.RUN_FAILED.id(), Rule.RUN_UNMATCHED_OUTPUT.id(), Rule.RUN_MISSING_NEEDS.id());

    /**
     * Its example needs a missing file, so it is checked in an empty folder. Every other project.yaml example
     * is checked in a folder that holds the scripts and definitions its run commands name, so that examples
     * can look like real projects without all of them also reporting run-file-missing.
     */
    private static final String NEEDS_EMPTY_FOLDER = Rule.RUN_FILE_MISSING.id();

    /**
     * How the ```python examples of one rule family are checked: the sections whose rule id starts with
     * {@code rulePrefix} save their example as {@code definition} (a path in the study folder), and their
     * folder gets {@code projectYaml} unless the section supplies its own project.yaml. In the project.yaml,
     * {@code {path}} stands for the example's path and {@code {stem}} for its file name without ".py", so that
     * the default project runs the example (and study-unused and the like stay quiet).
     */
    record PythonFamily(String rulePrefix, String definition, String projectYaml) {
        String projectYamlFor(String path) {
            String name = Path.of(path).getFileName().toString();
            return projectYaml.replace("{path}", path).replace("{stem}", name.replaceFirst("\\.py$", ""));
        }
    }

    /** One row per family of Python rules; the ehrQL rules add theirs (analysis/dataset_definition.py). */
    private static final List<PythonFamily> PYTHON_FAMILIES = List.of(
            new PythonFamily("study-", "analysis/study_definition.py", """
                    version: '3.0'
                    expectations:
                      population_size: 1000
                    actions:
                      generate_cohort:
                        run: cohortextractor:latest generate_cohort --study-definition {stem}
                        outputs:
                          highly_sensitive:
                            cohort: output/input.csv
                    """),
            new PythonFamily("ehrql-", "analysis/dataset_definition.py", """
                    version: '4.0'
                    actions:
                      generate_dataset:
                        run: ehrql:v1 generate-dataset {path} --output output/dataset.csv.gz
                        outputs:
                          highly_sensitive:
                            dataset: output/dataset.csv.gz
                    """),
            // The rules on analysis scripts: the example is the script an action runs after the dataset is made.
            new PythonFamily("script-", "analysis/report.py", """
                    version: '4.0'
                    actions:
                      generate_dataset:
                        run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                        outputs:
                          highly_sensitive:
                            dataset: output/dataset.csv.gz
                      report:
                        run: python:v2 python {path}
                        needs: [generate_dataset]
                        outputs:
                          moderately_sensitive:
                            table: output/table.csv
                    """));

    /**
     * Rules whose documented example does not (yet) give the documented result: a bug in the rule, not
     * in the docs. Each is skipped with the reason while it misbehaves, and the test fails once it is
     * fixed, so that the entry is removed rather than forgotten.
     */
    private static final Map<String, String> KNOWN_MISFIRES = Map.of();

    @TempDir
    Path temp;

    record Section(String id, String body) {
    }

    /**
     * The example of a section: {@code language} "yaml" or "python", {@code path} where it is saved in the
     * study folder, {@code skipped} for {@code <!-- example: skip -->}, and the other files of its folder.
     */
    record Example(String language, String path, String text, boolean skipped, Map<String, String> files) {
        boolean python() {
            return language.equals("python");
        }

        boolean codelistsTxt() {
            return language.equals("text");
        }

        boolean outputCsv() {
            return language.equals("csv");
        }
    }

    /** The project.yaml of the folder a ```csv example (a moderately_sensitive output) is checked in. */
    private static final String OUTPUTS_PROJECT = """
            version: '4.0'
            actions:
              describe:
                run: python:v2 python analysis/describe.py
                outputs:
                  moderately_sensitive:
                    tables: output/*.csv
            """;

    /** The project.yaml of the folder a codelists.txt example is checked in. */
    private static final String MINIMAL_PROJECT = """
            version: '4.0'
            actions: {}
            """;

    static String document() throws IOException {
        assertTrue(Files.isRegularFile(RULES_MD), "missing " + RULES_MD);
        return Files.readString(RULES_MD);
    }

    static List<Section> sections(String doc) {
        List<Section> out = new ArrayList<>();
        Matcher m = HEADING.matcher(doc);
        List<int[]> bounds = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        while (m.find()) {
            bounds.add(new int[] {m.start(), m.end()});
            ids.add(m.group(1));
        }
        for (int i = 0; i < ids.size(); i++) {
            int end = i + 1 < ids.size() ? bounds.get(i + 1)[0] : doc.length();
            out.add(new Section(ids.get(i), doc.substring(bounds.get(i)[1], end)));
        }
        return out;
    }

    static PythonFamily family(String ruleId) {
        return PYTHON_FAMILIES.stream().filter(f -> ruleId.startsWith(f.rulePrefix())).findFirst().orElse(null);
    }

    /** Reads a section's example and file blocks by the convention in the class comment; fails on anything else. */
    static Example example(Section s) {
        String language = null;
        String path = null;
        String text = null;
        boolean skipped = false;
        Map<String, String> files = new LinkedHashMap<>();
        Matcher m = FENCE.matcher(s.body());
        while (m.find()) {
            String key = m.group(1);
            String value = m.group(2);
            if ("file".equals(key)) {
                assertTrue(isPlainRelativePath(value), s.id() + ": <!-- file: " + value + " --> must be a relative path inside the study folder");
                assertFalse(files.containsKey(value), s.id() + ": two blocks for the file " + value);
                files.put(value, m.group(4));
                continue;
            }
            assertTrue(text == null, s.id() + ": more than one example block; mark the extra files with <!-- file: PATH -->");
            language = m.group(3);
            text = m.group(4);
            if (language.equals("yaml")) {
                path = "project.yaml";
                skipped = SKIP.equals(value);
                assertTrue(value == null || skipped, s.id() + ": a ```yaml example is always project.yaml; only <!-- example: skip --> applies");
            } else if (language.equals("python")) {
                PythonFamily f = family(s.id());
                skipped = SKIP.equals(value);
                assertTrue(f != null || skipped, s.id() + ": no PythonFamily says how to check a ```python example of this rule");
                path = value == null || skipped ? (f != null ? f.definition() : "analysis/example.py") : value;
                assertTrue(isPlainRelativePath(path) && path.endsWith(".py"), s.id() + ": <!-- example: " + path + " --> must be a relative .py path");
            } else if (language.equals("text")) {
                path = value;
                assertTrue(value != null && DocumentKind.of(Path.of(value)) == DocumentKind.CODELISTS_TXT && isPlainRelativePath(value),
                        s.id() + ": a ```text example is a codelists.txt: <!-- example: codelists/codelists.txt --> before it");
            } else if (language.equals("csv")) {
                skipped = SKIP.equals(value);
                path = skipped ? "output/example.csv" : value;
                assertTrue(path != null && path.startsWith("output/") && path.endsWith(".csv") && isPlainRelativePath(path),
                        s.id() + ": a ```csv example is an output: <!-- example: output/NAME.csv --> before it");
            } else {
                fail(s.id() + ": the example must be ```yaml, ```python, ```text or ```csv, not ```" + language
                        + " (a block that is a file of the example needs <!-- file: PATH --> on the line before it)");
            }
        }
        assertNotNull(text, s.id() + ": section has no ```yaml, ```python, ```text or ```csv example");
        Matcher comments = FILE_COMMENT.matcher(s.body());
        int fileComments = 0;
        while (comments.find()) fileComments++;
        assertEquals(fileComments, files.size(), s.id() + ": a <!-- file: PATH --> comment must be on the line just before its block");
        assertFalse(files.containsKey(path), s.id() + ": a file block has the example's own path " + path);
        return new Example(language, path, text, skipped, files);
    }

    private static boolean isPlainRelativePath(String p) {
        if (p == null || p.isBlank() || p.startsWith("/") || p.contains("\\")) return false;
        Path path = Path.of(p);
        return !path.isAbsolute() && path.normalize().equals(path) && !path.startsWith("..");
    }

    @Test
    void everyRuleHasExactlyOneSectionAndNoSectionNamesAnUnknownRule() throws IOException {
        List<String> documented = sections(document()).stream().map(Section::id).toList();
        Map<String, Long> counts = documented.stream()
                .collect(Collectors.groupingBy(id -> id, LinkedHashMap::new, Collectors.counting()));
        List<String> unknown = documented.stream().filter(id -> Rule.byId(id) == null).toList();
        assertEquals(List.of(), unknown, "sections for ids that are not rules");
        List<String> repeated = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertEquals(List.of(), repeated, "rules documented more than once");
        List<String> missing = Arrays.stream(Rule.values()).map(Rule::id).filter(id -> !counts.containsKey(id)).toList();
        assertEquals(List.of(), missing, "rules without a section");
        assertEquals(Arrays.stream(Rule.values()).map(Rule::id).toList(), documented, "sections are in the enum's order");
    }

    @Test
    void everySecondLevelHeadingIsARuleSection() throws IOException {
        String doc = document();
        Matcher any = ANY_H2.matcher(doc);
        while (any.find()) {
            assertTrue(HEADING.matcher(any.group()).matches(),
                    "level-2 headings are reserved for rules, written ## `rule-id`: " + any.group());
        }
    }

    @TestFactory
    Stream<DynamicTest> everySectionStatesTheDefaultSeverity() throws IOException {
        return sections(document()).stream().filter(s -> Rule.byId(s.id()) != null).map(s -> DynamicTest.dynamicTest(s.id(), () -> {
            Matcher m = SEVERITY.matcher(s.body());
            assertTrue(m.find(), "no '**Default severity:** ...' line");
            assertEquals(Rule.byId(s.id()).defaultSeverity().label(), m.group(1));
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyExampleReportsItsRuleAndNoOtherError() throws IOException {
        return sections(document()).stream().map(s -> DynamicTest.dynamicTest(s.id(), () -> checkExample(s)));
    }

    private void checkExample(Section s) throws IOException {
        Example ex = example(s);
        if (ex.skipped()) {
            assertTrue(MAY_SKIP.contains(s.id()), "only " + MAY_SKIP + " may skip its example");
            return;
        }
        Path folder = Files.createDirectories(temp.resolve(s.id()));
        for (Map.Entry<String, String> f : ex.files().entrySet()) write(folder, f.getKey(), f.getValue());
        String misfire = KNOWN_MISFIRES.get(s.id());
        List<Diagnostic> found;
        try {
            found = ex.python() ? checkDefinition(s, ex, folder)
                    : ex.codelistsTxt() ? checkCodelistsTxt(ex, folder)
                    : ex.outputCsv() ? checkOutputCsv(ex, folder)
                    : checkProjectYaml(s, ex, folder);
        } catch (RuntimeException e) {
            Assumptions.assumeTrue(misfire == null, "known misfire: " + misfire);
            throw e;
        }
        boolean reported = found.stream().anyMatch(d -> d.code().equals(s.id()));
        List<Diagnostic> otherErrors = found.stream()
                .filter(d -> d.severity() == Severity.ERROR && !d.code().equals(s.id()))
                .toList();
        boolean ok = reported && otherErrors.isEmpty();
        if (misfire != null) {
            Assumptions.assumeTrue(ok, "known misfire: " + misfire);
            fail("the example now works: remove '" + s.id() + "' from KNOWN_MISFIRES");
        }
        assertTrue(reported, () -> "the example does not report " + s.id() + "; it reports " + describe(found));
        assertEquals(List.of(), otherErrors.stream().map(RulesDocumentationTest::describe).toList(),
                "the example also reports errors of other rules");
    }

    private static List<Diagnostic> checkProjectYaml(Section s, Example ex, Path folder) throws IOException {
        Project project = new ProjectParser().parse(ex.text());
        if (!s.id().equals(NEEDS_EMPTY_FOLDER)) {
            layOutNamedFiles(project, folder);
        }
        if (s.id().startsWith("script-")) {
            // project.yaml's findings about the scripts it runs come from the dispatcher, which reads the scripts.
            Path file = write(folder, "project.yaml", ex.text());
            return new StudyLanguageService().diagnostics(new Document(file, ex.text(), 1, StudyFolder.at(folder)));
        }
        return new PipelineChecker().check(project, StudyFolder.at(folder));
    }

    /** Saves the definition in its study folder, as in a real study, and asks the language server about it. */
    private static List<Diagnostic> checkDefinition(Section s, Example ex, Path folder) throws IOException {
        if (!ex.files().containsKey("project.yaml")) write(folder, "project.yaml", family(s.id()).projectYamlFor(ex.path()));
        Path file = write(folder, ex.path(), ex.text());
        return new StudyLanguageService().diagnostics(new Document(file, ex.text(), 1, StudyFolder.at(folder)));
    }

    /** Saves codelists.txt in a study folder and asks the language server about it. */
    private static List<Diagnostic> checkCodelistsTxt(Example ex, Path folder) throws IOException {
        if (!ex.files().containsKey("project.yaml")) write(folder, "project.yaml", MINIMAL_PROJECT);
        Path file = write(folder, ex.path(), ex.text());
        return new StudyLanguageService().diagnostics(new Document(file, ex.text(), 1, StudyFolder.at(folder)));
    }

    /** Saves the output in a study that declares it moderately_sensitive and asks the language server, as for an open CSV. */
    private static List<Diagnostic> checkOutputCsv(Example ex, Path folder) throws IOException {
        if (!ex.files().containsKey("project.yaml")) write(folder, "project.yaml", OUTPUTS_PROJECT);
        Path file = write(folder, ex.path(), ex.text());
        return new StudyLanguageService().diagnostics(new Document(file, ex.text(), 1, StudyFolder.at(folder)));
    }

    private static Path write(Path folder, String relative, String text) throws IOException {
        Path file = folder.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    /** Creates (empty) every script and definition that a run command names, like a real study folder. */
    private static void layOutNamedFiles(Project project, Path folder) throws IOException {
        for (Action action : project.actions()) {
            for (ScriptReference ref : ScriptReference.of(action.run())) {
                Path file = folder.resolve(ref.path());
                Files.createDirectories(file.getParent());
                if (!Files.exists(file)) Files.createFile(file);
            }
        }
    }

    private static String describe(List<Diagnostic> ds) {
        return ds.stream().map(RulesDocumentationTest::describe).toList().toString();
    }

    private static String describe(Diagnostic d) {
        return d.code() + "@" + (d.range().start().line() + 1) + ":" + d.range().start().character() + " " + d.message();
    }

    @Test
    void theParserFindsEveryExample() throws IOException {
        // Guards the harness itself: a broken fence or a misplaced file comment would silently leave a rule
        // untested, or test it in the wrong folder.
        List<Section> sections = sections(document());
        assertFalse(sections.isEmpty(), "no ## `rule-id` sections found");
        for (Section s : sections) {
            Example ex = example(s);
            if (ex.python()) {
                assertTrue(ex.text().contains("import "), s.id() + ": a ```python example is a whole definition file, with its imports");
            } else if (ex.codelistsTxt() || ex.outputCsv()) {
                assertFalse(ex.text().isBlank(), s.id() + ": example is empty");
            } else {
                assertTrue(ex.text().contains(":"), s.id() + ": example looks empty");
            }
            for (Map.Entry<String, String> f : ex.files().entrySet()) {
                assertFalse(f.getValue().isBlank(), s.id() + ": the block for " + f.getKey() + " is empty");
            }
        }
        // Every kind is in use, so no branch of the harness is dead.
        assertTrue(sections.stream().map(RulesDocumentationTest::example).anyMatch(Example::python), "no ```python example found");
        assertTrue(sections.stream().map(RulesDocumentationTest::example).anyMatch(e -> e.language().equals("yaml")), "no ```yaml example found");
        assertTrue(sections.stream().map(RulesDocumentationTest::example).anyMatch(Example::codelistsTxt), "no ```text example found");
        assertTrue(sections.stream().map(RulesDocumentationTest::example).anyMatch(e -> e.outputCsv() && !e.skipped()), "no ```csv example found");
    }
}

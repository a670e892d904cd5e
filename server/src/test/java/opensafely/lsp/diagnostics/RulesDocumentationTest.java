package opensafely.lsp.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.PipelineChecker;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectParser;
import opensafely.lsp.pipeline.ScriptReference;
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
 */
class RulesDocumentationTest {
    private static final Path RULES_MD = SharedData.repo().resolve("docs/rules.md");
    private static final Pattern HEADING = Pattern.compile("(?m)^## `([^`\\n]*)`[ \\t]*$");
    private static final Pattern ANY_H2 = Pattern.compile("(?m)^## .*$");
    private static final Pattern SEVERITY = Pattern.compile("(?m)^\\*\\*Default severity:\\*\\* (\\w+)\\s*$");
    private static final Pattern YAML_BLOCK = Pattern.compile("(?s)(<!-- example: skip -->\\s*\\n)?```yaml\\n(.*?)```");

    /** Only this example cannot be written as text: its point is bytes that are not UTF-8. */
    private static final Set<String> MAY_SKIP = Set.of(Rule.FILE_ENCODING.id());

    /**
     * Its example needs a missing file, so it is checked in an empty folder. Every other example is
     * checked in a folder that holds the scripts and definitions its run commands name, so that examples
     * can look like real projects without all of them also reporting run-file-missing.
     */
    private static final String NEEDS_EMPTY_FOLDER = Rule.RUN_FILE_MISSING.id();

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
        Matcher block = YAML_BLOCK.matcher(s.body());
        assertTrue(block.find(), "section has no ```yaml example");
        if (block.group(1) != null) {
            assertTrue(MAY_SKIP.contains(s.id()), "only " + MAY_SKIP + " may skip its example");
            return;
        }
        String yaml = block.group(2);
        Path folder = Files.createDirectories(temp.resolve(s.id()));
        Project project = new ProjectParser().parse(yaml);
        if (!s.id().equals(NEEDS_EMPTY_FOLDER)) {
            layOutNamedFiles(project, folder);
        }
        String misfire = KNOWN_MISFIRES.get(s.id());
        List<Diagnostic> found;
        try {
            found = new PipelineChecker().check(project, StudyFolder.at(folder));
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
        // Guards the harness itself: a broken fence would silently leave a rule untested.
        for (Section s : sections(document())) {
            Matcher block = YAML_BLOCK.matcher(s.body());
            assertTrue(block.find(), s.id() + " has no example");
            assertNotNull(block.group(2));
            assertTrue(block.group(2).contains(":"), s.id() + ": example looks empty");
        }
    }
}

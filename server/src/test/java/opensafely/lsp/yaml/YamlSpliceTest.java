package opensafely.lsp.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import opensafely.lsp.SharedData;
import opensafely.lsp.text.LineIndex;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Re-reading one block after an edit must give exactly the tree, problems and line table that reading
 * the whole text gives. Checked on every real project.yaml of the corpus under a few hundred seeded random
 * edits each (the kinds a person makes: typing, deleting, new lines, pasted lines), and on hand-made cases.
 */
class YamlSpliceTest {
    private final YamlLoader loader = new YamlLoader();

    private static final String PROJECT = """
            version: '4.0'
            expectations:
              population_size: 1000
            actions:
              extract:
                run: cohortextractor:latest generate_cohort
                outputs:
                  highly_sensitive:
                    cohort: output/input.csv
              # a comment between actions
              report:
                run: python:latest analysis/report.py
                  --flag
                needs: [extract]
                outputs:
                  moderately_sensitive:
                    table: output/table.csv

              last:
                run: r:latest analysis/x.R
                needs:
                - report
            """;

    @Test
    void typingInsideAnActionReReadsThatActionOnly() {
        YamlDocument before = loader.load(PROJECT);
        assertTrue(before.spliceable());
        String after = PROJECT.replace("analysis/report.py", "analysis/reports.py");
        YamlDocument spliced = YamlSplice.apply(loader, before, after).orElseThrow();
        assertSameAsFullRead(spliced, after);
        YamlMapping actions = (YamlMapping) ((YamlMapping) spliced.root().orElseThrow()).get("actions").orElseThrow();
        YamlMapping oldActions = (YamlMapping) ((YamlMapping) before.root().orElseThrow()).get("actions").orElseThrow();
        // The untouched actions are the very same nodes: nothing was re-read or copied for them.
        assertSame(oldActions.entries().get(0), actions.entries().get(0));
        assertSame(oldActions.entries().get(2), actions.entries().get(2));
    }

    @Test
    void newLinesMoveTheActionsBelowAndANewActionIsAnEntry() {
        YamlDocument before = loader.load(PROJECT);
        String after = PROJECT.replace("    needs: [extract]\n", "    needs: [extract]\n\n  inserted:\n    run: python:latest x.py\n");
        YamlDocument spliced = YamlSplice.apply(loader, before, after).orElseThrow();
        assertSameAsFullRead(spliced, after);
    }

    @Test
    void editsThatReachOutsideTheirBlockReadTheWholeText() {
        YamlDocument before = loader.load(PROJECT);
        // A root key in the middle of the actions, a duplicate action name, an anchor, a tab, a syntax error,
        // an edit across two actions, and the first character of an action's key line.
        List<String> edits = List.of(
                PROJECT.replace("    needs: [extract]\n", "    needs: [extract]\nfoo: 1\n"),
                PROJECT.replace("  last:\n", "  extract:\n"),
                PROJECT.replace("    needs: [extract]\n", "    needs: &n [extract]\n"),
                PROJECT.replace("      --flag\n", "\t--flag\n"),
                PROJECT.replace("needs: [extract]", "needs: [extract"),
                PROJECT.replace("  # a comment between actions\n  report:\n", "  reportx:\n"),
                PROJECT.replace("  report:\n", "report:\n"));
        for (String after : edits) {
            assertTrue(YamlSplice.apply(loader, before, after).isEmpty(), after);
            assertSameAsFullRead(loader.reload(before, after), after);
        }
    }

    @Test
    void aTextWithAnchorsOrMarkersIsNeverSpliced() {
        assertFalse(loader.load(PROJECT.replace("population_size: 1000", "population_size: &n 1000")).spliceable());
        assertFalse(loader.load("---\n" + PROJECT).spliceable());
        assertFalse(loader.load(PROJECT.replace("cohort: output/input.csv", "cohort: !custom output/input.csv")).spliceable());
        assertFalse(loader.load(PROJECT + "  last:\n    run: x\n").spliceable()); // duplicate key: has problems
    }

    @TestFactory
    Stream<DynamicTest> randomEditsOfRealProjectsAgreeWithAFullRead() throws IOException {
        Path corpus = SharedData.dir().resolve("corpus");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(corpus)) {
            dirs.map(d -> d.resolve("project.yaml")).filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        assertTrue(files.size() >= 20, "expected the corpus beside the repository, found " + files.size());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getParent().getFileName().toString(), () -> {
            String text = Files.readString(f);
            Random random = new Random(f.getParent().getFileName().toString().hashCode());
            YamlDocument doc = loader.load(text);
            int spliced = 0, edits = 150;
            for (int i = 0; i < edits; i++) {
                String next = randomEdit(text, random);
                Optional<YamlDocument> s = YamlSplice.apply(loader, doc, next);
                YamlDocument full = loader.load(next);
                if (s.isPresent()) {
                    spliced++;
                    assertSameAs(full, s.get(), "edit " + i);
                }
                // Go on from the edited text while it still reads cleanly, as a person typing would;
                // an edit that breaks it is undone, so that the next edits start from a good text again.
                if (full.spliceable()) {
                    text = next;
                    doc = s.orElse(full);
                }
            }
            // The test means something only if splicing happens: on the big files it is for, most edits
            // land inside an action (in a file of a few lines, many hit the lines around the actions).
            YamlDocument original = loader.load(Files.readString(f));
            if (original.spliceable() && original.lines().lineCount() > 100) {
                assertTrue(spliced > edits / 4, "spliced only " + spliced + " of " + edits + " edits");
            }
        }));
    }

    /** One edit a person might make: type or delete a character, break or join a line, copy a line. */
    private static String randomEdit(String text, Random random) {
        if (text.isEmpty()) return "actions:\n";
        int at = random.nextInt(text.length());
        LineIndex lines = new LineIndex(text);
        int line = lines.position(at).line();
        String[] typed = {"a", "_", " ", "-", ":", "\n", "#", "'", "\"", "[", "]", ",", "1", "\n    "};
        return switch (random.nextInt(6)) {
            case 0, 1 -> text.substring(0, at) + typed[random.nextInt(typed.length)] + text.substring(at);
            case 2 -> text.substring(0, at) + text.substring(at + 1);
            case 3 -> { // delete a whole line
                int s = lines.lineStart(line), e = Math.min(text.length(), lines.lineEnd(line) + 1);
                yield text.substring(0, s) + text.substring(e);
            }
            case 4 -> { // copy a line below itself
                int s = lines.lineStart(line), e = Math.min(text.length(), lines.lineEnd(line) + 1);
                String copy = text.substring(s, e);
                yield text.substring(0, e) + (copy.endsWith("\n") ? copy : "\n" + copy) + text.substring(e);
            }
            default -> text.substring(0, at) + "x" + text.substring(Math.min(text.length(), at + 3));
        };
    }

    /** Where two trees first differ, as a path and both nodes' ranges, or "" (a whole tree is too long to read). */
    private static String difference(YamlNode a, YamlNode b, String path) {
        if (!a.getClass().equals(b.getClass()) || !a.range().equals(b.range())) {
            return path + ": " + a.getClass().getSimpleName() + " " + a.range() + " vs " + b.getClass().getSimpleName() + " " + b.range();
        }
        if (a instanceof YamlMapping ma && b instanceof YamlMapping mb) {
            for (int i = 0; i < Math.min(ma.entries().size(), mb.entries().size()); i++) {
                String k = difference(ma.entries().get(i).key(), mb.entries().get(i).key(), path + "." + i + "(key)");
                if (k.isEmpty()) k = difference(ma.entries().get(i).value(), mb.entries().get(i).value(), path + "." + ma.entries().get(i).keyText());
                if (!k.isEmpty()) return k;
            }
            if (ma.entries().size() != mb.entries().size()) return path + ": " + ma.entries().size() + " vs " + mb.entries().size() + " entries";
        } else if (a instanceof YamlSequence sa && b instanceof YamlSequence sb) {
            for (int i = 0; i < Math.min(sa.items().size(), sb.items().size()); i++) {
                String k = difference(sa.items().get(i), sb.items().get(i), path + "[" + i + "]");
                if (!k.isEmpty()) return k;
            }
            if (sa.items().size() != sb.items().size()) return path + ": " + sa.items().size() + " vs " + sb.items().size() + " items";
        } else if (!a.equals(b)) {
            return path + ": " + a + " vs " + b;
        }
        return "";
    }

    private void assertSameAsFullRead(YamlDocument spliced, String text) {
        assertSameAs(loader.load(text), spliced, text);
    }

    private static void assertSameAs(YamlDocument full, YamlDocument spliced, String what) {
        if (full.root().isPresent() && spliced.root().isPresent()) {
            assertEquals("", difference(full.root().get(), spliced.root().get(), "root"), what);
        }
        assertEquals(full.root(), spliced.root(), what);
        assertEquals(full.problems(), spliced.problems(), what);
        assertEquals(full.spliceable(), spliced.spliceable(), what);
        assertEquals(full.lines().lineCount(), spliced.lines().lineCount(), what);
        for (int l = 0; l < full.lines().lineCount(); l++) {
            assertEquals(full.lines().lineStart(l), spliced.lines().lineStart(l), what + " line " + l);
        }
    }
}

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

    private static final String NEW_ACTION = """
              appended_action:
                run: r:latest analysis/new.R
                needs: [report, lastx]
                outputs:
                  moderately_sensitive:
                    table: "output/new table.csv"
            """;

    /**
     * Typing a new action after the last one, a character at a time, as a person does: nearly every text on
     * the way does not parse (a key before its colon, a half-typed flow list, an open quote), and each is
     * read from the end block alone, with the same tree or the same syntax error as a full read.
     */
    @Test
    void typingANewActionAtTheEndReadsOnlyTheLastAction() {
        assertTypedAtTheEndWithoutAFullRead(PROJECT, NEW_ACTION);
        assertTypedAtTheEndWithoutAFullRead(PROJECT + "\n# trailing comment\n\n", NEW_ACTION);
        assertTypedAtTheEndWithoutAFullRead(PROJECT, "    image: x\n    config: {a: [1, 'b\n");  // text appended to the last action
        assertTypedAtTheEndWithoutAFullRead(PROJECT.stripTrailing(), "\n" + NEW_ACTION); // no line break at the end yet
    }

    @Test
    void typingANewActionAtTheEndOfTheLargestRealProject() throws IOException {
        String text = Files.readString(SharedData.dir().resolve("corpus/post-covid-neurodegenerative/project.yaml"));
        assertTypedAtTheEndWithoutAFullRead(text, NEW_ACTION.replace("lastx", "make_outputx"));
    }

    private void assertTypedAtTheEndWithoutAFullRead(String start, String typed) {
        YamlDocument base = loader.load(start);
        assertTrue(base.spliceable());
        String text = start;
        for (int i = 0; i < typed.length(); i++) {
            text = text + typed.charAt(i);
            YamlDocument spliced = YamlSplice.apply(loader, base, text).orElse(null);
            if (spliced == null) throw new AssertionError("read in full after typing " + i + " characters: " + typed.substring(0, i + 1));
            // On a megabyte's project a full read per keystroke took minutes of CI; every 8th and the last compare
            // (randomAppendsAtTheEndOfRealProjectsAgreeWithAFullRead compares the states in between on real projects).
            if (start.length() < 100_000 || i % 8 == 0 || i == typed.length() - 1) assertSameAsFullRead(spliced, text);
            if (spliced.spliceable()) base = spliced; // as the editor's cache: the last text that parsed
        }
    }

    /**
     * Appends at the end that the end block cannot vouch for are read in full, and what is spliced is what a
     * full read gives: a new top-level key, a line less indented than the actions, a tab, a line that turns
     * the last key into something else, a document marker, an alias to nothing.
     */
    @Test
    void appendsThatReachOutsideTheLastActionReadTheWholeText() {
        YamlDocument before = loader.load(PROJECT);
        for (String tail : List.of("foo: 1\n", "foo", "# comment\nfoo: [1\n", " x\n", "\t- x\n", "---\n", "    y: *nothing\n",
                "  z: [\n", "  ", "  a\n  b: 1\n", "    x: 'open\n", "\n\n\n", "  # a comment\n", "  last2: 1\n  last2: 2\n")) {
            String after = PROJECT + tail;
            Optional<YamlDocument> spliced = YamlSplice.apply(loader, before, after);
            spliced.ifPresent(s -> assertSameAsFullRead(s, after));
            assertSameAsFullRead(loader.reload(before, after), after);
        }
        // An edit of the last key's line (its colon removed, a character glued to the colon): read in full.
        for (String after : List.of(PROJECT.replace("  last:\n", "  last\n") + "  x", PROJECT.replace("  last:\n", "  last:x\n") + "  x")) {
            assertTrue(YamlSplice.apply(loader, before, after).isEmpty(), after);
        }
    }

    @TestFactory
    Stream<DynamicTest> randomAppendsAtTheEndOfRealProjectsAgreeWithAFullRead() throws IOException {
        return corpusFiles().stream().map(f -> DynamicTest.dynamicTest(f.getParent().getFileName().toString(), () -> {
            String original = Files.readString(f);
            YamlDocument doc = loader.load(original);
            if (!doc.spliceable()) return;
            Random random = new Random(f.getParent().getFileName().toString().hashCode());
            String[] pieces = {"  ", "new_action", ":", "\n", "    run: r:latest x.R", "    needs: [", "a", ", ", "]", "'", "\"",
                    "# note", "\n\n", "foo: 1", "- x", "    outputs:\n      moderately_sensitive:\n        t: o.csv\n", "{", "}",
                    "    config:\n      k: |\n        text\n", "&a ", "*a", "\t", "x: y: z", "\u00e9"};
            String text = original;
            int appends = 60;
            for (int i = 0; i < appends; i++) {
                String next = text + pieces[random.nextInt(pieces.length)];
                Optional<YamlDocument> s = YamlSplice.apply(loader, doc, next);
                YamlDocument full = loader.load(next);
                if (s.isPresent()) {
                    assertSameAs(full, s.get(), "append " + i + ": ..." + next.substring(Math.max(0, next.length() - 120)));
                }
                if (full.spliceable()) doc = s.orElse(full);
                text = random.nextInt(8) == 0 ? doc.lines().text() : next; // now and then undo back to the last good text
            }
            // How many are spliced depends on the file's last lines (a file that ends without a line break, or
            // with a root key after the actions, splices none); the typing tests above pin that it happens.
        }));
    }

    private static List<Path> corpusFiles() throws IOException {
        Path corpus = SharedData.dir().resolve("corpus");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(corpus)) {
            dirs.map(d -> d.resolve("project.yaml")).filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        assertTrue(files.size() >= 20, "expected the corpus beside the repository, found " + files.size());
        return files;
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

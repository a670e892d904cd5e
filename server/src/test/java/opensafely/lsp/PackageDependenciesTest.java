package opensafely.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering ARCHITECTURE.md promises, checked on the sources: no two packages of {@code opensafely.lsp}
 * depend on each other (directly or round a longer loop), and the protocol libraries stay in the two
 * packages that translate (LSP4J in {@code lsp}, picocli in {@code cli}). A scan of the source text rather
 * than of bytecode, so it needs no library; it counts imports and fully qualified names in code (comments and
 * string literals are blanked first, so a Javadoc mention is not a dependency).
 */
class PackageDependenciesTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    /** A reference to a class of the project: {@code opensafely.lsp.pkg[.sub].Type}. */
    private static final Pattern PROJECT_REF = Pattern.compile("\\bopensafely\\.lsp((?:\\.[a-z_][a-z0-9_]*)+)\\.[A-Z*]");
    private static final Pattern LITERAL_OR_COMMENT = Pattern.compile(
            "/\\*.*?\\*/|//[^\\n]*|\"\"\"(?s:.*?)\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])+'", Pattern.DOTALL);

    @Test
    void noPackageCycles() {
        List<Set<String>> tangled = new ArrayList<>();
        List<List<String>> cycles = cycles(dependencies(SOURCES), tangled);
        assertTrue(cycles.isEmpty(), () -> "package cycles (each a loop of imports; break it by moving the shared "
                + "types below both packages): " + cycles + (tangled.isEmpty() ? "" : "; packages tangled together: " + tangled));
    }

    @Test
    void protocolLibrariesOnlyWhereTheyAreTranslated() {
        List<String> wrong = new ArrayList<>();
        for (Source s : sources(SOURCES)) {
            if (s.code.contains("org.eclipse.lsp4j") && !within(s.pkg, "opensafely.lsp.lsp")) wrong.add(s.path + " uses LSP4J");
            if (s.code.contains("picocli") && !within(s.pkg, "opensafely.lsp.cli")) wrong.add(s.path + " uses picocli");
        }
        assertEquals(List.of(), wrong, "the core speaks in its own types; only lsp knows LSP4J and only cli knows picocli");
    }

    /** The checker itself, on a made-up layout: a loop through three packages is found, a chain is not. */
    @Test
    void findsLoopsNotChains() {
        Map<String, Set<String>> loop = new TreeMap<>(Map.of(
                "a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a", "d"), "d", Set.of()));
        assertEquals(List.of(List.of("a", "b", "c", "a")), cycles(loop));
        assertEquals(List.of(), cycles(new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of()))));
    }

    @Test
    void blanksCommentsAndStrings() {
        String code = blank("/** see {@link opensafely.lsp.x.Y} */ String s = \"opensafely.lsp.z.W\"; opensafely.lsp.q.R.f();");
        assertEquals(Set.of("opensafely.lsp.q"), references(code));
    }

    private record Source(Path path, String pkg, String code) {
    }

    private static boolean within(String pkg, String root) {
        return pkg.equals(root) || pkg.startsWith(root + ".");
    }

    private static List<Source> sources(Path root) {
        assertTrue(Files.isDirectory(root), "run from server/: " + root.toAbsolutePath());
        try (Stream<Path> files = Files.walk(root)) {
            List<Source> out = new ArrayList<>();
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java")).sorted()::iterator) {
                String code = blank(Files.readString(p));
                Matcher m = PACKAGE.matcher(code);
                out.add(new Source(root.relativize(p), m.find() ? m.group(1) : "", code));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Package → the other project packages its classes name. */
    private static Map<String, Set<String>> dependencies(Path root) {
        Map<String, Set<String>> deps = new TreeMap<>();
        for (Source s : sources(root)) {
            Set<String> out = deps.computeIfAbsent(s.pkg, k -> new TreeSet<>());
            for (String target : references(s.code)) {
                if (!target.equals(s.pkg)) out.add(target);
            }
        }
        return deps;
    }

    private static Set<String> references(String code) {
        Set<String> out = new TreeSet<>();
        Matcher m = PROJECT_REF.matcher(code);
        while (m.find()) out.add("opensafely.lsp" + m.group(1));
        return out;
    }

    /** Comments and literals become spaces (keeping offsets), so only code is scanned. */
    private static String blank(String text) {
        Matcher m = LITERAL_OR_COMMENT.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, " ".repeat(m.group().length()));
        m.appendTail(sb);
        return sb.toString();
    }

    /** One loop per strongly connected group of packages (Tarjan), each shown as a path back to its start. */
    private static List<List<String>> cycles(Map<String, Set<String>> graph) {
        return cycles(graph, new ArrayList<>());
    }

    /** As above; {@code tangled} receives each group of more than two packages, for the message. */
    private static List<List<String>> cycles(Map<String, Set<String>> graph, List<Set<String>> tangled) {
        List<List<String>> out = new ArrayList<>();
        new Object() {
            final Map<String, Integer> index = new TreeMap<>();
            final Map<String, Integer> low = new TreeMap<>();
            final List<String> stack = new ArrayList<>();
            int next;

            void run() {
                for (String v : graph.keySet()) if (!index.containsKey(v)) visit(v);
            }

            void visit(String v) {
                index.put(v, next);
                low.put(v, next++);
                stack.add(v);
                for (String w : graph.getOrDefault(v, Set.of())) {
                    if (!index.containsKey(w)) {
                        visit(w);
                        low.put(v, Math.min(low.get(v), low.get(w)));
                    } else if (stack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                }
                if (!low.get(v).equals(index.get(v))) return;
                Set<String> group = new TreeSet<>();
                String w;
                do {
                    w = stack.remove(stack.size() - 1);
                    group.add(w);
                } while (!w.equals(v));
                boolean selfLoop = graph.getOrDefault(v, Set.of()).contains(v);
                if (group.size() > 1 || selfLoop) out.add(loopThrough(group));
                if (group.size() > 2) tangled.add(group);
            }

            /** A path from the group's first package back to itself, staying inside the group. */
            List<String> loopThrough(Set<String> group) {
                String start = group.iterator().next();
                Map<String, String> parent = new TreeMap<>();
                List<String> queue = new ArrayList<>(List.of(start));
                for (int i = 0; i < queue.size(); i++) {
                    String u = queue.get(i);
                    for (String w : graph.getOrDefault(u, Set.of())) {
                        if (!group.contains(w)) continue;
                        if (w.equals(start)) {
                            List<String> path = new ArrayList<>(List.of(start));
                            for (String x = u; !x.equals(start); x = parent.get(x)) path.add(1, x);
                            path.add(start);
                            return path;
                        }
                        if (parent.putIfAbsent(w, u) == null && !w.equals(start)) queue.add(w);
                    }
                }
                return List.copyOf(group);
            }
        }.run();
        return out;
    }
}

package opensafely.lsp.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import opensafely.lsp.workspace.StudyFolder;

/**
 * The modules beside a study definition that it imports (analysis/codelists.py, analysis/common_variables.py), directly
 * or through another such module: generate_cohort runs their code when it loads the definition, so a fault in one
 * fails the job. Found by reading the Python files of the module's own folder (bounded), never by running them.
 */
final class HelperModules {
    private HelperModules() {
    }

    /** Python files of one folder read at most; a folder with more is judged by the first ones, in name order. */
    static final int MAX_FILES = 200;
    /** Definitions that a helper module's findings are looked for through (each is evaluated: on each keystroke). */
    static final int MAX_IMPORTERS = 6;

    /**
     * The study definitions of the module's folder that import it, directly or through sibling modules (at most
     * {@link #MAX_IMPORTERS}); empty when the module is itself a study definition or nothing imports it.
     */
    static List<Path> definitionsImporting(Path module, StudyFolder folder) {
        if (module == null || folder == null || !folder.known() || !module.toString().endsWith(".py")) return List.of();
        Path self = module.toAbsolutePath().normalize();
        Path dir = self.getParent();
        if (dir == null || !Files.isDirectory(dir)) return List.of();
        List<Path> siblings;
        List<String> stamps = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            siblings = s.filter(p -> p.getFileName().toString().endsWith(".py")).sorted().limit(MAX_FILES)
                    .map(p -> p.toAbsolutePath().normalize()).filter(p -> !p.equals(self)).toList();
            for (Path p : siblings) stamps.add(p + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis());
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        // The dispatcher asks on every request for a Python file that is not a definition: the siblings are read again
        // only when one of them changed on disk.
        synchronized (LAST) {
            Known known = LAST.get(self);
            if (known != null && known.stamps().equals(stamps)) return known.importers();
        }
        Map<Path, String> texts = new LinkedHashMap<>();
        for (Path n : siblings) folder.readString(n).ifPresent(t -> texts.put(n, t)); // never through a link that leaves the study
        List<Path> found = importers(self, texts);
        synchronized (LAST) {
            LAST.put(self, new Known(stamps, found));
        }
        return found;
    }

    private record Known(List<String> stamps, List<Path> importers) {
    }

    /** The last answer for a few modules, with the size and time of each sibling it was read from. */
    private static final Map<Path, Known> LAST = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Known> eldest) {
            return size() > 32;
        }
    };

    private static List<Path> importers(Path self, Map<Path, String> texts) {
        // Backwards from the module: who imports it, who imports those... a definition ends a path.
        List<Path> out = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        Deque<Path> todo = new ArrayDeque<>();
        todo.add(self);
        seen.add(self);
        while (!todo.isEmpty() && out.size() < MAX_IMPORTERS) {
            Path m = todo.poll();
            for (Map.Entry<Path, String> e : texts.entrySet()) {
                if (seen.contains(e.getKey()) || !imports(e.getValue(), m)) continue;
                seen.add(e.getKey());
                if (isDefinition(e.getKey(), e.getValue())) {
                    if (out.size() < MAX_IMPORTERS) out.add(e.getKey());
                } else {
                    todo.add(e.getKey());
                }
            }
        }
        return out;
    }

    static boolean isDefinition(Path path, String text) {
        return StudyDefinitionService.isStudyFileName(path) || text.contains("StudyDefinition(");
    }

    /** Whether Python text imports the module at this path by its name, as Python finds a module beside it. */
    static boolean imports(String text, Path module) {
        Path name = module.getFileName();
        if (name == null) return false;
        String stem = name.toString().replaceFirst("\\.py$", "");
        if (!stem.matches("\\w+")) return false;
        return Pattern.compile("(?m)^\\s*(from\\s+\\.*(\\w+\\.)*" + stem + "(\\.[\\w.]+)?\\s+import\\b|import\\s+[\\w., ]*\\b" + stem + "\\b"
                + "|from\\s+\\.*[\\w.]*\\s+import\\s+[\\w, (]*\\b" + stem + "\\b)").matcher(text).find();
    }
}

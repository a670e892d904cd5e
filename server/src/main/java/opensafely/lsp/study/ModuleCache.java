package opensafely.lsp.study;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.workspace.StudyFolder;

/**
 * Sibling modules (analysis/codelists.py, analysis/common_variables.py...) read from disk and evaluated once
 * per content: an entry is reused while the file and every module it imported still have the same text.
 */
final class ModuleCache implements Interpreter.Modules {
    private record Entry(String text, SourceFile file, Interpreter.Env env, Map<Path, String> deps) {
    }

    private final Map<Path, Entry> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Entry> eldest) {
            return size() > 64;
        }
    };
    /** A module read from this text rather than from disk (a helper module's unsaved version), or null. */
    private final Path overridePath;
    private final String overrideText;

    ModuleCache() {
        this(null, null);
    }

    /** A cache that reads the module at {@code path} (absolute, normalised) as {@code text}, whatever is on disk. */
    ModuleCache(Path path, String text) {
        this.overridePath = path;
        this.overrideText = text;
    }

    private Optional<String> read(StudyFolder folder, Path p) {
        if (overridePath != null && overridePath.equals(p.toAbsolutePath().normalize())) return Optional.of(overrideText);
        return folder.readString(p); // never through a link that leaves the study
    }

    /** Modules being evaluated on this thread (to break import cycles) and the deps collected for each. */
    private final ThreadLocal<Deque<Map<Path, String>>> loading = ThreadLocal.withInitial(ArrayDeque::new);
    private final ThreadLocal<Deque<Path>> stack = ThreadLocal.withInitial(ArrayDeque::new);

    @Override
    public Interpreter.Loaded load(SourceFile from, String module, int level) {
        if (from.path == null || module.isEmpty()) return null;
        Path dir = from.path.toAbsolutePath().getParent();
        for (int i = 1; i < level && dir != null; i++) dir = dir.getParent();
        if (dir == null) return null;
        String rel = module.replace('.', '/');
        Path p = dir.resolve(rel + ".py").normalize();
        if (!Files.isRegularFile(p)) {
            Path init = dir.resolve(rel).resolve("__init__.py").normalize();
            if (!Files.isRegularFile(init)) {
                // `from analysis.codelists import *` run from the repository root.
                Path parent = dir.getParent();
                if (level == 0 && parent != null && Files.isRegularFile(parent.resolve(rel + ".py"))) p = parent.resolve(rel + ".py");
                else return null;
            } else {
                p = init;
            }
        }
        return loadPath(StudyFolder.around(from.path), p.normalize());
    }

    /** Data files larger than this are not read (a config file is small). */
    private static final long MAX_DATA = 1 << 20;

    @Override
    public String readData(SourceFile from, String path) {
        if (from.path == null || path.isBlank()) return null;
        Optional<StudyFolder> folder = StudyFolder.enclosing(from.path);
        if (folder.isEmpty()) return null;
        String rel = path.strip();
        while (rel.startsWith("./")) rel = rel.substring(2);
        // What earlier actions write (output/...) is not the committed file: on the server it is fresh output.
        if (rel.isEmpty() || rel.startsWith("output/") || rel.startsWith("/")) return null;
        Optional<Path> p = folder.get().resolve(rel);
        if (p.isEmpty() || writtenByAnAction(folder.get(), rel)) return null;
        String text = folder.get().readBytes(p.get(), MAX_DATA).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
        if (text == null) return null;
        for (Map<Path, String> c : loading.get()) c.put(p.get(), text);
        return text;
    }

    /** Outputs declared in a project.yaml, by its text (the file is re-read, the patterns parsed once per text). */
    private record Outputs(String text, List<java.util.regex.Pattern> patterns) {
    }

    private final Map<Path, Outputs> outputs = new LinkedHashMap<>();

    /**
     * Whether an action of project.yaml declares this path (or a pattern matching it) as an output: the copy in
     * the folder is then a local run's (or a placeholder), not what the server's study sees. True when
     * project.yaml cannot be read, since then nobody can tell.
     */
    private boolean writtenByAnAction(StudyFolder folder, String rel) {
        Optional<Path> yaml = folder.resolve("project.yaml");
        if (yaml.isEmpty()) return true;
        String text = folder.readString(yaml.get()).orElse(null);
        if (text == null) return true;
        for (Map<Path, String> c : loading.get()) c.put(yaml.get(), text);
        Outputs o;
        synchronized (this) {
            o = outputs.get(yaml.get());
        }
        if (o == null || !o.text.equals(text)) {
            List<java.util.regex.Pattern> patterns = new ArrayList<>();
            for (opensafely.lsp.pipeline.Action a : new opensafely.lsp.pipeline.ProjectParser().parse(text).actions()) {
                for (opensafely.lsp.pipeline.Output out : a.outputs()) {
                    if (out.path() != null) patterns.add(glob(out.path()));
                }
            }
            o = new Outputs(text, patterns);
            synchronized (this) {
                outputs.put(yaml.get(), o);
            }
        }
        for (java.util.regex.Pattern pattern : o.patterns) if (pattern.matcher(rel).matches()) return true;
        return false;
    }

    private static java.util.regex.Pattern glob(String pattern) {
        String p = pattern.strip();
        while (p.startsWith("./")) p = p.substring(2);
        StringBuilder re = new StringBuilder();
        for (char ch : p.toCharArray()) {
            if (ch == '*') re.append(".*"); // generous: a pattern that might cover the file counts
            else if (ch == '?') re.append('.');
            else re.append(java.util.regex.Pattern.quote(String.valueOf(ch)));
        }
        return java.util.regex.Pattern.compile(re.toString());
    }

    private Interpreter.Loaded loadPath(StudyFolder folder, Path p) {
        String text = read(folder, p).orElse(null);
        if (text == null) return null;
        Deque<Map<Path, String>> collectors = loading.get();
        for (Map<Path, String> c : collectors) c.put(p, text);
        if (stack.get().contains(p)) return null; // import cycle: the names are unknown
        Entry e;
        synchronized (this) {
            e = cache.get(p);
        }
        if (e != null && e.text.equals(text) && depsUnchanged(e)) {
            for (Map<Path, String> c : collectors) c.putAll(e.deps);
            return new Interpreter.Loaded(e.file, e.env);
        }
        SourceFile file = SourceFile.parse(p, text);
        Map<Path, String> deps = new LinkedHashMap<>();
        collectors.push(deps);
        stack.get().push(p);
        Interpreter.Env env;
        try {
            env = new Interpreter(this).run(file);
        } finally {
            collectors.pop();
            stack.get().pop();
        }
        for (Map<Path, String> c : collectors) c.putAll(deps);
        Entry fresh = new Entry(text, file, env, deps);
        synchronized (this) {
            cache.put(p, fresh);
        }
        return new Interpreter.Loaded(file, env);
    }

    private boolean depsUnchanged(Entry e) {
        for (Map.Entry<Path, String> d : e.deps.entrySet()) {
            if (!read(StudyFolder.around(d.getKey()), d.getKey()).map(d.getValue()::equals).orElse(false)) return false;
        }
        return true;
    }
}

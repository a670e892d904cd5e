package opensafely.lsp.ehrql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.codelists.CodelistCsvFiles;
import opensafely.lsp.python.ModuleLinks;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.ehrql.EValue.Binding;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import opensafely.lsp.workspace.VersionCache;

/** Parses, evaluates and checks a dataset or measures definition; the last few document versions are cached. */
final class DatasetAnalyzer {
    /** One analysed version of a document: its parse, what each expression holds, the module's names, the findings. */
    record Analysis(SourceFile file, Map<Py.Node, EValue> types, Map<String, Binding> globals, List<Diagnostic> diagnostics) {
    }

    private final CodelistCsvFiles csvs = new CodelistCsvFiles();
    /** Parsed sibling modules by path and text (parsing is the costly part; evaluation is per analysis). */
    private final Map<Path, SourceFile> parsed = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, SourceFile> eldest) {
            return size() > 64;
        }
    };
    private final VersionCache<Analysis> recent = new VersionCache<>(8);

    CodelistCsvFiles csvs() {
        return csvs;
    }

    /** The analysis of this document version: computed once, then shared by completion, hover and symbols. */
    Analysis analyse(Document doc) {
        return recent.get(doc, d -> compute(d.path(), d.text(), d.folder()));
    }

    /**
     * Analyses the document afresh, whatever is cached: the findings also depend on files read from disk
     * (sibling modules, codelist CSVs, project.yaml), which may have changed while the text did not.
     */
    Analysis refresh(Document doc) {
        return recent.refresh(doc, d -> compute(d.path(), d.text(), d.folder()));
    }

    Analysis compute(Path path, String text, StudyFolder folder) {
        return compute(path, text, folder, null);
    }

    /** @param helperTypes null, or filled with the value of each node evaluated inside a helper call (for dummy data) */
    Analysis compute(Path path, String text, StudyFolder folder, Map<Py.Node, EValue> helperTypes) {
        SourceFile file = SourceFile.parse(path, text);
        Findings out = new Findings(file);
        for (SourceFile.ErrorSpan e : file.syntaxErrorSpans(5)) out.report(Rule.EHRQL_SYNTAX, file, e.start(), e.end(), e.message());
        Map<Py.Node, EValue> types = new IdentityHashMap<>();
        Loader loader = new Loader(folder, out);
        Evaluator ev = new Evaluator(file, out, loader, folder, csvs, types);
        ev.helperTypes = helperTypes;
        Map<String, Binding> globals;
        try {
            globals = ev.run();
        } catch (RuntimeException | StackOverflowError e) {
            globals = ev.globals;
            ev.namesOpen = true;
        }
        for (ModuleLinks.Finding l : ModuleLinks.outside(file, folder)) {
            out.report(Rule.FILE_OUTSIDE_STUDY, file, l.start(), l.end(), l.message());
        }
        FileRules.Use use = FileRules.use(file, folder); // how project.yaml runs the file: read once per analysis
        if (file.syntaxErrors.isEmpty()) {
            try {
                FileRules.check(file, globals, ev.namesOpen, folder, use, out);
            } catch (RuntimeException e) {
                // the file-level rules must not take the others down
            }
        }
        List<Diagnostic> found = new java.util.ArrayList<>(out.diagnostics());
        // The schema is ehrQL v1's. A definition written for v0's table modules (ehrql.tables.beta) is judged by
        // V0Schema: what fails whatever the dialect, and names v0 lacks too. One run with ehrql:v0 that imports no beta
        // module speaks an older dialect still, so only bad syntax, a NameError or a missing codelist file is said.
        if (V0Schema.writtenForV0(text)) {
            found = new java.util.ArrayList<>(V0Schema.get().judge(found, file));
        } else if (use.legacy()) {
            found.removeIf(d -> d.rule() != Rule.EHRQL_SYNTAX && d.rule() != Rule.EHRQL_UNDEFINED_NAME
                    && d.rule() != Rule.EHRQL_CODELIST_FILE_MISSING);
        }
        found.sort(Comparator.comparing((Diagnostic d) -> d.range().start()).thenComparing(d -> d.rule().ordinal()));
        return new Analysis(file, types, globals, List.copyOf(found));
    }

    /**
     * What a helper module's code does when the definitions that project.yaml runs import it: each such definition
     * is evaluated with this module's text, and the findings made in the module (at module level or in its
     * functions called with the definition's values) are kept, once each however many definitions find them.
     * A definition written for ehrQL v0 is not used (only syntax is judged there).
     */
    static final int MAX_IMPORTERS = 8;

    List<Diagnostic> helperFindings(Path module, String text, StudyFolder folder) {
        if (module == null || folder == null || !folder.known()) return List.of();
        Path self = module.toAbsolutePath().normalize();
        Map<String, Diagnostic> found = new LinkedHashMap<>();
        int analysed = 0;
        List<Path> definitions = FileRules.runDefinitions(folder);
        if (definitions.contains(self)) return List.of(); // a definition itself: its own analysis says it all
        for (Path def : definitions) {
            String dt = folder.readString(def).orElse(null);
            if (dt == null || !FileRules.imports(dt, self)) continue;
            // A v0 definition is judged as V0Schema says (names v0 lacks too); one run with v0 in another dialect is not.
            boolean v0 = V0Schema.writtenForV0(dt) || V0Schema.writtenForV0(text);
            if (!v0 && FileRules.use(def, folder).legacy()) continue;
            SourceFile df = SourceFile.parse(def, dt);
            // Bounded: a module imported by dozens of definitions is judged through the first few (on each keystroke).
            if (++analysed > MAX_IMPORTERS) break;
            Findings out = new Findings(df);
            out.collectFor(self);
            Loader loader = new Loader(folder, out);
            loader.override = self;
            loader.overrideText = text;
            try {
                new Evaluator(df, out, loader, folder, csvs, new IdentityHashMap<>()).run();
            } catch (RuntimeException | StackOverflowError e) {
                // what was found before the failure stands
            }
            List<Diagnostic> inModule = out.helperDiagnostics();
            if (v0) inModule = V0Schema.get().judge(inModule, text, new opensafely.lsp.text.LineIndex(text));
            for (Diagnostic d : inModule) found.putIfAbsent(d.rule().id() + "@" + d.range(), d);
        }
        return List.copyOf(found.values());
    }

    /** Loads sibling modules for one analysis: each evaluated once, with its findings muted. */
    private final class Loader implements Evaluator.Modules {
        private final StudyFolder folder;
        private final Findings out;
        /** A module read from this text rather than from disk (the editor's unsaved version of it). */
        Path override;
        String overrideText;
        private final Map<Path, Map<String, Binding>> done = new HashMap<>();
        private final Deque<Path> loading = new ArrayDeque<>();

        Loader(StudyFolder folder, Findings out) {
            this.folder = folder;
            this.out = out;
        }

        @Override
        public Map<String, Binding> load(SourceFile from, String module, int level) {
            if (from.path == null || module.isEmpty() || loading.size() > 12) return null;
            Path dir = from.path.toAbsolutePath().getParent();
            for (int i = 1; i < level && dir != null; i++) dir = dir.getParent();
            if (dir == null) return null;
            String rel = module.replace('.', '/');
            Path p = find(dir, rel, level);
            if (p == null) return null;
            p = p.normalize();
            if (done.containsKey(p)) return done.get(p);
            if (loading.contains(p)) return null;
            SourceFile f = override != null && p.toAbsolutePath().normalize().equals(override) ? parseText(p.toAbsolutePath().normalize(), overrideText)
                    : parse(folder.known() ? folder : StudyFolder.around(from.path), p);
            if (f == null) return null;
            loading.push(p);
            out.mute();
            try {
                Evaluator ev = new Evaluator(f, out, this, folder, csvs, new IdentityHashMap<>());
                Map<String, Binding> names;
                try {
                    names = ev.run();
                } catch (RuntimeException | StackOverflowError e) {
                    names = ev.globals;
                    ev.namesOpen = true;
                }
                if (ev.namesOpen) {
                    names = new java.util.LinkedHashMap<>(names);
                    names.put(Evaluator.OPEN_NAMES, new Binding(EValue.UNKNOWN, null));
                }
                done.put(p, names);
                return names;
            } finally {
                out.unmute();
                loading.pop();
            }
        }

        private Path find(Path dir, String rel, int level) {
            Path p = dir.resolve(rel + ".py");
            if (Files.isRegularFile(p)) return p;
            Path init = dir.resolve(rel).resolve("__init__.py");
            if (Files.isRegularFile(init)) return init;
            if (level == 0) {
                // `from analysis.codelists import *`, run from the repository root.
                Path root = folder.root().orElse(null);
                if (root != null) {
                    Path q = root.resolve(rel + ".py");
                    if (Files.isRegularFile(q)) return q;
                }
                Path parent = dir.getParent();
                if (parent != null && Files.isRegularFile(parent.resolve(rel + ".py"))) return parent.resolve(rel + ".py");
            }
            return null;
        }
    }

    private SourceFile parse(StudyFolder bounds, Path p) {
        String text = bounds.readString(p).orElse(null); // never through a link that leaves the study
        if (text == null) return null;
        return parseText(p, text);
    }

    private SourceFile parseText(Path p, String text) {
        synchronized (this) {
            SourceFile f = parsed.get(p);
            if (f != null && f.text.equals(text)) return f;
        }
        SourceFile f = SourceFile.parse(p, text);
        synchronized (this) {
            parsed.put(p, f);
        }
        return f;
    }
}

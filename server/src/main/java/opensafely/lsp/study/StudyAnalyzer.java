package opensafely.lsp.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;

/** Parses, evaluates and checks a study definition; the last few document versions are cached. */
final class StudyAnalyzer {
    /** One analysed version of a document. */
    record Analysis(SourceFile file, StudyModel model, List<Diagnostic> diagnostics) {
    }

    private record Key(Path path, int version, String text) {
    }

    private final ModuleCache modules = new ModuleCache();
    private final CodelistFiles codelists = new CodelistFiles();
    private final List<StudyRule> rules = List.of(new StudyShapeRules(), new CallRules(), new ExpectationRules(), new CodelistRules(),
            new ProjectLinkRule());
    private final Map<Key, Analysis> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Analysis> eldest) {
            return size() > 8;
        }
    };

    CodelistFiles codelists() {
        return codelists;
    }

    Analysis analyse(Document doc) {
        Key key = new Key(doc.path(), doc.version(), doc.text());
        synchronized (this) {
            Analysis a = recent.get(key);
            if (a != null) return a;
        }
        Analysis a = compute(doc.path(), doc.text(), doc.folder());
        synchronized (this) {
            recent.put(key, a);
        }
        return a;
    }

    Analysis compute(Path path, String text, StudyFolder folder) {
        SourceFile file = SourceFile.parse(path, text);
        Interpreter.Env env = new Interpreter(modules).run(file);
        StudyModel model = new StudyModel(file, env);
        StudyContext ctx = new StudyContext(model, folder, codelists);
        for (StudyRule r : rules) {
            try {
                r.check(ctx);
            } catch (RuntimeException e) {
                // A rule that trips over an odd file must not take the others down.
            }
        }
        List<Diagnostic> out = new ArrayList<>(ctx.diagnostics());
        out.sort(Comparator.comparing((Diagnostic d) -> d.range().start()).thenComparing(d -> d.rule().ordinal()));
        return new Analysis(file, model, List.copyOf(out));
    }
}

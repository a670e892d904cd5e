package opensafely.lsp.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import opensafely.lsp.codelists.CodelistCsvFiles;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import opensafely.lsp.workspace.VersionCache;

/** Parses, evaluates and checks a study definition; the last few document versions are cached. */
final class StudyAnalyzer {
    /** One analysed version of a document. */
    record Analysis(SourceFile file, StudyModel model, List<Diagnostic> diagnostics) {
    }

    private final ModuleCache modules = new ModuleCache();
    private final CodelistCsvFiles codelists = new CodelistCsvFiles();
    private final List<StudyRule> rules = List.of(new StudyShapeRules(), new CallRules(), new ExpectationRules(), new CodelistRules(),
            new ProjectLinkRule(), new ModuleLinkRule(), new UndefinedNameRule(), new LibraryCallRule());
    private final VersionCache<Analysis> recent = new VersionCache<>(8);

    CodelistCsvFiles codelists() {
        return codelists;
    }

    /** The analysis of this document version: computed once, then shared by completion, hover and code actions. */
    Analysis analyse(Document doc) {
        return recent.get(doc, this::compute);
    }

    /**
     * Analyses the document afresh, whatever is cached: the result also depends on files read from disk
     * (helper modules, codelist CSVs, project.yaml), which may have changed while the text did not.
     */
    Analysis refresh(Document doc) {
        return recent.refresh(doc, this::compute);
    }

    private Analysis compute(Document doc) {
        return compute(doc.path(), doc.text(), doc.folder());
    }

    Analysis compute(Path path, String text, StudyFolder folder) {
        SourceFile file = SourceFile.parse(path, text);
        Interpreter.Env env = new Interpreter(modules).run(file);
        StudyModel model = new StudyModel(file, env);
        StudyContext ctx = new StudyContext(model, folder, codelists);
        runRules(ctx);
        List<Diagnostic> out = new ArrayList<>(ctx.diagnostics());
        out.sort(Comparator.comparing((Diagnostic d) -> d.range().start()).thenComparing(d -> d.rule().ordinal()));
        return new Analysis(file, model, List.copyOf(out));
    }

    private void runRules(StudyContext ctx) {
        for (StudyRule r : rules) {
            try {
                r.check(ctx);
            } catch (RuntimeException e) {
                // A rule that trips over an odd file must not take the others down.
            }
        }
    }

    /**
     * What goes wrong in a helper module when the study definitions that import it are loaded: each such definition
     * (the first few) is checked with this module's text, and the findings made in the module are kept, at their
     * place in it, once each however many definitions find them.
     */
    List<Diagnostic> helperFindings(Path module, String text, StudyFolder folder) {
        List<Path> definitions = HelperModules.definitionsImporting(module, folder);
        if (definitions.isEmpty()) return List.of();
        Path self = module.toAbsolutePath().normalize();
        ModuleCache withText = new ModuleCache(self, text); // this analysis's own: it reads the module as the editor has it
        java.util.Map<String, Diagnostic> found = new java.util.LinkedHashMap<>();
        for (Path def : definitions) {
            String dt = folder.readString(def).orElse(null);
            if (dt == null) continue;
            try {
                SourceFile df = SourceFile.parse(def, dt);
                StudyContext ctx = new StudyContext(new StudyModel(df, new Interpreter(withText).run(df)), folder, codelists);
                ctx.collectFor(self);
                runRules(ctx);
                for (Diagnostic d : ctx.helperDiagnostics()) found.putIfAbsent(d.rule().id() + "@" + d.range() + ":" + d.message(), d);
            } catch (RuntimeException | StackOverflowError e) {
                // a definition that cannot be followed says nothing about the module
            }
        }
        return List.copyOf(found.values());
    }
}

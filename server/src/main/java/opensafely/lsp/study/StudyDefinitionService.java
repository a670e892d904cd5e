package opensafely.lsp.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.editor.HoverInfo;
import opensafely.lsp.editor.LanguageService;
import opensafely.lsp.editor.Symbol;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.PyFind;
import opensafely.lsp.study.StudyAnalyzer.Analysis;
import opensafely.lsp.study.Value.Origin;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.Location;

/**
 * Editor features for cohort-extractor study definitions (analysis/study_definition*.py), computed from the
 * static model; the file is never imported or run.
 */
public final class StudyDefinitionService implements LanguageService {
    private static final Pattern STUDY_FILE = Pattern.compile("^study_definition(_\\w+)?\\.py$");

    private final StudyAnalyzer analyzer = new StudyAnalyzer();
    private final StudyCompletion completion = new StudyCompletion();

    /** Whether a Python document is a study definition: by its name, or because it builds a StudyDefinition. */
    public static boolean isStudyDefinition(Document doc) {
        if (isStudyFileName(doc.path())) return true;
        return doc.text().contains("StudyDefinition(");
    }

    static boolean isStudyFileName(Path path) {
        Path name = path == null ? null : path.getFileName();
        return name != null && STUDY_FILE.matcher(name.toString()).matches();
    }

    /**
     * Whether a Python document is a module that a study definition beside it imports (directly or through another
     * such module): generate_cohort runs its code too, so it is checked, and what goes wrong in it when the
     * definitions run is said in it.
     */
    public static boolean isHelperModule(Document doc) {
        return !isStudyDefinition(doc) && !HelperModules.definitionsImporting(doc.path(), doc.folder()).isEmpty();
    }

    @Override
    public List<Diagnostic> diagnostics(Document doc) {
        List<Diagnostic> own = analyzer.refresh(doc).diagnostics();
        if (isStudyDefinition(doc)) return own;
        List<Diagnostic> helper = analyzer.helperFindings(doc.path(), doc.text(), doc.folder());
        if (helper.isEmpty()) return own;
        // One finding per place and rule, whether the module's own analysis or a definition's found it; the more severe
        // wins (the module alone cannot tell that a definition surely calls its function, say).
        java.util.Map<String, Diagnostic> all = new java.util.LinkedHashMap<>();
        for (Diagnostic d : own) all.putIfAbsent(d.rule().id() + "@" + d.range(), d);
        for (Diagnostic d : helper) all.merge(d.rule().id() + "@" + d.range(), d, (a, b) -> b.severity().atLeast(a.severity()) ? b : a);
        List<Diagnostic> out = new ArrayList<>(all.values());
        out.sort(java.util.Comparator.comparing((Diagnostic d) -> d.range().start()).thenComparing(d -> d.rule().ordinal()));
        return out;
    }

    /** Dummy data can be made when the study and its variables are known (the file need not be saved). */
    @Override
    public List<Fix> sourceActions(Document doc) {
        Analysis a = analyzer.analyse(doc);
        if (doc.path() == null || a.model().study == null || a.model().open) return List.of();
        Path out = DummyDataFile.defaultOutput(doc.path(), doc.folder());
        String shown = doc.folder().root().map(r -> r.relativize(out).toString()).orElse(out.toString());
        return List.of(Fix.run("Generate dummy data (" + shown + ")", Fix.GENERATE_DUMMY_DATA, List.of(doc.path().toUri().toString())));
    }

    @Override
    public List<Completion> complete(Document doc, Position pos) {
        return completion.complete(analyzer.analyse(doc), doc, pos);
    }

    @Override
    public Optional<HoverInfo> hover(Document doc, Position pos) {
        Analysis a = analyzer.analyse(doc);
        int offset = a.file().lines.offset(pos);
        List<Py.Node> path = PyFind.path(a.file().module, offset);
        Py.Node node = PyFind.last(path);
        if (node == null) return Optional.empty();
        // patients.<function>
        if (node instanceof Py.Attribute at && offset >= at.attrStart()) {
            Optional<Catalog.Function> fn = Catalog.get().function(at.attr());
            if (fn.isPresent() && at.value() instanceof Py.Name n && n.id().equals("patients")) {
                String returning = null;
                if (path.size() >= 2 && path.get(path.size() - 2) instanceof Py.Call c) returning = literalReturning(c);
                return Optional.of(new HoverInfo(StudyDocs.function(fn.get(), returning), a.file().range(at.attrStart(), at.end())));
            }
        }
        // A keyword argument name: of a patients call, or a variable given to StudyDefinition.
        Py.Arg arg = PyFind.argumentAt(path, offset);
        if (arg != null && arg.keyword() != null && offset >= arg.keywordStart() && offset <= arg.keywordEnd()) {
            Range r = a.file().range(arg.keywordStart(), arg.keywordEnd());
            Py.Call call = enclosingCall(path, arg);
            String fnName = call != null && call.func() instanceof Py.Attribute at && at.value() instanceof Py.Name n && n.id().equals("patients") ? at.attr() : null;
            Optional<Catalog.Function> fn = fnName == null ? Optional.empty() : Catalog.get().function(fnName);
            if (fn.isPresent() && fn.get().param(arg.keyword()).isPresent()) {
                return Optional.of(new HoverInfo(StudyDocs.param(fn.get(), fn.get().param(arg.keyword()).get()), r));
            }
            StudyModel.Variable v = a.model().byName.get(arg.keyword());
            if (v != null) return Optional.of(new HoverInfo(variable(v, a.model()), r));
        }
        if (node instanceof Py.Name n) {
            Interpreter.Binding b = a.model().env.lookup(n.id());
            if (b != null && b.value() instanceof Value.Codelist cl) {
                return Optional.of(new HoverInfo(codelist(n.id(), cl, doc), a.file().range(n.start(), n.end())));
            }
        }
        if (node instanceof Py.Str s && s.value() != null) {
            String word = wordAt(s, offset);
            StudyModel.Variable v = word == null ? null : a.model().byName.get(word);
            if (v != null) {
                int st = s.contentStart() >= 0 ? s.contentStart() + wordStart(s, offset) : s.start();
                int en = s.contentStart() >= 0 ? st + word.length() : s.end();
                return Optional.of(new HoverInfo(variable(v, a.model()), a.file().range(st, en)));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Location> definition(Document doc, Position pos) {
        Analysis a = analyzer.analyse(doc);
        int offset = a.file().lines.offset(pos);
        List<Py.Node> path = PyFind.path(a.file().module, offset);
        Py.Node node = PyFind.last(path);
        List<Location> out = new ArrayList<>();
        if (node instanceof Py.Name n) {
            Interpreter.Binding b = a.model().env.lookup(n.id());
            if (b != null && b.defined() != null && b.defined().file().path != null && !(b.defined().file() == a.file()
                    && b.defined().start() <= offset && offset <= b.defined().end())) {
                out.add(new Location(b.defined().file().path, b.defined().range()));
            }
        } else if (node instanceof Py.Str s && s.value() != null) {
            if (s.value().endsWith(".csv") || s.value().endsWith(".csv.gz")) {
                doc.folder().resolve(s.value()).filter(java.nio.file.Files::isRegularFile)
                        .ifPresent(p -> out.add(new Location(p, Range.of(0, 0, 0, 0))));
                return out;
            }
            String word = wordAt(s, offset);
            StudyModel.Variable v = word == null ? null : a.model().byName.get(word);
            if (v != null && v.nameOrigin() != null && v.nameOrigin().file().path != null) {
                out.add(new Location(v.nameOrigin().file().path, v.nameOrigin().range()));
            }
        }
        return out;
    }

    @Override
    public List<Symbol> symbols(Document doc) {
        Analysis a = analyzer.analyse(doc);
        List<Symbol> out = new ArrayList<>();
        for (StudyModel.Variable v : a.model().variables) {
            if (v.derived() || v.parent() != null) continue;
            Origin name = v.nameOrigin();
            if (name == null || name.file() != a.file()) continue;
            Origin value = v.value() != null && v.value().origin() != null && v.value().origin().file() == a.file() ? v.value().origin() : name;
            Range full = new Range(name.range().start(), value.range().end().compareTo(name.range().end()) > 0 ? value.range().end() : name.range().end());
            List<Symbol> children = new ArrayList<>();
            for (StudyModel.Variable n : a.model().variables) {
                if (n.parent() != null && !n.derived() && n.parent().name().equals(v.name()) && n.nameOrigin().file() == a.file()) {
                    children.add(new Symbol(n.name(), detail(n), Symbol.Kind.VARIABLE, n.nameOrigin().range(), n.nameOrigin().range(), List.of()));
                }
            }
            out.add(new Symbol(v.name(), detail(v), Symbol.Kind.VARIABLE, full, name.range(), children));
        }
        for (Value.Call m : a.model().measures) {
            if (m.origin().file() != a.file()) continue;
            Value id = m.arg("id");
            String name = id instanceof Value.Str s ? s.value() : "measure";
            out.add(new Symbol(name, "Measure", Symbol.Kind.FUNCTION, m.origin().range(), m.origin().range(), List.of()));
        }
        // The model keeps cohort-extractor's processing order (population last); an outline follows the text.
        out.sort(java.util.Comparator.comparing((Symbol sym) -> sym.selectionRange().start()));
        return out;
    }

    // ----------------------------------------------------------------------------------- helpers

    private static String detail(StudyModel.Variable v) {
        Value.Call c = v.call();
        return c == null ? "" : "patients." + c.function();
    }

    private static String literalReturning(Py.Call c) {
        for (Py.Arg a : c.args()) {
            if ("returning".equals(a.keyword()) && a.value() instanceof Py.Str s) return s.value();
        }
        return null;
    }

    private static Py.Call enclosingCall(List<Py.Node> path, Py.Arg arg) {
        for (int i = path.size() - 1; i >= 0; i--) {
            if (path.get(i) instanceof Py.Call c && c.args().contains(arg)) return c;
        }
        return null;
    }

    static String variable(StudyModel.Variable v, StudyModel m) {
        StringBuilder b = new StringBuilder("**").append(v.name()).append("**");
        String type = ColumnTypes.type(v, m);
        if (type != null) b.append(": `").append(type).append("`");
        if (v.hidden()) b.append(" (nested in `").append(v.parent().name()).append("`, not in the output)");
        if (v.derived()) b.append(" (added by `").append(v.parent().name()).append("`)");
        b.append("\n\n");
        Value.Call c = v.call();
        if (c != null) {
            b.append("`patients.").append(c.function()).append("(...)`");
            Catalog.get().function(c.function()).ifPresent(fn -> b.append(" — ").append(fn.summary()));
            b.append("\n\n");
        }
        Origin o = v.nameOrigin();
        if (o != null) b.append("Defined in ").append(o.file().where(o.start())).append("\n");
        return b.toString();
    }

    private String codelist(String name, Value.Codelist cl, Document doc) {
        StringBuilder b = new StringBuilder("**").append(name).append("**: codelist");
        if (cl.system() != null) b.append(" (").append(cl.system()).append(")");
        b.append("\n\n");
        if (cl.path() != null) {
            b.append("File: `").append(cl.path()).append("`");
            doc.folder().resolve(cl.path()).flatMap(p -> analyzer.codelists().read(doc.folder(), p)).ifPresentOrElse(
                    info -> b.append(" — ").append(info.rows().size()).append(" codes; columns ").append(info.describeHeader()),
                    () -> b.append(" (not found)"));
            b.append("\n");
            if (cl.column() != null) b.append("\nCode column: `").append(cl.column()).append("`");
            if (cl.categoryColumn() != null) b.append(" · categories from `").append(cl.categoryColumn()).append("`");
        } else if (cl.codeCount() != null) {
            b.append(cl.codeCount()).append(" codes\n");
        } else {
            b.append("Built with ").append(cl.kind().equals("combined") ? "combine_codelists" : cl.kind().equals("filtered")
                    ? "filter_codes_by_category" : "codelist").append("\n");
        }
        Origin o = cl.origin();
        if (o != null) b.append("\n\nDefined in ").append(o.file().where(o.start()));
        return b.toString();
    }

    private static int wordStart(Py.Str s, int offset) {
        int i = Math.max(0, Math.min(s.value().length(), offset - s.contentStart()));
        while (i > 0 && isWord(s.value().charAt(i - 1))) i--;
        return i;
    }

    /** The identifier under the cursor inside a string literal. */
    private static String wordAt(Py.Str s, int offset) {
        String v = s.value();
        if (s.contentStart() < 0) return v.matches("\\w+") ? v : null;
        int i = wordStart(s, offset);
        int j = i;
        while (j < v.length() && isWord(v.charAt(j))) j++;
        return j > i ? v.substring(i, j) : null;
    }

    private static boolean isWord(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}

package opensafely.lsp.ehrql;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import opensafely.lsp.codelists.CodelistCsvFiles;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.ehrql.DatasetAnalyzer.Analysis;
import opensafely.lsp.ehrql.EValue.*;
import opensafely.lsp.ehrql.EValue.Module;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.editor.HoverInfo;
import opensafely.lsp.editor.LanguageService;
import opensafely.lsp.editor.Symbol;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.PyFind;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.Location;

/**
 * Editor features for ehrQL dataset and measures definitions (and the helper modules they import), computed
 * from a static evaluation of the file; the user's code is never imported or run.
 */
public final class DatasetDefinitionService implements LanguageService {
    private static final Pattern EHRQL_IMPORT = Pattern.compile("(?m)^\\s*(from\\s+ehrql(\\.[\\w.]+)?\\s+import\\b|import\\s+ehrql\\b)");

    private static final DatasetDefinitionService SHARED = new DatasetDefinitionService();

    private final DatasetAnalyzer analyzer = new DatasetAnalyzer();
    private final DatasetCompletion completion = new DatasetCompletion();

    /** One service for the whole process, so the analysis cache is shared by every caller. */
    public static DatasetDefinitionService shared() {
        return SHARED;
    }

    /** Whether a Python document uses ehrQL: it imports from the ehrql package, or builds a dataset or measures. */
    public static boolean isDatasetDefinition(Document doc) {
        String t = doc.text();
        return EHRQL_IMPORT.matcher(t).find() || t.contains("create_dataset()") || t.contains("create_measures()");
    }

    /**
     * Whether this service checks the document: a dataset or measures definition by its look, or any Python file
     * that project.yaml runs with generate-dataset or generate-measures (ehrQL fails on one with no dataset or no
     * measures in it, so that is worth saying even when the file does not look like a definition).
     */
    public static boolean isChecked(Document doc) {
        if (isDatasetDefinition(doc)) return true;
        FileRules.Use use = FileRules.use(doc.path(), doc.folder());
        return use.dataset() || use.measures() || importedByDefinition(doc);
    }

    /** Whether a definition that project.yaml runs imports this file (a helper module, with or without ehrQL in it). */
    private static boolean importedByDefinition(Document doc) {
        if (doc.path() == null || doc.folder() == null || !doc.folder().known()) return false;
        java.nio.file.Path self = doc.path().toAbsolutePath().normalize();
        for (java.nio.file.Path def : FileRules.runDefinitions(doc.folder())) {
            if (def.equals(self)) return false;
            String text = doc.folder().readString(def).orElse(null);
            if (text != null && FileRules.imports(text, self)) return true;
        }
        return false;
    }

    /**
     * The file's own findings, and for a helper module also what goes wrong in it when the definitions that import it
     * run (each finding once).
     */
    @Override
    public List<Diagnostic> diagnostics(Document doc) {
        List<Diagnostic> own = analyzer.refresh(doc).diagnostics();
        List<Diagnostic> helper = analyzer.helperFindings(doc.path(), doc.text(), doc.folder());
        if (helper.isEmpty()) return own;
        java.util.Map<String, Diagnostic> all = new java.util.LinkedHashMap<>();
        for (Diagnostic d : own) all.putIfAbsent(d.rule().id() + "@" + d.range(), d);
        for (Diagnostic d : helper) {
            // A helper's own analysis may have made it a warning (say, in a branch); one finding per place and rule.
            all.putIfAbsent(d.rule().id() + "@" + d.range(), d);
        }
        List<Diagnostic> out = new java.util.ArrayList<>(all.values());
        out.sort(java.util.Comparator.comparing((Diagnostic d) -> d.range().start()).thenComparing(d -> d.rule().ordinal()));
        return out;
    }

    /** "Generate dummy data" on a dataset definition with a population, or a measures definition with a measure. */
    @Override
    public List<Fix> sourceActions(Document doc) {
        if (doc.path() == null) return List.of();
        Analysis a = analyzer.analyse(doc);
        boolean ready = a.globals().values().stream().anyMatch(b -> b.value() instanceof Dataset d && (d.populations > 0 || d.populationMaybe)
                || b.value() instanceof Measures m && m.calls > 0);
        if (!ready) return List.of();
        java.nio.file.Path out = DummyDataOutput.defaultOutput(doc);
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
        // an imported name: `from ehrql.tables.tpp import clinical_events`
        for (Py.Stmt s : a.file().module.body()) {
            if (s instanceof Py.ImportFrom i && i.start() <= offset && offset <= i.end()) {
                for (Py.Alias al : i.names()) {
                    if (al.start() <= offset && offset <= al.end()) {
                        Binding b = a.globals().get(al.bound());
                        String md = b == null ? null : hoverText(b.value(), al.bound(), doc);
                        if (md != null) return Optional.of(new HoverInfo(md, a.file().range(al.start(), al.end())));
                    }
                }
            }
        }
        List<Py.Node> path = PyFind.path(a.file().module, offset);
        Py.Node node = PyFind.last(path);
        if (node instanceof Py.Call c && c.func() instanceof Py.Attribute at) node = at; // the cursor on the name of a call
        if (node instanceof Py.Attribute at && offset >= at.attrStart()) {
            EValue recv = a.types().get(at.value());
            Range r = a.file().range(at.attrStart(), at.end());
            String md = member(recv, at.attr(), a.types().get(at));
            if (md != null) return Optional.of(new HoverInfo(md, r));
            return Optional.empty();
        }
        if (node instanceof Py.Name n) {
            EValue v = a.types().get(n);
            String md = v == null ? null : hoverText(v, n.id(), doc);
            if (md != null) return Optional.of(new HoverInfo(md, a.file().range(n.start(), n.end())));
        }
        return Optional.empty();
    }

    private String hoverText(EValue v, String name, Document doc) {
        if (v instanceof Codelist c && c.path() != null) {
            StringBuilder b = new StringBuilder("**").append(name).append("**: ").append(EhrqlDocs.value(c));
            doc.folder().resolve(c.path()).flatMap(p -> analyzer.csvs().read(doc.folder(), p)).ifPresentOrElse(csv -> {
                List<String> codes = c.column() == null ? null : csv.column(c.column());
                b.append("\n\n").append(codes == null ? csv.rows().size() + " rows" : codes.size() + " codes").append("; columns ")
                        .append(csv.describeHeader());
            }, () -> b.append("\n\n(file not found)"));
            return b.toString();
        }
        return hoverText(v, name);
    }

    private static String hoverText(EValue v, String name) {
        if (v instanceof Frame f && f.tableMethods() && f.lineage().equals(f.table().qualified())) return EhrqlDocs.table(f.table());
        if (v instanceof Func f && Schema.get().functionArgs.containsKey(f.name())) return DatasetCompletion.signature(f.name());
        String d = EhrqlDocs.value(v);
        if (d == null || v instanceof Unknown) return null;
        return "**" + name + "**: " + d;
    }

    private static String member(EValue recv, String name, EValue result) {
        if (recv instanceof Frame f) {
            Schema.Table t = f.table();
            if (t.columns().containsKey(name)) return EhrqlDocs.column(t, name, f.event());
            Schema.Helper h = t.helpers().get(name);
            if (h != null) return EhrqlDocs.helper(t, h);
            if (Schema.get().frameMethods.containsKey(name)) return EhrqlDocs.frameMethod(name, f);
            return null;
        }
        if (recv instanceof Series s && Schema.get().seriesMethods.containsKey(name)) return EhrqlDocs.seriesMethod(name, s);
        if (recv instanceof Dataset d) {
            Column c = d.columns.get(name);
            if (c != null) {
                String v = EhrqlDocs.value(c.value());
                return "**dataset." + name + "**" + (v == null ? "" : ": " + v) + (c.nameOrigin() != null
                        ? "\n\nSet at " + c.nameOrigin().file().where(c.nameOrigin().start()) : "");
            }
            return switch (name) {
                case "define_population" -> "**define_population(condition)** — the patients in the dataset: a boolean patient series; call once.";
                case "add_column" -> "**add_column(name, series)** — adds a column, as `dataset.<name> = series` does.";
                case "configure_dummy_data" -> "**configure_dummy_data(population_size=10, legacy=False, timeout=60, additional_population_constraint=None)** — dummy data only.";
                default -> null;
            };
        }
        if (recv instanceof Module m && Schema.get().tables(m.name()) != null) {
            Schema.Table t = Schema.get().tables(m.name()).get(name);
            return t == null ? null : EhrqlDocs.table(t);
        }
        if (result != null && !(result instanceof Unknown) && !(result instanceof Method)) {
            String d = EhrqlDocs.value(result);
            return d == null ? null : "**" + name + "**: " + d;
        }
        return null;
    }

    @Override
    public List<Location> definition(Document doc, Position pos) {
        Analysis a = analyzer.analyse(doc);
        int offset = a.file().lines.offset(pos);
        List<Py.Node> path = PyFind.path(a.file().module, offset);
        Py.Node node = PyFind.last(path);
        List<Location> out = new ArrayList<>();
        if (node instanceof Py.Name n) {
            Binding b = a.globals().get(n.id());
            if (b != null && b.defined() != null && b.defined().file().path != null
                    && !(b.defined().file() == a.file() && b.defined().start() <= offset && offset <= b.defined().end())) {
                out.add(new Location(b.defined().file().path, b.defined().file().range(b.defined().start(), b.defined().end())));
            }
        } else if (node instanceof Py.Str s && s.value() != null && (s.value().endsWith(".csv") || s.value().endsWith(".csv.gz"))) {
            doc.folder().resolve(s.value()).filter(Files::isRegularFile).ifPresent(p -> out.add(new Location(p, Range.of(0, 0, 0, 0))));
        } else if (node instanceof Py.Attribute at && offset >= at.attrStart() && a.types().get(at.value()) instanceof Dataset d) {
            Column c = d.columns.get(at.attr());
            if (c != null && c.nameOrigin() != null && c.nameOrigin().file().path != null) {
                out.add(new Location(c.nameOrigin().file().path, c.nameOrigin().file().range(c.nameOrigin().start(), c.nameOrigin().end())));
            }
        }
        return out;
    }

    @Override
    public List<Symbol> symbols(Document doc) {
        Analysis a = analyzer.analyse(doc);
        List<Symbol> out = new ArrayList<>();
        Binding b = a.globals().get("dataset");
        if (b != null && b.value() instanceof Dataset d) {
            for (Origin p : d.populationCalls) {
                if (p.file() != a.file()) continue;
                Range r = a.file().range(p.start(), p.end());
                out.add(new Symbol("population", "define_population", Symbol.Kind.VARIABLE, r, r, List.of()));
            }
            for (Column c : d.columns.values()) {
                if (c.nameOrigin() == null || c.nameOrigin().file() != a.file()) continue;
                Range r = a.file().range(c.nameOrigin().start(), c.nameOrigin().end());
                String detail = c.value() instanceof Series s ? Descriptions.typeName(s) : "";
                out.add(new Symbol(c.name(), detail, Symbol.Kind.VARIABLE, r, r, List.of()));
            }
        }
        Binding mb = a.globals().get("measures");
        if (mb != null && mb.value() instanceof Measures m) {
            m.measures.forEach((name, o) -> {
                if (o.file() != a.file()) return;
                Range r = a.file().range(o.start(), o.end());
                out.add(new Symbol(name, "measure", Symbol.Kind.FUNCTION, r, r, List.of()));
            });
        }
        return out;
    }
}

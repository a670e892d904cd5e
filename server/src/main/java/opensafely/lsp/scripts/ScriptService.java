package opensafely.lsp.scripts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.editor.HoverInfo;
import opensafely.lsp.editor.LanguageService;
import opensafely.lsp.pipeline.ScriptActions;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.Location;

/**
 * The editor features of an analysis script (Python, R, Stata) that project.yaml runs: the rules on the files it
 * reads and writes and the columns it uses; hover on a path says which action makes the file and at which privacy
 * level; go to definition on a path opens its output pattern in project.yaml, on a column the variable's definition.
 */
public final class ScriptService implements LanguageService {
    private static final ScriptService SHARED = new ScriptService();

    public static ScriptService shared() {
        return SHARED;
    }

    /** Whether an action of the study's project.yaml runs this file (so it is checked as a script). */
    public static boolean runByProject(Document doc) {
        if (doc.path() == null || ScriptLanguage.of(doc.path()).isEmpty()) return false;
        Optional<String> rel = doc.folder().relativePath(doc.path());
        Optional<opensafely.lsp.pipeline.Project> project = rel.isEmpty() ? Optional.empty() : opensafely.lsp.pipeline.ProjectOnDisk.read(doc.folder());
        return project.isPresent() && !ScriptActions.runsOf(project.get(), rel.get()).isEmpty();
    }

    @Override
    public List<Diagnostic> diagnostics(Document doc) {
        Optional<ScriptContext> ctx = ScriptContext.of(doc);
        if (ctx.isEmpty()) return List.of();
        ScriptFileRules.check(ctx.get());
        ScriptColumnRules.check(ctx.get());
        List<Diagnostic> out = new ArrayList<>(ctx.get().out());
        out.sort(Comparator.comparing((Diagnostic d) -> d.range().start()).thenComparing(d -> d.rule().ordinal()));
        return out;
    }

    @Override
    public Optional<HoverInfo> hover(Document doc, Position pos) {
        Optional<ScriptContext> ctx = ScriptContext.of(doc);
        if (ctx.isEmpty()) return Optional.empty();
        Optional<FileUse> use = fileAt(ctx.get(), pos);
        if (use.isEmpty()) return Optional.empty();
        FileUse u = use.get();
        List<ScriptActions.Made> made = u.exact() ? ScriptActions.producers(ctx.get().project(), u.path()) : List.of();
        StringBuilder md = new StringBuilder("`" + u.path() + "`");
        if (made.isEmpty()) {
            md.append(ctx.get().folder().isFile(u.path()) ? ": a file of the study folder." : ": no action of project.yaml makes it.");
        } else {
            for (ScriptActions.Made m : made) {
                md.append("\n\nMade by action `").append(m.action().name()).append("` as `").append(m.output().name())
                        .append("` (").append(m.output().level().key()).append(")");
            }
        }
        return Optional.of(new HoverInfo(md.toString(), u.range()));
    }

    @Override
    public List<Location> definition(Document doc, Position pos) {
        Optional<ScriptContext> ctx = ScriptContext.of(doc);
        if (ctx.isEmpty()) return List.of();
        Path root = ctx.get().folder().root().orElse(null);
        if (root == null) return List.of();
        Optional<FileUse> use = fileAt(ctx.get(), pos);
        if (use.isPresent()) {
            if (!use.get().exact()) return List.of();
            List<Location> out = new ArrayList<>();
            for (ScriptActions.Made m : ScriptActions.producers(ctx.get().project(), use.get().path())) {
                out.add(new Location(root.resolve("project.yaml"), m.output().pathNode().range()));
            }
            return out;
        }
        for (ColumnUse c : ctx.get().uses().columns()) {
            if (!contains(c.range(), pos) || !c.source().exact()) continue;
            Optional<DatasetColumnsOf.Table> t = DatasetColumnsOf.of(ctx.get().project(), ctx.get().folder(), c.source().path());
            if (t.isEmpty()) return List.of();
            for (DatasetColumnsOf.Column col : t.get().columns()) {
                if (col.name().equals(c.column()) && col.file() != null) return List.of(new Location(col.file(), col.range()));
            }
            return List.of();
        }
        return List.of();
    }

    private static Optional<FileUse> fileAt(ScriptContext ctx, Position pos) {
        for (FileUse u : ctx.uses().files()) if (contains(u.range(), pos)) return Optional.of(u);
        return Optional.empty();
    }

    private static boolean contains(Range r, Position p) {
        return r.start().compareTo(p) <= 0 && p.compareTo(r.end()) <= 0;
    }
}

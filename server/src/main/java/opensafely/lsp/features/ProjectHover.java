package opensafely.lsp.features;

import java.util.List;
import java.util.Optional;
import opensafely.lsp.editor.HoverInfo;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.Output;
import opensafely.lsp.pipeline.PrivacyLevel;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.RunCommand;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.yaml.YamlScalar;

/** Hover in project.yaml: keys, privacy levels, images and their commands, and actions wherever named. */
final class ProjectHover {
    private static final int MAX_LISTED = 20;

    private final AnalysisCache cache;

    ProjectHover(AnalysisCache cache) {
        this.cache = cache;
    }

    Optional<HoverInfo> hover(Document doc, Position pos) {
        AnalysisCache.Entry entry = cache.get(doc);
        Project project = entry.project();
        LineIndex lines = project.yaml().lines();
        if (!project.parsed()) return textHover(doc, lines, pos);
        NodeLocator.Hit hit = NodeLocator.locate(project.root(), pos);
        if (!(hit.node() instanceof YamlScalar s)) return Optional.empty();
        Range range = NodeLocator.innerRange(s, lines);
        List<String> path = hit.path();
        if (hit.onKey()) {
            if (path.size() == 1 && path.get(0).equals("actions")) {
                return action(entry.index(), s.value(), range);
            }
            if (path.size() == 4 && path.get(0).equals("actions") && path.get(2).equals("outputs")) {
                return output(entry.index().action(path.get(1)), path.get(3), s.value(), range);
            }
            return keyDoc(path, s.value(), range, project.version().value());
        }
        String action = hit.actionName();
        if (action != null && path.size() == 4 && path.get(2).equals("needs") && s.isString()) {
            return action(entry.index(), s.value(), range);
        }
        if (action != null && path.size() == 3 && path.get(2).equals("run")) {
            Action a = entry.index().action(action);
            if (a != null && a.run() != null) return runWord(a.run(), pos, project.version().value());
        }
        if (path.size() == 1 && path.get(0).equals("version")) {
            return Optional.of(new HoverInfo(versionDoc(project.version().value()), range));
        }
        return Optional.empty();
    }

    /**
     * Broken YAML: keys can still be explained from the text, and action names from the last version of
     * the file that parsed.
     */
    private Optional<HoverInfo> textHover(Document doc, LineIndex lines, Position pos) {
        TextContext ctx = TextContext.at(lines, pos);
        TextContext.Shape s = ctx.shape;
        AnalysisCache.Entry last = cache.lastParsed(doc.path());
        if (s.hasKey() && ctx.col >= s.keyStart() && ctx.col <= s.keyEnd()) {
            Range range = new Range(ctx.position(s.keyStart()), ctx.position(s.keyEnd()));
            if (ctx.parents.size() == 1 && ctx.parents.get(0).equals("actions")) {
                return last == null ? Optional.empty() : action(last.index(), s.key(), range);
            }
            return keyDoc(ctx.parents, s.key(), range, 5);
        }
        boolean inNeeds = ctx.parents.size() >= 2 && ctx.parents.get(0).equals("actions")
                && ("needs".equals(ctx.lastParent()) || (ctx.inValue() && "needs".equals(s.key())));
        if (inNeeds && last != null) {
            int start = ctx.wordStart("[],\"'");
            int end = ctx.col;
            while (end < ctx.text.length() && " \t,[]\"'#".indexOf(ctx.text.charAt(end)) < 0) end++;
            String word = ctx.text.substring(start, end);
            if (!word.isEmpty() && !word.equals("-") && last.index().action(word) != null) {
                return action(last.index(), word, new Range(ctx.position(start), ctx.position(end)));
            }
        }
        return Optional.empty();
    }

    private Optional<HoverInfo> keyDoc(List<String> parents, String key, Range range, double version) {
        KeyDocs.Place place = KeyDocs.placeOf(parents);
        if (place == null) return Optional.empty();
        KeyDocs.Key k = KeyDocs.key(place, key);
        if (k == null) return Optional.empty();
        return Optional.of(new HoverInfo("**`" + k.name() + "`** — " + k.summary() + "\n\n" + k.doc(), range));
    }

    private static String versionDoc(double v) {
        StringBuilder sb = new StringBuilder("**Project format version** ").append(v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v)).append("\n\n");
        sb.append("- output paths must be unique: ").append(v >= 2 ? "yes" : "no").append('\n');
        sb.append("- `expectations`: ").append(v == 3 ? "required" : v >= 4 ? "not allowed" : "ignored").append('\n');
        sb.append("- cohortextractor: ").append(v >= 4 ? "not allowed" : "allowed").append('\n');
        sb.append("- `:latest` image tags: ").append(v >= 5 ? "not allowed" : "allowed").append('\n');
        if (v < 5) sb.append("\nThe latest version is 5.");
        return sb.toString();
    }

    private Optional<HoverInfo> output(Action a, String level, String name, Range range) {
        String path = null;
        if (a != null) {
            for (Output o : a.outputs()) {
                if (o.level().key().equals(level) && name.equals(o.name())) path = o.path();
            }
        }
        String levelDoc = PrivacyLevel.of(level).map(PrivacyLevel::description).orElse("");
        String md = "**Output `" + name + "`** (" + level + ")" + (path != null ? ": `" + path + "`" : "")
                + "\n\nThe name is a free label; the path is what the job must write. " + levelDoc;
        return Optional.of(new HoverInfo(md, range));
    }

    private static Optional<HoverInfo> runWord(RunCommand run, Position pos, double version) {
        List<RunCommand.Word> words = run.words();
        for (int i = 0; i < words.size() && i < 2; i++) {
            RunCommand.Word w = words.get(i);
            if (!w.range().contains(pos)) continue;
            if (i == 0) {
                return Optional.of(new HoverInfo(imageDoc(run.image(), run.tag(), version), w.range()));
            }
            Optional<Images.Command> c = Images.named(run.image()).flatMap(img -> img.command(w.value()));
            if (c.isPresent()) {
                return Optional.of(new HoverInfo("**`" + c.get().name() + "`** (" + run.image() + ")\n\n" + c.get().doc(), w.range()));
            }
        }
        return Optional.empty();
    }

    static String imageDoc(String name, String tag, double version) {
        StringBuilder sb = new StringBuilder("**Image `").append(name).append(tag == null ? "" : ":" + tag).append("`**\n\n");
        Optional<Images.Image> image = Images.named(name);
        if (image.isPresent()) {
            sb.append(image.get().summary());
            if (image.get().cohortExtractor() && version >= 4) sb.append(" **Not allowed in this file's version.**");
        } else {
            sb.append("Not an OpenSAFELY image: it is run as a reusable action from "
                    + "`https://github.com/opensafely-actions/").append(name).append("` at tag `").append(tag).append("`.");
        }
        sb.append("\n\n").append(Images.tagMeaning(name, tag, version));
        return sb.toString();
    }

    private static Optional<HoverInfo> action(ProjectIndex index, String name, Range range) {
        Action a = index.action(name);
        if (a == null) {
            return Optional.of(new HoverInfo("**Unknown action `" + name + "`**: no action of this name is defined.", range));
        }
        StringBuilder sb = new StringBuilder("**Action `").append(name).append("`**\n\n");
        if (a.run() != null) sb.append("```\n").append(a.run().raw().strip()).append("\n```\n\n");
        List<String> needs = a.needNames();
        if (!needs.isEmpty()) sb.append("**Needs:** ").append(list(needs)).append("\n\n");
        List<Output> outputs = a.outputs();
        if (!outputs.isEmpty()) {
            sb.append("**Outputs:**\n");
            int n = 0;
            for (Output o : outputs) {
                if (n++ == MAX_LISTED) {
                    sb.append("- … and ").append(outputs.size() - MAX_LISTED).append(" more\n");
                    break;
                }
                sb.append("- ").append(o.level().key()).append(": `").append(o.path() == null ? "?" : o.path()).append("`\n");
            }
            sb.append('\n');
        }
        List<String> dependents = index.dependents(name).stream().map(Action::name).toList();
        sb.append("**Needed by:** ").append(dependents.isEmpty() ? "no action" : list(dependents));
        return Optional.of(new HoverInfo(sb.toString().strip(), range));
    }

    private static String list(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size() && i < MAX_LISTED; i++) {
            if (i > 0) sb.append(", ");
            sb.append('`').append(names.get(i)).append('`');
        }
        if (names.size() > MAX_LISTED) sb.append(" and ").append(names.size() - MAX_LISTED).append(" more");
        return sb.toString();
    }
}

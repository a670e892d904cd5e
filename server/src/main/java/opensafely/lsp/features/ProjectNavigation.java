package opensafely.lsp.features;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.NeedsEntry;
import opensafely.lsp.pipeline.Output;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.RunCommand;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.Location;
import opensafely.lsp.workspace.StudyFolder;
import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;

/** Go to definition, find references and rename for actions; go to the files a run line names. */
final class ProjectNavigation {
    /**
     * New action names: letters, digits, underscores, hyphens and dots, which need no quoting in YAML,
     * neither as a key nor in a flow list. (OpenSAFELY itself accepts any string; we only refuse what
     * could not be written back safely.)
     */
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}_][\\p{L}\\p{N}_.\\-]*");
    private static final Range FILE_START = Range.of(0, 0, 0, 0);

    private final AnalysisCache cache;

    ProjectNavigation(AnalysisCache cache) {
        this.cache = cache;
    }

    /** The action named at a position (its key or a needs entry), and the node naming it. */
    private record ActionRef(String name, YamlNode node) {
    }

    private Optional<ActionRef> actionRef(Project project, Position pos) {
        if (!project.parsed()) return Optional.empty();
        NodeLocator.Hit hit = NodeLocator.locate(project.root(), pos);
        if (!(hit.node() instanceof YamlScalar s)) return Optional.empty();
        List<String> path = hit.path();
        if (hit.onKey() && path.size() == 1 && path.get(0).equals("actions")) {
            return Optional.of(new ActionRef(s.value(), s));
        }
        if (!hit.onKey() && path.size() == 4 && path.get(0).equals("actions") && path.get(2).equals("needs") && s.isString()) {
            return Optional.of(new ActionRef(s.value(), s));
        }
        return Optional.empty();
    }

    List<Location> definition(Document doc, Position pos) {
        AnalysisCache.Entry entry = cache.get(doc);
        Project project = entry.project();
        if (!project.parsed()) return List.of();
        Optional<ActionRef> ref = actionRef(project, pos);
        if (ref.isPresent()) {
            Action a = entry.index().action(ref.get().name());
            if (a == null) return List.of();
            return List.of(new Location(doc.path(), NodeLocator.innerRange(a.nameNode(), project.yaml().lines())));
        }
        NodeLocator.Hit hit = NodeLocator.locate(project.root(), pos);
        String actionName = hit.actionName();
        if (actionName == null || hit.onKey() || !(hit.node() instanceof YamlScalar s) || !s.isString()) return List.of();
        Action action = entry.index().action(actionName);
        if (action == null) return List.of();
        List<String> path = hit.path();
        List<String> candidates = new ArrayList<>();
        if (path.size() == 3 && path.get(2).equals("run") && action.run() != null) {
            candidates.addAll(runFiles(action.run(), pos));
        } else if (path.size() == 3 && path.get(2).equals("dummy_data_file")) {
            candidates.add(s.value());
        } else if (path.size() == 5 && path.get(2).equals("outputs")) {
            for (Output o : action.outputs()) {
                if (o.pathNode() == s && o.path() != null && !o.path().contains("*")) candidates.add(o.path());
            }
        }
        return files(doc.folder(), candidates);
    }

    /** The files a word of a run command may name: a script, a study definition module, an option's file. */
    private static List<String> runFiles(RunCommand run, Position pos) {
        List<String> out = new ArrayList<>();
        List<RunCommand.Word> words = run.words();
        for (int i = 1; i < words.size(); i++) {
            RunCommand.Word w = words.get(i);
            if (!w.range().contains(pos)) continue;
            String v = w.value();
            String prev = words.get(i - 1).value();
            if (prev.equals("--study-definition")) {
                out.add("analysis/" + v + ".py");
            } else if (v.startsWith("--study-definition=")) {
                out.add("analysis/" + v.substring("--study-definition=".length()) + ".py");
            } else if (v.startsWith("--") && v.contains("=")) {
                out.add(v.substring(v.indexOf('=') + 1));
            } else if (i == 1 && run.image().equals("cohortextractor") && !run.hasOption("--study-definition")
                    && (v.equals("generate_cohort") || v.equals("generate_measures"))) {
                out.add("analysis/study_definition.py"); // the command's default
            } else {
                out.add(v);
            }
            break;
        }
        return out;
    }

    private static List<Location> files(StudyFolder folder, List<String> candidates) {
        List<Location> out = new ArrayList<>();
        if (folder == null) return out;
        for (String c : candidates) {
            if (c.isEmpty() || !folder.isFile(c)) continue;
            Optional<Path> p = folder.resolve(c);
            p.ifPresent(path -> out.add(new Location(path, FILE_START)));
            if (!out.isEmpty()) break;
        }
        return out;
    }

    List<Location> references(Document doc, Position pos, boolean includeDeclaration) {
        AnalysisCache.Entry entry = cache.get(doc);
        Project project = entry.project();
        Optional<ActionRef> ref = actionRef(project, pos);
        if (ref.isEmpty()) return List.of();
        LineIndex lines = project.yaml().lines();
        String name = ref.get().name();
        List<Location> out = new ArrayList<>();
        Action declared = entry.index().action(name);
        if (includeDeclaration && declared != null) {
            out.add(new Location(doc.path(), NodeLocator.innerRange(declared.nameNode(), lines)));
        }
        for (NeedsEntry n : needsNaming(entry.index(), name)) {
            out.add(new Location(doc.path(), NodeLocator.innerRange(n.node(), lines)));
        }
        return out;
    }

    private static List<NeedsEntry> needsNaming(ProjectIndex index, String name) {
        List<NeedsEntry> out = new ArrayList<>();
        for (Action a : index.dependents(name)) {
            for (NeedsEntry n : a.needs()) {
                if (name.equals(n.name())) out.add(n);
            }
        }
        return out;
    }

    Optional<Range> prepareRename(Document doc, Position pos) {
        AnalysisCache.Entry entry = cache.get(doc);
        Project project = entry.project();
        Optional<ActionRef> ref = actionRef(project, pos);
        if (ref.isEmpty() || entry.index().action(ref.get().name()) == null) return Optional.empty();
        return Optional.of(NodeLocator.innerRange(ref.get().node(), project.yaml().lines()));
    }

    List<TextEdit> rename(Document doc, Position pos, String newName) {
        AnalysisCache.Entry entry = cache.get(doc);
        Project project = entry.project();
        Optional<ActionRef> ref = actionRef(project, pos);
        if (ref.isEmpty() || newName == null || !NAME.matcher(newName).matches()) return List.of();
        String old = ref.get().name();
        Action declared = entry.index().action(old);
        if (declared == null || newName.equals(old) || entry.index().action(newName) != null) return List.of();
        LineIndex lines = project.yaml().lines();
        List<TextEdit> edits = new ArrayList<>();
        for (Action a : project.actions()) {
            if (old.equals(a.name())) edits.add(new TextEdit(NodeLocator.innerRange(a.nameNode(), lines), newName));
        }
        for (NeedsEntry n : needsNaming(entry.index(), old)) {
            edits.add(new TextEdit(NodeLocator.innerRange(n.node(), lines), newName));
        }
        return edits;
    }
}

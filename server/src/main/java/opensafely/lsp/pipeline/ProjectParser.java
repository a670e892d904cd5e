package opensafely.lsp.pipeline;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import opensafely.lsp.text.Range;
import opensafely.lsp.yaml.ScalarSpans;
import opensafely.lsp.yaml.YamlDocument;
import opensafely.lsp.yaml.YamlLoader;
import opensafely.lsp.yaml.YamlMapping;
import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;

/** Builds the {@link Project} model from text. Never throws; never reports (that is the rules' job). */
public final class ProjectParser {
    private final YamlLoader loader = new YamlLoader();

    public Project parse(String text) {
        return project(loader.load(text), null);
    }

    /**
     * The project after an edit of {@code previous}'s text. The YAML is re-read only where the edit lies
     * when that gives the same tree ({@link YamlLoader#reload}); actions whose nodes are the very nodes
     * of {@code previous} are taken over, since an action is built from its nodes alone.
     */
    public Project reparse(Project previous, String text) {
        return project(loader.reload(previous.yaml(), text), previous);
    }

    /** The project after an edit if it can be had by re-reading one block (milliseconds), else empty. */
    public Optional<Project> reparseBlock(Project previous, String text) {
        return loader.splice(previous.yaml(), text).map(yaml -> project(yaml, previous));
    }

    private static Project project(YamlDocument yaml, Project previous) {
        YamlMapping root = yaml.root().orElse(null) instanceof YamlMapping m ? m : null;
        ProjectVersion version = ProjectVersion.assumedLatest();
        List<Action> actions = new ArrayList<>();
        if (root != null) {
            version = version(root);
            if (root.get("actions").orElse(null) instanceof YamlMapping actionMap) {
                Map<YamlNode, Action> reusable = reusableActions(previous);
                for (YamlMapping.Entry e : actionMap.entries()) {
                    Action old = reusable.get(e.value());
                    actions.add(old != null && old.nameNode() == e.key() ? old : action(yaml, e));
                }
            }
        }
        return new Project(yaml, root, version, actions);
    }

    /** The previous actions by the identity of their value node (nodes are records: equal is not enough). */
    private static Map<YamlNode, Action> reusableActions(Project previous) {
        if (previous == null) return Map.of();
        Map<YamlNode, Action> out = new IdentityHashMap<>(previous.actions().size() * 2);
        for (Action a : previous.actions()) out.put(a.value(), a);
        return out;
    }

    private static ProjectVersion version(YamlMapping root) {
        YamlNode node = root.get("version").orElse(null);
        if (node instanceof YamlScalar s && !s.isNull()) {
            OptionalDouble v = PythonNumbers.toFloat(s);
            if (v.isPresent()) {
                return new ProjectVersion(v.getAsDouble(), node, true);
            }
        }
        return ProjectVersion.assumedLatest();
    }

    private static Action action(YamlDocument yaml, YamlMapping.Entry e) {
        YamlMapping body = e.value() instanceof YamlMapping m ? m : null;
        RunCommand run = null;
        if (body != null && body.get("run").orElse(null) instanceof YamlScalar s && s.isString()) {
            run = runCommand(yaml, s);
        }
        return Action.of(e.keyText(), e.key(), e.value(), body, run);
    }

    static RunCommand runCommand(YamlDocument yaml, YamlScalar s) {
        ScalarSpans spans = new ScalarSpans(s, yaml.lines());
        Shlex.Result split = Shlex.split(s.value());
        List<RunCommand.Word> words = new ArrayList<>();
        for (Shlex.Word w : split.words()) {
            words.add(new RunCommand.Word(w.value(), spans.range(w.start(), w.end())));
        }
        Range errorRange = split.ok() ? null : spans.range(split.errorOffset(), s.value().length());
        return new RunCommand(s.value(), s, List.copyOf(words), split.error(), errorRange);
    }
}

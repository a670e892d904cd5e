package opensafely.lsp.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import opensafely.lsp.text.Position;
import opensafely.lsp.yaml.YamlDocument;
import opensafely.lsp.yaml.YamlMapping;

/**
 * A project.yaml as written: the YAML (with positions), its version and its actions in file order.
 * Built from any YAML at all; what is missing or of the wrong type is simply absent from the typed views.
 */
public record Project(YamlDocument yaml, YamlMapping root, ProjectVersion version, List<Action> actions) {

    /** The first action with a name (duplicate names are reported by the YAML layer). */
    public Optional<Action> action(String name) {
        for (Action a : actions) {
            if (name.equals(a.name())) return Optional.of(a);
        }
        return Optional.empty();
    }

    /** Action names in file order, without repeats. */
    public List<String> actionNames() {
        List<String> out = new ArrayList<>();
        for (Action a : actions) {
            if (a.name() != null && !out.contains(a.name())) out.add(a.name());
        }
        return out;
    }

    /** name → action (first definition). */
    public Map<String, Action> actionsByName() {
        Map<String, Action> out = new LinkedHashMap<>();
        for (Action a : actions) {
            if (a.name() != null) out.putIfAbsent(a.name(), a);
        }
        return out;
    }

    /** Actions whose needs name the given action. */
    public List<Action> dependents(String name) {
        List<Action> out = new ArrayList<>();
        for (Action a : actions) {
            if (a.needNames().contains(name)) out.add(a);
        }
        return out;
    }

    /** The action whose definition (name or body) contains a position. */
    public Optional<Action> actionAt(Position p) {
        for (Action a : actions) {
            if (a.nameNode().range().contains(p) || a.value().range().contains(p)) return Optional.of(a);
        }
        return Optional.empty();
    }

    public boolean parsed() {
        return root != null;
    }
}

package opensafely.lsp.features;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.NeedsEntry;
import opensafely.lsp.pipeline.Project;

/**
 * Look-ups over a parsed project that the features need on every keystroke: actions by name and who
 * needs whom. Built once per text (in linear time), so that hover and completion on a project of
 * thousands of actions never scan it quadratically.
 */
final class ProjectIndex {
    private final Project project;
    private final Map<String, Action> byName = new LinkedHashMap<>();
    private final Map<String, List<Action>> neededBy = new HashMap<>();
    private final List<String> names;

    ProjectIndex(Project project) {
        this.project = project;
        for (Action a : project.actions()) {
            if (a.name() != null) byName.putIfAbsent(a.name(), a);
        }
        names = List.copyOf(byName.keySet());
        for (Action a : project.actions()) {
            Set<String> seen = new HashSet<>();
            for (NeedsEntry n : a.needs()) {
                if (n.name() != null && seen.add(n.name())) {
                    neededBy.computeIfAbsent(n.name(), k -> new ArrayList<>()).add(a);
                }
            }
        }
    }

    Project project() {
        return project;
    }

    Action action(String name) {
        return name == null ? null : byName.get(name);
    }

    /** Action names in file order; one list per text, since needs completion reads all of them on every keystroke. */
    List<String> names() {
        return names;
    }

    /** Actions whose needs name this one directly, in file order. */
    List<Action> dependents(String name) {
        return neededBy.getOrDefault(name, List.of());
    }

    /** Every action that needs this one directly or through others (not including itself unless in a cycle). */
    Set<String> transitiveDependents(String name) {
        Set<String> out = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(name);
        while (!todo.isEmpty()) {
            for (Action a : dependents(todo.poll())) {
                if (a.name() != null && out.add(a.name())) todo.add(a.name());
            }
        }
        return out;
    }
}

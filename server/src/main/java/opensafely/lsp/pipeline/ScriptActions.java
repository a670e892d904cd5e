package opensafely.lsp.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which actions run a file, which make a file, and what an action needs, directly or through the actions it needs:
 * what the rules on analysis scripts ask of project.yaml.
 */
public final class ScriptActions {
    private ScriptActions() {
    }

    /**
     * The actions whose {@code run:} runs this file ({@code python:v2 python analysis/x.py}, {@code r:v2 Rscript
     * analysis/x.R}, {@code stata-mp analysis/x.do}, an ehrQL or cohort-extractor definition), in file order.
     *
     * @param file the file's path relative to the study folder, with {@code /}
     */
    public static List<Action> runsOf(Project project, String file) {
        List<Action> out = new ArrayList<>();
        for (Action a : project.actions()) {
            if (a.name() == null) continue;
            for (ScriptReference ref : ScriptReference.of(a.run())) {
                String p = ref.path().startsWith("./") ? ref.path().substring(2) : ref.path();
                if (p.equals(file)) {
                    out.add(a);
                    break;
                }
            }
        }
        return out;
    }

    /** The declared outputs (of any action) whose pattern matches this study-relative path, with their actions. */
    public static List<Made> producers(Project project, String path) {
        List<Made> out = new ArrayList<>();
        for (Action a : project.actions()) {
            if (a.name() == null) continue;
            for (Output o : a.outputs()) {
                if (o.path() != null && new OutputPattern(o.path()).matches(path)) out.add(new Made(a, o));
            }
        }
        return out;
    }

    /** One declared output that makes a file. */
    public record Made(Action action, Output output) {
    }

    /** The names of every action this one needs, directly or through the actions it needs. */
    public static Set<String> needsClosure(Project project, Action action) {
        Map<String, Action> byName = project.actionsByName();
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(action.needNames());
        while (!todo.isEmpty()) {
            String n = todo.pop();
            if (!seen.add(n)) continue;
            Action next = byName.get(n);
            if (next != null) todo.addAll(next.needNames());
        }
        return seen;
    }
}

package opensafely.lsp.runner;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.Project;

/**
 * Which actions a run starts, as opensafely run chooses them (tooling spec §2.3): an action named on the command
 * line always runs; an action it needs runs only when it never ran, its last job failed, an output recorded for
 * that job is gone from disk, or {@code -f} is given; otherwise the earlier outputs are used as they are (even if
 * its code changed since) and its own needs are not looked at. With {@code run_all} no action counts as named,
 * so only those missing or failed run.
 *
 * @param actions the actions to run, each after every action of the plan it needs (depth-first over needs)
 */
public record RunPlan(List<String> actions) {
    public static final String RUN_ALL = "run_all";

    public RunPlan {
        actions = List.copyOf(actions);
    }

    public boolean nothingToDo() {
        return actions.isEmpty();
    }

    /** The plan, or why there is none: an unknown action, said as opensafely says it, with the valid names. */
    public record Selection(Optional<RunPlan> plan, Optional<String> error) {
    }

    public static Selection select(Project project, List<String> names, boolean force, RunState state, Path study) {
        Map<String, Action> byName = project.actionsByName();
        boolean all = names.contains(RUN_ALL);
        for (String n : names) {
            if (!n.equals(RUN_ALL) && !byName.containsKey(n)) return new Selection(Optional.empty(), Optional.of(unknown(n, project)));
        }
        Set<String> requested = all ? Set.of() : new LinkedHashSet<>(names);
        List<String> roots = all ? project.actionNames() : List.copyOf(requested);
        Set<String> planned = new LinkedHashSet<>();
        Set<String> visited = new HashSet<>();
        for (String r : roots) visit(r, byName, requested, force, state, study, planned, visited);
        return new Selection(Optional.of(new RunPlan(new ArrayList<>(planned))), Optional.empty());
    }

    private static void visit(String name, Map<String, Action> byName, Set<String> requested, boolean force, RunState state,
                              Path study, Set<String> planned, Set<String> visited) {
        if (!visited.add(name)) return; // seen, or a cycle (which validation reports): each action once
        Action a = byName.get(name);
        if (a == null) return;
        if (!requested.contains(name) && !force && upToDate(state.last(name), study)) return;
        for (String need : a.needNames()) visit(need, byName, requested, force, state, study, planned, visited);
        planned.add(name);
    }

    /** Whether an action's last job succeeded and every output it recorded is still on disk. */
    static boolean upToDate(Optional<JobRecord> last, Path study) {
        if (last.isEmpty() || !last.get().succeeded()) return false;
        for (String out : last.get().outputs().keySet()) {
            if (!Files.isRegularFile(study.resolve(out), LinkOption.NOFOLLOW_LINKS)) return false;
        }
        return true;
    }

    /** opensafely's UnknownActionError, plus the closest name. */
    static String unknown(String name, Project project) {
        StringBuilder sb = new StringBuilder("Action '").append(name).append("' not found in project.yaml.")
                .append(DidYouMean.suffix(DidYouMean.closest(name, project.actionNames()))).append('\n')
                .append("Valid action names are:");
        for (String n : project.actionNames()) sb.append("\n  ").append(n);
        return sb.append("\n  ").append(RUN_ALL).append(" (runs all actions in project)").toString();
    }
}

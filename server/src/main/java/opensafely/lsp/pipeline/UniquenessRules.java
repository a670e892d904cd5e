package opensafely.lsp.pipeline;

import java.util.HashMap;
import java.util.Map;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.yaml.YamlScalar;

/** No two actions with the same raw run string; from version 2, no output path declared twice. */
final class UniquenessRules implements PipelineRule {
    @Override
    public void check(Project project, RuleContext ctx) {
        // Sized for the whole project up front: growing them was a fifth of this rule on big projects.
        Map<String, Action> runs = new HashMap<>(capacity(project.actions().size()));
        for (Action action : project.actions()) {
            RunCommand run = action.run();
            if (run == null || run.raw().isBlank()) continue;
            Action earlier = runs.putIfAbsent(run.raw(), action);
            if (earlier != null) {
                ctx.report(Diagnostic.of(Rule.DUPLICATE_RUN_COMMAND, run.node().range(),
                                "Action '" + action.name() + "' has the same `run` command as '" + earlier.name()
                                        + "'; OpenSAFELY rejects this. Change an argument (e.g. the output path) or remove one.")
                        .withRelated(earlier.run().node().range(), "the run command of '" + earlier.name() + "'"));
            }
        }
        if (!project.version().uniqueOutputPaths()) return;
        int outputs = 0;
        for (Action action : project.actions()) outputs += action.outputs().size();
        Map<String, Output> paths = new HashMap<>(capacity(outputs));
        Map<String, Action> owners = new HashMap<>(capacity(outputs));
        for (Action action : project.actions()) {
            for (Output o : action.outputs()) {
                String path = o.path();
                if (path == null) continue;
                Output first = paths.putIfAbsent(path, o);
                if (first == null) {
                    owners.put(path, action);
                } else {
                    Action owner = owners.get(path);
                    ctx.report(Diagnostic.of(Rule.OUTPUT_PATH_NOT_UNIQUE, o.pathNode().range(),
                                    "Output path '" + path + "' is already declared by "
                                            + (owner == action ? "this action" : "action '" + owner.name() + "'")
                                            + "; each output path must be declared once.")
                            .withRelated(((YamlScalar) first.pathNode()).range(), "first declaration of '" + path + "'"));
                }
            }
        }
    }

    /** A HashMap capacity that holds this many entries without rehashing. */
    private static int capacity(int entries) {
        return (int) (entries / 0.75f) + 1;
    }
}

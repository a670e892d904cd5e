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
        Map<String, Action> runs = new HashMap<>();
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
        Map<String, Output> paths = new HashMap<>();
        Map<String, Action> owners = new HashMap<>();
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
}

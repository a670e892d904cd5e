package opensafely.lsp.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.workspace.StudyFolder;

/**
 * Runs every project.yaml rule and returns all findings at once, sorted by position. Unlike OpenSAFELY's
 * validator, which stops at the first error, every rule runs on whatever part of the file it can read.
 */
public final class PipelineChecker {
    private final List<PipelineRule> rules = List.of(
            new TopLevelRules(),
            new ActionShapeRules(),
            new OutputPathRules(),
            new RunCommandRules(),
            new NeedsRules(),
            new CommandOutputRules(),
            new UniquenessRules(),
            new ExpectationsRules(),
            new RunFileRules());

    public List<Diagnostic> check(Project project, StudyFolder folder) {
        RuleContext ctx = new RuleContext(folder);
        project.yaml().problems().forEach(ctx::report);
        if (project.parsed()) {
            for (PipelineRule rule : rules) {
                rule.check(project, ctx);
            }
        } else if (!project.yaml().hasSyntaxError()) {
            new TopLevelRules().check(project, ctx);
        }
        List<Diagnostic> out = new ArrayList<>(ctx.diagnostics());
        out.sort(Comparator.comparing((Diagnostic d) -> d.range().start()).thenComparing(d -> d.rule().ordinal()));
        return out;
    }
}

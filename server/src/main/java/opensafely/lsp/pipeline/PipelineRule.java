package opensafely.lsp.pipeline;

/** One family of project.yaml checks. Rules read the model and report; they never throw or change it. */
public interface PipelineRule {
    void check(Project project, RuleContext ctx);
}

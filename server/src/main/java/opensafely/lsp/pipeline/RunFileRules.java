package opensafely.lsp.pipeline;

final class RunFileRules implements PipelineRule {
    @Override
    public void check(Project project, RuleContext ctx) {
    }
}

package opensafely.lsp.pipeline;

final class RunCommandRules implements PipelineRule {
    @Override
    public void check(Project project, RuleContext ctx) {
    }
}

package opensafely.lsp.pipeline;

final class NeedsRules implements PipelineRule {
    @Override
    public void check(Project project, RuleContext ctx) {
    }
}

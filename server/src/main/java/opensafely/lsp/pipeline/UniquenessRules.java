package opensafely.lsp.pipeline;

final class UniquenessRules implements PipelineRule {
    @Override
    public void check(Project project, RuleContext ctx) {
    }
}

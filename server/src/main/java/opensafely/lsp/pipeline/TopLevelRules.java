package opensafely.lsp.pipeline;

final class TopLevelRules implements PipelineRule {
    @Override
    public void check(Project project, RuleContext ctx) {
    }
}

package opensafely.lsp.pipeline;

final class ExpectationsRules implements PipelineRule {
    @Override
    public void check(Project project, RuleContext ctx) {
    }
}

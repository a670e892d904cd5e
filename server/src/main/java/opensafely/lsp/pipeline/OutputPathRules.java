package opensafely.lsp.pipeline;

final class OutputPathRules implements PipelineRule {
    @Override
    public void check(Project project, RuleContext ctx) {
    }
}

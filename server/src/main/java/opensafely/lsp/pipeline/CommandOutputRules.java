package opensafely.lsp.pipeline;

final class CommandOutputRules implements PipelineRule {
    @Override
    public void check(Project project, RuleContext ctx) {
    }
}

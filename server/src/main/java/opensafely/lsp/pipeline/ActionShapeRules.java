package opensafely.lsp.pipeline;

final class ActionShapeRules implements PipelineRule {
    @Override
    public void check(Project project, RuleContext ctx) {
    }
}

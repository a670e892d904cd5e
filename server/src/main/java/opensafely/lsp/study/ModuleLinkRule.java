package opensafely.lsp.study;

import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.python.ModuleLinks;
import opensafely.lsp.study.Value.Origin;

/** An import of a sibling module whose file is a link out of the study folder: it is not read, and that is said on the import. */
final class ModuleLinkRule implements StudyRule {
    @Override
    public void check(StudyContext ctx) {
        for (ModuleLinks.Finding l : ModuleLinks.outside(ctx.doc, ctx.folder)) {
            ctx.report(Rule.FILE_OUTSIDE_STUDY, new Origin(ctx.doc, l.start(), l.end()), null, l.message());
        }
    }
}

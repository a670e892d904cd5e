package opensafely.lsp.study;

import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.python.ModuleLinks;
import opensafely.lsp.study.Value.Origin;
import opensafely.lsp.workspace.Excerpt;

/** An import of a sibling module whose file is a link out of the study folder: it is not read, and that is said on the import. */
final class ModuleLinkRule implements StudyRule {
    @Override
    public void check(StudyContext ctx) {
        for (ModuleLinks.Finding l : ModuleLinks.outside(ctx.doc, ctx.folder)) {
            ctx.report(Rule.FILE_OUTSIDE_STUDY, new Origin(ctx.doc, l.start(), l.end()), null, "Module '" + Excerpt.of(l.module())
                    + "' is a link to a file outside the study folder, so it is not read; commit the file itself, not a link.");
        }
    }
}

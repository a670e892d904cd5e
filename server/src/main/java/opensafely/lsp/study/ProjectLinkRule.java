package opensafely.lsp.study;

import java.util.Optional;
import java.util.Set;
import opensafely.lsp.diagnostics.Rule;

/**
 * A study definition that no generate_cohort action runs is probably stale: a hint on its StudyDefinition.
 * (The reverse, an action naming a missing study definition, is a project.yaml error.) project.yaml is read
 * with the pipeline's parser, so a run command folded over several lines counts and a commented-out one does not.
 */
final class ProjectLinkRule implements StudyRule {
    @Override
    public void check(StudyContext ctx) {
        if (ctx.model.study == null || ctx.stem() == null || !ctx.folder.known()) return;
        Optional<Set<String>> used = ctx.pipeline().cohortStudies();
        if (used.isEmpty()) return; // no project.yaml, or a generate_cohort that runs every study definition: cannot tell
        String stem = ctx.stem();
        if (!used.get().contains(stem)) {
            ctx.report(Rule.STUDY_UNUSED, ctx.model.study.nameOrigin(), null, "No generate_cohort action in project.yaml uses "
                    + stem + " (add `--study-definition " + stem + "` to an action, or delete the file).");
        }
    }
}

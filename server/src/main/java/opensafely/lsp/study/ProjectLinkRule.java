package opensafely.lsp.study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import opensafely.lsp.diagnostics.Rule;

/**
 * A study definition that no generate_cohort action runs is probably stale: a hint on its StudyDefinition.
 * (The reverse, an action naming a missing study definition, is a project.yaml error.)
 */
final class ProjectLinkRule implements StudyRule {
    private static final Pattern STUDY_OPTION = Pattern.compile("--study-definition(?:=|\\s+)([\\w.-]+)");

    @Override
    public void check(StudyContext ctx) {
        if (ctx.model.study == null || ctx.doc.path == null || !ctx.folder.known()) return;
        String stem = ctx.doc.path.getFileName().toString().replaceFirst("\\.py$", "");
        Optional<Path> yaml = ctx.folder.resolve("project.yaml");
        if (yaml.isEmpty()) return;
        String text;
        try {
            text = Files.readString(yaml.get(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return;
        }
        Set<String> used = new HashSet<>();
        for (String line : text.split("\n")) {
            if (!line.contains("generate_cohort") || !line.contains("cohortextractor")) continue;
            Matcher m = STUDY_OPTION.matcher(line);
            if (!m.find()) return; // generate_cohort without --study-definition runs every study definition
            used.add(m.group(1));
        }
        if (used.isEmpty()) return; // no run line we can read (split over lines, say): cannot tell
        if (!used.contains(stem)) {
            ctx.report(Rule.STUDY_UNUSED, ctx.model.study.nameOrigin(), null, "No generate_cohort action in project.yaml uses "
                    + stem + " (add `--study-definition " + stem + "` to an action, or delete the file).");
        }
    }
}

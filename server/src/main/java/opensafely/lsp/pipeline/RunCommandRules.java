package opensafely.lsp.pipeline;

import java.util.regex.Pattern;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;

/** {@code run}: splittable, an image with a valid tag, and no image the file's version has retired. */
final class RunCommandRules implements PipelineRule {
    /** The tag OpenSAFELY accepts, matched over the whole tag ({@code \d} is Unicode-aware in Python). */
    static final Pattern TAG = Pattern.compile("(v[\\p{Nd}.]+(-pre)?)|dev|latest");

    @Override
    public void check(Project project, RuleContext ctx) {
        for (Action action : project.actions()) {
            RunCommand run = action.run();
            if (run == null) continue;
            String id = action.name();
            if (run.raw().isEmpty() || (run.parsed() && run.words().isEmpty())) {
                ctx.report(Rule.RUN_EMPTY, run.node().range(),
                        "`run` of action '" + id + "' is empty; give an image and a command, e.g. `python:v2 python analysis/model.py`.");
                continue;
            }
            if (!run.parsed()) {
                ctx.report(Rule.RUN_UNBALANCED_QUOTES, run.errorRange(),
                        ("No closing quotation".equals(run.error())
                                ? "This quote is never closed"
                                : "The run command ends with a backslash that escapes nothing")
                                + "; OpenSAFELY splits `run` like a shell command line and cannot split this one.");
                continue;
            }
            RunCommand.Word imageWord = run.imageWord().orElseThrow();
            String tag = run.tag();
            if (tag == null || !validTag(tag)) {
                String example = run.image() + ":" + ImageVersions.current(run.image()).orElse("v1");
                ctx.report(Rule.IMAGE_VERSION_INVALID, imageWord.range(), tag == null || tag.isEmpty()
                        ? "Image '" + run.image() + "' needs a version: write it as `" + example + "`."
                        : "'" + tag + "' is not an image version: OpenSAFELY accepts tags like v1, v2, dev or latest, e.g. `" + example + "`.");
            }
            if (project.version().cohortExtractorRemoved() && imageWord.value().startsWith("cohortextractor")) {
                ctx.report(Rule.COHORTEXTRACTOR_UNSUPPORTED, imageWord.range(),
                        "Action '" + id + "' uses cohort-extractor, which project.yaml version " + project.version().pythonRepr()
                                + " does not support. Port it to ehrQL, or use version 3.");
            }
            // cohort-extractor is retired: its latest no longer moves, so only version 5's ban is worth saying.
            if (imageWord.value().endsWith(":latest")
                    && (!run.image().startsWith("cohortextractor") || project.version().latestTagForbidden())) {
                latest(project, ctx, run, imageWord, id);
            }
        }
    }

    /** {@link #TAG}, with the usual tags (v1, v2, latest) recognised without running it. */
    static boolean validTag(String tag) {
        if (tag.equals("latest") || tag.equals("dev")) return true;
        if (tag.length() >= 2 && tag.charAt(0) == 'v') {
            boolean digitsAndDots = true;
            for (int i = 1; i < tag.length() && digitsAndDots; i++) {
                char c = tag.charAt(i);
                digitsAndDots = c >= '0' && c <= '9' || c == '.';
            }
            if (digitsAndDots) return true;
        }
        return TAG.matcher(tag).matches();
    }

    /**
     * The `:latest` warning or error, with the current version of the image as the first fix (what the
     * documentation and new studies use) and, where it differs, the version :latest runs today (v1), which
     * changes nothing for a study that works now.
     */
    private static void latest(Project project, RuleContext ctx, RunCommand run, RunCommand.Word imageWord, String id) {
        String current = ImageVersions.current(run.image()).orElse(null);
        String today = ImageVersions.latestMeans(run.image()).orElse(null);
        String suggestion = run.image() + ":" + (current == null ? "v1" : current);
        String runsToday = today != null && !today.equals(current) ? " (`:latest` runs " + today + " today)" : "";
        boolean forbidden = project.version().latestTagForbidden();
        Diagnostic d = forbidden
                ? Diagnostic.of(Rule.LATEST_TAG_UNSUPPORTED, imageWord.range(),
                        "Action '" + id + "' uses `" + imageWord.value() + "`, which version 5 does not allow; pin a version such as `"
                                + suggestion + "`" + runsToday + ".")
                : Diagnostic.of(Rule.LATEST_TAG, imageWord.range(),
                        "`" + imageWord.value() + "` can change under you, and version 5 rejects it; pin a version such as `"
                                + suggestion + "`" + runsToday + ".");
        if (current != null) {
            Range r = imageWord.range();
            // The tag is the end of the first word: replace just "latest".
            Range tagRange = r.start().line() == r.end().line()
                    ? new Range(new Position(r.end().line(), r.end().character() - "latest".length()), r.end())
                    : r;
            d = d.withFix(Fix.replace("Pin " + run.image() + " to :" + current + " (the current version)", tagRange,
                    tagRange == r ? run.image() + ":" + current : current));
            if (today != null && !today.equals(current)) {
                d = d.withFix(Fix.replace("Pin " + run.image() + " to :" + today + " (what :latest runs today)", tagRange,
                        tagRange == r ? run.image() + ":" + today : today));
            }
        }
        ctx.report(d);
    }
}

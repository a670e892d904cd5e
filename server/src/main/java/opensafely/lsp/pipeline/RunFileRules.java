package opensafely.lsp.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;

/**
 * A script or definition named in {@code run} must exist in the study folder, or the job fails as soon as
 * it starts. Only checked when the folder is known, and never for a file that another action writes.
 */
final class RunFileRules implements PipelineRule {
    @Override
    public void check(Project project, RuleContext ctx) {
        if (!ctx.folder().known()) return;
        List<Pattern> produced = new ArrayList<>();
        for (Action a : project.actions()) {
            for (Output o : a.outputs()) {
                if (o.path() != null) produced.add(glob(o.path()));
            }
        }
        for (Action action : project.actions()) {
            for (ScriptReference ref : ScriptReference.of(action.run())) {
                if (ctx.folder().isFile(ref.path())) continue;
                if (produced.stream().anyMatch(p -> p.matcher(ref.path()).matches())) continue;
                report(ctx, action, ref);
            }
        }
    }

    private static void report(RuleContext ctx, Action action, ScriptReference ref) {
        String path = ref.path();
        int slash = path.lastIndexOf('/');
        String dir = slash < 0 ? "" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        List<String> siblings = ctx.folder().list(dir).stream().filter(s -> !s.endsWith("/")).toList();
        Optional<String> suggestion = DidYouMean.closest(name, siblings);
        String where = ctx.folder().isDirectory(dir.isEmpty() ? "." : dir) ? "" : " (there is no folder '" + dir + "')";
        Diagnostic d = Diagnostic.of(Rule.RUN_FILE_MISSING, ref.word().range(),
                "'" + path + "' does not exist in the study folder" + where + ", so action '" + action.name()
                        + "' would fail." + suggestion.map(s -> " Did you mean '" + (dir.isEmpty() ? s : dir + "/" + s) + "'?").orElse(""));
        if (suggestion.isPresent() && ref.word().value().equals(path)) {
            String fixed = dir.isEmpty() ? suggestion.get() : dir + "/" + suggestion.get();
            d = d.withFix(Fix.replace("Change to '" + fixed + "'", ref.word().range(), fixed));
        }
        ctx.report(d);
    }

    /** An output pattern as a regex: {@code *} matches within one path component, as the job runner's glob does. */
    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (re.length() > 0) re.append("[^/]*");
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }
}

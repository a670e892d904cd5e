package opensafely.lsp.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
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
        Produced produced = null;
        // Many actions run the same script with other arguments: ask the file system once per path.
        Map<String, Boolean> isFile = new HashMap<>();
        Function<String, Boolean> ask = ctx.folder()::isFile;
        for (Action action : project.actions()) {
            for (ScriptReference ref : ScriptReference.of(action.run())) {
                if (isFile.computeIfAbsent(ref.path(), ask)) continue;
                if (produced == null) produced = new Produced(project); // only once a file is missing
                if (produced.matches(ref.path())) continue;
                report(ctx, action, ref);
            }
        }
    }

    /** The paths the project's actions write: plain paths in a set, globs as patterns. */
    private static final class Produced {
        private final Set<String> paths = new HashSet<>();
        private final List<Pattern> globs = new ArrayList<>();

        Produced(Project project) {
            for (Action a : project.actions()) {
                for (Output o : a.outputs()) {
                    if (o.path() == null) continue;
                    if (o.path().contains("*")) globs.add(glob(o.path()));
                    else paths.add(o.path());
                }
            }
        }

        boolean matches(String path) {
            return paths.contains(path) || globs.stream().anyMatch(p -> p.matcher(path).matches());
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

package opensafely.lsp.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.OutputPattern;
import opensafely.lsp.pipeline.Project;

/**
 * What a failed job's log says the researcher should do. The common one: a script reads another action's output
 * without that action in its {@code needs}, so the file was not in the job's workspace (as on the server); the log
 * then names the path, and the hint names the entry to add.
 */
final class FailureHints {
    /** Path-like words: what a traceback or an R error quotes ("output/dataset.csv.gz", 'output/x.csv'). */
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_./*-]+");
    private static final Pattern NO_MODULE = Pattern.compile("ModuleNotFoundError: No module named '([^']+)'");
    private static final Pattern NO_R_PACKAGE = Pattern.compile("there is no package called ‘([^’]+)’");

    private FailureHints() {
    }

    /** The actions (not needed by {@code action}) whose declared outputs the log names, in file order. */
    static List<String> missingNeeds(Project project, Action action, List<String> log) {
        Map<String, List<OutputPattern>> others = new LinkedHashMap<>();
        for (Action a : project.actions()) {
            if (a.name() == null || a.name().equals(action.name()) || action.needNames().contains(a.name())) continue;
            List<OutputPattern> patterns = new ArrayList<>();
            a.outputs().forEach(o -> {
                if (o.path() != null) patterns.add(new OutputPattern(o.path()));
            });
            others.put(a.name(), patterns);
        }
        List<String> found = new ArrayList<>();
        for (String line : log) {
            Matcher m = WORD.matcher(line);
            while (m.find()) {
                String w = m.group().replaceFirst("^(\\./)+", "").replaceFirst("^/workspace/", "");
                others.forEach((name, patterns) -> {
                    if (!found.contains(name) && patterns.stream().anyMatch(p -> p.matches(w))) found.add(name);
                });
            }
        }
        return found;
    }

    /** The hint line for a failed job, or empty. */
    static Optional<String> hint(String action, List<String> missingNeeds, List<String> log) {
        if (!missingNeeds.isEmpty()) {
            return Optional.of("the log names an output of " + String.join(", ", missingNeeds) + ", which `" + action
                    + "` does not need, so it was not in the job's folder: add `needs: [" + String.join(", ", missingNeeds)
                    + "]` to `" + action + "` in project.yaml");
        }
        for (String line : log) {
            Matcher m = NO_MODULE.matcher(line);
            if (m.find()) {
                return Optional.of("the Python package '" + m.group(1) + "' is not installed for the Python that ran the job"
                        + ": install it, point --python at a Python that has it, or run with --executor docker");
            }
            m = NO_R_PACKAGE.matcher(line);
            if (m.find()) {
                return Optional.of("the R package '" + m.group(1) + "' is not installed: install it, or run with --executor docker");
            }
        }
        return Optional.empty();
    }
}

package opensafely.lsp.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.NeedsEdit;
import opensafely.lsp.pipeline.Output;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.yaml.YamlMapping;
import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;
import opensafely.lsp.yaml.YamlSequence;

/**
 * What the last runs of a study's actions say about its project.yaml, as diagnostics the editor shows beside the
 * static ones: a failed job on its action's name ({@code run-failed}), an output pattern that matched nothing on the
 * pattern ({@code run-unmatched-output}), a read of an output the action does not need on its name with a fix that
 * adds the entry ({@code run-missing-needs}). A finding lasts until the action next succeeds, or until its text in
 * project.yaml changes (the edit may be the fix; the next run will tell). Thread-safe: runs record from their
 * threads while the editor asks for diagnostics from its own.
 */
public final class RunFindings {
    /** How many log lines a run-failed message quotes. */
    static final int LOG_LINES = 8;

    /** A failed job, with its action's text in project.yaml when it ran (from its name to the end of its body). */
    private record Failure(JobResult result, String actionText) {
    }

    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    /**
     * Records how a job ended. A success clears its action's findings; a cancelled job, or one that never started
     * because a dependency failed, changes nothing (it says nothing about the action itself).
     *
     * @param project the project.yaml the run read, and {@code text} its text
     */
    public void record(JobResult result, Project project, String text) {
        if (result.succeeded()) {
            failures.remove(result.action());
            return;
        }
        if (result.cancelled() || result.dependencyFailed()) return;
        Optional<String> actionText = project.action(result.action()).map(a -> actionText(a, text));
        if (actionText.isEmpty()) return;
        failures.put(result.action(), new Failure(result, actionText.get()));
    }

    public boolean isEmpty() {
        return failures.isEmpty();
    }

    /** The findings for project.yaml as it is now ({@code project} parsed from {@code text}): stale ones left out. */
    public List<Diagnostic> diagnostics(Project project, String text) {
        if (failures.isEmpty()) return List.of();
        List<Diagnostic> out = new ArrayList<>();
        LineIndex lines = new LineIndex(text);
        for (Action action : project.actions()) {
            Failure f = action.name() == null ? null : failures.get(action.name());
            if (f == null || !f.actionText().equals(actionText(action, text))) continue;
            out.addAll(diagnostics(action, f.result(), lines));
        }
        return out;
    }

    private static List<Diagnostic> diagnostics(Action action, JobResult r, LineIndex lines) {
        List<Diagnostic> out = new ArrayList<>();
        Range name = action.nameNode().range();
        String log = "See " + r.logFile() + " for the whole log.";
        if (!r.missingNeeds().isEmpty()) {
            String needed = String.join(", ", r.missingNeeds());
            Diagnostic d = Diagnostic.of(Rule.RUN_MISSING_NEEDS, name, "Action '" + action.name() + "' failed" + exit(r)
                            + ": its log names an output of " + needed + ", which it does not need, so the file was not in the job's folder."
                            + " Add `needs: [" + needed + "]`." + tail(r) + "\n" + log)
                    .withRelatedFile(r.logFile(), Range.of(0, 0, 0, 0), "the job's log");
            Optional<TextEdit> edit = addNeeds(action, r.missingNeeds(), lines);
            if (edit.isPresent()) d = d.withFix(new Fix("Add " + needed + " to the needs of '" + action.name() + "'", List.of(edit.get())));
            out.add(d);
            return out;
        }
        // A script that failed wrote nothing: its patterns' failing to match is a consequence, not the finding.
        if ("unmatched_patterns".equals(r.statusCode()) && !r.unmatched().isEmpty()) {
            for (Output o : action.outputs()) {
                if (o.path() == null || !r.unmatched().contains(o.path())) continue;
                String meant = r.suggestions().get(o.path());
                String message = "The last run of '" + action.name() + "' wrote no file that matches '" + o.path() + "', so the action failed."
                        + (meant != null ? " Did you mean '" + meant + "'?" : " Make the script write it, or change the pattern.")
                        + (r.undeclared().isEmpty() ? "" : " The job wrote: " + String.join(", ", r.undeclared().subList(0, Math.min(5, r.undeclared().size()))) + ".");
                Diagnostic d = Diagnostic.of(Rule.RUN_UNMATCHED_OUTPUT, o.pathNode().range(), message)
                        .withRelatedFile(r.logFile(), Range.of(0, 0, 0, 0), "the job's log");
                if (meant != null && o.pathNode() instanceof YamlScalar s && s.plain()) d = d.withFix(Fix.replace("Change to '" + meant + "'", s.range(), meant));
                out.add(d);
            }
            if (!out.isEmpty()) return out;
        }
        String hint = r.hint() == null ? "" : " Hint: " + r.hint() + ".";
        out.add(Diagnostic.of(Rule.RUN_FAILED, name, "Action '" + action.name() + "' failed when run" + exit(r) + "." + hint + tail(r) + "\n" + log)
                .withRelatedFile(r.logFile(), Range.of(0, 0, 0, 0), "the job's log"));
        return out;
    }

    /** ": exit 1 (Job exited with an error)", or the status message alone when the command did not run. */
    private static String exit(JobResult r) {
        String message = r.message() == null || r.message().isBlank() ? r.statusCode() : r.message();
        return r.exitCode() != null ? ": exit " + r.exitCode() + " (" + message + ")" : ": " + message;
    }

    private static String tail(JobResult r) {
        if (r.logTail().isEmpty()) return "";
        List<String> last = r.logTail().subList(Math.max(0, r.logTail().size() - LOG_LINES), r.logTail().size());
        return "\nLast lines of the log:\n  " + String.join("\n  ", last);
    }

    /** The action as written: from its name to the end of its value. */
    static String actionText(Action action, String text) {
        LineIndex lines = new LineIndex(text);
        int start = lines.offset(action.nameNode().range().start());
        int end = lines.offset(action.value().range().end());
        return end >= start ? text.substring(start, end) : "";
    }

    /** The edit that adds {@code names} to the action's needs ({@link NeedsEdit}). */
    static Optional<TextEdit> addNeeds(Action action, List<String> names, LineIndex lines) {
        return NeedsEdit.addNeeds(action, names, lines);
    }
}

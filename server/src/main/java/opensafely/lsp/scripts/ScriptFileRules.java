package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.Output;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ScriptActions;
import opensafely.lsp.workspace.DocumentKind;

/**
 * The files a script reads and writes, against project.yaml: a read of another action's output that the script's
 * action does not need ({@code script-missing-needs}), a read of a file nothing makes ({@code script-input-missing}),
 * a write no output pattern keeps ({@code script-output-undeclared}).
 */
final class ScriptFileRules {
    private ScriptFileRules() {
    }

    /** A read of a file only actions outside the runner's needs make. */
    record MissingNeeds(FileUse use, List<ScriptActions.Made> producers) {
        List<String> actionNames() {
            Set<String> names = new LinkedHashSet<>();
            for (ScriptActions.Made m : producers) names.add(m.action().name());
            return List.copyOf(names);
        }
    }

    /** Every read of this script's uses that the runner cannot see, in text order. */
    static List<MissingNeeds> missingNeeds(Project project, Action runner, ScriptUses uses) {
        List<MissingNeeds> out = new ArrayList<>();
        Set<String> needed = null;
        for (FileUse u : uses.files()) {
            if (u.access() != FileUse.Access.READ || !u.exact() || u.conditional() || writtenBefore(uses, u)) continue;
            List<ScriptActions.Made> producers = ScriptActions.producers(project, u.path());
            if (producers.isEmpty() || producers.stream().anyMatch(m -> m.action() == runner || runner.name().equals(m.action().name()))) continue;
            if (needed == null) needed = ScriptActions.needsClosure(project, runner);
            Set<String> n = needed;
            if (producers.stream().noneMatch(m -> n.contains(m.action().name()))) out.add(new MissingNeeds(u, producers));
        }
        return out;
    }

    static void check(ScriptContext ctx) {
        if (ctx.runners().isEmpty()) return;
        // One finding per place in the script: a path built in a loop names several files at one range.
        Set<opensafely.lsp.text.Range> reported = new LinkedHashSet<>();
        for (Action runner : ctx.runners()) {
            List<MissingNeeds> all = missingNeeds(ctx.project(), runner, ctx.uses());
            for (MissingNeeds m : all) {
                if (!reported.add(m.use().range())) continue;
                List<String> names = m.actionNames();
                long more = all.stream().filter(o -> o.use().range().equals(m.use().range()) && o != m).count();
                Output first = m.producers().get(0).output();
                ctx.report(Diagnostic.of(Rule.SCRIPT_MISSING_NEEDS, m.use().range(), "This script reads '" + m.use().path() + "'"
                                + (more > 0 ? " (and " + more + " more files named here)" : "") + ", an output of action " + quoted(names)
                                + ", but action '" + runner.name() + "' that runs it does not need " + (names.size() == 1 ? "it" : "any of them")
                                + ", so the file will not be in the job's folder. Add `needs: [" + names.get(0) + "]` to '" + runner.name()
                                + "' in project.yaml.")
                        .withRelatedFile("project.yaml", first.pathNode().range(), "the output of '" + names.get(0) + "'"));
            }
        }
        Set<opensafely.lsp.text.Range> missing = new LinkedHashSet<>(), undeclared = new LinkedHashSet<>();
        for (FileUse u : ctx.uses().files()) {
            if (u.access() == FileUse.Access.READ) {
                if (!reported.contains(u.range()) && !missing.contains(u.range())) missingInput(ctx, u, missing);
            } else if (!undeclared.contains(u.range())) {
                undeclared(ctx, u, undeclared);
            }
        }
    }

    private static void missingInput(ScriptContext ctx, FileUse u, Set<opensafely.lsp.text.Range> done) {
        if (!u.exact() || u.conditional() || writtenBefore(ctx.uses(), u)) return;
        // codelists/ is filled by `opensafely codelists update`; its own rules say what is missing there.
        if (u.path().startsWith(DocumentKind.CODELISTS_DIR + "/")) return;
        if (!ScriptActions.producers(ctx.project(), u.path()).isEmpty() || ctx.folder().isFile(u.path())) return;
        // A dataset ehrQL writes but no pattern keeps: generate-dataset-output-mismatch says so on project.yaml.
        if (DatasetColumnsOf.datasetWriting(ctx.project(), u.path()) != null) return;
        done.add(u.range());
        ctx.report(Diagnostic.of(Rule.SCRIPT_INPUT_MISSING, u.range(), "No action of project.yaml makes '" + u.path()
                + "' and the study folder does not hold it, so the job will not find it. Fix the path, or declare the file as an output"
                + " of the action that writes it and add that action to `needs`."));
    }

    private static void undeclared(ScriptContext ctx, FileUse u, Set<opensafely.lsp.text.Range> done) {
        for (Action runner : ctx.runners()) {
            boolean kept = false;
            for (Output o : runner.outputs()) {
                if (o.path() != null && GlobMatch.overlap(u.path(), o.path())) kept = true;
            }
            if (kept) continue;
            done.add(u.range());
            ctx.report(Diagnostic.of(Rule.SCRIPT_OUTPUT_UNDECLARED, u.range(), "'" + u.path() + "' matches no output pattern of action '"
                    + runner.name() + "', so it is discarded when the job ends. Declare it under `outputs:` in project.yaml if you need it."));
            return;
        }
    }

    /** A read of a file the script wrote itself before (a temporary file, or one read back). */
    private static boolean writtenBefore(ScriptUses uses, FileUse read) {
        for (FileUse w : uses.files()) {
            if (w.access() == FileUse.Access.WRITE && GlobMatch.overlap(w.path(), read.path())
                    && w.range().start().compareTo(read.range().start()) <= 0) return true;
        }
        return false;
    }

    static String quoted(List<String> names) {
        return "'" + String.join("' or '", names) + "'";
    }
}

package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.NeedsEdit;
import opensafely.lsp.pipeline.Output;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ScriptReference;
import opensafely.lsp.workspace.StudyFolder;

/**
 * What the scripts of a study say about its project.yaml, on project.yaml: an action whose script reads an output
 * of an action it does not need ({@code script-missing-needs}, on the script's name in {@code run:}, with the fix that
 * adds the need, which a diagnostic in the script cannot carry), and an output pattern that none of the files its script
 * writes can match ({@code script-output-never-written}), said only when every write of the script is known.
 */
public final class ProjectScriptFindings {
    /** The images whose scripts are read, and the language of each. */
    private static final List<String> SCRIPT_IMAGES = List.of("python", "r", "stata-mp");

    /**
     * Text without which a Python script reads and writes no file the reader can see (so neither rule has anything to
     * say): such a script (a placeholder, say) is not parsed, and `check project.yaml` does not load the grammar for it.
     */
    private static final java.util.regex.Pattern PYTHON_FILE_CALLS =
            java.util.regex.Pattern.compile("read_|to_|savefig|open|write|save|dump|load|copy|move|rename|Writer");

    private ProjectScriptFindings() {
    }

    public static List<Diagnostic> diagnostics(Project project, StudyFolder folder) {
        List<Diagnostic> out = new ArrayList<>();
        if (!project.parsed() || folder.root().isEmpty()) return out;
        // Many actions run one script with other arguments: each file is read, and each script read, once per call
        // (on a 2,500-action project.yaml this was most of a keystroke's analysis).
        java.util.Map<String, Optional<String>> texts = new java.util.HashMap<>();
        java.util.function.Function<String, Optional<String>> text = p -> texts.computeIfAbsent(p, folder::readString);
        java.util.Map<String, Optional<ScriptUses>> read = new java.util.HashMap<>();
        for (Action a : project.actions()) {
            if (a.name() == null || a.run() == null || !SCRIPT_IMAGES.contains(a.run().image())) continue;
            for (ScriptReference ref : ScriptReference.of(a.run())) {
                String path = ref.path().startsWith("./") ? ref.path().substring(2) : ref.path();
                Optional<ScriptUses> uses = read.computeIfAbsent(path, p -> uses(p, text));
                if (uses.isEmpty()) continue;
                missingNeeds(project, a, ref, uses.get(), out);
                neverWritten(a, ref, uses.get(), out);
            }
        }
        return out;
    }

    /** What the script at this path does, or empty when it is not a script read here or touches no file. */
    private static Optional<ScriptUses> uses(String path, java.util.function.Function<String, Optional<String>> texts) {
        Optional<ScriptLanguage> language = ScriptLanguage.of(java.nio.file.Path.of(path));
        Optional<String> text = language.isEmpty() ? Optional.empty() : texts.apply(path);
        if (text.isEmpty() || language.get() == ScriptLanguage.PYTHON && !PYTHON_FILE_CALLS.matcher(text.get()).find()) return Optional.empty();
        return Optional.of(ScriptReaders.read(language.get(), path, text.get(), texts));
    }

    private static void missingNeeds(Project project, Action a, ScriptReference ref, ScriptUses uses, List<Diagnostic> out) {
        List<String> names = new ArrayList<>();
        List<String> files = new ArrayList<>();
        for (ScriptFileRules.MissingNeeds m : ScriptFileRules.missingNeeds(project, a, uses)) {
            String first = m.actionNames().get(0);
            if (!names.contains(first)) names.add(first);
            if (!files.contains(m.use().path())) files.add(m.use().path());
        }
        if (names.isEmpty()) return;
        Diagnostic d = Diagnostic.of(Rule.SCRIPT_MISSING_NEEDS, ref.word().range(), ref.path() + " reads " + quoteAll(files)
                + ", made by " + ScriptFileRules.quoted(names).replace("' or '", "' and '") + ", but action '" + a.name()
                + "' does not need " + (names.size() == 1 ? "it" : "them") + ", so the job will not find " + (files.size() == 1 ? "the file" : "the files")
                + ". Add `needs: [" + String.join(", ", names) + "]`.");
        Optional<TextEdit> edit = NeedsEdit.addNeeds(a, names, project.yaml().lines());
        if (edit.isPresent()) d = d.withFix(new Fix("Add " + String.join(", ", names) + " to the needs of '" + a.name() + "'", List.of(edit.get())));
        out.add(d);
    }

    private static void neverWritten(Action a, ScriptReference ref, ScriptUses uses, List<Diagnostic> out) {
        // Arguments after the script may name what it writes (sys.argv, commandArgs), which the reader does not see.
        List<String> words = a.run().args().stream().map(w -> w.value()).toList();
        int at = words.indexOf(ref.word().value());
        if (!uses.writesResolved() || at < 0 || at != words.size() - 1) return;
        // A script that touches no file at all is a placeholder still to be written (or works in ways not read here).
        if (uses.files().isEmpty()) return;
        for (Output o : a.outputs()) {
            if (o.path() == null) continue;
            boolean written = false;
            for (FileUse u : uses.files()) {
                if (u.access() == FileUse.Access.WRITE && GlobMatch.overlap(u.path(), o.path())) written = true;
            }
            if (written) continue;
            out.add(Diagnostic.of(Rule.SCRIPT_OUTPUT_NEVER_WRITTEN, o.pathNode().range(), ref.path() + " writes no file that matches '"
                    + o.path() + "', so the job will fail with \"No outputs found matching patterns\". It writes " + written(uses)
                    + ". Change the pattern, or make the script write the file."));
        }
    }

    private static String written(ScriptUses uses) {
        List<String> w = new ArrayList<>();
        for (FileUse u : uses.files()) if (u.access() == FileUse.Access.WRITE && !w.contains(u.path())) w.add(u.path());
        if (w.isEmpty()) return "no file at all";
        String shown = quoteAll(w.subList(0, Math.min(6, w.size())));
        return w.size() > 6 ? shown + " and " + (w.size() - 6) + " more" : shown;
    }

    private static String quoteAll(List<String> paths) {
        return "'" + String.join("', '", paths) + "'";
    }
}

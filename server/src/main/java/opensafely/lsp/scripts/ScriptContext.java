package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.pipeline.Action;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectOnDisk;
import opensafely.lsp.pipeline.ScriptActions;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;

/**
 * One script as the rules see it: what it reads and writes, the project.yaml of its study and the actions that run it.
 *
 * @param path the script's path relative to the study folder
 * @param runners the actions whose {@code run:} runs the script (at least one)
 */
record ScriptContext(Document doc, StudyFolder folder, Project project, String path, List<Action> runners, ScriptUses uses,
                     List<Diagnostic> out) {

    /** The context of a script that an action of the study's project.yaml runs; empty otherwise. */
    static Optional<ScriptContext> of(Document doc) {
        if (doc.path() == null) return Optional.empty();
        Optional<ScriptLanguage> language = ScriptLanguage.of(doc.path());
        if (language.isEmpty()) return Optional.empty();
        Optional<String> rel = doc.folder().relativePath(doc.path());
        if (rel.isEmpty()) return Optional.empty();
        Optional<Project> project = ProjectOnDisk.read(doc.folder());
        if (project.isEmpty()) return Optional.empty();
        List<Action> runners = ScriptActions.runsOf(project.get(), rel.get());
        if (runners.isEmpty()) return Optional.empty(); // a helper module or a script of one's own: nothing to hold it to
        ScriptUses uses = ScriptReaders.read(language.get(), rel.get(), doc.text(), doc.folder()::readString);
        return Optional.of(new ScriptContext(doc, doc.folder(), project.get(), rel.get(), runners, uses, new ArrayList<>()));
    }

    void report(Diagnostic d) {
        out.add(d);
    }
}

package opensafely.lsp.pipeline;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.StudyFolder;

/** What a pipeline rule sees besides the project: the study folder, and where its findings go. */
public final class RuleContext {
    private final StudyFolder folder;
    private final List<Diagnostic> found = new ArrayList<>();

    public RuleContext(StudyFolder folder) {
        this.folder = folder;
    }

    public StudyFolder folder() {
        return folder;
    }

    public void report(Diagnostic d) {
        found.add(d);
    }

    public Diagnostic report(Rule rule, Range range, String message) {
        Diagnostic d = Diagnostic.of(rule, range, message);
        found.add(d);
        return d;
    }

    public List<Diagnostic> diagnostics() {
        return found;
    }
}

package opensafely.lsp.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.codelists.CodelistCsvFiles;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.study.Value.Origin;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.StudyFolder;

/**
 * What a study rule sees: the model, the study folder, and where findings go. Findings are kept only for
 * the document being checked; a problem in code imported from another module is shown on the place in this
 * document that brought it in (the {@code **common_variables} say), prefixed with where it really is.
 */
final class StudyContext {
    final StudyModel model;
    final SourceFile doc;
    final StudyFolder folder;
    final Catalog catalog = Catalog.get();
    final CodelistCsvFiles codelists;
    private final Map<String, Diagnostic> found = new LinkedHashMap<>();
    /** A helper module whose own findings are also kept (at their place in it) while a definition that imports it is checked. */
    private java.nio.file.Path helper;
    private final Map<String, Diagnostic> helperFound = new LinkedHashMap<>();
    private StudyPipeline pipeline;

    StudyContext(StudyModel model, StudyFolder folder, CodelistCsvFiles codelists) {
        this.model = model;
        this.doc = model.file;
        this.folder = folder;
        this.codelists = codelists;
    }

    /** The study folder's project.yaml, read once per check. */
    StudyPipeline pipeline() {
        if (pipeline == null) pipeline = StudyPipeline.read(folder);
        return pipeline;
    }

    /** The file name of the document without .py (what --study-definition names), or null. */
    String stem() {
        return doc.path == null ? null : doc.path.getFileName().toString().replaceFirst("\\.py$", "");
    }

    /** Reports at {@code at} when it is in this document, else at {@code anchor}. Returns null when neither is. */
    Diagnostic report(Rule rule, Origin at, Origin anchor, String message, Fix... fixes) {
        return report(rule, rule.defaultSeverity(), at, anchor, message, fixes);
    }

    Diagnostic report(Rule rule, Severity severity, Origin at, Origin anchor, String message, Fix... fixes) {
        if (helper != null && at != null && at.file() != doc && at.file().path != null && at.start() >= 0
                && helper.equals(at.file().path.toAbsolutePath().normalize())) {
            Diagnostic h = new Diagnostic(at.range(), severity, rule, message, List.of(), List.of(fixes));
            helperFound.putIfAbsent(rule.id() + "@" + h.range() + ":" + message, h);
        }
        Range range;
        List<Fix> fixList = new ArrayList<>(List.of(fixes));
        if (at != null && at.file() == doc) {
            range = at.range();
        } else if (anchor != null && anchor.file() == doc) {
            range = anchor.range();
            if (at != null) message = "In " + at.file().where(at.start()) + ": " + message;
            fixList.clear(); // the fix would edit another file
        } else {
            return null;
        }
        Diagnostic d = new Diagnostic(range, severity, rule, message, List.of(), fixList);
        found.putIfAbsent(rule.id() + "@" + range + ":" + message, d);
        return d;
    }

    /** Keeps, besides this document's findings, those made in the module at this path (absolute, normalised). */
    void collectFor(java.nio.file.Path module) {
        helper = module;
    }

    /** The findings made in the module named by {@link #collectFor}, at their place there. */
    List<Diagnostic> helperDiagnostics() {
        return new ArrayList<>(helperFound.values());
    }

    List<Diagnostic> diagnostics() {
        return new ArrayList<>(found.values());
    }
}

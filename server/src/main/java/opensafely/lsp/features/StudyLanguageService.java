package opensafely.lsp.features;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import opensafely.lsp.codelists.CodelistsTxtService;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.editor.HoverInfo;
import opensafely.lsp.editor.LanguageService;
import opensafely.lsp.editor.Symbol;
import opensafely.lsp.ehrql.DatasetDefinitionService;
import opensafely.lsp.outputs.OutputsService;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.scripts.ScriptService;
import opensafely.lsp.study.StudyDefinitionService;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.Location;

/**
 * The one entry point of the analysis for the language server and `check`: picks the service for the
 * kind of document and makes sure a bug in one feature costs the user that one answer, never the server.
 */
public final class StudyLanguageService implements LanguageService {
    /** Files with nothing to say (a script too long to read). */
    private static final LanguageService NOTHING = doc -> List.of();

    private final ProjectYamlService projectYaml = new ProjectYamlService();
    // Made on first use: `check` of a project.yaml alone then never loads the study classes or the Python
    // grammar, which a cold JVM pays for in start-up time (issue #15).
    private volatile StudyDefinitionService studyDefinitions;
    private volatile PythonSize pythonSize;
    private final CodelistsTxtService codelistsTxt = new CodelistsTxtService();
    private final OutputsService outputs = new OutputsService();

    /** The parsed project.yaml of a document; the same text and version reuse one parse. */
    public Project project(Document doc) {
        return projectYaml.project(doc);
    }

    /** A Python file with more tokens than any analysis should read: only a warning that says so. */
    private static final LanguageService TOO_BIG = doc -> List.of(AnalysisIncomplete.tooBig("This file has more than "
            + PythonSize.MAX_TOKENS + " Python tokens, more than this analysis reads, so it was not checked. "
            + "Move long literal data into a CSV or JSON file that the code reads at run time."));

    /**
     * Whether the analysis reads this document at all, by the same routing as every editor feature: false for a file
     * nothing analyses, a CSV (an output is checked by the output checks, not here) and a script no action runs.
     * `check` asks it so as not to print an all-clear for a file nobody looked at.
     */
    public boolean analyses(Document doc) {
        LanguageService service = serviceFor(doc);
        if (service == NOTHING || service == outputs) return false;
        return service != ScriptService.shared() || ScriptService.runByProject(doc);
    }

    private LanguageService serviceFor(Document doc) {
        return switch (doc.kind()) {
            // project.yaml is bounded in YamlLoader; codelists.txt is read line by line, in linear time.
            case PROJECT_YAML -> projectYaml;
            case PYTHON -> {
                // A module a study definition imports is the study's when it uses cohortextractor, or when no ehrQL
                // definition claims it; a module that speaks ehrQL itself is ehrQL's. A definition keeps its own
                // analysis; any other Python file is a script, read for its files when project.yaml runs it.
                boolean cohortModule = !DatasetDefinitionService.isDatasetDefinition(doc) && doc.text().contains("cohortextractor");
                LanguageService service = StudyDefinitionService.isStudyDefinition(doc) ? studyDefinitions()
                        : cohortModule && StudyDefinitionService.isHelperModule(doc) ? studyDefinitions()
                        : DatasetDefinitionService.isChecked(doc) ? DatasetDefinitionService.shared()
                        : StudyDefinitionService.isHelperModule(doc) ? studyDefinitions() : ScriptService.shared();
                yield pythonSize().overBound(doc.text()) ? (service == ScriptService.shared() ? NOTHING : TOO_BIG) : service;
            }
            case R_SCRIPT, STATA_SCRIPT -> ScriptService.shared();
            case CODELISTS_TXT -> codelistsTxt;
            // Only a moderately_sensitive output of the study's project.yaml; a codelist or dummy-data CSV gets nothing.
            case CSV -> outputs; // it says nothing about a CSV no moderately_sensitive pattern names (asked once, in diagnostics)
            case OTHER -> NOTHING;
        };
    }

    private StudyDefinitionService studyDefinitions() {
        StudyDefinitionService s = studyDefinitions;
        if (s == null) {
            synchronized (this) {
                if (studyDefinitions == null) studyDefinitions = new StudyDefinitionService();
                s = studyDefinitions;
            }
        }
        return s;
    }

    private PythonSize pythonSize() {
        PythonSize p = pythonSize;
        if (p == null) {
            synchronized (this) {
                if (pythonSize == null) pythonSize = new PythonSize();
                p = pythonSize;
            }
        }
        return p;
    }

    /**
     * Runs one feature of the document's service. Any failure, a stack or heap exhausted by a pathological
     * text included, costs only this answer: one line on stderr (stdout may carry the protocol; a stack
     * trace helps no user), and the empty answer.
     */
    private <T> T safely(String feature, Document doc, Function<LanguageService, T> run, T fallback) {
        try {
            return run.apply(serviceFor(doc));
        } catch (Throwable e) { // StackOverflowError and OutOfMemoryError too: what failed is freed on the way out
            System.err.println("opensafely-lsp: " + feature + " failed on " + doc.path() + ": " + AnalysisIncomplete.reason(e));
            return fallback;
        }
    }

    /**
     * Diagnostics are not swallowed here: `check` must report an internal error (exit 2), not a clean file.
     * The editor publishes {@link AnalysisIncomplete#failed} in their place (lsp.DiagnosticsPublisher).
     */
    @Override
    public List<Diagnostic> diagnostics(Document doc) {
        return serviceFor(doc).diagnostics(doc);
    }

    @Override
    public List<Completion> complete(Document doc, Position pos) {
        return safely("completion", doc, s -> s.complete(doc, pos), List.of());
    }

    @Override
    public Optional<HoverInfo> hover(Document doc, Position pos) {
        return safely("hover", doc, s -> s.hover(doc, pos), Optional.empty());
    }

    @Override
    public List<Location> definition(Document doc, Position pos) {
        return safely("definition", doc, s -> s.definition(doc, pos), List.of());
    }

    @Override
    public List<Location> references(Document doc, Position pos, boolean includeDeclaration) {
        return safely("references", doc, s -> s.references(doc, pos, includeDeclaration), List.of());
    }

    @Override
    public Optional<Range> prepareRename(Document doc, Position pos) {
        return safely("prepareRename", doc, s -> s.prepareRename(doc, pos), Optional.empty());
    }

    @Override
    public List<TextEdit> rename(Document doc, Position pos, String newName) {
        return safely("rename", doc, s -> s.rename(doc, pos, newName), List.of());
    }

    @Override
    public List<Symbol> symbols(Document doc) {
        return safely("symbols", doc, s -> s.symbols(doc), List.of());
    }

    @Override
    public List<Fix> sourceActions(Document doc) {
        return safely("source actions", doc, s -> s.sourceActions(doc), List.of());
    }

    @Override
    public List<Fix> fixes(Document doc, Range range) {
        return safely("code actions", doc, s -> s.fixes(doc, range), List.of());
    }
}

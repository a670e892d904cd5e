package opensafely.lsp.features;

import java.util.List;
import java.util.Optional;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.editor.HoverInfo;
import opensafely.lsp.editor.LanguageService;
import opensafely.lsp.editor.Symbol;
import opensafely.lsp.pipeline.PipelineChecker;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectParser;
import opensafely.lsp.scripts.ProjectScriptFindings;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.Location;

/** The editor features of a project.yaml; each lives in its own class, sharing one parse per version. */
final class ProjectYamlService implements LanguageService {
    private final PipelineChecker checker = new PipelineChecker();
    private final AnalysisCache cache = new AnalysisCache(new ProjectParser());
    private final ProjectCompletion completion = new ProjectCompletion(cache);
    private final ProjectHover hover = new ProjectHover(cache);
    private final ProjectNavigation navigation = new ProjectNavigation(cache);
    private final ProjectSymbols symbols = new ProjectSymbols();

    Project project(Document doc) {
        return cache.get(doc).project();
    }

    /**
     * Always checked afresh (not cached with the text): the rules also look at the study folder, whose
     * files may have changed while the text did not.
     */
    @Override
    public List<Diagnostic> diagnostics(Document doc) {
        Project project = project(doc);
        List<Diagnostic> out = new java.util.ArrayList<>(checker.check(project, doc.folder()));
        out.addAll(ProjectScriptFindings.diagnostics(project, doc.folder()));
        return out;
    }

    @Override
    public List<Completion> complete(Document doc, Position pos) {
        return completion.complete(doc, pos);
    }

    @Override
    public Optional<HoverInfo> hover(Document doc, Position pos) {
        return hover.hover(doc, pos);
    }

    @Override
    public List<Location> definition(Document doc, Position pos) {
        return navigation.definition(doc, pos);
    }

    @Override
    public List<Location> references(Document doc, Position pos, boolean includeDeclaration) {
        return navigation.references(doc, pos, includeDeclaration);
    }

    @Override
    public Optional<Range> prepareRename(Document doc, Position pos) {
        return navigation.prepareRename(doc, pos);
    }

    @Override
    public List<TextEdit> rename(Document doc, Position pos, String newName) {
        return navigation.rename(doc, pos, newName);
    }

    @Override
    public List<Symbol> symbols(Document doc) {
        return symbols.symbols(project(doc));
    }
}

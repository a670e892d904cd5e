package opensafely.lsp.features;

import java.util.List;
import java.util.Optional;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.pipeline.PipelineChecker;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectParser;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.DocumentKind;
import opensafely.lsp.workspace.Location;

/** The one implementation of {@link LanguageService}: dispatches on the kind of document. */
public final class StudyLanguageService implements LanguageService {
    private final ProjectParser parser = new ProjectParser();
    private final PipelineChecker checker = new PipelineChecker();
    private final AnalysisCache cache = new AnalysisCache(parser);
    private final ProjectCompletion completion = new ProjectCompletion(cache);
    private final ProjectHover hover = new ProjectHover(cache);
    private final ProjectNavigation navigation = new ProjectNavigation(cache);
    private final ProjectSymbols symbols = new ProjectSymbols();
    private final QuickFixes quickFixes = new QuickFixes();

    /** The parsed project.yaml of a document; the same text and version reuse one parse. */
    public Project project(Document doc) {
        return cache.get(doc).project();
    }

    private static boolean isProject(Document doc) {
        return doc.kind() == DocumentKind.PROJECT_YAML;
    }

    @Override
    public List<Diagnostic> diagnostics(Document doc) {
        if (doc.kind() == DocumentKind.PROJECT_YAML) {
            return checker.check(project(doc), doc.folder());
        }
        return List.of();
    }

    @Override
    public List<Completion> complete(Document doc, Position pos) {
        return isProject(doc) ? completion.complete(doc, pos) : List.of();
    }

    @Override
    public Optional<HoverInfo> hover(Document doc, Position pos) {
        return isProject(doc) ? hover.hover(doc, pos) : Optional.empty();
    }

    @Override
    public List<Location> definition(Document doc, Position pos) {
        return isProject(doc) ? navigation.definition(doc, pos) : List.of();
    }

    @Override
    public List<Location> references(Document doc, Position pos, boolean includeDeclaration) {
        return isProject(doc) ? navigation.references(doc, pos, includeDeclaration) : List.of();
    }

    @Override
    public Optional<Range> prepareRename(Document doc, Position pos) {
        return isProject(doc) ? navigation.prepareRename(doc, pos) : Optional.empty();
    }

    @Override
    public List<TextEdit> rename(Document doc, Position pos, String newName) {
        return isProject(doc) ? navigation.rename(doc, pos, newName) : List.of();
    }

    @Override
    public List<Symbol> symbols(Document doc) {
        return isProject(doc) ? symbols.symbols(project(doc)) : List.of();
    }

    @Override
    public List<Fix> fixes(Document doc, Range range) {
        if (!isProject(doc)) return List.of();
        List<Diagnostic> all = cache.get(doc).diagnostics(p -> checker.check(p, doc.folder()));
        return quickFixes.fixes(all, range);
    }
}

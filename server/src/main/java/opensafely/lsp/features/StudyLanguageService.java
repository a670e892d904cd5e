package opensafely.lsp.features;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
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

    /**
     * Runs an editor feature; a bug in one must cost the user that one answer, never the server. The
     * failure goes to stderr (stdout may carry the protocol).
     */
    private static <T> T safely(String feature, Supplier<T> run, T fallback) {
        try {
            return run.get();
        } catch (RuntimeException | StackOverflowError e) {
            System.err.println("opensafely-lsp: " + feature + " failed: " + e);
            return fallback;
        }
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
        return isProject(doc) ? safely("completion", () -> completion.complete(doc, pos), List.of()) : List.of();
    }

    @Override
    public Optional<HoverInfo> hover(Document doc, Position pos) {
        return isProject(doc) ? safely("hover", () -> hover.hover(doc, pos), Optional.empty()) : Optional.empty();
    }

    @Override
    public List<Location> definition(Document doc, Position pos) {
        return isProject(doc) ? safely("definition", () -> navigation.definition(doc, pos), List.of()) : List.of();
    }

    @Override
    public List<Location> references(Document doc, Position pos, boolean includeDeclaration) {
        return isProject(doc) ? safely("references", () -> navigation.references(doc, pos, includeDeclaration), List.of()) : List.of();
    }

    @Override
    public Optional<Range> prepareRename(Document doc, Position pos) {
        return isProject(doc) ? safely("prepareRename", () -> navigation.prepareRename(doc, pos), Optional.empty()) : Optional.empty();
    }

    @Override
    public List<TextEdit> rename(Document doc, Position pos, String newName) {
        return isProject(doc) ? safely("rename", () -> navigation.rename(doc, pos, newName), List.of()) : List.of();
    }

    @Override
    public List<Symbol> symbols(Document doc) {
        return isProject(doc) ? safely("symbols", () -> symbols.symbols(project(doc)), List.of()) : List.of();
    }

    @Override
    public List<Fix> fixes(Document doc, Range range) {
        if (!isProject(doc)) return List.of();
        List<Diagnostic> all = cache.get(doc).diagnostics(p -> checker.check(p, doc.folder()));
        return quickFixes.fixes(all, range);
    }
}

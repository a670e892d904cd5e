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

    /** Parses a project.yaml document (the model is cheap to rebuild; callers cache per version). */
    public Project project(Document doc) {
        return parser.parse(doc.text());
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
        return List.of();
    }

    @Override
    public Optional<HoverInfo> hover(Document doc, Position pos) {
        return Optional.empty();
    }

    @Override
    public List<Location> definition(Document doc, Position pos) {
        return List.of();
    }

    @Override
    public List<Location> references(Document doc, Position pos, boolean includeDeclaration) {
        return List.of();
    }

    @Override
    public Optional<Range> prepareRename(Document doc, Position pos) {
        return Optional.empty();
    }

    @Override
    public List<TextEdit> rename(Document doc, Position pos, String newName) {
        return List.of();
    }

    @Override
    public List<Symbol> symbols(Document doc) {
        return List.of();
    }

    @Override
    public List<Fix> fixes(Document doc, Range range) {
        return List.of();
    }
}

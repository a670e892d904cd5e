package opensafely.lsp.lsp;

import java.util.List;
import java.util.Optional;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.editor.Completion;
import opensafely.lsp.editor.HoverInfo;
import opensafely.lsp.editor.LanguageService;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.editor.Symbol;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.Location;

/** The real language service, with single methods overridden by tests (to count calls, block, or fail). */
class DelegatingService implements LanguageService {
    final LanguageService real = new StudyLanguageService();

    @Override
    public List<Diagnostic> diagnostics(Document doc) {
        return real.diagnostics(doc);
    }

    @Override
    public List<Fix> sourceActions(Document doc) {
        return real.sourceActions(doc);
    }

    @Override
    public List<Completion> complete(Document doc, Position pos) {
        return real.complete(doc, pos);
    }

    @Override
    public Optional<HoverInfo> hover(Document doc, Position pos) {
        return real.hover(doc, pos);
    }

    @Override
    public List<Location> definition(Document doc, Position pos) {
        return real.definition(doc, pos);
    }

    @Override
    public List<Location> references(Document doc, Position pos, boolean includeDeclaration) {
        return real.references(doc, pos, includeDeclaration);
    }

    @Override
    public Optional<Range> prepareRename(Document doc, Position pos) {
        return real.prepareRename(doc, pos);
    }

    @Override
    public List<TextEdit> rename(Document doc, Position pos, String newName) {
        return real.rename(doc, pos, newName);
    }

    @Override
    public List<Symbol> symbols(Document doc) {
        return real.symbols(doc);
    }

    @Override
    public List<Fix> fixes(Document doc, Range range) {
        return real.fixes(doc, range);
    }
}

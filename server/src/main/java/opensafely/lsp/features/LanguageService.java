package opensafely.lsp.features;

import java.util.List;
import java.util.Optional;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.Location;

/**
 * Every editor feature, in editor terms and without protocol types. The language server and the CLI
 * both call this; each feature lives in its own class and this facade only dispatches on the kind of
 * document.
 */
public interface LanguageService {
    List<Diagnostic> diagnostics(Document doc);

    List<Completion> complete(Document doc, Position pos);

    Optional<HoverInfo> hover(Document doc, Position pos);

    List<Location> definition(Document doc, Position pos);

    List<Location> references(Document doc, Position pos, boolean includeDeclaration);

    /** The range of the name that would be renamed at a position, if anything there can be. */
    Optional<Range> prepareRename(Document doc, Position pos);

    /** The edits (all in this document) that rename the action at a position. Empty when nothing can be. */
    List<TextEdit> rename(Document doc, Position pos, String newName);

    List<Symbol> symbols(Document doc);

    /** Quick fixes for the diagnostics that overlap a range. */
    List<Fix> fixes(Document doc, Range range);
}

package opensafely.lsp.editor;

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
 * both call {@code features.StudyLanguageService}, which dispatches to one implementation per kind of file
 * (project.yaml, study definition, dataset definition). A kind that does not offer a feature keeps the
 * default, which answers nothing.
 */
public interface LanguageService {
    List<Diagnostic> diagnostics(Document doc);

    default List<Completion> complete(Document doc, Position pos) {
        return List.of();
    }

    default Optional<HoverInfo> hover(Document doc, Position pos) {
        return Optional.empty();
    }

    default List<Location> definition(Document doc, Position pos) {
        return List.of();
    }

    default List<Location> references(Document doc, Position pos, boolean includeDeclaration) {
        return List.of();
    }

    /** The range of the name that would be renamed at a position, if anything there can be. */
    default Optional<Range> prepareRename(Document doc, Position pos) {
        return Optional.empty();
    }

    /** The edits (all in this document) that rename the name at a position. Empty when nothing can be. */
    default List<TextEdit> rename(Document doc, Position pos, String newName) {
        return List.of();
    }

    default List<Symbol> symbols(Document doc) {
        return List.of();
    }

    /** Actions on the whole file, offered wherever the cursor is (generate dummy data, say): commands to run. */
    default List<Fix> sourceActions(Document doc) {
        return List.of();
    }

    /** Quick fixes for the diagnostics that overlap a range: those the rules attached to them. */
    default List<Fix> fixes(Document doc, Range range) {
        return QuickFixes.fixes(diagnostics(doc), range);
    }
}

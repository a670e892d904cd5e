package opensafely.lsp.editor;

import opensafely.lsp.text.Range;

/**
 * One completion proposal, in editor terms but without protocol types.
 *
 * @param insertText text to insert (a snippet with ${1:placeholders} when {@code snippet} is true)
 * @param replace the range the insert text replaces (usually the word being typed)
 */
public record Completion(String label, Kind kind, String detail, String documentation, String insertText,
                         boolean snippet, Range replace, String sortText) {
    public enum Kind { KEYWORD, PROPERTY, VALUE, REFERENCE, FILE, FOLDER, MODULE, FUNCTION, VARIABLE, CONSTANT, SNIPPET }
}

package opensafely.lsp.diagnostics;

import opensafely.lsp.text.Range;

/** Replace a range of a document with new text. */
public record TextEdit(Range range, String newText) {
}
